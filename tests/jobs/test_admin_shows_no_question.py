"""A beheerder who opens every page of the admin finds no trace of an advice question: not its number,
not its words, and nobody tied to it. The question bypassed the chef, its mails are queued, one
failed and one was sent: the records of mail on their way are where such traces used to be (the task
queue's admin showed each task's question id and people)."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.db import connection
from django.urls import NoReverseMatch, reverse

from advice import services as advice
from advice.models import Channel, Question
from jobs.models import Delivery
from organisation.models import AccessGrant
from organisation.services import access_grant_approve, access_grant_request
from tests.conftest import client_for
from tests.factories import make_person

pytestmark = pytest.mark.django_db

QUESTION_ID = 904_517
SUBJECT = "Mijn chef plaatst foto's van collega's"
BODY = "Hij zet zonder toestemming foto's van het team op Instagram."


def next_question_id_is(pk: int) -> None:
    """Question ids are small in a test database; a distinct one cannot turn up by accident."""
    table = Question._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, pk - 1])
        else:
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, pk - 1])


def url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None  # a page this admin does not offer (no add, no per-record page)


def admin_pages():
    """Every page the admin offers: the index, each app, each list, and each record's page and history."""
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages.append(reverse("admin:app_list", kwargs={"app_label": model._meta.app_label}))
        pages += [url(f"{prefix}_changelist"), url(f"{prefix}_add")]
        for pk in model._default_manager.values_list("pk", flat=True)[:300]:
            pages += [url(f"{prefix}_{view}", pk) for view in ("change", "history", "delete")]
    return [page for page in pages if page]


def test_the_admin_shows_nothing_of_a_question_that_bypassed_the_chef(city, smtp_to_sink, settings):
    next_question_id_is(QUESTION_ID)
    asker = make_person(
        "zvraag", unit=city.team_a, manager=city.chef, first_name="Zelda", last_name="Vraagsteller",
        email="zelda.vraagsteller@stad.antwerpen.be",
    )  # fmt: skip
    officer = make_person(
        "qinteger", unit=city.city, is_integrity_officer=True, first_name="Quinten", last_name="Integer",
        email="quinten.integer@stad.antwerpen.be",
    )  # fmt: skip
    question = advice.question_ask(
        asker=asker, subject=SUBJECT, body=BODY, channel=Channel.INSTAGRAM, concerns_manager=True
    )
    assert question.pk == QUESTION_ID
    # One mail arrives, one is refused for good, the others wait.
    smtp_to_sink.refuse[officer.email] = (550, f"5.1.1 <{officer.email}>: unknown user")
    call_command("mail_worker", "--once")
    advice.question_take_step(question=question, by=city.integrity, step="bureau_take_up")
    statuses = set(Delivery.objects.values_list("status", flat=True))
    assert statuses == {"sent", "failed", "queued"}
    # Every other page of the admin with a record on it: a plaatsvervanger period made with four
    # eyes (an access request and its approval), and what the beheerder did in the admin (history).
    second = make_person("beheer2", unit=city.city, is_staff=True, is_superuser=True)
    grant = access_grant_request(
        kind=AccessGrant.Kind.DEPUTY, person=city.colleague, manager=city.other_chef,
        starts_on=datetime.date(2026, 3, 2), ends_on=datetime.date(2026, 3, 6), reason="Verlof", by=city.admin,
    )  # fmt: skip
    access_grant_approve(grant=grant, by=second)
    client_for(city.admin).post(
        reverse("admin:organisation_orgunit_change", args=[city.team_b.pk]),
        {"code": city.team_b.code, "name": "Team Pers en Media", "kind": "team", "parent": city.service.pk,
         "is_active": "on"},
    )  # fmt: skip
    assert LogEntry.objects.exists()

    traces = {
        "the question's number": str(QUESTION_ID),
        "its subject": SUBJECT,
        "its text": BODY,
    }
    people = {
        "the asker": [asker.get_full_name(), asker.email, asker.username],
        "a recipient": [officer.get_full_name(), officer.email, officer.username],
    }
    beheerder = client_for(city.admin)
    opened = 0
    for page in admin_pages():
        response = beheerder.get(page, follow=True)
        assert response.status_code in (200, 403), (page, response.status_code)
        html = response.content.decode()
        opened += 1
        for what, text in traces.items():
            assert text not in html, f"{what} on {page}"
        # People are in the admin as employees (their own pages and the list of people), and there
        # only: nowhere else may a page name them, for a page about mail or tasks would tie them to it.
        if not page.startswith("/beheer/organisation/person/"):
            for who, names in people.items():
                for name in names:
                    assert name not in html, f"{who} ({name}) on {page}"
    assert opened > 20
