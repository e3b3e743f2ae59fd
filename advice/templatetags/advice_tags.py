import datetime

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html

from advice.models import State
from advice.selectors import faq_by_rule

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
def deadline(value) -> str:
    """A response target. Targets fall at local midnight, the end of the day before: that day is shown,
    without a meaningless "00:00"; a target at another time (asked too late for the usual one) keeps it."""
    if not value:
        return ""
    local = timezone.localtime(value)
    if local.time() == datetime.time(0, 0):
        return formats.date_format(local.date() - datetime.timedelta(days=1), "SHORT_DATE_FORMAT")
    return formats.date_format(local, "SHORT_DATETIME_FORMAT")


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
