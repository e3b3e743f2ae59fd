"""The main navigation and the header's tools, written in Python (docs/performance.md, "Lists written in
Python").

`includes/navigation.html` was some hundred template nodes and thirteen `{% url %}`s on every
signed-in page; this tag writes the same HTML. The former template is kept in tests/navigation/ and
rendered beside the tag for every role, section and address (tests/test_navigation_tag.py).
"""

import html

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template.defaulttags import CsrfTokenNode
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info, ngettext
from django.utils.translation import gettext as _

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


# The navigation's addresses take no arguments: reversed once per URLconf and script prefix, not on every
# page (ten reversals were a tenth of a page's own cost). A changed setting (tests) forgets them.
_reversed: dict[tuple, str] = {}


def _reverse(name) -> str:
    key = (name, get_urlconf(), get_script_prefix())
    url = _reversed.get(key)
    if url is None:
        url = _reversed[key] = reverse(name)
    return url


def _forget_reversed(**kwargs):
    _reversed.clear()
    _written.clear()


setting_changed.connect(_forget_reversed)


def _url(name) -> str:
    """`{% url name as … %}`: empty when the app that provides it is not there."""
    try:
        return _reverse(name)
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


# The navigation is the same for everyone in the same section with the same roles and badge: written
# once per such combination (and language, URLconf and script prefix), a few hundred at most. The
# address matters only when it is one the navigation links to (aria-current="page").
_written: dict[tuple, str] = {}
ROLE_NAMES = ("chef", "redactie", "integriteit", "beheerder")


@register.simple_tag(takes_context=True)
def navigation(context):
    request, roles = context["request"], context["roles"]
    match = request.resolver_match
    # Without a resolved view (an error page) the template's view name was "", part of every text.
    section = _section(match.view_name if match else "", context, roles)
    full_path = request.get_full_path()
    count = context["nav_to_read"]["count"] if "nav_to_read" in context else None
    urlconf, prefix = get_urlconf(), get_script_prefix()
    if full_path not in _linked(urlconf, prefix):
        full_path = ""  # the same HTML as for any other address that is not a link of it
    key = (get_language(), urlconf, prefix, section, full_path, tuple(bool(roles[name]) for name in ROLE_NAMES), count)
    written = _written.get(key)
    if written is None:
        written = _written[key] = _write_navigation(section, full_path, roles, count)
    return mark_safe(written)  # noqa: S308 (every value in it is escaped in _write_navigation)  # nosec B308 B703


# The entries that can be the current page (aria-current="page" on their own address).
ENTRY_URL_NAMES = (
    "codeofconduct:policy_list",
    "advice:ask",
    "advice:my_questions",
    "codeofconduct:team",
    "advice:manager_inbox",
    "codeofconduct:editor_dashboard",
    "codeofconduct:compliance",
    "advice:bureau_queue",
)


def _linked(urlconf, prefix) -> frozenset:
    """The addresses on which an entry is the current page, and "/" (home's own test)."""
    key = ("entry addresses", urlconf, prefix)
    linked = _reversed.get(key)
    if linked is None:
        linked = _reversed[key] = frozenset({"/", *(url for url in map(_url, ENTRY_URL_NAMES) if url)})
    return linked


def _write_navigation(section, full_path, roles, count) -> str:
    def entry(name, url, label, badge=""):
        if not url:
            return ""
        current = ""
        if section == name:
            current = f' aria-current="{"page" if full_path == url else "true"}"'
        active = ' class="is-active"' if section == name else ""
        return f'<li{active}>\n<a href="{_e(url)}"{current}>{label}{badge}</a>\n</li>\n'

    badge = ""
    if count:
        shown = formats.localize(count)
        label = ngettext("%(counter)s te lezen", "%(counter)s te lezen", count) % {"counter": _e(shown)}
        badge = (
            ' <span class="a-badge a-badge--s a-badge--primary app-badge"><span aria-hidden="true">'
            f'{_e(shown)}</span><span class="u-screen-reader-only">({label})</span></span>'
        )
    home = _reverse("home")
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
        items.append(f'<li>\n<a href="{_e(_reverse("admin:index"))}">{_("Beheer")}</a>\n</li>\n')
    return (
        f'<nav class="m-nav-tabs app-nav" aria-label="{_("Hoofdnavigatie")}">\n<ul class="app-nav__list">\n'
        + "".join(items)
        + "</ul>\n</nav>"
    )


_CSRF_INPUT = CsrfTokenNode()


@register.simple_tag(takes_context=True)
def header_tools(context):
    """The header's own part of every page: the language switch and, signed in, the person's name and the
    sign-out button. Written in Python as `navigation` is (docs/performance.md): the template it replaced
    (kept in tests/navigation/header_tools.html and compared in tests/test_navigation_tag.py) cost every
    page about a fifth of the floor."""
    request, user = context["request"], context.get("user")
    csrf_input = _CSRF_INPUT.render(context)
    current = get_language()
    key = ("language buttons", current)
    buttons = _written.get(key)
    if buttons is None:  # the same for everyone in one language
        buttons = _written[key] = "\n".join(
            f'<button type="submit" name="language" value="{_e(code)}" lang="{_e(code[:2])}"'
            f' class="a-button a-button--s a-button--text{" is-current" if code == current else ""}"'
            f"{' aria-current="true"' if code == current else ''}>{_e(code[:2].upper())}"
            f'<span class="u-screen-reader-only"> {_e(capfirst(get_language_info(code)["name_local"]))}</span></button>'
            for code, _name in settings.LANGUAGES
        )
    html_parts = [
        f'<div class="app-header__tools" role="region" aria-label="{_("Taal en account")}">\n'
        f'<form action="{_e(_reverse("set_language"))}" method="post" class="app-inline-form app-language"'
        f' aria-label="{_("Taal")}">\n{csrf_input}\n'
        f'<input name="next" type="hidden" value="{_e(request.get_full_path())}">\n' + buttons + "\n</form>\n"
    ]
    if user is not None and user.is_authenticated:
        html_parts.append(
            f'<span class="app-header__user">{_("Aangemeld als")}\n'
            f"<strong>{_e(user.get_full_name() or user.get_username())}</strong></span>\n"
            f'<form method="post" action="{_e(_reverse("logout"))}" class="app-inline-form">\n{csrf_input}\n'
            f'<button type="submit" class="a-button a-button--s a-button--outlined">{_("Afmelden")}</button>\n'
            "</form>\n"
        )
    html_parts.append("</div>")
    return mark_safe("".join(html_parts))  # noqa: S308 (every value in it is escaped above)  # nosec B308 B703
