"""Places on the code of conduct's pages that apps further down the chain fill.

codeofconduct renders on its own; an app that builds on it (advice: "Twijfel je? Vraag advies" and
the FAQ entries next to each rule) registers a slot from its AppConfig.ready(), so that no
codeofconduct template or module names it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class RuleSlot:
    """Rendered next to each rule of a version, with `anchor` and `version` in its context."""

    template_name: str
    # Changes whenever what the template shows for some rule changes: part of the cache key under
    # which a published version's rendered text is kept (the text itself never changes).
    fingerprint: Callable[[HttpRequest | None], str]


_rule_slots: list[RuleSlot] = []


def register_rule_slot(slot: RuleSlot) -> None:
    if slot not in _rule_slots:
        _rule_slots.append(slot)


def rule_slots() -> tuple[RuleSlot, ...]:
    return tuple(_rule_slots)
