"""The tables a publication morning writes by the thousand carry no index that another index makes
redundant: each one is written on every insert (docs/performance.md, "The write path")."""

import pytest
from django.db import connection

from codeofconduct.models import Acknowledgement, Obligation, VersionOpening

pytestmark = pytest.mark.django_db

WRITTEN_BY_THE_THOUSAND = (Acknowledgement, Obligation, VersionOpening)


def indexes_of(model) -> dict[str, list[str]]:
    """Every index of the model's table (unique constraints and the primary key included), by name."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {name: info["columns"] for name, info in found.items() if info["index"] or info["unique"]}


def covered_by_another(indexes: dict[str, list[str]]) -> list[str]:
    """Indexes whose columns are where another index begins: that one serves the same lookups."""
    return sorted(
        name
        for name, columns in indexes.items()
        for other, other_columns in indexes.items()
        if other != name and len(other_columns) > len(columns) and other_columns[: len(columns)] == columns
    )


@pytest.mark.parametrize("model", WRITTEN_BY_THE_THOUSAND, ids=lambda model: model.__name__)
def test_no_index_is_the_beginning_of_another(model):
    assert covered_by_another(indexes_of(model)) == []


def test_acknowledgements_are_still_found_by_person_and_by_version():
    """What the dropped indexes served: the person's own rows, a version's count, and who recorded a
    briefing (the reference a deactivated chef's records are checked by)."""
    beginnings = {tuple(columns[:1]) for columns in indexes_of(Acknowledgement).values()}
    assert {("person_id",), ("version_id",), ("recorded_by_id",), ("briefing_id",)} <= beginnings
