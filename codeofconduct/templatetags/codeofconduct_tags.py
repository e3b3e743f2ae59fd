from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext as _

from codeofconduct import slots
from codeofconduct.models import Acknowledgement

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
    return format_html(
        '<time class="app-date" datetime="{}">{}</time>',
        value.isoformat(),
        formats.date_format(value, "SHORT_DATE_FORMAT"),
    )


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
