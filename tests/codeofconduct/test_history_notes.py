"""A version's history tells what happened in the reader's language: the application's own notes are
put into words when shown (Dutch or English), what a person typed is shown as typed and marked Dutch."""

import csv
import datetime
import importlib
import io
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from codeofconduct.models import PublicationEvent
from codeofconduct.services import publishing
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

Kind = PublicationEvent.NoteKind
note_kinds = importlib.import_module("codeofconduct.migrations.0008_publication_note_kinds")


@pytest.fixture
def lived(city, policy, current):
    """Every kind of note: the shipped content, a copy published with a typed note and withdrawn with a
    reason (the note in force again, with a new period), a copy published on schedule, and a draft
    made in the admin."""
    update = publishing.draft_create(policy=policy, by=city.editor, copy_from=current)
    publishing.version_publish(version=update, by=city.editor, note="Nieuwe regel over TikTok")
    publishing.version_withdraw(version=update, by=city.editor, note="Fout in artikel 1", reinstate_previous=True)
    later = publishing.draft_create(policy=policy, by=city.editor, copy_from=current)
    soon = timezone.now() + datetime.timedelta(hours=1)
    publishing.version_publish(version=later, by=city.editor, publish_at=soon)
    publishing.publish_due_versions(now=soon)
    PublicationEvent.objects.create(
        version=update, action=PublicationEvent.Action.CREATED, by=city.admin, note_kind=Kind.CREATED_IN_ADMIN
    )
    return {"current": current.nummer, "update": update.nummer, "later": later.nummer}


def sentences(language, n):
    """Every kind of note as the reader of `language` reads it, for the versions of `lived`."""
    if language == "en":
        return {
            Kind.INITIAL_CONTENT: "Initial content, loaded at installation",
            Kind.SUPERSEDED_BY: f"Superseded by {n['update']}",
            Kind.COPY_OF: f"Copy of {n['current']}",
            Kind.REINSTATED_AFTER_WITHDRAWAL: f"In force again after {n['update']} was withdrawn",
            Kind.NEW_PERIOD_AFTER_REINSTATEMENT: "Back in force: a new period to acknowledge",
            Kind.SCHEDULED_PUBLICATION: "Scheduled publication",
            Kind.CREATED_IN_ADMIN: "Created in the admin",
        }
    return {
        Kind.INITIAL_CONTENT: "Initiële inhoud, geladen bij installatie",
        Kind.SUPERSEDED_BY: f"Vervangen door {n['update']}",
        Kind.COPY_OF: f"Kopie van {n['current']}",
        Kind.REINSTATED_AFTER_WITHDRAWAL: f"Opnieuw van kracht na intrekking van {n['update']}",
        Kind.NEW_PERIOD_AFTER_REINSTATEMENT: "Opnieuw van kracht: nieuwe termijn om te bevestigen",
        Kind.SCHEDULED_PUBLICATION: "Geplande publicatie",
        Kind.CREATED_IN_ADMIN: "Aangemaakt in het beheer",
    }


def history_events(client, policy) -> str:
    page = client.get(reverse("codeofconduct:policy_history", args=[policy.slug])).content.decode()
    return " ".join(" ".join(re.findall(r'<ul class="coc-events">(.*?)</ul>', page, re.S)).split())


@pytest.mark.parametrize("language", ["nl-be", "en"])
def test_history_tells_the_applications_notes_in_the_readers_language_and_marks_only_typed_text_dutch(
    city, policy, lived, language
):
    editor = client_for(city.editor)
    editor.post(reverse("set_language"), {"language": language, "next": "/"})
    events = history_events(editor, policy)
    expected = sentences(language, lived)
    assert set(expected) == set(Kind), "every kind of note is shown"
    for kind, sentence in expected.items():
        assert f": {sentence}" in events, kind
        assert f'lang="nl">{sentence}' not in events, kind
    other = sentences("nl-be" if language == "en" else "en", lived)
    for kind in (Kind.INITIAL_CONTENT, Kind.SUPERSEDED_BY, Kind.SCHEDULED_PUBLICATION):
        assert other[kind] not in events, kind
    # What people typed is theirs, in Dutch: the only text marked as Dutch in the history.
    assert ': <span lang="nl">Nieuwe regel over TikTok</span>' in events
    assert ': <span lang="nl">Fout in artikel 1</span>' in events
    assert events.count('lang="nl"') == 2


def test_the_shipped_content_is_recorded_as_kinds_after_the_migrations(policy):
    """Migration 0002 writes the shipped events with Dutch sentences; 0008 turns them into kinds."""
    shipped = sorted(
        (event.version.nummer, event.action, event.note_kind, event.note_nummer, event.note)
        for event in PublicationEvent.objects.filter(version__policy=policy)
    )
    assert shipped == [
        ("D2013.xxx", "published", "initial_content", "", ""),
        ("D2013.xxx", "superseded", "superseded_by", "D2018.xxx", ""),
        ("D2018.xxx", "published", "initial_content", "", ""),
    ]


def old_style(version, action, note, by=None):
    """An event as the application recorded it before the migration: a sentence in `note`."""
    return PublicationEvent.objects.create(version=version, action=action, by=by, note=note)


def test_the_migration_turns_the_old_sentences_in_either_language_into_kinds_and_back(city, policy, current):
    PublicationEvent.objects.all().delete()
    events = {
        "copy_nl": old_style(current, "created", "Kopie van D2018.xxx", city.editor),
        "copy_en": old_style(current, "created", "Copy of D2018.xxx", city.editor),
        "admin_nl": old_style(current, "created", "Aangemaakt in het beheer", city.admin),
        "admin_en": old_style(current, "created", "Created in the admin", city.admin),
        "initial": old_style(current, "published", "Initiële inhoud, geladen bij installatie"),
        "scheduled_nl": old_style(current, "published", "Geplande publicatie"),
        "scheduled_en": old_style(current, "published", "Scheduled publication"),
        "superseded_nl": old_style(current, "superseded", "Vervangen door D2026.001", city.editor),
        "superseded_en": old_style(current, "superseded", "Superseded by D2026.001", city.editor),
        "back_nl": old_style(current, "reinstated", "Opnieuw van kracht na intrekking van D2026.001", city.editor),
        "back_en": old_style(current, "reinstated", "In force again after D2026.001 was withdrawn", city.editor),
        "period_nl": old_style(current, "due_extended", "Opnieuw van kracht: nieuwe termijn om te bevestigen"),
        "period_en": old_style(current, "due_extended", "Back in force: a new period to acknowledge"),
        # What people typed stays theirs, even when it reads like one of the application's sentences.
        "typed_withdrawal": old_style(current, "withdrawn", "Vervangen door nieuwe regeling", city.editor),
        "typed_publication": old_style(current, "published", "Geplande publicatie", city.editor),
        "typed_extension": old_style(current, "due_extended", "Staking bij de post", city.editor),
    }
    with translation.override("en"):  # the language of whoever runs the migration does not matter
        note_kinds.notes_to_kinds(apps, None)
    after = {name: PublicationEvent.objects.get(pk=event.pk) for name, event in events.items()}
    assert {name: (e.note_kind, e.note_nummer, e.note) for name, e in after.items()} == {
        "copy_nl": ("copy_of", "D2018.xxx", ""),
        "copy_en": ("copy_of", "D2018.xxx", ""),
        "admin_nl": ("created_in_admin", "", ""),
        "admin_en": ("created_in_admin", "", ""),
        "initial": ("initial_content", "", ""),
        "scheduled_nl": ("scheduled_publication", "", ""),
        "scheduled_en": ("scheduled_publication", "", ""),
        "superseded_nl": ("superseded_by", "D2026.001", ""),
        "superseded_en": ("superseded_by", "D2026.001", ""),
        "back_nl": ("reinstated_after", "D2026.001", ""),
        "back_en": ("reinstated_after", "D2026.001", ""),
        "period_nl": ("reinstated_period", "", ""),
        "period_en": ("reinstated_period", "", ""),
        "typed_withdrawal": ("", "", "Vervangen door nieuwe regeling"),
        "typed_publication": ("", "", "Geplande publicatie"),
        "typed_extension": ("", "", "Staking bij de post"),
    }

    note_kinds.kinds_to_notes(apps, None)
    back = {name: PublicationEvent.objects.get(pk=event.pk) for name, event in events.items()}
    assert all(e.note_kind == e.note_nummer == "" for e in back.values())
    assert {name: e.note for name, e in back.items()} == {
        "copy_nl": "Kopie van D2018.xxx",
        "copy_en": "Kopie van D2018.xxx",
        "admin_nl": "Aangemaakt in het beheer",
        "admin_en": "Aangemaakt in het beheer",
        "initial": "Initiële inhoud, geladen bij installatie",
        "scheduled_nl": "Geplande publicatie",
        "scheduled_en": "Geplande publicatie",
        "superseded_nl": "Vervangen door D2026.001",
        "superseded_en": "Vervangen door D2026.001",
        "back_nl": "Opnieuw van kracht na intrekking van D2026.001",
        "back_en": "Opnieuw van kracht na intrekking van D2026.001",
        "period_nl": "Opnieuw van kracht: nieuwe termijn om te bevestigen",
        "period_en": "Opnieuw van kracht: nieuwe termijn om te bevestigen",
        "typed_withdrawal": "Vervangen door nieuwe regeling",
        "typed_publication": "Geplande publicatie",
        "typed_extension": "Staking bij de post",
    }


def test_the_audit_export_tells_the_applications_notes_in_dutch_whoever_runs_it(lived):
    out = io.StringIO()
    with translation.override("en"):
        call_command("export_audit", stdout=out, stderr=io.StringIO())
    details = {
        (row["version"], row["what"], row["detail"])
        for row in csv.DictReader(io.StringIO(out.getvalue()))
        if row["record"] == "publication"
    }
    dutch = sentences("nl-be", lived)
    assert {
        (lived["update"], "created", dutch[Kind.COPY_OF]),
        (lived["update"], "created", dutch[Kind.CREATED_IN_ADMIN]),
        (lived["current"], "superseded", dutch[Kind.SUPERSEDED_BY]),
        (lived["current"], "reinstated", dutch[Kind.REINSTATED_AFTER_WITHDRAWAL]),
        (lived["current"], "due_extended", dutch[Kind.NEW_PERIOD_AFTER_REINSTATEMENT]),
        (lived["later"], "published", dutch[Kind.SCHEDULED_PUBLICATION]),
        # What people typed, as typed.
        (lived["update"], "published", "Nieuwe regel over TikTok"),
        (lived["update"], "withdrawn", "Fout in artikel 1"),
    } <= details
    english = sentences("en", lived)
    assert not any(sentence in detail for _, _, detail in details for sentence in english.values())


def test_the_previous_release_can_still_record_an_event_during_an_upgrade(current):
    """It knows neither note_kind nor note_nummer: the database fills them in (no note of the application)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO codeofconduct_publicationevent (version_id, action, at, note) VALUES (%s, %s, %s, %s)",
            [current.pk, "withdrawn", timezone.now(), "Fout in artikel 2"],
        )
    event = PublicationEvent.objects.get(version=current, action="withdrawn")
    assert (event.note_kind, event.note_nummer, event.note_text, event.note) == ("", "", "", "Fout in artikel 2")
