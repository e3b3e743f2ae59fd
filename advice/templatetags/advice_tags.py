import datetime
import html

from django import template
from django.core.signals import setting_changed
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import normalize_newlines
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from advice.models import Audience, EventKind, State
from advice.selectors import faq_by_rule
from config.dates import ShortDates

register = template.Library()


SHARED_KEY = "advice_faq_by_rule"


def shared_context() -> dict:
    """The FAQ per rule for the shared rendering of a version's text (codeofconduct.slots, .shared)."""
    return {SHARED_KEY: dict(faq_by_rule())}


def _grouped(context) -> dict:
    """Published FAQ entries per rule, read once per rendering (shared) or request, however many rules ask."""
    if SHARED_KEY in context:
        return context[SHARED_KEY]
    request = context.get("request")
    grouped = getattr(request, "_advice_faq_by_rule", None) if request is not None else None
    if grouped is None:
        grouped = faq_by_rule()
        if request is not None:
            request._advice_faq_by_rule = grouped
    return grouped


@register.simple_tag(takes_context=True)
def faq_for_rule(context, anchor):
    """Published FAQ entries for one rule."""
    return _grouped(context).get(anchor, [])


@register.filter
def deadline(value, dates: ShortDates | None = None) -> str:
    """A response target. Targets fall at local midnight, the end of the day before: that day is shown,
    without a meaningless "00:00"; a target at another time (asked too late for the usual one) keeps it.
    A list passes its own `dates` (each distinct day written once)."""
    if not value:
        return ""
    dates = dates or ShortDates()
    local = timezone.localtime(value)
    if local.time() == datetime.time(0, 0):
        return dates(local.date() - datetime.timedelta(days=1))
    return dates.moment(local)


# A question's state as Core Branding's label: a colour per kind of state, always with its words.
STATE_LABEL_COLOURS = {
    State.MANAGER_ANSWERED: " a-label--success",
    State.BUREAU_ANSWERED: " a-label--success",
    State.INFO_REQUESTED: " a-label--warning",
    State.CLOSED: "",
    State.WITHDRAWN: "",
}


@register.simple_tag
def state_label(state, label):
    """`label` (the state's name for this viewer) coloured by `state`: answered (success), more
    information asked (warning), closed or withdrawn (neutral), waiting (primary).

    A tag, not an include, because the lists of questions show one per row.
    """
    return format_html(
        '<span class="a-label{}" data-state="{}">{}</span>',
        STATE_LABEL_COLOURS.get(state, " a-label--primary"),
        state,
        label,
    )


# A question number no question has: reversed once per list, its place in the path is each row's number.
_ANY_NUMBER = 987654321


@register.simple_tag
def bureau_rows(questions):
    """The Bureau's queue, a row per question (a dict of `selectors.QUEUE_ROW` with `is_overdue`), as the
    row template wrote it, in Python: a template per row cost more than the rest of the page
    (docs/performance.md). Every value is escaped (the standard library's escape: Django's, without its
    lazy-string wrapping); translations and the link's path are looked up once per list."""
    before, after = reverse("advice:question_detail", args=[_ANY_NUMBER]).split(str(_ANY_NUMBER))
    direct = f' <span class="a-label">{_e(_("rechtstreeks"))}</span>'
    late = f'<span class="a-label a-label--danger">{_e(_("Te laat"))}</span>'
    labels = {value: _e(label) for value, label in State.choices}
    day, deadlines = ShortDates(), {}
    rows = []
    for question in questions:
        pk, state = question["pk"], question["state"]
        officer = "–"
        if question["officer__username"] is not None:  # as str(Person): the full name, else the username
            name = f"{question['officer__first_name']} {question['officer__last_name']}".strip()
            officer = _e(name or question["officer__username"])
        state_label = (
            f'<span class="a-label{STATE_LABEL_COLOURS.get(state, " a-label--primary")}" data-state="{_e(state)}">'
            f"{labels.get(state, _e(state))}</span>"
        )
        overdue = ' class="advice-overdue"' if question["is_overdue"] else ""
        rows.append(
            f"<tr{overdue}><td>{pk}</td>"
            f'<td><a href="{before}{pk}{after}">{_e(question["subject"])}</a>'
            f"{direct if question['direct_reason'] else ''}</td>"
            f"<td>{_e(day(question['bureau_at']))}</td>"
            f"<td>{state_label}</td><td>{officer}</td>"
            f"<td>{late if question['is_overdue'] else _deadline_once(question['bureau_deadline'], deadlines, day)}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every value in them is escaped above)  # nosec B308 B703


@register.simple_tag
def my_question_rows(questions):
    """The asker's own questions ("Mijn vragen"), a row per (pk, subject, created_at, state), as
    advice/includes/question_rows.html writes them without the asker's column, in Python (as
    `bureau_rows`): every value escaped, labels and the link's path looked up once per list."""
    before, after = reverse("advice:question_detail", args=[_ANY_NUMBER]).split(str(_ANY_NUMBER))
    labels = {value: _e(label) for value, label in State.choices}
    day = ShortDates()
    rows = []
    for pk, subject, created_at, state in questions:
        rows.append(
            f'<tr><td>{pk}</td><td><a href="{before}{pk}{after}">{_e(subject)}</a></td>'
            f"<td>{_e(day(created_at))}</td>"
            f'<td><span class="a-label{STATE_LABEL_COLOURS.get(state, " a-label--primary")}" data-state="{_e(state)}">'
            f"{labels.get(state, _e(state))}</span></td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every value in them is escaped above)  # nosec B308 B703


# The queue's filter fields as rendered, per language and choice: two selects of eleven options cost the
# Bureau queue more through the form renderer's templates than its fifty rows (docs/performance.md).
# What they show depends on nothing else, so a valid choice (at most 1 + 7 x 4 per language) or none is
# rendered once per process; anything else (a value that is no choice) is rendered every time.
_rendered_filters: dict[tuple, str] = {}


@register.simple_tag
def queue_filter_fields(form):
    """The Bureau queue's filter fields (advice/includes/queue_filter_fields.html)."""
    if not form.is_bound:
        key = (get_language(), type(form))
    elif form.is_valid():
        key = (get_language(), type(form), tuple(form.data.get(name) for name in form.fields))
    else:
        return render_to_string("advice/includes/queue_filter_fields.html", {"form": form})
    html = _rendered_filters.get(key)
    if html is None:
        html = _rendered_filters[key] = render_to_string("advice/includes/queue_filter_fields.html", {"form": form})
    return html


def _forget_rendered_filters(**kwargs):
    _rendered_filters.clear()  # templates and their settings may differ after a changed setting (tests)


setting_changed.connect(_forget_rendered_filters)


@register.simple_tag
def timeline_items(events):
    """A question's timeline, an item per event (with `readers` set by the view), as the page's loop wrote
    it, in Python as the lists' rows are: three template tags and six filters per event were the largest
    part of the question page (docs/performance.md). Every value is escaped; a text keeps its line breaks
    (`linebreaksbr`); translations are looked up once per timeline."""
    internal = f' <span class="a-label">{_("enkel Bureau")}</span>'
    system = _("automatisch (systeem)")
    kinds, states = dict(EventKind.choices), dict(State.choices)
    dates = ShortDates()
    items = []
    for event in events:
        moment = _e(dates.moment(event.created_at))
        who = _e(event.actor) if event.actor else system
        change = ""
        if event.from_state and event.from_state != event.to_state:
            change = f" · {_e(states.get(event.from_state, event.from_state))} → {_e(states.get(event.to_state, event.to_state))}"
        text = ""
        if event.text:
            lines = _e(normalize_newlines(event.text)).replace("\n", "<br>")
            text = f'<p class="advice-text">{lines}</p><p class="app-muted advice-readers">{_e(event.readers)}</p>'
        bureau = event.audience == Audience.BUREAU
        items.append(
            f'<li class="advice-timeline__item{" advice-timeline__item--internal" if bureau else ""}">'
            f"<strong>{_e(kinds.get(event.kind, event.kind))}</strong>{internal if bureau else ''}"
            f' <span class="app-muted">· {moment} · {who}{change}</span>{text}</li>'
        )
    return mark_safe("\n".join(items))  # noqa: S308 (every value in them is escaped above)  # nosec B308 B703


def _deadline_once(value, seen: dict, dates: ShortDates) -> str:
    """`deadline(value)`, escaped, formatted once per distinct value in a list."""
    text = seen.get(value)
    if text is None:
        text = seen[value] = _e(deadline(value, dates))
    return text


def _e(value) -> str:
    return html.escape(str(value))
