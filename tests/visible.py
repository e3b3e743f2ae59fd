"""What a person reads on a page after sending a form: the field errors and the messages."""

import html
import re

_FIELD_ERROR = re.compile(r'<small class="a-input__description is-error" id="id_([\w-]+)_error">(.*?)</small>', re.S)
_MESSAGE = re.compile(r"<div class=\"m-alert[^\"]*\"[^>]*>\s*<p>(.*?)</p>", re.S)
_ADMIN_ERRORS = re.compile(r'<ul class="errorlist[^"]*" id="id_([\w-]+)_error"[^>]*>(.*?)</ul>', re.S)
_ADMIN_MESSAGE = re.compile(r'<li class="(?:error|warning|success|info)">(.*?)</li>', re.S)


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def field_errors(page: str) -> dict[str, str]:
    """{field name: its error text} as the form shows them next to the fields (the app's and the admin's)."""
    errors = {name: _text(text) for name, text in _FIELD_ERROR.findall(page)}
    for name, text in _ADMIN_ERRORS.findall(page):
        errors.setdefault(name, _text(text))
    return errors


def messages_shown(page: str) -> list[str]:
    """The messages at the top of the page (the app's alerts and the admin's message list)."""
    return [_text(text) for text in _MESSAGE.findall(page) + _ADMIN_MESSAGE.findall(page)]
