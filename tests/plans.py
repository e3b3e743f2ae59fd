"""PostgreSQL's plan of a query as it ran (EXPLAIN ANALYZE), for tests that say how many rows a page
reads, not how long it takes."""

import json

from django.db import connection


def executed_plan(sql: str) -> dict:
    """The top node of the plan `sql` (a query a page ran, its values in it) was executed with."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return plan[0]["Plan"]


def rows_read(node: dict, where) -> int:
    """Rows the nodes for which `where(node)` holds read, over all their loops: those they returned and
    those their filter removed."""
    own = 0
    if where(node):
        own = (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node.get("Actual Loops", 1)
    return own + sum(rows_read(child, where) for child in node.get("Plans", []))


def plan_nodes(node: dict) -> list[dict]:
    """`node` and every node below it."""
    return [node] + [below for child in node.get("Plans", []) for below in plan_nodes(child)]


def generic_plan(sql: str, params) -> dict:
    """The plan PostgreSQL gives `sql` (placeholders %s) as a prepared statement once it keeps one plan
    for every value (the generic plan, which psycopg's prepared statements come to after their fifth
    run), executed with `params`."""
    parts = sql.split("%s")
    numbered = "".join(f"{part}${number}" for number, part in enumerate(parts[:-1], start=1)) + parts[-1]
    values = connection.ops.compose_sql(", ".join(["%s"] * len(params)), params)
    with connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE generic_plan_check AS {numbered}")
        try:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE generic_plan_check({values})")
            plan = cursor.fetchone()[0]
        finally:
            cursor.execute("DEALLOCATE generic_plan_check")
            cursor.execute("RESET plan_cache_mode")
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return plan[0]["Plan"]
