"""Read-side queries on people that pages of other apps share."""

import datetime

from django.utils import timezone

from organisation.models import AccessGrant, Deputy, Person


def access_overview(*, today: datetime.date | None = None, history: int = 100) -> dict:
    """Who can read advice questions beyond their own route, and how they got it (for the Bureau).

    The officers today, the plaatsvervanger periods running or to come, requests waiting for a second
    beheerder, and the latest decisions (who asked, who decided, when).
    """
    today = today or timezone.localdate()
    grants = AccessGrant.objects.select_related("person", "manager", "requested_by", "decided_by")
    return {
        "officers": list(
            Person.objects.filter(is_active=True, is_integrity_officer=True).order_by("last_name", "first_name")
        ),
        "periods": list(
            Deputy.objects.filter(ends_on__gte=today)
            .select_related("manager", "deputy", "grant__requested_by", "grant__decided_by")
            .order_by("starts_on", "pk")
        ),
        "waiting": list(grants.filter(status=AccessGrant.Status.REQUESTED).order_by("requested_at", "pk")),
        "decided": list(grants.exclude(status=AccessGrant.Status.REQUESTED).order_by("-decided_at", "-pk")[:history]),
    }
