"""Who gets what: every URL of the project, for a visitor and for each role, in one table.

The URL list is read from the URL configuration: a URL added later fails this test until its row
is written. Objects are real, made with the clock set (NOW, a Wednesday): the medewerker's own
question (escalated to the Bureau, with an attachment), a closed question whose asker agreed to a
FAQ, a FAQ draft, the current version and a draft; and, in rows named `url@object`, a question that
bypassed the chef (it is about the chef), one about an integrity officer, one from before the
plaatsvervanger's period, and one that an earlier plaatsvervanger answered during their own period.
Answers are where the person ends up, redirects followed: 200 (a page), login (sent to sign in),
403, 404, 405 (wrong method).

Columns: anon = not signed in; emp = medewerker (asked the questions); emp2 = medewerker of another
team; chef = chef-waardeerder of emp; chef2 = chef-waardeerder of the other team; boss = the chef's
own manager; dep = the chef's plaatsvervanger today (their period runs); depx = the chef's earlier
plaatsvervanger (their period is over); red = Redactie; bureau = Bureau voor Integriteit; offc = an
integrity officer who is himself a leidinggevende, and whom the `@about_officer` question is about;
admin = beheerder.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from advice import services as advice
from advice.models import Channel
from organisation.models import Deputy
from tests.conftest import clock_standing_at
from tests.factories import make_person
from tests.files import PNG
from tests.url_patterns import all_urls

pytestmark = pytest.mark.django_db

PERSONAS = ["anon", "emp", "emp2", "chef", "chef2", "boss", "dep", "depx", "red", "bureau", "offc", "admin"]

# The clock of the whole table: the plaatsvervanger `dep` acts from 16 to 27 March, `depx` acted
# from 9 to 13 March; the `@old` question was asked and closed on 2 March.
NOW = timezone.make_aware(datetime.datetime(2026, 3, 18, 10, 0))
OLD_ASKED = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))
ACTED_ASKED = timezone.make_aware(datetime.datetime(2026, 3, 10, 10, 0))

# GET on every URL. ------------------------------------------------------------------------------
GET_TABLE = """
url name                          anon   emp    emp2   chef   chef2  boss   dep    depx   red    bureau offc   admin
home                              login  200    200    200    200    200    200    200    200    200    200    200
login                             200    200    200    200    200    200    200    200    200    200    200    200
logout                            login  405    405    405    405    405    405    405    405    405    405    405
signed_out                        200    200    200    200    200    200    200    200    200    200    200    200
oidc_start                        405    405    405    405    405    405    405    405    405    405    405    405
oidc_callback                     404    404    404    404    404    404    404    404    404    404    404    404
set_language                      login  200    200    200    200    200    200    200    200    200    200    200
healthz                           200    200    200    200    200    200    200    200    200    200    200    200
codeofconduct:policy_list         login  200    200    200    200    200    200    200    200    200    200    200
codeofconduct:archive             login  200    200    200    200    200    200    200    200    200    200    200
codeofconduct:search              login  200    200    200    200    200    200    200    200    200    200    200
codeofconduct:version_detail      login  200    200    200    200    200    200    200    200    200    200    200
codeofconduct:policy_history      login  200    200    200    200    200    200    200    200    200    200    200
codeofconduct:compare             login  200    200    200    200    200    200    200    200    200    200    200
codeofconduct:acknowledge         login  405    405    405    405    405    405    405    405    405    405    405
codeofconduct:team                login  403    403    200    200    200    403    403    403    403    200    403
codeofconduct:team_notify         login  405    405    405    405    405    405    405    405    405    405    405
codeofconduct:team_remind         login  405    405    405    405    405    405    405    405    405    405    405
codeofconduct:team_briefing       login  403    403    200    200    200    403    403    403    403    200    403
codeofconduct:compliance          login  403    403    403    403    403    403    403    200    403    403    403
codeofconduct:compliance_export   login  403    403    403    403    403    403    403    200    403    403    403
codeofconduct:editor_dashboard    login  403    403    403    403    403    403    403    200    403    403    403
codeofconduct:policy_create       login  403    403    403    403    403    403    403    200    403    403    403
codeofconduct:draft_create        login  403    403    403    403    403    403    403    200    403    403    403
codeofconduct:draft_edit          login  403    403    403    403    403    403    403    200    403    403    403
codeofconduct:draft_preview       login  403    403    403    403    403    403    403    200    403    403    403
codeofconduct:publish             login  403    403    403    403    403    403    403    200    403    403    403
codeofconduct:withdraw            login  403    403    403    403    403    403    403    200    403    403    403
codeofconduct:extend_due_date     login  403    403    403    403    403    403    403    200    403    403    403
advice:ask                        login  200    200    200    200    200    200    200    200    200    200    200
advice:my_questions               login  200    200    200    200    200    200    200    200    200    200    200
advice:question_detail            login  200    404    200    404    404    200    404    404    200    200    404
advice:question_detail@direct     login  200    404    404    404    404    404    404    404    200    200    404
advice:question_detail@about_officer login 404  404    404    404    404    404    404    404    200    404    404
advice:question_detail@old        login  200    404    200    404    404    404    404    404    404    404    404
advice:question_detail@acted      login  200    404    200    404    404    404    200    404    404    404    404
advice:question_step              login  405    405    405    405    405    405    405    405    405    405    405
advice:receipt                    login  200    404    403    404    404    403    404    404    403    403    404
advice:attachment_download        login  200    404    200    404    404    200    404    404    200    200    404
advice:attachment_download@direct login  200    404    404    404    404    404    404    404    200    200    404
advice:manager_inbox              login  200    200    200    200    200    200    200    200    200    200    200
advice:bureau_queue               login  403    403    403    403    403    403    403    403    200    200    403
advice:statistics                 login  403    403    403    403    403    403    403    403    200    200    403
advice:access_grants              login  403    403    403    403    403    403    403    403    200    200    403
advice:faq_create                 login  403    403    403    403    403    403    403    403    200    200    403
advice:faq_publish                login  405    405    405    405    405    405    405    405    405    405    405
advice:faq                        login  200    200    200    200    200    200    200    200    200    200    200
admin:index                       login  403    403    403    403    403    403    403    403    403    403    200
admin:*                           login  403    403    403    403    403    403    403    403    403    403    any
"""

# Cells that follow the plaatsvervanger's period semantics (docs/advice.md: a plaatsvervanger sees
# the questions routed to the manager during their period and keeps the ones they acted on, never
# the manager's earlier history), implemented by advice/access.py: checked by
# `test_the_plaatsvervanger_cells_follow_the_period_semantics`.
PERIOD_SEMANTICS = {
    ("advice:question_detail@old", "dep"),  # today: 200 (a plaatsvervanger sees all history)
    ("advice:question_detail@acted", "dep"),  # today: 200
    ("advice:question_detail@acted", "depx"),  # today: 404 (loses what they answered)
}

# POST by people outside the route or role: refused, and nothing changes (checked below). --------
POST_TABLE = """
url name                          anon   emp    emp2   chef   chef2  boss   dep    depx   red    bureau offc   admin
codeofconduct:team_notify         login  403    403    .      .      .      403    403    403    403    .      403
codeofconduct:team_remind         login  403    403    .      .      .      403    403    403    403    .      403
codeofconduct:team_briefing       login  403    403    .      .      .      403    403    403    403    .      403
codeofconduct:policy_create       login  403    403    403    403    403    403    403    .      403    403    403
codeofconduct:draft_create        login  403    403    403    403    403    403    403    .      403    403    403
codeofconduct:draft_edit          login  403    403    403    403    403    403    403    .      403    403    403
codeofconduct:publish             login  403    403    403    403    403    403    403    .      403    403    403
codeofconduct:withdraw            login  403    403    403    403    403    403    403    .      403    403    403
codeofconduct:extend_due_date     login  403    403    403    403    403    403    403    .      403    403    403
advice:question_step              login  .      404    .      404    404    .      404    404    .      .      404
advice:question_step@direct       login  .      404    404    404    404    404    404    404    .      .      404
advice:faq_create                 login  403    403    403    403    403    403    403    403    .      .      403
advice:faq_publish                login  403    403    403    403    403    403    403    403    .      .      403
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


@pytest.fixture(autouse=True)
def clock():
    """The whole table at NOW (objects made and pages opened): nothing depends on the day it runs."""
    yield from clock_standing_at(NOW)


@pytest.fixture
def people(city, clock):
    """The personas the `city` fixture does not have, with the plaatsvervanger periods."""
    dep = make_person("plaatsvervanger", unit=city.team_a, manager=city.chef, first_name="Pieter", last_name="Plaats")
    depx = make_person("vorigevervanger", unit=city.team_a, manager=city.chef, first_name="Vera", last_name="Vorig")
    Deputy.objects.create(
        manager=city.chef, deputy=dep, starts_on=datetime.date(2026, 3, 16), ends_on=datetime.date(2026, 3, 27)
    )
    Deputy.objects.create(
        manager=city.chef, deputy=depx, starts_on=datetime.date(2026, 3, 9), ends_on=datetime.date(2026, 3, 13)
    )
    offc = make_person(
        "integriteitchef", unit=city.city, is_integrity_officer=True, first_name="Olga", last_name="Officier"
    )
    offc_report = make_person("medewerker3", unit=city.city, manager=offc, first_name="Mo", last_name="Melder")
    return {"dep": dep, "depx": depx, "boss": city.director, "offc": offc, "offc_report": offc_report}


@pytest.fixture
def questions(city, world, people, clock):
    """The questions of the `url@object` rows, each made at its own moment."""
    ask = {"subject": "Vraag", "body": "Mag dit?", "channel": Channel.BLOG}
    png = SimpleUploadedFile("chef.png", PNG, content_type="image/png")
    direct = advice.question_ask(
        asker=city.employee, concerns_manager=True, attachment=(png, "image/png"), **ask
    )  # bypassed the chef
    about_officer = advice.question_ask(asker=people["offc_report"], concerns_manager=True, **ask)
    assert about_officer.concerns_person == people["offc"]
    clock.move_to(OLD_ASKED)
    old = advice.question_ask(asker=city.employee, **ask)
    advice.question_take_step(question=old, by=city.chef, step="manager_answer", text="Ja.")
    advice.question_take_step(question=old, by=city.employee, step="asker_close")
    clock.move_to(ACTED_ASKED)
    acted = advice.question_ask(asker=city.employee, **ask)
    advice.question_take_step(question=acted, by=people["depx"], step="manager_answer", text="Nee.")
    advice.question_take_step(question=acted, by=city.employee, step="asker_close")
    clock.move_to(NOW)
    return {
        "advice:question_detail@direct": [direct.pk],
        "advice:attachment_download@direct": [direct.attachments.get().pk],
        "advice:question_step@direct": [direct.pk, "manager_answer"],
        "advice:question_detail@about_officer": [about_officer.pk],
        "advice:question_detail@old": [old.pk],
        "advice:question_detail@acted": [acted.pk],
    }


def client_for(city, people, persona):
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
        **people,
    }[persona]
    if person is not None:
        client.force_login(person)
    return client


def answer(response) -> str:
    """What the person ends up with: "login" when sent to sign in, else the final status code."""
    if response.redirect_chain and response.request["PATH_INFO"] == reverse("login"):
        return "login"
    return str(response.status_code)


def path_of(name, world, questions):
    url_name = name.split("@")[0]
    if name in questions:
        return reverse(url_name, args=questions[name])
    return reverse(url_name, args=world[name]) if name in world else URLS[url_name]


def test_every_url_of_the_project_has_a_row():
    names = set(URLS)
    admin_names = {name for name in names if name.startswith("admin:")}
    rows = {name.split("@")[0] for name in EXPECTED_GET}
    assert names - admin_names - rows == set(), "add these URLs to GET_TABLE"
    assert rows - names - {"admin:*"} == set(), "these rows name no URL any more"
    assert len(admin_names) > 50  # the admin is there and enumerated


def _table_mismatches(table, city, people, world, questions, cells):
    clients = {persona: client_for(city, people, persona) for persona in PERSONAS}
    wrong = []
    for name, row in table.items():
        if name == "admin:*":
            continue
        path = path_of(name, world, questions)
        for persona in PERSONAS:
            if not cells(name, persona):
                continue
            got = answer(clients[persona].get(path, follow=True))
            if got != row[persona]:
                wrong.append(f"{name:36} {persona:6} expected {row[persona]:5} got {got}")
    return wrong


def test_every_url_answers_each_person_as_the_table_says(city, world, people, questions):
    wrong = _table_mismatches(
        EXPECTED_GET, city, people, world, questions, lambda name, persona: (name, persona) not in PERIOD_SEMANTICS
    )
    assert not wrong, "\n" + "\n".join(wrong)


def test_the_plaatsvervanger_cells_follow_the_period_semantics(city, world, people, questions):
    wrong = _table_mismatches(
        EXPECTED_GET, city, people, world, questions, lambda name, persona: (name, persona) in PERIOD_SEMANTICS
    )
    assert not wrong, "\n" + "\n".join(wrong)


def test_every_admin_url_is_for_beheerders_only(city, people):
    row = EXPECTED_GET["admin:*"]
    clients = {persona: client_for(city, people, persona) for persona in PERSONAS if persona != "admin"}
    admin = client_for(city, people, "admin")
    for name, path in URLS.items():
        if not name.startswith("admin:") or name in ("admin:logout",):
            continue
        for persona, client in clients.items():
            assert answer(client.get(path, follow=True)) == row[persona], (name, path, persona)
        # Example ids name no object: the beheerder gets the page, a redirect or 404, never an error;
        # 403 where an action is refused (adding evidence, autocomplete without its parameters). The
        # pages a beheerder works with are checked with real records below.
        assert admin.get(path).status_code in {200, 302, 403, 404}, (name, path)


def test_the_beheerder_opens_every_admin_list_with_real_records(city, world, people, questions):
    admin = client_for(city, people, "admin")
    for path in ADMIN_PAGES:
        assert admin.get(path).status_code == 200, path


def snapshot():
    from django.apps import apps

    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in ("codeofconduct", "advice", "organisation")
    }


def test_posts_by_the_wrong_people_are_refused_and_change_nothing(city, world, people, questions):
    before = snapshot()
    wrong = []
    for name, row in EXPECTED_POST.items():
        path = path_of(name, world, questions)
        for persona in PERSONAS:
            if row[persona] == ".":
                continue  # allowed: the feature's own tests cover what it does
            response = client_for(city, people, persona).post(
                path, {"text": "x", "title": "x", "note": "x"}, follow=True
            )
            got = answer(response)
            if got != row[persona]:
                wrong.append(f"{name:32} {persona:6} expected {row[persona]:5} got {got}")
    assert not wrong, "\n" + "\n".join(wrong)
    assert snapshot() == before
