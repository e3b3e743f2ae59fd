from django import template
from django.utils.html import format_html

from codeofconduct import slots

register = template.Library()


@register.simple_tag
def rule_slot_templates() -> list[str]:
    """The templates other apps show next to each rule (see codeofconduct.slots)."""
    return [slot.template_name for slot in slots.rule_slots()]


@register.simple_tag(takes_context=True)
def rule_slots_fingerprint(context) -> str:
    """What the rule slots show, as a fingerprint: part of the cache key of a rendered version."""
    request = context.get("request")
    return "-".join(slot.fingerprint(request) for slot in slots.rule_slots())


@register.filter
def nl(text):
    """The note's own words (titles, headings) are Dutch in every interface language: marked as such,
    so that a screen reader on an English page reads them in Dutch."""
    if text in (None, ""):
        return text
    return format_html('<span lang="nl">{}</span>', text)
