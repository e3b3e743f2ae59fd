"""Places on the code of conduct's pages that apps further down the chain fill.

codeofconduct renders on its own; an app that builds on it (advice: "Twijfel je? Vraag advies" and
the FAQ entries next to each rule) registers a slot from its AppConfig.ready(), so that no
codeofconduct template or module names it.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RuleSlot:
    """Rendered next to each rule of a version, with `anchor` and `version` in its context.

    The text of a public version is rendered once per process and content generation, without a
    request (codeofconduct.shared): `shared_context` returns what the template needs for every rule
    (read once then, not per rule), and what it shows must be the same for everyone. A write that
    changes it moves the content generation on (organisation.content.track).
    """

    template_name: str
    shared_context: Callable[[], dict] | None = None


_rule_slots: list[RuleSlot] = []


def register_rule_slot(slot: RuleSlot) -> None:
    if slot not in _rule_slots:
        _rule_slots.append(slot)


def rule_slots() -> tuple[RuleSlot, ...]:
    return tuple(_rule_slots)
