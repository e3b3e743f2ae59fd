"""Hand-written SELECTs for the lists people open most (docs/performance.md, "How each page stays flat").

Building a query with several joins through the ORM costs a few milliseconds of Python per request,
often more than the database takes to answer it. Where a page's query has a fixed shape, it is
written out once and run with every value as a parameter; the backend's converters still apply,
so each value is what the ORM would have given (SQLite returns dates and booleans as text and numbers).
"""

import functools

from django.db import DEFAULT_DB_ALIAS, connection, connections


def fetch(sql: str, params, fields=()) -> list[list]:
    """The rows of `sql` (placeholders only: every value is in `params`), as lists.

    `fields`: (column index, model field) for each column whose value needs the backend's converters,
    as the ORM would apply them for that field (dates, datetimes, booleans on SQLite).
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [list(row) for row in cursor.fetchall()]
    for index, field in fields:
        expression = field.get_col(field.model._meta.db_table)
        converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        if not converters:
            continue
        for row in rows:
            if row[index] is not None:
                for converter in converters:
                    row[index] = converter(row[index], expression, connection)
    return rows


def path_below(column: str, path: str) -> tuple[str, list]:
    """A condition that `column` (a unit's path) starts with `path`, and its parameters, written as a range
    an index on the column serves whatever the value: `startswith`'s LIKE 'path%' is served by an index
    only when the planner sees the value, which PostgreSQL's generic plan of a prepared statement (made
    after the fifth run) does not: it then read every unit of the city (docs/performance.md).

    The range compares characters by code point, as a prefix does: PostgreSQL's pattern operators (the
    ones LIKE's prefix becomes; served by the column's varchar_pattern_ops index), whatever the
    database's collation; SQLite compares text that way by default. A path ends with "/", so the bound
    above it, the same path with its last character one higher, is a valid string.
    """
    above = path[:-1] + chr(ord(path[-1]) + 1)
    if connection.vendor == "postgresql":
        return f"({column} ~>=~ %s AND {column} ~<~ %s)", [path, above]
    return f"({column} >= %s AND {column} < %s)", [path, above]


@functools.cache
def columns(model, alias: str) -> str:
    """Every concrete column of `model` under the table alias `alias`, in field order: the SELECT list
    that `instances` reads back."""
    return ", ".join(f'{alias}."{field.column}"' for field in model._meta.concrete_fields)


def _reading(model) -> tuple[list[str], list, int]:
    """How `instances` reads `model` back on this thread's connection: the field names, the converters of
    each column that has any, and the primary key's position. Worked out once per connection and model,
    since the advice question page reads seven sets of instances: looking up every field's converters
    each time took a tenth of its time (some 35 microseconds a set)."""
    wrapper = connections[DEFAULT_DB_ALIAS]  # this thread's connection, whose backend's converters these are
    readings = wrapper.__dict__.setdefault("_instances_readings", {})
    reading = readings.get(model)
    if reading is None:
        fields = model._meta.concrete_fields
        names = [field.attname for field in fields]
        convert = []
        for index, field in enumerate(fields):
            expression = field.get_col(model._meta.db_table)
            converters = wrapper.ops.get_db_converters(expression) + expression.get_db_converters(wrapper)
            if converters:
                convert.append((index, converters, expression))
        reading = readings[model] = (names, convert, names.index(model._meta.pk.attname))
    return reading


def instances(model, rows, start: int = 0) -> list:
    """A `model` instance per row, from the columns `columns(model, …)` put at `start`, as the ORM
    would have made it (the backend's converters applied); None for a row whose primary key is NULL
    (an outer join that found nothing)."""
    names, convert, pk = _reading(model)
    made = []
    for row in rows:
        values = list(row[start : start + len(names)])
        if values[pk] is None:
            made.append(None)
            continue
        for index, converters, expression in convert:
            if values[index] is not None:
                for converter in converters:
                    values[index] = converter(values[index], expression, connection)
        made.append(model.from_db(connection.alias, names, values))
    return made
