"""The content generation: the key under which each server process keeps what all employees see alike.

The pages people open most (a version of the code of conduct, home) are mostly made of things that
are the same for everyone: the public versions, their text, the FAQ next to each rule. Each server
process keeps those in memory (`codeofconduct.shared`) under the database's `ContentGeneration`
counter and its epoch. Every write that changes such content moves the counter on *in the same
transaction*: model signals for every ORM save or delete of the models concerned (`track()`, called
by the app that owns them), `changed()` for bulk writes that bypass signals (the HR import, through
`organisation.signals.organisation_bulk_changed`). The counter is read in the query that loads the
signed-in person (`organisation.backends`), before anything shared is looked up, so a page never
shows shared content older than a change its request can see.

Apps above this one (codeofconduct, advice) call in here; this module never imports them.
"""

import time

from django.db.models import Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save

from organisation.models import ContentGeneration, OrgUnit
from organisation.signals import organisation_bulk_changed


def changed(using=None) -> None:
    """Move the generation on: call inside the transaction of a write that changes shared content.

    A fresh random `epoch` with every change, as for the compliance figures (codeofconduct.figures):
    a counter alone would rewind with a restored dump and name, once more, content that every server
    already keeps from data that no longer exists.
    """
    ContentGeneration.move_on(using)


def generation_annotations() -> dict:
    """Subqueries that read the generation in the query that loads the person: no query of its own."""
    row = ContentGeneration.objects.filter(pk=1)
    return {
        "content_epoch": Subquery(row.values("epoch")[:1]),
        "content_generation": Subquery(row.values("value")[:1]),
    }


def key_of(person) -> tuple:
    """(epoch, value) as read with `person`, and the moment it was read (time.monotonic()).

    A person not loaded by the backends' get_user (the request that signs in) reads it now. The epoch
    is None when the database has no counter: such a key is never kept (see codeofconduct.shared).
    """
    if person is not None and hasattr(person, "content_generation"):
        return (person.content_epoch, person.content_generation), person.content_read_at
    row = ContentGeneration.objects.filter(pk=1).values_list("epoch", "value").first()
    return (row or (None, None)), time.monotonic()


# --- Moving it on ---------------------------------------------------------------------------------------


def _on_change(sender, using=None, **kwargs):
    changed(using)


def _on_many_to_many_change(sender, action, using=None, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        changed(using)


def _on_bulk_change(sender, **kwargs):
    changed()


def track(*models, through=()) -> None:
    """Every ORM save or delete of `models`, and every change of the many-to-many tables `through`,
    moves the generation on in its transaction. Called from the owning app's AppConfig.ready()."""
    for model in models:
        label = model._meta.label
        post_save.connect(_on_change, sender=model, dispatch_uid=f"content-save-{label}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"content-delete-{label}")
    for table in through:
        m2m_changed.connect(_on_many_to_many_change, sender=table, dispatch_uid=f"content-m2m-{table._meta.label}")


def connect() -> None:
    """The organisation's own part: units (created, renamed, moved, closed) and the HR import's bulk writes.

    A person's own changes (a move, leaving) are not shared content: they are read with the person.
    """
    track(OrgUnit)
    organisation_bulk_changed.connect(_on_bulk_change, dispatch_uid="content-organisation")
