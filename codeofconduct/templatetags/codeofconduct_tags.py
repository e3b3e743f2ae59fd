import html

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import template
from django.conf import settings
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from codeofconduct import slots
from codeofconduct.forms import TeamNotificationForm
from codeofconduct.models import Acknowledgement
from config import template_loader
from config.dates import ShortDates, short_date

register = template.Library()


@register.simple_tag
def rule_slot_templates() -> list[str]:
    """The templates other apps show next to each rule (see codeofconduct.slots)."""
    return [slot.template_name for slot in slots.rule_slots()]


@register.filter
def nl(text):
    """The note's own words (titles, headings) are Dutch in every interface language: marked as such,
    so that a screen reader on an English page reads them in Dutch."""
    if text in (None, ""):
        return text
    return format_html('<span lang="nl">{}</span>', text)


@register.filter
def day(value):
    """A date as the city writes it (01-12-2026), kept on one line: on a phone the browser would
    otherwise break it after a hyphen ("01-" at the end of one line, "12-2026" on the next)."""
    if value in (None, ""):
        return value
    return format_html('<time class="app-date" datetime="{}">{}</time>', value.isoformat(), short_date(value))


@register.simple_tag
def progress(share, label):
    """Core Branding's progress bar for a whole percentage `share`, named `label` for screen readers.

    The width is a class (app-w-0 … app-w-100, static/css/app.css): the CSP allows no inline style.
    A tag, not an include, because the compliance page draws one per unit row.
    """
    return format_html(
        '<div class="a-progress"><div class="a-progress__inner"><div class="a-progress__bar app-w-{}"'
        ' role="progressbar" aria-label="{}" aria-valuenow="{}" aria-valuemin="0" aria-valuemax="100">'
        "</div></div></div>",
        share,
        label,
        share,
    )


@register.simple_tag
def acknowledgement_source(ack):
    """How an acknowledgement was given when it was not by the person's own click: by a briefing (with
    the chef who recorded it) or carried over from the version before an editorial change.

    Starts with a space, so that it follows the date it explains. A tag, not an include, because the
    team page shows one per member.
    """
    if ack.source == Acknowledgement.Source.BRIEFING:
        text = _("via briefing door %(chef)s") % {"chef": ack.recorded_by.get_full_name()}
    elif ack.source == Acknowledgement.Source.CARRIED_OVER:
        text = _("overgenomen na een redactionele wijziging")
    else:
        return ""
    return format_html(' <span class="app-muted">({})</span>', text)


def _e(value) -> str:
    """`escape` without its lazy-string and SafeString wrapping: the same characters, for text written
    many times per list (format_html and conditional_escape cost more than the rest of a row)."""
    return html.escape(str(value))


_CSRF_INPUT = CsrfTokenNode()


@register.simple_tag(takes_context=True)
def acknowledgement_section(context):
    """After the text of a version (codeofconduct.views.acknowledging.acknowledgement_context): "Gelezen en
    begrepen" with its form, or when it was. Written in Python as the navigation is (docs/performance.md):
    the include it replaced (kept in tests/codeofconduct/former/ and compared in
    tests/codeofconduct/test_acknowledgement_section.py) cost the version page a tenth of the floor.
    What changed since an earlier version, seldom shown, stays a template."""
    if not context.get("acknowledgement_owed"):
        return ""
    parts = [
        '<section id="bevestigen" class="app-card coc-acknowledge app-no-print" aria-labelledby="acknowledge-title">\n'
        f'<h2 id="acknowledge-title" class="h4">{_("Gelezen en begrepen?")}</h2>\n'
    ]
    ack = context.get("acknowledgement")
    if ack:
        when = short_date(ack.acknowledged_at)  # its day in local time
        read_on = _("Gelezen en begrepen op %(date)s") % {"date": _e(when)}
        parts.append(f'<p class="coc-acknowledged">\n<strong>{read_on}</strong>{acknowledgement_source(ack)}\n</p>\n')
    else:
        if context.get("changes_since"):
            parts.append(
                context.template.engine.get_template("codeofconduct/includes/changes_since.html").render(context)
            )
        ask = _("Bevestig dat je deze dienstnota gelezen en begrepen hebt.")
        due_date = context.get("due_date")
        if due_date:
            ask += " " + _("Uiterlijk op %(date)s.") % {"date": day(due_date)}
        action = reverse("codeofconduct:acknowledge", args=[context["version"].pk])
        parts.append(
            f"<p>\n{ask}\n</p>\n"
            f'<form method="post" action="{_e(action)}" data-once>\n{_CSRF_INPUT.render(context)}\n'
            f'<button type="submit" class="a-button">{_("Gelezen en begrepen")}</button>\n</form>\n'
        )
    parts.append("</section>")
    return mark_safe("".join(parts))  # noqa: S308 (every value in it is escaped above)  # nosec B308 B703


@register.simple_tag
def team_rows(progress, whole_subtree):
    """The team page's rows (a `MemberProgress` each): the HTML the row template gave, written per row
    in Python instead of some forty template nodes per member (docs/performance.md). Every value is
    escaped as the template escaped it."""
    written = ShortDates()
    no_mailbox = f' <span class="app-muted coc-no-mailbox">{_e(_("geen e-mailadres"))}</span>'
    outside = f'<span class="app-muted">{_e(_("niet in het publiek van deze versie"))}</span>'
    not_opened = _e(_("Nog niet geopend"))
    read_on, opened_on = _("Gelezen en begrepen op %(date)s"), _("Geopend op %(date)s, nog niet bevestigd")
    late = f' <span class="a-label a-label--danger coc-badge-late">{_e(_("te laat"))}</span>'
    reminded = f' <span class="app-muted">({_e(_("vandaag herinnerd"))})</span>'
    by_briefing = _("via briefing door %(chef)s")
    carried_over = f' <span class="app-muted">({_e(_("overgenomen na een redactionele wijziging"))})</span>'
    rows = []
    for row in progress:
        person, ack = row.person, row.acknowledgement
        if not row.in_audience:
            status = outside
        elif ack is not None:
            # As {% blocktranslate %}: the values escaped, the translation itself taken as it is.
            status = read_on % {"date": _e(written(ack.acknowledged_at))}
            if ack.source == Acknowledgement.Source.BRIEFING:
                status += f' <span class="app-muted">({_e(by_briefing % {"chef": ack.recorded_by_name})})</span>'
            elif ack.source == Acknowledgement.Source.CARRIED_OVER:
                status += carried_over
        elif row.opened_at:
            status = opened_on % {"date": _e(written(row.opened_at))}
        else:
            status = not_opened
        if row.due_date:
            due = f'<time class="app-date" datetime="{row.due_date.isoformat()}">{_e(written(row.due_date))}</time>'
        else:
            due = "–"
        rows.append(
            f'<tr class="coc-team__row coc-team__row--{row.state}{" coc-team__row--late" if row.overdue else ""}"'
            f' data-person="{_e(person.username)}"><th scope="row">{_e(person.get_full_name())}'
            f"{'' if person.email else no_mailbox}</th>"
            f"{f'<td>{_e(person.manager_name)}</td>' if whole_subtree else ''}"
            f"<td>{status}{late if row.overdue else ''}{reminded if row.reminded_today else ''}</td>"
            f"<td>{due}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every value in them is escaped above)  # nosec B308 B703


@register.simple_tag
def acknowledged_rows(acknowledged):
    """Home's "Eerder gelezen en begrepen" (an `Acknowledgement` each, with its version): the rows the
    loop with an include per row wrote, one more with every version a person ever acknowledged."""
    day = ShortDates()
    rows = []
    for ack in acknowledged:
        version = ack.version
        rows.append(
            f'<tr><td><a href="{_e(version.get_absolute_url())}">{_e(version.nummer)} – '
            f'<span lang="nl">{_e(version.titel)}</span></a></td>'
            f"<td>{_e(day(ack.acknowledged_at))}{acknowledgement_source(ack)}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every value in them is escaped above)  # nosec B308 B703


# The empty "Kennisgeving aan je team" form per (language, day, settings): see team_notification_form.
_notification_forms: dict[tuple, str] = {}


@register.simple_tag
def team_notification_form():
    """The team page's empty form to confirm that the chef told their team, with today's date filled in,
    as `{{ form|crispy }}` writes it. Written once per language and day and kept: rendering it through
    the crispy templates cost a team page as much again as the rest of it, for every chef who has not
    confirmed yet (every chef on the morning of a publication). An empty form is the same for every
    chef; a filled-in one with its errors is rendered as always (team_notify.html)."""
    today = timezone.localdate()
    key = (get_language(), today, template_loader.settings_generation())
    html = _notification_forms.get(key)
    if html is None:
        if len(_notification_forms) > 8:  # earlier days
            _notification_forms.clear()
        form = TeamNotificationForm(initial={"notified_on": today})
        html = _notification_forms.setdefault(key, as_crispy_form(form))
    return html


@register.simple_tag
def version_options(versions, chosen):
    """The compliance page's choice of version ("D2018.xxx (gepubliceerd)"), as the loop over every
    version wrote it: a list that grows with each update of the code, each status's label looked up
    once per list."""
    labels = {}
    options = []
    for version in versions:
        label = labels.get(version.status)
        if label is None:
            label = labels[version.status] = _e(str(version.get_status_display()).lower())
        selected = " selected" if version.pk == chosen.pk else ""
        options.append(f'<option value="{version.pk}"{selected}>{_e(version.nummer)} ({label})</option>')
    return mark_safe("\n".join(options))  # noqa: S308 (every value in them is escaped above)  # nosec B308 B703


def _number():
    """How the template writes a whole number: as it is, unless thousands are grouped (USE_THOUSAND_SEPARATOR)."""
    return formats.number_format if settings.USE_THOUSAND_SEPARATOR else str


@register.simple_tag
def unit_rows(rows, version):
    """The compliance page's units (a `UnitFigures` each), as the row template wrote them."""
    number = _number()
    yes = _e(_("ja"))
    share_in, done_of = _("Aandeel bevestigd in %(unit)s"), _("%(done)s van %(total)s")
    written = []
    for row in rows:
        code, name, share = _e(row.unit.code), _e(row.unit.name), row.share
        if row.notification_confirmed:
            notified = yes
        elif row.chefs:
            notified = done_of % {"done": number(row.chefs_confirmed), "total": number(row.chefs)}
        else:
            notified = "–"
        written.append(
            f'<tr data-unit="{code}"><th scope="row"><a href="?versie={version.pk}&amp;eenheid={code}">{name}</a></th>'
            f"<td>{number(row.audience)}</td><td>{number(row.acknowledged)}</td>"
            f'<td><div class="app-progress-cell">{_progress(share, share_in % {"unit": name})}'
            f" <span>{number(share)}%</span></div></td><td>{number(row.overdue)}</td><td>{notified}</td></tr>"
        )
    return mark_safe("\n".join(written))  # noqa: S308 (every value in them is escaped above)  # nosec B308 B703


def _progress(share, label) -> str:
    """`progress` for a label that is HTML already."""
    return (
        f'<div class="a-progress"><div class="a-progress__inner"><div class="a-progress__bar app-w-{share}"'
        f' role="progressbar" aria-label="{label}" aria-valuenow="{share}" aria-valuemin="0" aria-valuemax="100">'
        "</div></div></div>"
    )


@register.simple_tag
def chart_columns(chart):
    """The chart's bars: every bar's value while they fit (`label_every_bar`), else the last one's."""
    number = _number()
    bars, last = chart["bars"], len(chart["bars"]) - 1
    written = []
    for index, bar in enumerate(bars):
        value = ""
        if chart["label_every_bar"] or index == last:
            value = f'<span class="app-chart__value">{number(bar["cumulative"])}</span>'
        written.append(
            f'<div class="app-chart__column"><div class="app-chart__bar app-h-{bar["percent"]}">{value}</div></div>'
        )
    return mark_safe("\n".join(written))  # noqa: S308 (numbers only)  # nosec B308 B703


@register.simple_tag
def chart_days(chart):
    """The chart's figures as table rows, a day each."""
    number, day = _number(), ShortDates()
    return mark_safe(  # noqa: S308 (dates and numbers only)  # nosec B308 B703
        "\n".join(
            f'<tr><th scope="row">{_e(day(bar["day"]))}</th><td class="u-text-right">{number(bar["count"])}</td>'
            f'<td class="u-text-right">{number(bar["cumulative"])}</td>'
            f'<td class="u-text-right">{number(bar["share"])}%</td></tr>'
            for bar in chart["bars"]
        )
    )


@register.simple_tag
def people_rows(people):
    """The compliance page's people (`compliance.people_page`), as the row template wrote them."""
    day = ShortDates()
    via = _("via briefing door %(first)s %(last)s")
    written = []
    for person in people:
        acknowledged = _e(day(person.acknowledged_at)) if person.acknowledged_at else "–"
        if person.acknowledgement_source == Acknowledgement.Source.BRIEFING:
            # As {% blocktranslate %}: the values escaped, the translation taken as it is.
            text = via % {"first": _e(person.proxy_chef_first), "last": _e(person.proxy_chef_last)}
            acknowledged += f' <span class="app-muted">({text})</span>'
        written.append(
            f"<tr><td>{_e(person.personeelsnummer)}</td>"
            f"<td>{_e(_full_name(person.first_name, person.last_name))}</td><td>{_e(person.unit__name)}</td>"
            f"<td>{_e(_full_name(person.manager__first_name, person.manager__last_name))}</td>"
            f"<td>{_e(day(person.opened_at)) if person.opened_at else '–'}</td><td>{acknowledged}</td></tr>"
        )
    return mark_safe("\n".join(written))  # noqa: S308 (every value in them is escaped above)  # nosec B308 B703


def _full_name(first, last) -> str:
    """Person.get_full_name of a person read as values; nobody (no chef) is empty."""
    return f"{first or ''} {last or ''}".strip()
