"""How many questions the Bureau's queue holds per state, without counting the queue on every view.

The queue's counts (the line "Nieuw: 12 · In behandeling: 3 · …" and the paginator's total) used to
pass over every open question at the Bureau on each view: a few milliseconds at 25,000 employees, ten
times that at 250,000. They change only when a question does. So each server process keeps the
queue's counts per state, for all officers alike, under the database's QueueGeneration counter and
its epoch; every save or delete of a question moves that counter on *in the same transaction*
(`connect()`), and bulk writes that bypass signals call `changed()`.

What one officer sees is those counts minus the questions the rule hides from them. For an officer,
the rule hides a question at the Bureau only when it concerns them and no other branch of the rule
(they asked it, it is routed to them, they stand in for its leidinggevende…) shows it: a handful at
most, counted exactly on each view, in the same statement that reads the counter. So the counts are
exact for every officer on every view, as before, and a change is seen on the very next request in
every process.
"""

import threading

from django.db.models.signals import post_delete, post_save

from advice.access import visibility_sql
from advice.models import BUREAU_QUEUE_STATES, Question, QueueGeneration
from config import sql

_lock = threading.Lock()
_kept: dict[tuple, dict[str, int]] = {}  # (epoch, value) -> counts per state; the latest only


def changed(using=None) -> None:
    """Move the generation on: call inside the transaction of a write that bypassed the model signals."""
    QueueGeneration.move_on(using)


def _on_change(sender, using=None, **kwargs):
    QueueGeneration.move_on(using)


def connect() -> None:
    """Every ORM save or delete of a question moves the generation on (AdviceConfig.ready())."""
    post_save.connect(_on_change, sender=Question, dispatch_uid="advice-queue-save")
    post_delete.connect(_on_change, sender=Question, dispatch_uid="advice-queue-delete")


def _in_the_queue(alias: str) -> tuple[str, list]:
    states = ", ".join(["%s"] * len(BUREAU_QUEUE_STATES))
    return f"{alias}.bureau_at IS NOT NULL AND {alias}.state IN ({states})", [str(s) for s in BUREAU_QUEUE_STATES]


def visible_counts(officer) -> dict[str, int]:
    """Per state of the queue, how many questions `officer` (an integrity officer) sees: states with
    none are left out. One statement; on the first view after a change, a second that counts the queue."""
    key, hidden, _ = _read(officer, count_all=False)
    with _lock:
        kept = _kept.get(key) if key[0] is not None else None
    if kept is None:
        # Counted again with the generation and the hidden ones, in one statement: all three from one
        # snapshot of the database, whatever was committed since the first.
        key, hidden, kept = _read(officer, count_all=True)
        if key[0] is not None:  # no counter (an emptied database): counted, not kept
            with _lock:
                _kept.clear()
                _kept[key] = kept
    counts = {state: count - hidden.get(state, 0) for state, count in kept.items()}
    return {state: count for state, count in counts.items() if count}


def _read(officer, *, count_all: bool) -> tuple[tuple, dict[str, int], dict[str, int]]:
    """The generation, the questions in the queue the rule hides from `officer` and, with `count_all`,
    all the questions in the queue, per state."""
    queue, queue_params = _in_the_queue("q")
    rule, rule_params = visibility_sql(officer, "q")
    # `IS NOT TRUE`, not `NOT`: a branch comparing with a NULL column is unknown, not false, and the
    # list's WHERE leaves such a row out just as it leaves out a false one.
    statement = (
        "SELECT 'generation', NULL, g.epoch, g.value FROM advice_queuegeneration g WHERE g.id = 1"  # noqa: S608 (values are parameters)  # nosec B608
        f" UNION ALL SELECT 'hidden', q.state, NULL, COUNT(*) FROM advice_question q WHERE {queue}"
        f" AND q.concerns_person_id = %s AND ({rule}) IS NOT TRUE GROUP BY q.state"
    )
    params = [*queue_params, officer.pk, *rule_params]
    if count_all:
        statement += (
            f" UNION ALL SELECT 'all', q.state, NULL, COUNT(*) FROM advice_question q WHERE {queue}"  # noqa: S608 (values are parameters)  # nosec B608
            " GROUP BY q.state"
        )
        params += queue_params
    key, hidden, counted = (None, None), {}, {}
    for kind, state, epoch, value in sql.fetch(statement, params):
        if kind == "generation":
            key = (epoch, value)
        else:
            (hidden if kind == "hidden" else counted)[state] = value
    return key, hidden, counted
