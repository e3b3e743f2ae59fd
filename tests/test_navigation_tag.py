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
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


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
