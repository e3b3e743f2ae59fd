"""Small helpers that the code of conduct's pages share."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _


def posted(request):
    """The form data of a POST, also when it is empty (then every required field says so), else None.

    `request.POST or None` would show an empty POST the blank form again, without a word.
    """
    return request.POST if request.method == "POST" else None


def id_from_query(value: str) -> int | None:
    """A database id from the query string, or None. str.isdigit() alone also accepts "²" and "١"."""
    if value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return None


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def published_or_404(version):
    """The version a page works on, or a 404 that says there is no published version (None)."""
    if version is None:
        raise Http404(_("Er is geen gepubliceerde versie."))
    return version
