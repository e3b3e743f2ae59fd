"""An auditor of the city exports the record: who acknowledged which text, who told their team, who published."""

import csv
import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from codeofconduct.models import Acknowledgement
from codeofconduct.services import acknowledging, publishing
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def export(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("export_audit", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def history(city, current, draft):
    acknowledging.acknowledgement_record(person=city.employee, version=current)
    acknowledging.team_notification_confirm(
        chef=city.chef, version=current, notified_on=timezone.localdate(), method="anders", remark='=HYPERLINK("x")'
    )
    crew = make_person("ploeg", unit=city.team_a, manager=city.chef, first_name="Jef", last_name="Wouters")
    acknowledging.briefing_record(
        chef=city.chef, version=current, held_on=timezone.localdate(), form="toolbox", attendees=[crew]
    )
    publishing.version_publish(version=draft, by=city.editor)
    return current


def test_the_csv_holds_every_kind_of_record_in_time_order(city, history, draft):
    draft.refresh_from_db()
    text, err = export()
    rows = list(csv.DictReader(io.StringIO(text)))
    kinds = [(row["record"], row["what"], row["version"]) for row in rows]
    assert ("acknowledgement", "self", history.nummer) in kinds
    assert ("team_notification", "anders", history.nummer) in kinds
    assert ("acknowledgement", "briefing", history.nummer) in kinds
    assert ("publication", "published", draft.nummer) in kinds
    assert ("publication", "superseded", history.nummer) in kinds
    assert [row["at"] for row in rows] == sorted(row["at"] for row in rows)
    assert f"{len(rows)} records." in err

    # (The briefing counts from noon of its day: after noon it comes first in time order.)
    acknowledgement = next(row for row in rows if row["record"] == "acknowledgement" and row["what"] == "self")
    assert acknowledgement["personeelsnummer"] == city.employee.personeelsnummer
    assert acknowledgement["person"] == "Lotte Janssens"
    # The fingerprint proves which text was read: the one of the version at that moment.
    assert acknowledgement["content_hash"] == history.content_hash != draft.content_hash
    # By proxy: the chef who held the briefing is named with the person it counts for.
    briefing = next(row for row in rows if row["what"] == "briefing")
    assert (briefing["person"], briefing["by"]) == ("Jef Wouters", "Tom Peeters")
    published = next(row for row in rows if row["what"] == "published" and row["version"] == draft.nummer)
    assert (published["by"], published["content_hash"]) == ("Hanne Willems", draft.content_hash)


def test_spreadsheet_formulas_in_the_record_are_neutralised(history):
    text, _ = export()
    notification = next(row for row in csv.DictReader(io.StringIO(text)) if row["record"] == "team_notification")
    assert notification["detail"].startswith("op de hoogte gebracht op ")
    assert '=HYPERLINK("x")' in notification["detail"]
    for row in csv.reader(io.StringIO(text)):
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row


def test_since_limits_the_export_and_jsonl_keeps_values_exact(city, history, tmp_path):
    old = Acknowledgement.objects.create(
        person=city.colleague,
        version=history,
        content_hash=history.content_hash,
        acknowledged_at=timezone.now() - datetime.timedelta(days=400),
    )
    target = tmp_path / "audit.jsonl"
    since = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    _, err = export("--since", since, "--format", "jsonl", "--output", str(target))
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert f"{len(lines)} records written to {target}." in err
    assert city.colleague.personeelsnummer not in {line["personeelsnummer"] for line in lines}
    assert any(line["detail"] == f'op de hoogte gebracht op {timezone.localdate()}: =HYPERLINK("x")' for line in lines)
    everything, _ = export("--format", "jsonl")
    assert old.person.personeelsnummer in everything


def test_a_wrong_date_is_a_clear_error():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        export("--since", "25-11-2026")
