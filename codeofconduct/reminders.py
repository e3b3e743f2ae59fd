"""The reminder job: safe to run as often as one likes (the systemd timer runs it every 15 minutes).

Every clock starts when the person was asked, never at the version's publication (docs/
code-of-conduct.md, "Clocks"). The job asks: the first time it finds a member in the audience of a
version in force it records an `Obligation` (asked now, due ACKNOWLEDGEMENT_DAYS later or on the
version's date when later) and queues their notice; the first time it finds a chef-waardeerder with
someone of the audience in their team, not having confirmed notifying them, it records that chef as
asked. The request to notify goes CHEF_NOTIFY_REMINDER_DAYS after the chef was asked, their
manager hears of it CHEF_ESCALATION_DAYS after; reminders go ACK_REMINDER_DAYS_BEFORE a member's
own due date and ACK_REMINDER_DAYS_AFTER it, once per due date (an extension brings new ones). A
note published years before the installation therefore asks everyone on the first run, and nobody
is late or escalated that day. Nobody without a mailbox is mailed (their chef reaches them);
nobody without a place in the organisation is asked at all.

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
from codeofconduct.models import Acknowledgement, Obligation, PolicyVersion, Reminder, TeamNotification
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
        _mails_to_members(version, now, today, report)
        _mails_to_chefs(version, now, today, report)
    return report


def _iso_week(day: datetime.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _asked_by(day: datetime.date) -> dict:
    """Lookup on Obligation: asked on `day` or earlier (a day in the city's time zone)."""
    end = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))
    return {"asked_at__lt": end}


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


def _already_sent(version, first, last, *, kinds, period=None) -> set[tuple[int, str, str]]:
    """(recipient, kind, period) of the mails sent to the people with ids from first to last (a range of
    the unique index), of one period or of any."""
    sent = Reminder.objects.filter(version=version, recipient_id__gte=first, recipient_id__lte=last, kind__in=kinds)
    if period is not None:
        sent = sent.filter(period=period)
    return set(sent.values_list("recipient_id", "kind", "period"))


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


def _send_version_mails(version, claimed, report, *, due_dates: dict | None = None) -> None:
    # One rendering per kind and due date: people asked on different days have their own due date.
    by_mail = defaultdict(list)
    for person, kind in claimed:
        by_mail[kind, (due_dates or {}).get(person.pk)].append(person)
    for (kind, due_date), recipients in by_mail.items():
        report.sent[kind] += emails.send_version_mail(
            kind=kind, version=version, recipients=recipients, context={"due_date": due_date}
        )


def _send_personal_mails(version, claimed, report) -> None:
    for person, kind, context in claimed:
        report.sent[kind] += emails.send_personal_mail(kind=kind, version=version, recipient=person, context=context)


def _ask(version, kind, person_ids, now, *, due_on=None) -> None:
    """Record these people as asked now, unless they were asked before (the first time counts)."""
    Obligation.objects.bulk_create(
        [Obligation(person_id=pk, version=version, kind=kind, asked_at=now, due_on=due_on) for pk in person_ids],
        ignore_conflicts=True,
    )


# --- The audience ---------------------------------------------------------------------------------


def _mails_to_members(version: PolicyVersion, now, today: datetime.date, report) -> None:
    """Everyone who still has to acknowledge is asked (once): the notice of the new version (only to
    those who have to act: after an editorial change most have nothing to do), a reminder in the days
    before their own due date and one some days after it, once per due date. Mail only to a mailbox."""
    before = datetime.timedelta(days=settings.ACK_REMINDER_DAYS_BEFORE)
    after = datetime.timedelta(days=settings.ACK_REMINDER_DAYS_AFTER)

    def kinds_due(person, due):
        yield Kind.NEW_VERSION, ONCE
        if due - before <= today <= due:
            yield Kind.BEFORE_DUE, due.isoformat()
        if today >= due + after:
            yield Kind.AFTER_DUE, due.isoformat()

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
        with transaction.atomic():
            told = audience.told_due_dates(version, open_ids)
            not_asked = [pk for pk in open_ids if pk not in told]
            if not_asked:  # most runs ask nobody new: only then a write, and a read of what won
                _ask(
                    version,
                    Obligation.Kind.ACKNOWLEDGE,
                    not_asked,
                    now,
                    due_on=audience.due_on_when_asked(version, today),
                )
                told.update(audience.told_due_dates(version, not_asked))
            due_dates = {pk: audience.effective_due_date(version, date) for pk, date in told.items()}
            # Most of the city has acknowledged: only those who have not are read in full.
            open_people = (
                people.filter(pk__in=open_ids).exclude(email="").only("pk", "email", "first_name", "last_name")
            )
            sent = _already_sent(version, first, last, kinds=MEMBER_KINDS)
            wanted = defaultdict(list)  # period -> [(person, kind)]
            for person in open_people.order_by("pk"):
                for kind, period in kinds_due(person, due_dates[person.pk]):
                    if (person.pk, kind, period) not in sent:
                        wanted[period].append((person, kind))
            for period, items in wanted.items():
                _claim_and_send(
                    version,
                    items,
                    period=period,
                    send=lambda claimed, due_dates=due_dates: _send_version_mails(
                        version, claimed, report, due_dates=due_dates
                    ),
                )


# --- Chefs-waardeerders and their managers --------------------------------------------------------


def _mails_to_chefs(version: PolicyVersion, now, today: datetime.date, report) -> None:
    """Per page of people who manage someone: chefs who did not confirm notifying their team are asked
    (once), reminded CHEF_NOTIFY_REMINDER_DAYS later, and CHEF_ESCALATION_DAYS after being asked the
    manager above them gets their names, weekly; chefs with overdue members get their number, weekly."""
    due = version.acknowledgement_due_date
    weekly = due is None or today > due  # before the version's due date nobody is overdue
    people = get_user_model().objects
    # Chefs (active, in the organisation) with someone of the audience in their team who did not
    # confirm notifying it.
    unconfirmed = (
        people.filter(is_active=True, unit__isnull=False)
        .filter(Exists(audience.audience(version).filter(manager=OuterRef("pk"))))
        .exclude(Exists(TeamNotification.objects.filter(version=version, chef=OuterRef("pk"))))
    )
    notify_by = today - datetime.timedelta(days=settings.CHEF_NOTIFY_REMINDER_DAYS)
    escalate_by = today - datetime.timedelta(days=settings.CHEF_ESCALATION_DAYS)

    def asked_by(day):
        return Exists(
            Obligation.objects.filter(
                person=OuterRef("pk"), version=version, kind=Obligation.Kind.NOTIFY_TEAM, **_asked_by(day)
            )
        )

    week = _iso_week(today)
    for page in _manager_pages():
        chefs_here = list(unconfirmed.filter(pk__in=page).values_list("pk", flat=True))
        _ask(version, Obligation.Kind.NOTIFY_TEAM, chefs_here, now)
        if weekly:
            _weekly_summary(version, today, page, week, report)
        if chefs_here:
            _notify_request(version, unconfirmed.filter(pk__in=chefs_here).filter(asked_by(notify_by)), report)
        # Here the page holds the managers above the chefs (a range: the page is every manager in it).
        above = unconfirmed.filter(
            manager_id__gte=page[0], manager_id__lte=page[-1], manager__is_active=True, manager__unit__isnull=False
        ).filter(asked_by(escalate_by))
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
    chefs = list(unconfirmed_chefs.exclude(email="").only("pk", "email", "is_active").order_by("pk"))
    if not chefs:
        return
    sent = _already_sent(version, chefs[0].pk, chefs[-1].pk, kinds=[Kind.CHEF_NOTIFY], period=ONCE)
    wanted = [(chef, Kind.CHEF_NOTIFY) for chef in chefs if (chef.pk, Kind.CHEF_NOTIFY, ONCE) not in sent]
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
    """A personal mail of `kind` to each active person with a place in the organisation and a mailbox
    in `context_per_person` (pk -> the mail's context) who has not had it this period."""
    if not context_per_person:
        return
    sent = _already_sent(version, min(context_per_person), max(context_per_person), kinds=[kind], period=period)
    people = (
        get_user_model()
        .objects.filter(pk__in=context_per_person, is_active=True, unit__isnull=False)
        .exclude(email="")
        .order_by("pk")
    )
    wanted = [
        (person, kind, context_per_person[person.pk]) for person in people if (person.pk, kind, period) not in sent
    ]
    _claim_and_send(version, wanted, period=period, send=lambda claimed: _send_personal_mails(version, claimed, report))
