"""Every main page of every role passes axe-core (no serious or critical WCAG 2.1 AA violation).

The pages are those of the demo: what each demo account reaches from its navigation, with the
demo's real versions and questions.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from advice.models import Level, Question, State
from codeofconduct.models import PolicyVersion
from organisation.models import OrgUnit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # load_demo refuses to run on a production configuration
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False


def pages_for(username):
    current = PolicyVersion.objects.get(status=PolicyVersion.Status.PUBLISHED)
    draft = PolicyVersion.objects.filter(status=PolicyVersion.Status.DRAFT).first()
    mine = Question.objects.filter(asker__username="medewerker").order_by("pk").first()
    at_bureau = Question.objects.filter(level=Level.BUREAU, state=State.TAKEN_UP).order_by("pk").first()
    team_question = Question.objects.filter(manager__username="chef").order_by("pk").first()
    department = OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT).order_by("code").first()
    slug = current.policy.slug
    everyone = [
        reverse("home"),
        reverse("codeofconduct:policy_list"),
        current.get_absolute_url(),
        reverse("codeofconduct:archive"),
        reverse("codeofconduct:search") + "?q=vertrouwelijke",
        reverse("codeofconduct:policy_history", args=[slug]),
        reverse("codeofconduct:compare", args=[slug]),
        reverse("advice:ask"),
        reverse("advice:ask") + "?regel=loyaliteit",
        reverse("advice:my_questions"),
        reverse("advice:faq"),
        "/bestaat-niet/",
    ]
    per_role = {
        "medewerker": [reverse("advice:question_detail", args=[mine.pk])],
        "chef": [
            reverse("codeofconduct:team"),
            reverse("codeofconduct:team") + "?alles=1",
            reverse("advice:manager_inbox"),
            reverse("advice:question_detail", args=[team_question.pk]),
        ],
        "redactie": [
            reverse("codeofconduct:editor_dashboard"),
            reverse("codeofconduct:policy_create"),
            reverse("codeofconduct:draft_create", args=[slug]),
            reverse("codeofconduct:draft_edit", args=[draft.pk]),
            reverse("codeofconduct:draft_preview", args=[draft.pk]),
            reverse("codeofconduct:publish", args=[draft.pk]),
            reverse("codeofconduct:withdraw", args=[current.pk]),
            reverse("codeofconduct:compliance"),
            reverse("codeofconduct:compliance") + f"?eenheid={department.code}&status=open",
        ],
        "integriteit": [
            reverse("advice:bureau_queue"),
            reverse("advice:bureau_queue") + "?status=alle",
            reverse("advice:statistics"),
            reverse("advice:access_grants"),
            reverse("advice:question_detail", args=[at_bureau.pk]),
        ],
        "admin": ["/beheer/", "/beheer/organisation/person/", f"/beheer/organisation/person/{mine.asker_id}/change/"],
    }
    return everyone + per_role[username]


def test_the_login_page_is_accessible(page, live_server, assert_accessible):
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible("login page")
    page.get_by_role("button", name="Aanmelden").click()  # empty form: the errors must be accessible too
    assert_accessible("login page with errors")


@pytest.mark.parametrize("username", ["medewerker", "chef", "redactie", "integriteit", "admin"])
def test_every_main_page_of_the_role_is_accessible(demo, login, live_server, assert_accessible, username):
    page = login(username)
    for path in pages_for(username):
        response = page.goto(live_server.url + path)
        assert response.status == (404 if path == "/bestaat-niet/" else 200), path
        assert_accessible(f"{path} as {username}")
