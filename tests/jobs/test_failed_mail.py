"""Mail the server will not take: retried while there is hope, then failed, shown to the beheerder
(count and last error, no address), resent on their click; a chef's failed reminder frees the next click."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from codeofconduct.models import Reminder
from jobs.models import Delivery, Message

pytestmark = pytest.mark.django_db

OVERVIEW = "/beheer/jobs/delivery/"


def run_worker():
    """One pass of the mail worker: every delivery due now, tried once."""
    call_command("mail_worker", "--once")


def remind(client, version):
    return client.post(reverse("codeofconduct:team_remind", args=[version.pk]), follow=True).content.decode()


def test_a_reminder_to_an_address_the_server_refuses_fails_and_the_chef_can_send_it_again(
    city, current, as_chef, as_admin, smtp_to_sink
):
    smtp_to_sink.refuse[city.employee.email] = (550, f"5.1.1 <{city.employee.email}>: Recipient address rejected")
    assert "Herinnering verstuurd naar: Lotte Janssens." in remind(as_chef, current)
    run_worker()
    delivery = Delivery.objects.get()
    assert delivery.status == "failed"  # a 5xx for the address: no point in trying again
    assert smtp_to_sink.accepted == []

    # The team page no longer claims she was reminded today, and the beheerder sees the failure.
    team = as_chef.get(reverse("codeofconduct:team")).content.decode()
    assert "vandaag herinnerd" not in team
    overview = as_admin.get(OVERVIEW).content.decode()
    assert "Herinnering van de chef-waardeerder" in overview and "Recipient address rejected" in overview
    assert city.employee.email not in overview and "&lt;adres&gt;" in overview

    # Her mailbox is fixed; the chef clicks again the same day: it is sent, once.
    del smtp_to_sink.refuse[city.employee.email]
    assert "Herinnering verstuurd naar: Lotte Janssens." in remind(as_chef, current)
    run_worker()
    assert smtp_to_sink.received_by() == {city.employee.email: 1}
    assert "vandaag herinnerd" in as_chef.get(reverse("codeofconduct:team")).content.decode()


def test_a_reminder_clicked_while_the_mail_server_is_down_waits_and_is_not_doubled_by_a_second_click(
    city, current, as_chef, smtp_to_sink, settings
):
    settings.MAIL_RETRY_SECONDS = 0  # the retry is due at once: no waiting in the test
    smtp_to_sink.down()
    remind(as_chef, current)
    run_worker()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert "ConnectionRefusedError" in delivery.last_error
    # Still on its way: it counts as today's reminder, and a second click does not queue another.
    assert "Vandaag al herinnerd, nu niet opnieuw: Lotte Janssens." in remind(as_chef, current)
    assert Delivery.objects.count() == 1

    smtp_to_sink.up()
    run_worker()
    assert smtp_to_sink.received_by() == {city.employee.email: 1}
    assert Reminder.objects.filter(kind="manual").count() == 1


def test_try_later_is_retried_with_growing_pauses_until_the_give_up_time(
    city, current, as_chef, as_admin, smtp_to_sink, settings
):
    settings.MAIL_RETRY_SECONDS, settings.MAIL_RETRY_MAX_SECONDS = 60, 600
    smtp_to_sink.refuse[city.employee.email] = (451, "4.2.0 Mailbox busy, try again later")
    remind(as_chef, current)
    pauses = []
    for _ in range(5):
        Delivery.objects.update(next_attempt_at=timezone.now())  # the pause has passed
        before = timezone.now()
        run_worker()
        delivery = Delivery.objects.get()
        assert delivery.status == "queued" and "Mailbox busy" in delivery.last_error
        pauses.append((delivery.next_attempt_at - before).total_seconds())
    # 60, 120, 240, 480 seconds (up to a fifth more), then at most MAIL_RETRY_MAX_SECONDS (and its fifth).
    for pause, expected in zip(pauses, [60, 120, 240, 480, 600], strict=True):
        assert expected <= pause <= expected * 1.2 + 1, pauses

    # A day later the server still says "later": the mail is failed, for the beheerder to see.
    Delivery.objects.update(next_attempt_at=timezone.now(), queued_at=timezone.now() - datetime.timedelta(hours=25))
    run_worker()
    assert Delivery.objects.get().status == "failed"
    assert "Mailbox busy" in as_admin.get(OVERVIEW).content.decode()

    # The beheerder resends it once the mailbox works: it arrives.
    del smtp_to_sink.refuse[city.employee.email]
    response = as_admin.post(OVERVIEW + "opnieuw/", {"kind": "codeofconduct.manual"}, follow=True)
    assert "1 mislukte e-mail staat opnieuw in de wachtrij." in response.content.decode()
    run_worker()
    assert smtp_to_sink.received_by() == {city.employee.email: 1}
    assert Delivery.objects.get().status == "sent"


def test_a_sent_mail_keeps_nothing_but_its_kind_and_times(city, current, as_chef, smtp_to_sink):
    remind(as_chef, current)
    run_worker()
    delivery = Delivery.objects.get()
    assert delivery.status == "sent" and delivery.sent_at is not None
    assert (delivery.to, delivery.recipient, delivery.message) == ([], None, None)
    assert delivery.kind == "codeofconduct.manual"


@pytest.mark.parametrize("persona", ["as_employee", "as_chef", "as_editor", "as_integrity"])
def test_only_beheerders_see_and_resend_mail(request, persona, city, current, as_chef, smtp_to_sink):
    smtp_to_sink.refuse[city.employee.email] = (550, "no such user")
    remind(as_chef, current)
    run_worker()
    client = request.getfixturevalue(persona)
    assert client.get(OVERVIEW, follow=True).status_code == 403
    assert client.post(OVERVIEW + "opnieuw/", {"kind": ""}, follow=True).status_code == 403
    assert Delivery.objects.get().status == "failed"


def test_a_mail_that_cannot_be_built_fails_at_once_and_the_worker_goes_on(city, current, as_chef, smtp_to_sink):
    broken = Message.objects.create(content={"subject": "Zonder tekst"}, concerns="")
    Delivery.objects.create(kind="codeofconduct.manual", message=broken, to=["x@stad.antwerpen.be"])
    remind(as_chef, current)
    run_worker()
    assert Delivery.objects.get(message=broken).status == "failed"
    assert "KeyError" in Delivery.objects.get(message=broken).last_error
    assert smtp_to_sink.received_by() == {city.employee.email: 1}
