"""The rules of the code of conduct a question can be about: the sections of the current dienstnota.

The codeofconduct app owns the note and its section anchors; a question stores the anchor and the
label it had when asked, so that it keeps naming its rule when a later version renames it.
"""

from codeofconduct.selectors import rule_choices as current_rule_choices


def rule_choices() -> list[tuple[str, str]]:
    """(anchor, label) pairs of the current dienstnota's rules."""
    return [(str(anchor), str(label)) for anchor, label in current_rule_choices()]


def rule_label(anchor: str) -> str:
    return dict(rule_choices()).get(anchor, "")
