"""The reminder job: safe to run as often as one likes (the systemd timer runs it every 15 minutes).

Every e-mail is claimed as a `Reminder` row (unique per recipient, version, kind and period) and
queued in the outbox (jobs.outbox) in one transaction per page of people; the mail worker sends them.
A second run, or two runs at once on different machines, queue nothing twice: a run that meets
another run's uncommitted claim waits for it, then skips it. A run that fails half-way (the database
goes away, the process dies) keeps the pages it finished, claims and mails together, and rolls back
the page it was on, so the next run queues that page: nothing is lost and nothing doubled. The job
never talks to the mail server: an outage there delays the mail (the worker retries), never the job,
and repeats at most the one mail that was in flight.

Time and memory do not grow faster than the city: people are read in pages of PAGE_SIZE by primary
key, and each page is completed with lookups on those ids only (their acknowledgements, the mails
they already had). An anti-join over the whole city per page ("not acknowledged, not yet reminded,
next 1,000") makes PostgreSQL scan every acknowledgement for every page: 127 s at 250,000 people.
"""

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from codeofconduct import audience, emails
from codeofconduct.models import Acknowledgement, PolicyVersion, Reminder, TeamNotification
from codeofconduct.selectors.reading import in_force_versions

Kind = Reminder.Kind
PAGE_SIZE = 1000
ONCE = "once"
MEMBER_KINDS = (Kind.NEW_VERSION, Kind.BEFORE_DUE, Kind.AFTER_DUE)


@dataclass
class RunReport:
    sent: dict = field(default_factory=lambda: defaultdict(int))

    def __str__(self):
        return ", ".join(f"{kind}: {count}" for kind, count in sorted(self.sent.items())) or "nothing to send"


def run_reminders(*, now: datetime.datetime | None = None) -> RunReport:
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = RunReport()
    for version in in_force_versions(today):  # never a withdrawn or expired version
        _mails_to_members(version, today, report)
        _mails_to_chefs(version, today, report)
    return report


def _iso_week(day: datetime.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


# --- Pages and claims -----------------------------------------------------------------------------


def _id_pages(queryset):
    """Keyset pagination on the primary key: each page a fresh query that reads PAGE_SIZE entries of an index."""
    last = 0
    while True:
        page = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:PAGE_SIZE])
        if not page:
            return
        yield page
        last = page[-1]


def _manager_pages():
    """The ids of everyone who manages someone, PAGE_SIZE at a time (a walk along the index on manager)."""
    last = 0
    while True:
        page = list(
            get_user_model()
            .objects.filter(manager_id__gt=last)
            .order_by("manager_id")
            .values_list("manager_id", flat=True)
            .distinct()[:PAGE_SIZE]
        )
        if not page:
            return
        yield page
        last = page[-1]


def _already_sent(version, first, last, *, kinds, period) -> set[tuple[int, str]]:
    """(recipient, kind) of the mails sent to the people with ids from first to last (a range of the unique index)."""
    return set(
        Reminder.objects.filter(
            version=version, recipient_id__gte=first, recipient_id__lte=last, kind__in=kinds, period=period
        ).values_list("recipient_id", "kind")
    )


def _claim(version, wanted: list[tuple], *, period) -> list[tuple]:
    """Record (person, kind, ...) as sent; return those whose row this run inserted (others had it already)."""
    run = uuid.uuid4()
    Reminder.objects.bulk_create(
        [Reminder(recipient_id=item[0].pk, version=version, kind=item[1], period=period, run=run) for item in wanted],
        ignore_conflicts=True,
    )
    # A range of recipients first: the unique index answers, also while the table's statistics still
    # describe it before this run's rows (`run` alone has no index).
    ids = [item[0].pk for item in wanted]
    claimed = set(
        Reminder.objects.filter(
            recipient_id__gte=min(ids), recipient_id__lte=max(ids), version=version, run=run
        ).values_list("recipient_id", "kind")
    )
    return [item for item in wanted if (item[0].pk, item[1]) in claimed]


def _claim_and_send(version, wanted: list[tuple], *, period, send) -> None:
    """Claims and queued mails of one page in one transaction: both are kept, or neither."""
    if not wanted:
        return
    with transaction.atomic():
        send(_claim(version, wanted, period=period))


def _send_version_mails(version, claimed, report) -> None:
    # One rendering per kind and due date: people who joined late have their own due date.
    by_mail = defaultdict(list)
    for person, kind in claimed:
        by_mail[kind, audience.due_date_for(version, person)].append(person)
    for (kind, due_date), recipients in by_mail.items():
        report.sent[kind] += emails.send_version_mail(
            kind=kind, version=version, recipients=recipients, context={"due_date": due_date}
        )


def _send_personal_mails(version, claimed, report) -> None:
    for person, kind, context in claimed:
        report.sent[kind] += emails.send_personal_mail(kind=kind, version=version, recipient=person, context=context)


# --- The audience ---------------------------------------------------------------------------------


def _mails_to_members(version: PolicyVersion, today: datetime.date, report) -> None:
    """To everyone who still has to acknowledge: the notice of the new version (only those who have to
    act: after an editorial change most have nothing to do), a reminder in the days before their due
    date and one some days after it. Each once."""
    before = datetime.timedelta(days=settings.ACK_REMINDER_DAYS_BEFORE)
    after = datetime.timedelta(days=settings.ACK_REMINDER_DAYS_AFTER)

    def kinds_due(person):
        yield Kind.NEW_VERSION
        due = audience.due_date_for(version, person)
        if due is not None and due - before <= today <= due:
            yield Kind.BEFORE_DUE
        if due is not None and today >= due + after:
            yield Kind.AFTER_DUE

    people = audience.audience(version)
    for ids in _id_pages(people):
        first, last = ids[0], ids[-1]
        acknowledged = set(
            Acknowledgement.objects.filter(version=version, person_id__gte=first, person_id__lte=last).values_list(
                "person_id", flat=True
            )
        )
        open_ids = [pk for pk in ids if pk not in acknowledged]
        if not open_ids:
            continue
        # Most of the city has acknowledged: only those who have not are read in full.
        open_people = people.filter(pk__in=open_ids).only("pk", "email", "first_name", "last_name", "unit_since")
        sent = _already_sent(version, first, last, kinds=MEMBER_KINDS, period=ONCE)
        wanted = [
            (person, kind)
            for person in open_people.order_by("pk")
            for kind in kinds_due(person)
            if (person.pk, kind) not in sent
        ]
        _claim_and_send(
            version, wanted, period=ONCE, send=lambda claimed: _send_version_mails(version, claimed, report)
        )


# --- Chefs-waardeerders and their managers --------------------------------------------------------


def _mails_to_chefs(version: PolicyVersion, today: datetime.date, report) -> None:
    """Per page of people who manage someone: the weekly summary of overdue members, the request to
    notify their team and, later, to the manager above them the names of the chefs who did not."""
    published_on = timezone.localdate(version.published_at)
    notify = today >= published_on + datetime.timedelta(days=settings.CHEF_NOTIFY_REMINDER_DAYS)
    escalate = today >= published_on + datetime.timedelta(days=settings.CHEF_ESCALATION_DAYS)
    due = version.acknowledgement_due_date
    weekly = due is not None and today > due
    if not (weekly or notify or escalate):
        return
    people = get_user_model().objects
    # Chefs (active) with someone of the audience in their team who did not confirm notifying it.
    unconfirmed = (
        people.filter(is_active=True)
        .filter(Exists(audience.audience(version).filter(manager=OuterRef("pk"))))
        .exclude(Exists(TeamNotification.objects.filter(version=version, chef=OuterRef("pk"))))
    )
    week = _iso_week(today)
    for page in _manager_pages():
        if weekly:
            _weekly_summary(version, today, page, week, report)
        if notify:
            _notify_request(version, unconfirmed.filter(pk__in=page), report)
        if escalate:
            # Here the page holds the managers above the chefs (a range: the page is every manager in it).
            above = unconfirmed.filter(manager_id__gte=page[0], manager_id__lte=page[-1], manager__is_active=True)
            _escalation(version, above, week, report)


def _weekly_summary(version, today, chef_ids, week, report) -> None:
    """Each chef-waardeerder whose team has overdue members gets their number, once a week."""
    overdue_per_chef = dict(
        audience.audience(version)
        .filter(manager_id__gte=chef_ids[0], manager_id__lte=chef_ids[-1])
        .filter(~Exists(Acknowledgement.objects.filter(person=OuterRef("pk"), version=version)))
        .filter(audience.overdue_filter(version, today))
        .values_list("manager_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    _personal_mail_once(
        version,
        Kind.CHEF_WEEKLY,
        week,
        {chef: {"overdue_count": count} for chef, count in overdue_per_chef.items()},
        report,
    )


def _notify_request(version, unconfirmed_chefs, report) -> None:
    """Chefs who have not confirmed notifying their team are asked to, once."""
    chefs = list(unconfirmed_chefs.only("pk", "email", "unit_since", "is_active").order_by("pk"))
    if not chefs:
        return
    sent = _already_sent(version, chefs[0].pk, chefs[-1].pk, kinds=[Kind.CHEF_NOTIFY], period=ONCE)
    wanted = [(chef, Kind.CHEF_NOTIFY) for chef in chefs if (chef.pk, Kind.CHEF_NOTIFY) not in sent]
    _claim_and_send(version, wanted, period=ONCE, send=lambda claimed: _send_version_mails(version, claimed, report))


def _escalation(version, unconfirmed_chefs, week, report) -> None:
    """Once a week, each manager of chefs who did not confirm notifying their team gets their names."""
    chefs_per_manager = defaultdict(list)
    for chef in unconfirmed_chefs.only("pk", "first_name", "last_name", "manager_id").order_by(
        "manager_id", "last_name", "first_name"
    ):
        chefs_per_manager[chef.manager_id].append(chef)
    _personal_mail_once(
        version,
        Kind.CHEF_ESCALATION,
        week,
        {manager: {"chefs": chefs} for manager, chefs in chefs_per_manager.items()},
        report,
    )


def _personal_mail_once(version, kind, period, context_per_person: dict, report) -> None:
    """A personal mail of `kind` to each active person in `context_per_person` (pk -> the mail's context)
    who has not had it this period."""
    if not context_per_person:
        return
    sent = _already_sent(version, min(context_per_person), max(context_per_person), kinds=[kind], period=period)
    people = get_user_model().objects.filter(pk__in=context_per_person, is_active=True).order_by("pk")
    wanted = [(person, kind, context_per_person[person.pk]) for person in people if (person.pk, kind) not in sent]
    _claim_and_send(version, wanted, period=period, send=lambda claimed: _send_personal_mails(version, claimed, report))
