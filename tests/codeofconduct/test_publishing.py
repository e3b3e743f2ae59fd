"""Publishing: supersession, scheduling, validation, the record of who did what."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, close_old_connections, connection
from django.utils import timezone

from codeofconduct.models import PolicyVersion, PublicationEvent
from codeofconduct.services import publishing
from tests.codeofconduct.conftest import make_draft

Status = PolicyVersion.Status


def test_publishing_supersedes_the_current_version_and_records_who_did_it(policy, current, draft, city):
    publishing.version_publish(version=draft, by=city.editor, note="Nieuwe regel over TikTok")

    current.refresh_from_db()
    draft.refresh_from_db()
    assert current.status == Status.SUPERSEDED
    assert draft.status == Status.PUBLISHED
    assert policy.versions.filter(status=Status.PUBLISHED).get() == draft
    assert draft.content_hash == draft.compute_content_hash()
    assert draft.body_html.startswith("<p>Deze nota heeft tot doel")
    assert draft.acknowledgement_due_date == timezone.localdate() + datetime.timedelta(days=14)
    published = draft.events.get(action=PublicationEvent.Action.PUBLISHED)
    assert (published.by, published.note) == (city.editor, "Nieuwe regel over TikTok")
    assert current.events.filter(action=PublicationEvent.Action.SUPERSEDED, by=city.editor).exists()


def test_a_version_cannot_be_published_twice(draft, city):
    publishing.version_publish(version=draft, by=city.editor)
    with pytest.raises(ValidationError):
        publishing.version_publish(version=draft, by=city.editor)


def test_the_database_refuses_a_second_current_version(policy, draft):
    with pytest.raises(IntegrityError):
        PolicyVersion.objects.filter(pk=draft.pk).update(status=Status.PUBLISHED, published_at=timezone.now())


def test_a_note_dated_in_the_future_cannot_be_published(draft, city):
    draft.datum = timezone.localdate() + datetime.timedelta(days=3)
    publishing.draft_save(version=draft, by=city.editor)
    with pytest.raises(ValidationError) as error:
        publishing.version_publish(version=draft, by=city.editor)
    assert "datum" in error.value.message_dict
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_scheduled_publication_happens_when_the_command_runs_after_the_time(current, draft, city):
    when = timezone.now() + datetime.timedelta(hours=2)
    publishing.version_publish(version=draft, by=city.editor, publish_at=when)
    draft.refresh_from_db()
    assert draft.status == Status.SCHEDULED

    call_command("publish_due_versions")
    draft.refresh_from_db()
    assert draft.status == Status.SCHEDULED

    assert [v.pk for v in publishing.publish_due_versions(now=when + datetime.timedelta(minutes=1))] == [draft.pk]
    assert publishing.publish_due_versions(now=when + datetime.timedelta(minutes=2)) == []  # idempotent
    draft.refresh_from_db()
    current.refresh_from_db()
    assert (draft.status, current.status) == (Status.PUBLISHED, Status.SUPERSEDED)
    assert draft.events.filter(action=PublicationEvent.Action.PUBLISHED, by=None).exists()


def test_redactie_may_withdraw_without_reinstating_the_earlier_version(policy, current, city):
    publishing.version_withdraw(
        version=current, by=city.editor, note="Vervangen door nieuwe regeling", reinstate_previous=False
    )
    current.refresh_from_db()
    assert current.status == Status.WITHDRAWN
    assert not policy.versions.filter(status=Status.PUBLISHED).exists()
    assert current.events.get(action=PublicationEvent.Action.WITHDRAWN).note == "Vervangen door nieuwe regeling"


def test_withdrawing_an_update_makes_the_version_it_replaced_current_again(policy, current, draft, city):
    publishing.version_publish(version=draft, by=city.editor)
    publishing.version_withdraw(version=draft, by=city.editor, note="Fout in de tekst")
    current.refresh_from_db()
    draft.refresh_from_db()
    assert (draft.status, current.status) == (Status.WITHDRAWN, Status.PUBLISHED)
    assert current.ended_at is None
    assert list(policy.versions.filter(status=Status.PUBLISHED)) == [current]
    reinstated = current.events.get(action=PublicationEvent.Action.REINSTATED)
    assert (reinstated.by, reinstated.note_kind, reinstated.note_nummer) == (
        city.editor,
        PublicationEvent.NoteKind.REINSTATED_AFTER_WITHDRAWAL,
        draft.nummer,
    )


def test_a_published_version_cannot_be_saved_as_draft_again(current, city):
    current.body = "Andere tekst"
    with pytest.raises(publishing.PermissionDenied):
        publishing.draft_save(version=current, by=city.editor)


def test_expiry_date_must_follow_the_date(draft, city):
    draft.vervaldatum = draft.datum
    with pytest.raises(ValidationError) as error:
        publishing.draft_save(version=draft, by=city.editor)
    assert "vervaldatum" in error.value.message_dict


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_editors_publishing_at_once_leave_exactly_one_current_version(city, policy):
    first = make_draft(policy, city.editor, body="## 1. Context\n\nEerste.", nummer="D2026.101")
    second = make_draft(policy, city.editor, body="## 1. Context\n\nTweede.", nummer="D2026.102")
    barrier = threading.Barrier(4)
    errors = []

    def publish(version):
        try:
            barrier.wait()
            publishing.version_publish(version=version, by=city.editor)
        except Exception as error:
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=publish, args=(v,)) for v in (first, second, first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert connection.vendor == "postgresql"
    assert policy.versions.filter(status=Status.PUBLISHED).count() == 1
    # Each draft was published once; the repeated clicks were refused, not duplicated.
    assert len(errors) == 2 and all(isinstance(error, ValidationError) for error in errors)
    assert PublicationEvent.objects.filter(action="published", version__in=[first, second]).count() == 2
