"""Mail is never lost and sent at most once more than needed: against a real mail server on a loopback
port (tests/smtp_sink.py) that goes down, crashes mid-batch and holds a message, and real
`manage.py mail_worker` processes, one of them killed with SIGKILL in the middle of a send."""

import datetime
import signal
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from codeofconduct.models import PolicyVersion
from codeofconduct.reminders import run_reminders
from jobs.models import Delivery
from organisation.models import Person
from tests.codeofconduct.compliance_fixture import LONG_AGO
from tests.factories import make_person
from tests.jobs.conftest import eventually

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def new_version(city, current):
    """The current version as just published, with a team of 20 more who have to read it."""
    for number in range(20):
        make_person(f"lid{number}", unit=city.team_a, manager=city.chef, email=f"lid{number}@stad.antwerpen.be")
    Person.objects.update(unit_since=LONG_AGO)
    PolicyVersion.objects.filter(pk=current.pk).update(published_at=timezone.now() - datetime.timedelta(minutes=5))
    return current


def queued() -> Counter:
    """How many queued mails go to each address (the notice, reminders, the chefs' mails)."""
    return Counter(
        address for to in Delivery.objects.filter(status="queued").values_list("to", flat=True) for address in to
    )


def all_sent():
    return Delivery.objects.exists() and not Delivery.objects.exclude(status="sent").exists()


def test_mail_queued_while_the_mail_server_is_down_arrives_once_when_it_is_back(
    city, new_version, smtp_to_sink, workers
):
    smtp_to_sink.down()
    run_reminders()  # the job does not need the mail server: it queues
    expected = queued()
    assert expected[city.employee.email] and len(expected) > 20

    workers.start()
    # The worker meets a server that refuses connections: the mail waits, with the reason.
    eventually(lambda: Delivery.objects.filter(attempts__gte=1).exclude(last_error="").exists())
    assert not Delivery.objects.filter(status__in=["sent", "failed"]).exists()
    assert "ConnectionRefusedError" in Delivery.objects.exclude(last_error="").first().last_error

    smtp_to_sink.up()
    eventually(all_sent, message="not every mail was sent after the mail server came back")
    assert smtp_to_sink.received_by() == expected, "a mail was lost, or arrived twice without a fault in flight"


def test_a_mail_server_that_crashes_mid_batch_repeats_at_most_the_mail_in_flight(new_version, smtp_to_sink, workers):
    run_reminders()
    expected = queued()
    smtp_to_sink.crash_after(7)  # takes 7, then an 8th, and goes down before saying it took it
    workers.start()
    eventually(lambda: not smtp_to_sink.is_up, message="the mail server never crashed")
    in_flight = smtp_to_sink.accepted[-1]["to"]
    assert len(smtp_to_sink.accepted) == 8

    # The reminder job's next run finds every mail claimed and queues nothing more.
    mails = Delivery.objects.count()
    run_reminders()
    assert Delivery.objects.count() == mails

    smtp_to_sink.up()
    eventually(all_sent, message="not every mail was sent after the crash")
    # Nothing lost; the one mail the server took without answering was sent again, no other mail.
    assert smtp_to_sink.received_by() - expected == Counter(in_flight)
    assert expected - smtp_to_sink.received_by() == Counter()


def test_a_worker_killed_while_sending_leaves_the_mail_to_the_next_worker_after_its_lease(
    city, current, as_chef, smtp_to_sink, workers
):
    as_chef.post(reverse("codeofconduct:team_remind", args=[current.pk]))
    smtp_to_sink.hold()  # the server takes the message and does not answer yet
    first = workers.start(MAIL_LEASE_SECONDS=4)
    assert smtp_to_sink.wait_until_held(timeout=90), "the first worker never sent"
    taken = Delivery.objects.get()
    assert taken.claimed_by and taken.attempts == 1

    first.send_signal(signal.SIGKILL)  # mid-send: no chance to record anything
    first.wait(timeout=60)
    smtp_to_sink.release()  # the server never finished taking it: nothing delivered
    assert smtp_to_sink.accepted == []

    workers.start(MAIL_LEASE_SECONDS=4)
    eventually(lambda: smtp_to_sink.accepted, message="the mail of the killed worker was lost")
    accepted_at = timezone.now()
    assert accepted_at - taken.last_attempt_at >= datetime.timedelta(seconds=4), "taken before the lease ended"
    eventually(all_sent)
    assert smtp_to_sink.received_by() == {city.employee.email: 1}
    assert Delivery.objects.get().attempts == 2


def test_the_worker_says_it_is_alive_and_health_reports_when_it_is_not(client, sink, workers, settings):
    settings.MAIL_WORKER_LATE_SECONDS = 3
    assert client.get("/healthz").json()["worker"] == "none"
    stopped = workers.start()
    eventually(lambda: client.get("/healthz").json()["worker"] == "up", message="no heartbeat")
    stopped.send_signal(signal.SIGTERM)  # stopped on purpose: it leaves, it is not "late"
    assert stopped.wait(timeout=15) == 0
    assert client.get("/healthz").json()["worker"] == "none"

    killed = workers.start()
    eventually(lambda: client.get("/healthz").json()["worker"] == "up", message="no heartbeat")
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=60)
    eventually(lambda: client.get("/healthz").json()["worker"] == "late", timeout=60)
    assert client.get("/healthz").status_code == 200  # the web server itself is fine
