"""Redactie throws away a draft that never left its desk; everything that was ever out stays.

A draft that was never published or scheduled, that nobody read, acknowledged or was reminded of, can
be deleted in the admin, with its own events (its creation, "copy of"). The deletion is in the log and
in the audit export. A version that was ever published or scheduled has no delete link, and a forged
delete (one or in bulk) deletes nothing.
"""

import datetime
import io
import threading

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection
from django.utils import timezone

from codeofconduct import audit
from codeofconduct.models import PolicyVersion, PublicationEvent, Reminder
from codeofconduct.services import publishing
from tests.codeofconduct.conftest import make_draft

pytestmark = pytest.mark.django_db

Status = PolicyVersion.Status


def delete_url(version):
    return f"/beheer/codeofconduct/policyversion/{version.pk}/delete/"


def change_url(version):
    return f"/beheer/codeofconduct/policyversion/{version.pk}/change/"


def test_a_fresh_draft_is_deleted_from_the_admin_with_its_events(policy, city, as_admin):
    fresh = publishing.draft_create(policy=policy, by=city.editor)
    assert f'href="{delete_url(fresh)}"' in as_admin.get(change_url(fresh)).text

    page = as_admin.get(delete_url(fresh))
    assert page.status_code == 200
    assert page.context["protected"] == [] and not page.context["perms_lacking"]
    assert fresh.nummer in page.text and "Ontwerp aangemaakt" in page.text  # the draft and its event go

    response = as_admin.post(delete_url(fresh), {"post": "yes"})
    assert response.status_code == 302
    assert not PolicyVersion.objects.filter(pk=fresh.pk).exists()
    assert not PublicationEvent.objects.filter(note_nummer=fresh.nummer).exists()
    assert PublicationEvent.objects.filter(version_id=fresh.pk).count() == 0
    entry = LogEntry.objects.get(action_flag=DELETION, object_id=str(fresh.pk))
    assert entry.user == city.admin and entry.object_repr == str(fresh)
    assert "Ontwerp aangemaakt" in entry.change_message


def test_a_copy_of_the_current_version_is_deleted_and_the_current_version_is_untouched(current, draft, as_admin):
    events_before = list(current.events.values_list("pk", flat=True))
    assert draft.events.get().note_kind == PublicationEvent.NoteKind.COPY_OF

    as_admin.post(delete_url(draft), {"post": "yes"})

    assert not PolicyVersion.objects.filter(pk=draft.pk).exists()
    current.refresh_from_db()
    assert current.status == Status.PUBLISHED
    assert list(current.events.values_list("pk", flat=True)) == events_before


def test_the_audit_export_keeps_the_deleted_draft(draft, city):
    publishing.version_discard_draft(version=draft, by=city.editor)
    stream = io.StringIO()
    audit.write_csv(audit.audit_rows(), stream)
    discarded = [line for line in stream.getvalue().splitlines() if ",discarded," in line]
    assert len(discarded) == 1
    assert draft.nummer in discarded[0] and city.editor.get_full_name() in discarded[0]


def _published_once(policy, current, draft, city, status):
    """A version in `status` that was out once (or scheduled to be)."""
    if status == Status.PUBLISHED:
        return current
    if status == Status.SUPERSEDED:
        return policy.versions.get(status=Status.SUPERSEDED)
    if status == Status.WITHDRAWN:
        return publishing.version_withdraw(version=current, by=city.editor, reinstate_previous=False)
    if status == Status.SCHEDULED:
        return publishing.version_publish(
            version=draft, by=city.editor, publish_at=timezone.now() + datetime.timedelta(days=3)
        )
    if status == Status.CANCELLED:
        scheduled = _published_once(policy, current, draft, city, Status.SCHEDULED)
        return publishing.version_withdraw(version=scheduled, by=city.editor)
    raise AssertionError(status)


@pytest.mark.parametrize(
    "status", [Status.PUBLISHED, Status.SUPERSEDED, Status.WITHDRAWN, Status.SCHEDULED, Status.CANCELLED]
)
def test_a_version_that_was_ever_out_has_no_delete_and_a_forged_delete_deletes_nothing(
    policy, current, draft, city, as_admin, status
):
    version = _published_once(policy, current, draft, city, status)
    assert version.status == status
    events = version.events.count()

    assert f'href="{delete_url(version)}"' not in as_admin.get(change_url(version)).text
    response = as_admin.post(delete_url(version), {"post": "yes"}, follow=True)
    assert "Enkel een ontwerp kan verwijderd worden" in response.text

    assert PolicyVersion.objects.filter(pk=version.pk, status=status).exists()
    assert version.events.count() == events
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()
    with pytest.raises(PermissionDenied):
        publishing.version_discard_draft(version=version, by=city.editor)


def test_a_draft_someone_was_mailed_about_is_kept(draft, city, as_admin):
    Reminder.objects.create(recipient=city.employee, version=draft, kind=Reminder.Kind.MANUAL, period="once")
    assert f'href="{delete_url(draft)}"' not in as_admin.get(change_url(draft)).text
    response = as_admin.post(delete_url(draft), {"post": "yes"}, follow=True)
    assert "heeft al een geschiedenis (verstuurde e-mails)" in response.text
    assert PolicyVersion.objects.filter(pk=draft.pk).exists()


def test_bulk_delete_is_not_offered_and_a_forged_one_deletes_nothing(current, draft, as_admin):
    changelist = "/beheer/codeofconduct/policyversion/"
    assert 'value="delete_selected"' not in as_admin.get(changelist).text
    as_admin.post(changelist, {"action": "delete_selected", "_selected_action": [current.pk, draft.pk], "post": "yes"})
    assert PolicyVersion.objects.filter(pk__in=[current.pk, draft.pk]).count() == 2
    assert not LogEntry.objects.filter(action_flag=DELETION).exists()


def test_publishing_a_draft_that_was_deleted_meanwhile_is_refused_not_half_done(draft, city):
    stale = PolicyVersion.objects.get(pk=draft.pk)  # the other editor's page
    publishing.version_discard_draft(version=draft, by=city.editor)
    with pytest.raises(ValidationError, match="intussen verwijderd"):
        publishing.version_publish(version=stale, by=city.editor)
    assert not PublicationEvent.objects.filter(version_id=draft.pk).exists()


def test_deleting_a_draft_that_was_published_meanwhile_is_refused(draft, city):
    stale = PolicyVersion.objects.get(pk=draft.pk)
    publishing.version_publish(version=draft, by=city.editor)
    with pytest.raises(PermissionDenied):
        publishing.version_discard_draft(version=stale, by=city.editor)
    assert PolicyVersion.objects.get(pk=draft.pk).status == Status.PUBLISHED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_one_editor_publishing_while_another_deletes_leaves_one_whole_outcome(city, policy, round_):
    draft = make_draft(policy, city.editor, body="## 1. Context\n\nNieuw.", nummer=f"D2026.{201 + round_}")
    barrier = threading.Barrier(2)
    outcomes = []

    def act(service):
        try:
            barrier.wait()
            service(version=PolicyVersion(pk=draft.pk, policy_id=draft.policy_id), by=city.editor)
            outcomes.append(service.__name__)
        except (ValidationError, PermissionDenied):
            outcomes.append("refused")
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=act, args=(service,))
        for service in (publishing.version_publish, publishing.version_discard_draft)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert connection.vendor == "postgresql"
    assert sorted(outcomes) in (["refused", "version_publish"], ["refused", "version_discard_draft"])
    if "version_publish" in outcomes:
        assert PolicyVersion.objects.get(pk=draft.pk).status == Status.PUBLISHED
        assert PublicationEvent.objects.filter(version_id=draft.pk, action="published").count() == 1
    else:
        assert not PolicyVersion.objects.filter(pk=draft.pk).exists()
        assert not PublicationEvent.objects.filter(version_id=draft.pk).exists()
        assert LogEntry.objects.filter(action_flag=DELETION, object_id=str(draft.pk)).count() == 1
