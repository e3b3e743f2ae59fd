from django import template

from advice.selectors import faq_by_rule

register = template.Library()


@register.simple_tag(takes_context=True)
def faq_for_rule(context, anchor):
    """Published FAQ entries for one rule. One query per page, however many rules ask."""
    request = context.get("request")
    grouped = getattr(request, "_advice_faq_by_rule", None) if request is not None else None
    if grouped is None:
        grouped = faq_by_rule()
        if request is not None:
            request._advice_faq_by_rule = grouped
    return grouped.get(anchor, [])
