"""Is a mail worker alive? For /healthz and the beheerder's mail overview."""

import datetime

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from jobs.models import WorkerHeartbeat


def worker_state(*, now: datetime.datetime | None = None) -> str:
    """ "up": a worker beat within MAIL_WORKER_LATE_SECONDS; "late": none did (all dead or stuck);
    "none": no worker is running (none ever started, or all stopped on purpose)."""
    last = WorkerHeartbeat.objects.aggregate(last=Max("beat_at"))["last"]
    if last is None:
        return "none"
    now = now or timezone.now()
    return "up" if now - last <= datetime.timedelta(seconds=settings.MAIL_WORKER_LATE_SECONDS) else "late"
