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
