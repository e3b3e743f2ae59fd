"""The reminder job: safe to run as often as one likes (cron, e.g. every hour).

Every e-mail is first claimed as a `Reminder` row (unique per recipient, version, kind and period)
by this run, then sent: a second run, or two runs at once on different machines, send nothing twice.
People are handled in pages of PAGE_SIZE, never all in memory.
"""

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils import timezone

from codeofconduct import audience, emails
from codeofconduct.compliance import current_versions
from codeofconduct.models import Acknowledgement, PolicyVersion, Reminder, TeamNotification

Kind = Reminder.Kind
PAGE_SIZE = 1000
ONCE = "once"


@dataclass
class RunReport:
    sent: dict = field(default_factory=lambda: defaultdict(int))

    def __str__(self):
        return ", ".join(f"{kind}: {count}" for kind, count in sorted(self.sent.items())) or "nothing to send"


def run_reminders(*, now: datetime.datetime | None = None) -> RunReport:
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = RunReport()
    for version in current_versions():
        _new_version_notice(version, report)
        _due_date_reminders(version, today, report)
        _chef_weekly_summary(version, today, report)
        _chef_notification_reminders(version, today, report)
    return report


def _not_yet(kind, period, version):
    return ~Exists(Reminder.objects.filter(recipient=OuterRef("pk"), version=version, kind=kind, period=period))


def _not_acknowledged(version):
    return ~Exists(Acknowledgement.objects.filter(person=OuterRef("pk"), version=version))


def _pages(queryset):
    """Keyset pagination on the primary key: each page a fresh, bounded query."""
    last = 0
    while True:
        page = list(queryset.filter(pk__gt=last).order_by("pk")[:PAGE_SIZE])
        if not page:
            return
        yield page
        last = page[-1].pk


def _claim(people, *, version, kind, period) -> list:
    run = uuid.uuid4()
    Reminder.objects.bulk_create(
        [Reminder(recipient=person, version=version, kind=kind, period=period, run=run) for person in people],
        ignore_conflicts=True,
    )
    claimed = set(Reminder.objects.filter(run=run).values_list("recipient_id", flat=True))
    return [person for person in people if person.pk in claimed]


def _send_to_all(queryset, *, version, kind, period, report, wanted=lambda person: True):
    for page in _pages(
        queryset.filter(_not_yet(kind, period, version)).only(
            "pk", "email", "first_name", "last_name", "unit_since", "is_active"
        )
    ):
        people = _claim([person for person in page if wanted(person)], version=version, kind=kind, period=period)
        # One rendering per due date: people who joined late have their own.
        by_due_date = defaultdict(list)
        for person in people:
            by_due_date[audience.due_date_for(version, person)].append(person)
        for due_date, recipients in by_due_date.items():
            report.sent[kind] += emails.send_version_mail(
                kind=kind, version=version, recipients=recipients, context={"due_date": due_date}
            )


def _new_version_notice(version: PolicyVersion, report):
    # Only those who still have to act: after an editorial change most have nothing to do.
    _send_to_all(
        audience.audience(version).filter(_not_acknowledged(version)),
        version=version,
        kind=Kind.NEW_VERSION,
        period=ONCE,
        report=report,
    )


def _due_date_reminders(version: PolicyVersion, today: datetime.date, report):
    before = datetime.timedelta(days=settings.ACK_REMINDER_DAYS_BEFORE)
    after = datetime.timedelta(days=settings.ACK_REMINDER_DAYS_AFTER)
    open_people = audience.audience(version).filter(_not_acknowledged(version))

    def due_soon(person):
        due = audience.due_date_for(version, person)
        return due is not None and due - before <= today <= due

    def long_overdue(person):
        due = audience.due_date_for(version, person)
        return due is not None and today >= due + after

    _send_to_all(open_people, version=version, kind=Kind.BEFORE_DUE, period=ONCE, report=report, wanted=due_soon)
    _send_to_all(open_people, version=version, kind=Kind.AFTER_DUE, period=ONCE, report=report, wanted=long_overdue)


def _iso_week(day: datetime.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _chef_weekly_summary(version: PolicyVersion, today: datetime.date, report):
    """Once a week, each chef-waardeerder whose team has overdue members gets their number."""
    overdue = (
        audience.audience(version)
        .filter(_not_acknowledged(version))
        .filter(audience.overdue_filter(version, today), manager__isnull=False)
    )
    per_chef = defaultdict(int)
    for manager_id in overdue.values_list("manager_id", flat=True).iterator(chunk_size=5000):
        per_chef[manager_id] += 1
    _send_to_chefs(
        per_chef,
        version=version,
        kind=Kind.CHEF_WEEKLY,
        period=_iso_week(today),
        report=report,
        context=lambda chef: {"overdue_count": per_chef[chef.pk]},
    )


def _send_to_chefs(per_chef: dict, *, version, kind, period, report, context):
    chefs = get_user_model().objects.filter(pk__in=list(per_chef), is_active=True)
    for page in _pages(chefs.filter(_not_yet(kind, period, version))):
        for chef in _claim(page, version=version, kind=kind, period=period):
            report.sent[kind] += emails.send_personal_mail(
                kind=kind, version=version, recipient=chef, context=context(chef)
            )


def _chef_notification_reminders(version: PolicyVersion, today: datetime.date, report):
    """Chefs who have not confirmed notifying their team get a reminder; later their manager a summary."""
    published_on = timezone.localdate(version.published_at)
    if today < published_on + datetime.timedelta(days=settings.CHEF_NOTIFY_REMINDER_DAYS):
        return
    confirmed = TeamNotification.objects.filter(version=version).values("chef_id")
    chef_ids = set(
        audience.audience(version)
        .filter(manager__isnull=False, manager__is_active=True)
        .exclude(manager_id__in=confirmed)
        .values_list("manager_id", flat=True)
        .distinct()
    )
    people = get_user_model().objects.filter(pk__in=chef_ids)
    _send_to_all(people, version=version, kind=Kind.CHEF_NOTIFY, period=ONCE, report=report)
    if today < published_on + datetime.timedelta(days=settings.CHEF_ESCALATION_DAYS):
        return
    unconfirmed_by_manager = defaultdict(list)
    for chef in people.filter(manager__isnull=False, manager__is_active=True).order_by("last_name", "first_name"):
        unconfirmed_by_manager[chef.manager_id].append(chef)
    _send_to_chefs(
        unconfirmed_by_manager,
        version=version,
        kind=Kind.CHEF_ESCALATION,
        period=_iso_week(today),
        report=report,
        context=lambda manager: {"chefs": unconfirmed_by_manager[manager.pk]},
    )
