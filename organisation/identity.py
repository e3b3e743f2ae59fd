"""Who a typed or forwarded name means: one rule for every way of signing in.

Password sign-in, the sign-on proxy's header and the lock-out all ask this module, so that a
person is the same person whatever spelling reaches the app: the username or the e-mail address,
in any case, with surrounding spaces, or in Unicode compatibility forms (full-width letters and the
like, folded by NFKC as Django's own login form does). Anything else (control characters, absurd
lengths) names nobody and costs no query.
"""

import unicodedata

from django.contrib.auth import get_user_model

# An e-mail address (254) or a username (150), whichever is longer.
MAX_IDENTIFIER_LENGTH = 254


def normalise_identifier(value) -> str | None:
    """The identifier as the app compares it, or None when it cannot name anyone."""
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    if not text or len(text) > MAX_IDENTIFIER_LENGTH:
        return None
    if any(unicodedata.category(char) in {"Cc", "Cf", "Cs"} for char in text):
        return None
    return text


def find_person(value):
    """The one person this username or e-mail address names (active or not), or None."""
    text = normalise_identifier(value)
    if text is None:
        return None
    field = "email__iexact" if "@" in text else "username__iexact"
    matches = list(get_user_model()._default_manager.filter(**{field: text})[:2])
    return matches[0] if len(matches) == 1 else None


def names(person, value) -> bool:
    """Whether the identifier names this person, without a query."""
    text = normalise_identifier(value)
    if text is None:
        return False
    text = text.casefold()
    return text in {person.get_username().casefold(), (person.email or "").casefold()}
