"""Records of mail do not outlive what they are about: a question's mail leaves with the question, sent
mail keeps nothing personal and is cleared after a week, failed mail after a month."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from advice import services as advice
from advice.models import Channel, Question
from jobs.models import Delivery, Message, WorkerHeartbeat

pytestmark = pytest.mark.django_db


def at(*args):
    return timezone.make_aware(datetime.datetime(*args))


def everything_in_the_mail_tables() -> str:
    rows = [
        *Message.objects.values("concerns", "content"),
        *Delivery.objects.values("to", "recipient_id", "last_error", "kind"),
    ]
    return json.dumps(rows, default=str)


def test_a_question_removed_after_its_retention_takes_its_mail_along(city, smtp_to_sink):
    old = advice.question_ask(
        asker=city.employee, subject="Oud", body="Een oude vraag.", channel=Channel.BLOG, now=at(2024, 1, 10, 9)
    )
    smtp_to_sink.refuse[city.chef.email] = (550, "unknown user")
    call_command("mail_worker", "--once")  # the asker's mail arrives, the chef's fails
    advice.question_take_step(question=old, by=city.employee, step="asker_withdraw", now=at(2024, 1, 11, 9))
    assert Delivery.objects.filter(status="queued").exists()  # the withdrawal's mail, still waiting
    recent = advice.question_ask(asker=city.colleague, subject="Nieuw", body="Een vraag.", channel=Channel.BLOG)
    assert f"advice.question:{old.pk}" in everything_in_the_mail_tables()

    call_command("advice_purge_expired", now="2026-03-01T12:00")
    assert list(Question.objects.all()) == [recent]
    left = everything_in_the_mail_tables()
    assert f"advice.question:{old.pk}" not in left and f"/advies/vragen/{old.pk}/" not in left
    # The mail about the other question still waits; what was sent names nobody and nothing.
    assert Delivery.objects.filter(status="queued", message__concerns=f"advice.question:{recent.pk}").exists()
    assert Delivery.objects.filter(status="failed").count() == 0
    for sent in Delivery.objects.filter(status="sent"):
        assert (sent.to, sent.recipient_id, sent.message_id) == ([], None, None)


def test_the_nightly_clearing_removes_sent_mail_after_a_week_and_failed_mail_after_a_month(
    city, current, as_chef, smtp_to_sink
):
    as_chef.post(reverse("codeofconduct:team_remind", args=[current.pk]))
    call_command("mail_worker", "--once")
    sent = Delivery.objects.get()
    now = timezone.now()
    Delivery.objects.create(kind="codeofconduct.manual", status="sent", sent_at=now - datetime.timedelta(days=8))
    waiting_message = Message.objects.create(content={}, concerns="")
    Delivery.objects.create(kind="codeofconduct.manual", message=waiting_message, to=["a@stad.antwerpen.be"])
    for days in (31, 29):
        Delivery.objects.create(
            kind="codeofconduct.manual",
            status="failed",
            failed_at=now - datetime.timedelta(days=days),
            message=Message.objects.create(content={}, concerns=""),
            to=[f"failed{days}@stad.antwerpen.be"],
        )
    Message.objects.create(content={}, concerns="")  # nothing refers to it any more
    for hours in (25, 1):
        WorkerHeartbeat.objects.create(
            worker_id=f"w{hours}",
            host="h",
            pid=1,
            started_at=now - datetime.timedelta(hours=hours),
            beat_at=now - datetime.timedelta(hours=hours),
        )

    call_command("clear_finished_mail")
    remaining = set(Delivery.objects.values_list("status", "sent_at", "failed_at"))
    assert (sent.status, sent.sent_at, None) in remaining  # sent today: kept a week
    assert {status for status, *_ in remaining} == {"sent", "queued", "failed"}
    assert Delivery.objects.filter(status="failed").get().to == ["failed29@stad.antwerpen.be"]
    assert Delivery.objects.filter(status="sent").count() == 1
    assert Message.objects.count() == 2  # the waiting mail's and the failed one's
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["w1"]
