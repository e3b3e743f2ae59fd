"""The rules of the code of conduct a question can be about.

The codeofconduct app owns the dienstnota and its section anchors. Until (or unless) it offers
`codeofconduct.selectors.rule_choices`, the sections of the D2018 note are listed here, so that
questions can name their rule today and keep the same anchors later.
"""

from django.utils.translation import gettext_lazy as _

D2018_RULES = [
    ("context", _("Context")),
    ("spelregels", _("Spelregels")),
    ("algemene-gedragscode", _("Algemene gedragscode")),
    ("loyaliteit", _("Loyaliteit")),
    ("vrijheid-van-meningsuiting", _("Vrijheid van meningsuiting")),
    ("omgaan-met-vertrouwelijke-informatie", _("Omgaan met vertrouwelijke informatie")),
    ("collegialiteit", _("Collegialiteit")),
    ("digitale-media-concrete-aandachtspunten", _("Digitale media: concrete aandachtspunten")),
    ("online-conversatie-gedragscode", _("Online conversatie gedragscode")),
]


def rule_choices() -> list[tuple[str, str]]:
    """(anchor, label) pairs of the current dienstnota's rules: the codeofconduct app's, else D2018's."""
    try:
        from codeofconduct.selectors import rule_choices as current_rule_choices
    except ImportError:
        return [(anchor, str(label)) for anchor, label in D2018_RULES]
    return [(str(anchor), str(label)) for anchor, label in current_rule_choices()]


def rule_label(anchor: str) -> str:
    return dict(rule_choices()).get(anchor, "")
