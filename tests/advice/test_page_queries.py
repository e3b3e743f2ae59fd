"""The advice pages of the benchmark cost the same few SQL queries whoever opens them, however big the city.

Every query is paid on every visit; how many, exactly, is written once, in tests/bench/test_page_queries.py.
The question page: the session, the person, the question (with whether it has attachments), its
timeline, the plaatsvervangers and officers for "Wie kan dit zien?", the navigation, and the attachments
if there are any; whom they deputise for only for someone ever named a plaatsvervanger (the person's own
query says whether they were); not one more per deputy, officer, attachment or step.
The Bureau's queue: one aggregate gives its counts and its length.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from advice import services
from advice.access import viewers
from advice.models import Attachment, State
from organisation.models import Deputy
from tests.advice.conftest import PNG, ask, at, step
from tests.bench.test_page_queries import PAGE_QUERIES
from tests.conftest import client_for
from tests.factories import make_person

QUESTION_PAGE_QUERIES = PAGE_QUERIES["advice question"]
# A question with attachments reads them in one more query, however many there are.
WITH_ATTACHMENTS = QUESTION_PAGE_QUERIES + 1
# Someone ever named a plaatsvervanger: one more, whom they deputise for (advice.access._acts_for).
FOR_A_DEPUTY = 1


def page_queries(person, question):
    client = client_for(person)
    url = reverse("advice:question_detail", args=[question.pk])
    client.get(url)  # the first visit may record something once; every later visit pays what is counted
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def deputise(manager, name):
    deputy = make_person(name, unit=manager.unit)
    today = timezone.localdate()
    Deputy.objects.create(manager=manager, deputy=deputy, starts_on=today, ends_on=today)
    return deputy


@pytest.fixture
def answered(city):
    """Escalated by the chef, taken up and answered by the Bureau, with an attachment and a plaatsvervanger."""
    question = ask(city.employee, attachment=(SimpleUploadedFile("foto.png", PNG), "image/png"))
    step(question, city.chef, "manager_escalate", "Graag het Bureau.")
    step(question, city.integrity, "bureau_take_up")
    step(question, city.integrity, "bureau_note", "Intern.")
    step(question, city.integrity, "bureau_answer", "Dat mag.")
    return question


def everyone_who_looks(city, deputy):
    return {"asker": city.employee, "chef": city.chef, "deputy": deputy, "officer": city.integrity}


@pytest.mark.django_db
def test_the_question_page_runs_the_same_queries_for_each_viewer_and_any_crowd(city, answered):
    deputy = deputise(city.chef, "plaatsvervanger")
    small = {name: page_queries(person, answered) for name, person in everyone_who_looks(city, deputy).items()}
    assert small == {**dict.fromkeys(small, WITH_ATTACHMENTS), "deputy": WITH_ATTACHMENTS + FOR_A_DEPUTY}, small

    # More plaatsvervangers, more officers, more attachments and a longer timeline: not one query more.
    for number in range(4):
        deputise(city.chef, f"plaatsvervanger{number}")
        make_person(f"officer{number}", unit=city.city, is_integrity_officer=True)
        Attachment.objects.create(
            question=answered,
            file=f"advice/extra{number}.png",
            original_name=f"extra{number}.png",
            content_type="image/png",
            size=len(PNG),
            created_at=answered.created_at,
        )
        step(answered, city.integrity, "bureau_note", f"Nog een notitie {number}.")
    big = {name: page_queries(person, answered) for name, person in everyone_who_looks(city, deputy).items()}
    assert big == small
    assert len(viewers(answered)) == 1 + 1 + 5 + 5  # asker, chef, plaatsvervangers, officers


@pytest.mark.django_db
def test_a_question_still_with_the_chef_and_without_attachments_costs_no_more(city):
    question = ask(city.employee)
    deputy = deputise(city.chef, "plaatsvervanger")
    for person in (city.employee, city.chef):
        assert page_queries(person, question) == QUESTION_PAGE_QUERIES
    assert page_queries(deputy, question) == QUESTION_PAGE_QUERIES + FOR_A_DEPUTY


@pytest.mark.django_db
def test_who_can_see_lists_the_route_then_the_bureau_and_nobody_else(city, answered):
    today = timezone.localdate()
    deputy = deputise(city.chef, "plaatsvervanger")
    # Not today's plaatsvervanger, an officer who left: neither sees the question, neither is listed.
    earlier = make_person("vroeger", unit=city.team_a)
    Deputy.objects.create(
        manager=city.chef,
        deputy=earlier,
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today - datetime.timedelta(days=1),
    )
    make_person("weg", unit=city.city, is_integrity_officer=True, is_active=False)
    # A plaatsvervanger who is also an officer is listed once, with the route.
    deputy.is_integrity_officer = True
    deputy.save()
    assert viewers(answered) == [city.employee, city.chef, deputy, city.integrity]


@pytest.mark.django_db
def test_the_latest_answer_on_the_page_is_the_one_the_viewer_may_read(city, answered, as_chef, as_employee):
    url = reverse("advice:question_detail", args=[answered.pk])
    # The asker reads the Bureau's answer; the chef, after escalating, never does.
    assert "Dat mag." in as_employee.get(url).content.decode()
    assert "Dat mag." not in as_chef.get(url).content.decode()
    routed = ask(city.employee, subject="Nog een vraag")
    services.question_answer(question=routed, by=city.chef, text="Eerste antwoord.")
    url = reverse("advice:question_detail", args=[routed.pk])
    for client in (as_employee, as_chef):
        assert "Eerste antwoord." in client.get(url).content.decode()


# --- The Bureau's queue -----------------------------------------------------------------------------
QUEUE_PAGE_QUERIES = PAGE_QUERIES["Bureau queue"]


def queue(client, query=""):
    url = reverse("advice:bureau_queue") + query
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries.captured_queries)


@pytest.mark.django_db
def test_the_bureau_queue_counts_exactly_what_it_lists_in_one_aggregate(city, as_integrity):
    for number in range(3):
        ask(city.employee, concerns_manager=True, subject=f"Oud {number}", now=at(2025, 1, 6 + number))
    for number in range(2):
        ask(city.employee, concerns_manager=True, subject=f"Nieuw {number}")
    taken = ask(city.employee, concerns_manager=True, subject="Opgenomen")
    step(taken, city.integrity, "bureau_take_up")
    closed = ask(city.employee, concerns_manager=True, subject="Gesloten")
    step(closed, city.integrity, "bureau_take_up")
    step(closed, city.integrity, "bureau_answer", "Dat mag.")
    step(closed, city.employee, "asker_close")
    ask(city.employee, subject="Nog bij de chef")
    # A question about an officer is not theirs to see, nor to count.
    city.chef.is_integrity_officer = True
    city.chef.save()
    ask(city.employee, concerns_manager=True, subject="Over de chef")

    as_integrity.get(reverse("home"))  # the first visit after a change reads the shared content
    # The first view after a change counts the whole queue once, for every officer of this process;
    # the next views count only what the rule hides from the officer.
    content, queries = queue(as_integrity)
    assert queries == QUEUE_PAGE_QUERIES + 1
    content, queries = queue(as_integrity)
    assert "Nieuw: 6 · In behandeling: 1 · Meer informatie gevraagd: 0" in " ".join(content.split())
    assert "(1–7 van 7)" in content and "Gesloten" not in content
    assert queries == QUEUE_PAGE_QUERIES
    content, _ = queue(as_integrity, f"?state={State.TAKEN_UP}")
    assert "(1–1 van 1)" in content and "Nieuw: 6" in content
    content, _ = queue(as_integrity, "?age=10")
    assert "(1–3 van 3)" in content and "Oud 2" in content and "Nieuw 0" not in content
    content, _ = queue(as_integrity, f"?state={State.CLOSED}")
    assert "(1–1 van 1)" in content and "Gesloten" in content
    # All of them are about the chef (asked past the chef), so the chef as officer counts none of them.
    content, _ = queue(client_for(city.chef))
    assert "Nieuw: 0 · In behandeling: 0" in " ".join(content.split())
    assert "Geen vragen met deze filter." in content and "Over de chef" not in content


@pytest.mark.django_db
def test_a_longer_queue_costs_no_extra_query(city, as_integrity):
    for number in range(3):
        ask(city.employee, concerns_manager=True, subject=f"Vraag {number}")
    as_integrity.get(reverse("home"))  # the first visit after a change reads the shared content
    queue(as_integrity)  # and counts the queue
    _, small = queue(as_integrity)
    for number in range(60):
        ask(city.employee, concerns_manager=True, subject=f"Meer {number}")
    queue(as_integrity)
    content, big = queue(as_integrity, "?pagina=2")
    assert "(51–63 van 63)" in content
    assert big == small == QUEUE_PAGE_QUERIES


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_long_queue_is_not_planned_anew_on_every_view(city, as_integrity):
    """The queue's SELECT is a prepared statement: from its sixth run PostgreSQL may keep one plan for it
    (planning costs more than running it). It planned anew on every view while the queue's states were
    parameters (the kept plan could not use the queue's partial index, so read the whole table) and
    while the page's LIMIT and OFFSET were (guessed at a tenth of a long queue)."""
    from advice.models import Question

    first = ask(city.employee, concerns_manager=True, subject="Vraag 0")
    # The same question 1,999 times more (read once; its one-to-one statistics row and submission left out).
    first = Question.objects.get(pk=first.pk)
    fields = {
        field.attname: getattr(first, field.attname)
        for field in Question._meta.concrete_fields
        if field.attname not in ("id", "statistic_id", "submission", "subject")
    }
    Question.objects.bulk_create([Question(**fields, subject=f"Vraag {number}") for number in range(1, 2000)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE advice_question")
    # psycopg prepares the statement at its fifth run; PostgreSQL plans its first five executions for
    # their values, and from then on may keep one plan.
    for _ in range(14):
        content, _ = queue(as_integrity)
    assert "(1–50 van 2000)" in content
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            ["SELECT q.id, q.subject, q.direct_reason, q.bureau_at%"],
        )
        (generic, custom), *others = cursor.fetchall()
    assert not others
    assert custom == 5 and generic == 4  # the views after the first five prepared ones: the kept plan
