"""The exact cache: what the version page and home show alike to every employee, kept per server process.

Kept under the key (epoch, generation, date): the database's content generation as read with the
signed-in person (organisation.content), and today's date (a note expires when its date passes, which
no write announces). Every write that changes shared content moves the generation on in its own
transaction, and a request reads it in the query that loads the person, before it looks anything up
here; content for a key is read from the database after the key was, so it is never older than the
key. One key is kept at a time: the first request with a new key computes the content (one thread per
process; the others wait for it) and replaces the old; a request that read its key before the kept
one was read computes without storing (docs/performance.md, "The exact cache").

Nothing here is given a person or a request, so nothing here can depend on who asks: the shared
fragments are rendered with `render_to_string` and a context of shared content only, without the
request (no user, roles, CSRF token or messages). Objects kept here are read by every request of the
process: the person's part (acknowledgements, due dates) is never written onto them.
"""

import datetime
import threading
from dataclasses import dataclass, field

from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone, translation

from codeofconduct import rendering, slots
from codeofconduct.models import PolicyVersion
from organisation import content
from organisation.models import OrgUnit

Status = PolicyVersion.Status


@dataclass
class SharedContent:
    key: tuple
    versions: dict[int, PolicyVersion]  # every public version (with its policy, text and audience units)
    in_force: list[PolicyVersion]  # the versions to read and acknowledge today, by policy title
    current: dict[int, PolicyVersion]  # policy pk -> its published version
    previous: dict[int, PolicyVersion | None]  # version pk -> the public version published just before it
    slot_context: dict  # what the rule slots of other apps show next to each rule (codeofconduct.slots)
    _rendered: dict = field(default_factory=dict)
    _compared: dict = field(default_factory=dict)

    def article(self, version: PolicyVersion) -> str:
        """The version page's banner and note (header, text with the rule slots, signature), in the
        active language. Rendered on first use and kept with the content."""
        key = ("article", version.pk, translation.get_language())
        html = self._rendered.get(key)
        if html is None:
            html = render_to_string(
                "codeofconduct/includes/version_article.html",
                {
                    "version": version,
                    "current": None if version.is_current else self.current.get(version.policy_id),
                    "previous": self.previous.get(version.pk),
                    **self.slot_context,
                },
            )
            # Two threads may render the same fragment at once: the same HTML, one of them is kept.
            self._rendered.setdefault(key, html)
        return html

    def changes(self, old: PolicyVersion, new: PolicyVersion) -> list[rendering.SectionDiff]:
        """What changed in the text from `old` to `new` (the sections that are not the same)."""
        key = (old.pk, new.pk)
        diffs = self._compared.get(key)
        if diffs is None:
            compared = rendering.compare_bodies(old.rendered_body(), new.rendered_body())
            diffs = self._compared.setdefault(key, [diff for diff in compared if diff.kind != "same"])
        return diffs


_lock = threading.Lock()
_kept: SharedContent | None = None
_kept_read_at = float("-inf")  # time.monotonic() at which the kept content's key was read


def for_person(person) -> SharedContent:
    """The shared content under the generation read with `person`, the same object for the whole request."""
    memo = person.__dict__.setdefault("_codeofconduct_memo", {})
    if "shared" not in memo:
        memo["shared"] = _for_key(*content.key_of(person))
    return memo["shared"]


def _for_key(generation: tuple, read_at: float) -> SharedContent:
    global _kept, _kept_read_at
    key = (*generation, timezone.localdate())
    kept = _kept
    if kept is not None and kept.key == key:
        return kept
    with _lock:  # one thread computes; the others with the same key wait and take its result
        kept = _kept
        if kept is not None and kept.key == key:
            return kept
        shared = _compute(key)
        # Never a key without a counter (an emptied database), never replaced by content of an older key.
        if generation[0] is not None and read_at >= _kept_read_at:
            _kept, _kept_read_at = shared, read_at
        return shared


def forget() -> None:
    """Drop the kept content (tests start from nothing, as with the Django cache)."""
    global _kept, _kept_read_at
    with _lock:
        _kept, _kept_read_at = None, float("-inf")


def _compute(key: tuple) -> SharedContent:
    today: datetime.date = key[-1]
    versions = list(PolicyVersion.objects.public().select_related("policy").order_by("pk"))
    # Most versions go to all staff: audience units are looked up only for those that do not.
    chosen_units = [version for version in versions if not version.audience_all_staff]
    if chosen_units:
        prefetch_related_objects(
            chosen_units, Prefetch("audience_units", queryset=OrgUnit.objects.only("pk", "path", "name"))
        )
    by_pk = {version.pk: version for version in versions}
    in_force_order = PolicyVersion.objects.in_force(today).order_by("policy__title").values_list("pk", flat=True)
    current = {version.policy_id: version for version in versions if version.status == Status.PUBLISHED}
    slot_context = {}
    for slot in slots.rule_slots():
        if slot.shared_context is not None:
            slot_context.update(slot.shared_context())
    return SharedContent(
        key=key,
        versions=by_pk,
        in_force=[by_pk[pk] for pk in in_force_order if pk in by_pk],
        current=current,
        previous={version.pk: _previous(version, versions) for version in versions},
        slot_context=slot_context,
    )


def _previous(version, versions) -> PolicyVersion | None:
    """The Python twin of selectors.previous_version for a public version (always published once)."""
    earlier = [
        each
        for each in versions
        if each.policy_id == version.policy_id
        and each.published_at is not None
        and each.published_at < version.published_at
    ]
    return max(earlier, key=lambda each: each.published_at, default=None)
