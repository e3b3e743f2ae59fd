"""What a person reads on a page: after sending a form, the field errors and the messages; the language of each text."""

import html
import re
from html.parser import HTMLParser

_FIELD_ERROR = re.compile(r'<small class="a-input__description is-error" id="id_([\w-]+)_error">(.*?)</small>', re.S)
_MESSAGE = re.compile(r"<div class=\"m-alert[^\"]*\"[^>]*>\s*<p>(.*?)</p>", re.S)
_ADMIN_ERRORS = re.compile(r'<ul class="errorlist[^"]*" id="id_([\w-]+)_error"[^>]*>(.*?)</ul>', re.S)
_ADMIN_MESSAGE = re.compile(r'<li class="(?:error|warning|success|info)">(.*?)</li>', re.S)
# The error summary at the top of a form lists the form's own errors (not tied to a field) as plain items.
_SUMMARY_LIST = re.compile(r'<ul class="app-error-summary__list">(.*?)</ul>', re.S)
_PLAIN_ITEM = re.compile(r"<li>((?:(?!<a ).)*?)</li>", re.S)


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def field_errors(page: str) -> dict[str, str]:
    """{field name: its error text} as the form shows them next to the fields (the app's and the admin's)."""
    errors = {name: _text(text) for name, text in _FIELD_ERROR.findall(page)}
    for name, text in _ADMIN_ERRORS.findall(page):
        errors.setdefault(name, _text(text))
    return errors


def messages_shown(page: str) -> list[str]:
    """The messages at the top of the page: the app's alerts, the admin's message list, a form's own errors in its summary."""
    summary_items = [item for summary in _SUMMARY_LIST.findall(page) for item in _PLAIN_ITEM.findall(summary)]
    return [_text(text) for text in _MESSAGE.findall(page) + _ADMIN_MESSAGE.findall(page) + summary_items]


class Languages(HTMLParser):
    """Each piece of text of a page with the language it is in: the nearest `lang` around it."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack, self.texts = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            inherited = self.stack[-1][1] if self.stack else ""
            self.stack.append((tag, dict(attrs).get("lang") or inherited))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        # The <title> can hold no markup: a Dutch title in it cannot be marked (and is not read as text).
        # Scripts and styles are not text.
        if data.strip() and self.stack and self.stack[-1][0] not in {"title", "script", "style"}:
            self.texts.append((" ".join(data.split()), self.stack[-1][1]))


def language_of(page: str, text: str) -> set[str]:
    parser = Languages()
    parser.feed(page)
    return {lang for piece, lang in parser.texts if text in piece}
