"""Audit export: the legal record of the code of conduct as one timeline.

Acknowledgements (who read and acknowledged which exact text, how and when), team notifications
(which chef-waardeerder told their team, when and how) and publishing events (who published,
superseded, withdrew or reinstated which version). Rows stream in time order from three ordered
database cursors, so a city-sized record never sits in memory.

One fixed language, whoever runs it: column names and codes (`record`, `what`, `system`) are
identifiers as stored; the sentences in `detail` are Dutch, the city's official language (the
application's own publication notes are put into Dutch here, what people typed is kept as typed).
"""

import csv
import datetime
import heapq
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from django.utils import timezone, translation

from codeofconduct.exports import safe_cell
from codeofconduct.models import Acknowledgement, PolicyVersion, PublicationEvent, TeamNotification

CHUNK = 2000


@dataclass(frozen=True)
class AuditRow:
    at: datetime.datetime
    record: str  # acknowledgement, team_notification, publication
    what: str  # the source of an acknowledgement, the way of notifying, the publishing action
    personeelsnummer: str
    person: str
    version: str
    content_hash: str
    by_personeelsnummer: str
    by: str
    detail: str

    def as_dict(self) -> dict:
        row = asdict(self)
        row["at"] = timezone.localtime(self.at).isoformat()
        return row


FIELDS = list(AuditRow.__dataclass_fields__)


def _name(person) -> str:
    return person.get_full_name() if person else ""


def _number(person) -> str:
    return (person.personeelsnummer or "") if person else ""


def _about(person) -> dict:
    """The columns of the person a record is about."""
    return {"personeelsnummer": _number(person), "person": _name(person)}


def _recorded_by(person) -> dict:
    """The columns of the person who made the record."""
    return {"by_personeelsnummer": _number(person), "by": _name(person)}


def _acknowledgements(since) -> Iterator[AuditRow]:
    rows = (
        Acknowledgement.objects.filter(acknowledged_at__gte=since)
        .select_related("person", "version", "recorded_by", "carried_over_from__version")
        .order_by("acknowledged_at", "pk")
    )
    for ack in rows.iterator(chunk_size=CHUNK):
        detail = ""
        if ack.carried_over_from_id:
            detail = f"overgenomen van {ack.carried_over_from.version.nummer}"
        elif ack.briefing_id:
            detail = f"briefing {ack.briefing_id}"
        yield AuditRow(
            at=ack.acknowledged_at,
            record="acknowledgement",
            what=ack.source,
            version=ack.version.nummer,
            content_hash=ack.content_hash,
            detail=detail,
            **_about(ack.person),
            **_recorded_by(ack.recorded_by),
        )


def _team_notifications(since) -> Iterator[AuditRow]:
    rows = (
        TeamNotification.objects.filter(recorded_at__gte=since)
        .select_related("chef", "version")
        .order_by("recorded_at", "pk")
    )
    for notification in rows.iterator(chunk_size=CHUNK):
        yield AuditRow(
            at=notification.recorded_at,
            record="team_notification",
            what=notification.method,
            version=notification.version.nummer,
            content_hash="",
            detail=f"op de hoogte gebracht op {notification.notified_on.isoformat()}"
            + (f": {notification.remark}" if notification.remark else ""),
            # The chef's own confirmation: about the chef, recorded by the chef.
            **_about(notification.chef),
            **_recorded_by(notification.chef),
        )


def _publication_detail(event) -> str:
    """The application's note in Dutch, then what a person typed."""
    with translation.override("nl-be"):
        sentence = event.note_text
    return " – ".join(part for part in (sentence, event.note) if part)


def _publication_events(since) -> Iterator[AuditRow]:
    rows = PublicationEvent.objects.filter(at__gte=since).select_related("version", "by").order_by("at", "pk")
    for event in rows.iterator(chunk_size=CHUNK):
        yield AuditRow(
            at=event.at,
            record="publication",
            what=event.action,
            personeelsnummer="",
            person="",
            version=event.version.nummer,
            content_hash=event.version.content_hash if event.action == PublicationEvent.Action.PUBLISHED else "",
            by_personeelsnummer=_number(event.by),
            by=_name(event.by) or "system",
            detail=_publication_detail(event),
        )


def _discarded_drafts(since) -> Iterator[AuditRow]:
    """Drafts deleted before anyone saw them (publishing.version_discard_draft): their creation rows
    went with them, the log's record of the deletion stays (who, when, number and title, its events)."""
    from django.contrib.admin.models import DELETION, LogEntry
    from django.contrib.contenttypes.models import ContentType

    rows = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(PolicyVersion),
            action_flag=DELETION,
            action_time__gte=since,
        )
        .select_related("user")
        .order_by("action_time", "pk")
    )
    for entry in rows.iterator(chunk_size=CHUNK):
        nummer, _sep, titel = entry.object_repr.partition(" - ")
        yield AuditRow(
            at=entry.action_time,
            record="publication",
            what="discarded",
            personeelsnummer="",
            person="",
            version=nummer,
            content_hash="",
            detail=" – ".join(part for part in (titel, entry.change_message) if part),
            **_recorded_by(entry.user),
        )


def audit_rows(*, since: datetime.datetime | None = None) -> Iterator[AuditRow]:
    """Every record since `since` (default: all), oldest first."""
    since = since or datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
    return heapq.merge(
        _acknowledgements(since),
        _team_notifications(since),
        _publication_events(since),
        _discarded_drafts(since),
        key=lambda row: row.at,
    )


def write_csv(rows, stream) -> int:
    """CSV for a spreadsheet: every cell neutralised against formula injection."""
    writer = csv.writer(stream)
    writer.writerow(FIELDS)
    count = 0
    for row in rows:
        values = row.as_dict()
        writer.writerow([safe_cell(values[field]) for field in FIELDS])
        count += 1
    return count


def write_jsonl(rows, stream) -> int:
    """One JSON object per line, values exactly as recorded (for tools, not spreadsheets)."""
    count = 0
    for row in rows:
        stream.write(json.dumps(row.as_dict(), ensure_ascii=False) + "\n")
        count += 1
    return count
