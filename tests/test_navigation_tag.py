"""The main navigation is written by a tag ({% navigation %}, config/templatetags/navigation_tags.py)
instead of the template it replaced (issue 16: some hundred template nodes and thirteen {% url %}s on
every signed-in page). The former template is kept in tests/navigation/ and both are rendered for
every combination of roles, for every page's view name (and none), on the entry's own address and
below it, with and without the "Te lezen" badge, in both languages: the same HTML, whitespace between
tags aside (not shown)."""

import itertools
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

FORMER = Template((Path(__file__).parent / "navigation" / "navigation.html").read_text())
WRITTEN = Template("{% load navigation_tags %}{% navigation %}")
ROLES = ("chef", "redactie", "integriteit", "beheerder")
VIEWS = (
    None,
    "home",
    "codeofconduct:policy_list",
    "codeofconduct:version_detail",
    "codeofconduct:acknowledge",
    "codeofconduct:team",
    "codeofconduct:team_briefing",
    "codeofconduct:editor_dashboard",
    "codeofconduct:publish",
    "codeofconduct:compliance",
    "codeofconduct:compliance_export",
    "advice:ask",
    "advice:faq",
    "advice:faq_create",
    "advice:my_questions",
    "advice:manager_inbox",
    "advice:bureau_queue",
    "advice:statistics",
    "advice:question_detail",
    "advice:receipt",
    "organisation:profile",
)
QUESTIONS = (
    SimpleNamespace(asker_id=7, level="bureau"),  # the person's own
    SimpleNamespace(asker_id=8, level="bureau"),
    SimpleNamespace(asker_id=8, level="chef"),
)


def normalised(html: str) -> str:
    """Whitespace between tags, and before a tag's closing `>`, aside."""
    return re.sub(r"\s+>", ">", re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html))).strip()


def both(view, path, roles, count, question):
    request = RequestFactory().get(path)
    request.resolver_match = SimpleNamespace(view_name=view) if view else None
    values = {
        "request": request,
        "roles": {"medewerker": True, **{role: role in roles for role in ROLES}},
        "nav_to_read": {"count": count},
        "user": SimpleNamespace(pk=7),
        "question": question,
    }
    former = FORMER.render(Context(values))
    written = WRITTEN.render(Context(values))
    return normalised(former), normalised(written)


@pytest.mark.parametrize("language", ["nl-be", "en"])
def test_the_navigation_tag_writes_what_the_template_wrote(language):
    paths = ["/", reverse("codeofconduct:policy_list"), reverse("codeofconduct:team"), "/gedragscode/naleving/?x=1"]
    paths += [reverse("codeofconduct:compliance"), reverse("advice:bureau_queue"), reverse("advice:ask")]
    compared = 0
    with translation.override(language):
        for size in range(len(ROLES) + 1):
            for roles in itertools.combinations(ROLES, size):
                for view, path in itertools.product(VIEWS, paths):
                    count = (0, 1, 3, 1234)[compared % 4]
                    question = QUESTIONS[compared % 3]
                    former, written = both(view, path, roles, count, question)
                    assert written == former, (roles, view, path, count)
                    compared += 1
    assert compared == 16 * len(VIEWS) * len(paths)


HEADER_TOOLS_FORMER = Template((Path(__file__).parent / "navigation" / "header_tools.html").read_text())
HEADER_TOOLS_WRITTEN = Template("{% load navigation_tags %}{% header_tools %}")


@pytest.mark.parametrize("language", ["nl-be", "en"])
def test_the_header_tools_tag_writes_what_the_template_wrote(language):
    """The language switch, the person's name and the sign-out button: signed in or not, with a full name
    or only a username, with the CSRF token or without one, on addresses whose query must be escaped."""
    people = (
        SimpleNamespace(is_authenticated=True, get_full_name=lambda: "Ann <Peeters> & Zn", get_username=lambda: "ann"),
        SimpleNamespace(is_authenticated=True, get_full_name=lambda: "", get_username=lambda: "o'brien"),
        SimpleNamespace(is_authenticated=False, get_full_name=lambda: "", get_username=lambda: ""),
        None,
    )
    paths = ["/", "/gedragscode/naleving/?eenheid=D01&status=open", '/zoeken/?q="<script>"']
    compared = 0
    with translation.override(language):
        for person, path, token in itertools.product(people, paths, ("tok3n", None)):
            values = {"request": RequestFactory().get(path)}
            if person is not None:
                values["user"] = person
            if token is not None:
                values["csrf_token"] = token
            former = normalised(HEADER_TOOLS_FORMER.render(Context(values)))
            written = normalised(HEADER_TOOLS_WRITTEN.render(Context(values)))
            assert written == former, (person, path, token)
            compared += 1
    assert compared == 4 * 3 * 2


def test_the_navigation_follows_the_script_prefix_it_is_served_under():
    """Its addresses are reversed once per URLconf and script prefix: an app served under /intranet/
    (SCRIPT_NAME) links there, the same process without a prefix links to the root."""
    from django.urls import get_script_prefix, set_script_prefix

    values = {
        "request": RequestFactory().get("/"),
        "roles": {"medewerker": True, **dict.fromkeys(ROLES, True)},
        "nav_to_read": {"count": 0},
        "user": SimpleNamespace(pk=7, is_authenticated=True, get_full_name=lambda: "Ann", get_username=lambda: "ann"),
    }
    before = get_script_prefix()
    try:
        plain = WRITTEN.render(Context(values)) + HEADER_TOOLS_WRITTEN.render(Context(values))
        set_script_prefix("/intranet/")
        prefixed = WRITTEN.render(Context(values)) + HEADER_TOOLS_WRITTEN.render(Context(values))
    finally:
        set_script_prefix(before)
    addresses = re.findall(r'(?:href|action)="([^"]*)"', prefixed)
    assert len(addresses) == 12 and all(address.startswith("/intranet/") for address in addresses), addresses
    assert not any(address.startswith("/intranet/") for address in re.findall(r'(?:href|action)="([^"]*)"', plain))
