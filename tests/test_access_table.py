"""Who gets what: every URL of the project, for a visitor and for each role, in one table.

The URL list is read from the URL configuration: a URL added later fails this test until its row
is written. Objects are real: the medewerker's own question (escalated to the Bureau, with an
attachment), a closed question whose asker agreed to a FAQ, a FAQ draft, the current version and a
draft. Answers are where the person ends up, redirects followed: 200 (a page), login (sent to sign
in), 403, 404, 405 (wrong method).

Columns: anon = not signed in; emp = medewerker (asked the question); emp2 = medewerker of another
team; chef = chef-waardeerder of emp; chef2 = chef-waardeerder of the other team; red = Redactie;
bureau = Bureau voor Integriteit; admin = beheerder.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.url_patterns import all_urls

pytestmark = pytest.mark.django_db

PERSONAS = ["anon", "emp", "emp2", "chef", "chef2", "red", "bureau", "admin"]

# GET on every URL. ------------------------------------------------------------------------------
GET_TABLE = """
url name                          anon   emp    emp2   chef   chef2  red    bureau admin
home                              login  200    200    200    200    200    200    200
login                             200    200    200    200    200    200    200    200
logout                            login  405    405    405    405    405    405    405
signed_out                        200    200    200    200    200    200    200    200
oidc_start                        405    405    405    405    405    405    405    405
oidc_callback                     404    404    404    404    404    404    404    404
set_language                      login  200    200    200    200    200    200    200
healthz                           200    200    200    200    200    200    200    200
codeofconduct:policy_list         login  200    200    200    200    200    200    200
codeofconduct:archive             login  200    200    200    200    200    200    200
codeofconduct:search              login  200    200    200    200    200    200    200
codeofconduct:version_detail      login  200    200    200    200    200    200    200
codeofconduct:policy_history      login  200    200    200    200    200    200    200
codeofconduct:compare             login  200    200    200    200    200    200    200
codeofconduct:acknowledge         login  405    405    405    405    405    405    405
codeofconduct:team                login  403    403    200    200    403    403    403
codeofconduct:team_notify         login  405    405    405    405    405    405    405
codeofconduct:team_remind         login  405    405    405    405    405    405    405
codeofconduct:team_briefing       login  403    403    200    200    403    403    403
codeofconduct:compliance          login  403    403    403    403    200    403    403
codeofconduct:compliance_export   login  403    403    403    403    200    403    403
codeofconduct:editor_dashboard    login  403    403    403    403    200    403    403
codeofconduct:policy_create       login  403    403    403    403    200    403    403
codeofconduct:draft_create        login  403    403    403    403    200    403    403
codeofconduct:draft_edit          login  403    403    403    403    200    403    403
codeofconduct:draft_preview       login  403    403    403    403    200    403    403
codeofconduct:publish             login  403    403    403    403    200    403    403
codeofconduct:withdraw            login  403    403    403    403    200    403    403
codeofconduct:extend_due_date     login  403    403    403    403    200    403    403
advice:ask                        login  200    200    200    200    200    200    200
advice:my_questions               login  200    200    200    200    200    200    200
advice:question_detail            login  200    404    200    404    404    200    404
advice:question_step              login  405    405    405    405    405    405    405
advice:receipt                    login  200    404    403    404    404    403    404
advice:attachment_download        login  200    404    200    404    404    200    404
advice:manager_inbox              login  200    200    200    200    200    200    200
advice:bureau_queue               login  403    403    403    403    403    200    403
advice:statistics                 login  403    403    403    403    403    200    403
advice:faq_create                 login  403    403    403    403    403    200    403
advice:faq_publish                login  405    405    405    405    405    405    405
advice:faq                        login  200    200    200    200    200    200    200
admin:index                       login  403    403    403    403    403    403    200
admin:*                           login  403    403    403    403    403    403    any
"""

# POST by people outside the route or role: refused, and nothing changes (checked below). --------
POST_TABLE = """
url name                          anon   emp    emp2   chef   chef2  red    bureau admin
codeofconduct:team_notify         login  403    403    .      .      403    403    403
codeofconduct:team_remind         login  403    403    .      .      403    403    403
codeofconduct:team_briefing       login  403    403    .      .      403    403    403
codeofconduct:policy_create       login  403    403    403    403    .      403    403
codeofconduct:draft_create        login  403    403    403    403    .      403    403
codeofconduct:draft_edit          login  403    403    403    403    .      403    403
codeofconduct:publish             login  403    403    403    403    .      403    403
codeofconduct:withdraw            login  403    403    403    403    .      403    403
codeofconduct:extend_due_date     login  403    403    403    403    .      403    403
advice:question_step              login  .      404    .      404    404    .      404
advice:faq_create                 login  403    403    403    403    403    .      403
advice:faq_publish                login  403    403    403    403    403    .      403
"""

# The Django admin pages a beheerder uses, with real objects: each must open.
ADMIN_PAGES = [
    "/beheer/organisation/person/",
    "/beheer/organisation/orgunit/",
    "/beheer/organisation/deputy/",
    "/beheer/codeofconduct/policy/",
    "/beheer/codeofconduct/policyversion/",
    "/beheer/codeofconduct/acknowledgement/",
    "/beheer/codeofconduct/teamnotification/",
    "/beheer/codeofconduct/publicationevent/",
]


def parse(table):
    rows = {}
    lines = [line.split() for line in table.strip().splitlines()]
    header, body = lines[0], lines[1:]
    assert header[2:] == PERSONAS
    for name, *answers in body:
        assert len(answers) == len(PERSONAS), name
        rows[name] = dict(zip(PERSONAS, answers, strict=True))
    return rows


EXPECTED_GET = parse(GET_TABLE)
EXPECTED_POST = parse(POST_TABLE)
URLS = dict(all_urls())


def client_for(city, persona):
    client = Client()
    person = {
        "anon": None,
        "emp": city.employee,
        "emp2": city.colleague,
        "chef": city.chef,
        "chef2": city.other_chef,
        "red": city.editor,
        "bureau": city.integrity,
        "admin": city.admin,
    }[persona]
    if person is not None:
        client.force_login(person)
    return client


def answer(response) -> str:
    """What the person ends up with: "login" when sent to sign in, else the final status code."""
    if response.redirect_chain and response.request["PATH_INFO"] == reverse("login"):
        return "login"
    return str(response.status_code)


def test_every_url_of_the_project_has_a_row():
    names = set(URLS)
    admin_names = {name for name in names if name.startswith("admin:")}
    assert names - admin_names - set(EXPECTED_GET) == set(), "add these URLs to GET_TABLE"
    assert set(EXPECTED_GET) - names - {"admin:*"} == set(), "these rows name no URL any more"
    assert len(admin_names) > 50  # the admin is there and enumerated


def test_every_url_answers_each_person_as_the_table_says(city, world):
    clients = {persona: client_for(city, persona) for persona in PERSONAS}
    wrong = []
    for name, row in EXPECTED_GET.items():
        if name == "admin:*":
            continue
        path = reverse(name, args=world[name]) if name in world else URLS[name]
        for persona in PERSONAS:
            got = answer(clients[persona].get(path, follow=True))
            if got != row[persona]:
                wrong.append(f"{name:32} {persona:6} expected {row[persona]:5} got {got}")
    assert not wrong, "\n" + "\n".join(wrong)


def test_every_admin_url_is_for_beheerders_only(city):
    row = EXPECTED_GET["admin:*"]
    clients = {persona: client_for(city, persona) for persona in PERSONAS if persona != "admin"}
    admin = client_for(city, "admin")
    for name, path in URLS.items():
        if not name.startswith("admin:") or name in ("admin:logout",):
            continue
        for persona, client in clients.items():
            assert answer(client.get(path, follow=True)) == row[persona], (name, path, persona)
        # Example ids name no object: the beheerder gets the page, a redirect or 404, never an error;
        # 403 where an action is refused (adding evidence, autocomplete without its parameters). The
        # pages a beheerder works with are checked with real records below.
        assert admin.get(path).status_code in {200, 302, 403, 404}, (name, path)


def test_the_beheerder_opens_every_admin_list_with_real_records(city, world):
    admin = client_for(city, "admin")
    for path in ADMIN_PAGES:
        assert admin.get(path).status_code == 200, path


def snapshot():
    from django.apps import apps

    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in ("codeofconduct", "advice", "organisation")
    }


def test_posts_by_the_wrong_people_are_refused_and_change_nothing(city, world):
    before = snapshot()
    wrong = []
    for name, row in EXPECTED_POST.items():
        path = reverse(name, args=world[name]) if name in world else URLS[name]
        for persona in PERSONAS:
            if row[persona] == ".":
                continue  # allowed: the feature's own tests cover what it does
            response = client_for(city, persona).post(path, {"text": "x", "title": "x", "note": "x"}, follow=True)
            got = answer(response)
            if got != row[persona]:
                wrong.append(f"{name:32} {persona:6} expected {row[persona]:5} got {got}")
    assert not wrong, "\n" + "\n".join(wrong)
    assert snapshot() == before
