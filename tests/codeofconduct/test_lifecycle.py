"""The lifecycle at its edges: a cancelled schedule, withdrawal both ways, expiry, an extended due date.

Each test sets the clock explicitly (time-machine) where the edge is, and asserts what people notice:
the mails, the "Te lezen" lists and the pages.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from codeofconduct.models import PolicyVersion, PublicationEvent
from codeofconduct.services import publishing
from tests.conftest import client_for
from tests.url_patterns import all_urls

pytestmark = pytest.mark.django_db
Status = PolicyVersion.Status
Action = PublicationEvent.Action
BRUSSELS = datetime.timezone(datetime.timedelta(hours=1))


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=BRUSSELS)


# --- A schedule cancelled before publication is public nowhere ------------------------------------

CANCELLED_TITLE = "Geannuleerde regeling over drones"


@pytest.fixture
def cancelled(policy, draft, city):
    draft.titel = CANCELLED_TITLE
    draft.body = "## 1. Context\n\nDrones boven het stadhuis zijn verboden.\n"
    publishing.draft_save(version=draft, by=city.editor)
    publishing.version_publish(version=draft, by=city.editor, publish_at=timezone.now() + datetime.timedelta(days=2))
    publishing.version_withdraw(version=draft, by=city.editor, note="Toch niet", reinstate_previous=False)
    draft.refresh_from_db()
    return draft


def test_cancelling_a_schedule_makes_it_cancelled_and_records_it(cancelled, city):
    assert cancelled.status == Status.CANCELLED
    event = cancelled.events.get(action=Action.CANCELLED)
    assert (event.by, event.note) == (city.editor, "Toch niet")
    assert not PolicyVersion.objects.public().filter(pk=cancelled.pk).exists()
    # Its time comes and goes: the scheduler publishes nothing.
    assert publishing.publish_due_versions(now=timezone.now() + datetime.timedelta(days=3)) == []


def _version_urls():
    """Every URL of the code of conduct that takes a version's id."""
    return sorted((name, path) for name, path in all_urls() if name.startswith("codeofconduct:") and "/999999/" in path)


def test_every_url_that_takes_a_version_refuses_a_cancelled_one(cancelled, city):
    urls = _version_urls()
    assert {"codeofconduct:version_detail", "codeofconduct:acknowledge", "codeofconduct:compliance_export"} <= {
        name for name, _ in urls
    }
    for person in (city.employee, city.chef, city.editor):
        client = client_for(person)
        for name, path in urls:
            path = path.replace("/999999/", f"/{cancelled.pk}/")
            for method in (client.get, client.post):
                response = method(path)
                assert response.status_code in (403, 404, 405), f"{person} {method.__name__} {name}"
                assert CANCELLED_TITLE not in response.content.decode(), f"{person} {name}"


def test_a_cancelled_schedule_is_in_no_list_search_history_or_comparison(cancelled, policy, current, city):
    for person in (city.employee, city.editor):
        client = client_for(person)
        pages = [
            reverse("codeofconduct:policy_list"),
            reverse("codeofconduct:archive"),
            reverse("codeofconduct:search") + "?q=drones",
            reverse("codeofconduct:policy_history", args=[policy.slug]),
            reverse("codeofconduct:compare", args=[policy.slug]) + f"?oud={current.pk}&nieuw={cancelled.pk}",
            reverse("codeofconduct:compliance") + f"?versie={cancelled.pk}",
            reverse("home"),
        ]
        for page in pages:
            response = client.get(page, follow=True)
            content = response.content.decode()
            assert CANCELLED_TITLE not in content, f"{person} {page}"
            assert cancelled.nummer not in content, f"{person} {page}"
