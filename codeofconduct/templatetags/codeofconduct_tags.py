from django import template

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
