"""The main navigation, written in Python (docs/performance.md, "Lists written in Python").

`includes/navigation.html` was some hundred template nodes and thirteen `{% url %}`s on every
signed-in page; this tag writes the same HTML. The former template is kept in tests/navigation/ and
rendered beside the tag for every role, section and address (tests/test_navigation_tag.py).
"""

import html

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()

# The section of each page, in the template's order: a view belongs to the first section whose names
# contain it (as `{% if view in "…" %}` tested: part of the text).
SECTIONS = (
    (
        "policies",
        "codeofconduct:policy_list codeofconduct:archive codeofconduct:search codeofconduct:version_detail"
        " codeofconduct:policy_history codeofconduct:compare codeofconduct:acknowledge",
    ),
    ("team", "codeofconduct:team codeofconduct:team_notify codeofconduct:team_remind codeofconduct:team_briefing"),
    (
        "editor",
        "codeofconduct:editor_dashboard codeofconduct:policy_create codeofconduct:draft_create"
        " codeofconduct:draft_edit codeofconduct:draft_preview codeofconduct:publish codeofconduct:withdraw",
    ),
    ("compliance", "codeofconduct:compliance codeofconduct:compliance_export"),
    ("ask", "advice:ask advice:faq"),
)
QUESTION_VIEWS = "advice:question_detail advice:question_step advice:receipt"


def _e(value) -> str:
    """Values as the template escaped them. Translations are inserted as written, as `{% translate %}`
    of a literal inserts them."""
    return html.escape(str(value))


def _url(name) -> str:
    """`{% url name as … %}`: empty when the app that provides it is not there."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _section(view, context, roles) -> str:
    if view == "home":
        return "home"
    for section, views in SECTIONS:
        if view in views:
            return section
    if view == "advice:my_questions":
        return "mine"
    if view == "advice:manager_inbox":
        return "inbox"
    if view in "advice:bureau_queue advice:statistics advice:faq_create advice:faq_publish":
        return "bureau"
    if view in QUESTION_VIEWS:
        question, user = context.get("question"), context.get("user")
        if getattr(question, "asker_id", None) == getattr(user, "pk", None):
            return "mine"
        if roles["integriteit"] and getattr(question, "level", None) == "bureau":
            return "bureau"
        return "inbox"
    return ""


@register.simple_tag(takes_context=True)
def navigation(context):
    request, roles = context["request"], context["roles"]
    match = request.resolver_match
    # Without a resolved view (an error page) the template's view name was "", part of every text.
    section = _section(match.view_name if match else "", context, roles)
    full_path = request.get_full_path()

    def entry(name, url, label, badge=""):
        if not url:
            return ""
        current = ""
        if section == name:
            current = f' aria-current="{"page" if full_path == url else "true"}"'
        active = ' class="is-active"' if section == name else ""
        return f'<li{active}>\n<a href="{_e(url)}"{current}>{label}{badge}</a>\n</li>\n'

    badge = ""
    count = context["nav_to_read"]["count"] if "nav_to_read" in context else None
    if count:
        shown = formats.localize(count)
        label = ngettext("%(counter)s te lezen", "%(counter)s te lezen", count) % {"counter": _e(shown)}
        badge = (
            ' <span class="a-badge a-badge--s a-badge--primary app-badge"><span aria-hidden="true">'
            f'{_e(shown)}</span><span class="u-screen-reader-only">({label})</span></span>'
        )
    home = reverse("home")
    items = [
        f'<li{' class="is-active"' if section == "home" else ""}>\n<a href="{_e(home)}"'
        + (f' aria-current="{"page" if full_path == "/" else "true"}"' if section == "home" else "")
        + f">{_('Start')}</a>\n</li>\n",
        entry("policies", _url("codeofconduct:policy_list"), _("Gedragscode"), badge),
        entry("ask", _url("advice:ask"), _("Vraag advies")),
        entry("mine", _url("advice:my_questions"), _("Mijn vragen")),
    ]
    if roles["chef"]:
        items += [
            entry("team", _url("codeofconduct:team"), _("Mijn team")),
            entry("inbox", _url("advice:manager_inbox"), _("Vragen van mijn team")),
        ]
    if roles["redactie"]:
        items += [
            entry("editor", _url("codeofconduct:editor_dashboard"), _("Redactie")),
            entry("compliance", _url("codeofconduct:compliance"), _("Naleving")),
        ]
    if roles["integriteit"]:
        items.append(entry("bureau", _url("advice:bureau_queue"), _("Bureau voor Integriteit")))
    if roles["beheerder"]:
        items.append(f'<li>\n<a href="{_e(reverse("admin:index"))}">{_("Beheer")}</a>\n</li>\n')
    return mark_safe(  # noqa: S308 (every value in it is escaped above)  # nosec B308 B703
        f'<nav class="m-nav-tabs app-nav" aria-label="{_("Hoofdnavigatie")}">\n<ul class="app-nav__list">\n'
        + "".join(items)
        + "</ul>\n</nav>"
    )
