"""Form helpers shared by every app (config imports no app)."""

from django.db.models.fields import BLANK_CHOICE_LABEL


def with_empty_choice(choices) -> list[tuple[str, str]]:
    """A select's choices with the empty choice first, worded as Django words it for a model field
    and in the admin: "- Kies een optie -" / "- Select an option -" (Django's BLANK_CHOICE_LABEL,
    in Dutch through locale/nl_BE), never the bare "---------" a hand-made ChoiceField would get."""
    return [("", BLANK_CHOICE_LABEL), *choices]
