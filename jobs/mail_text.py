"""A mail from one source: its template holds the subject (the partial `subject`) and the plain text;
the HTML part is derived from that text (`text_to_html`) and laid out by templates/emails/layout.html,
so the two parts can never say different things.

Conventions of the text: paragraphs are separated by a blank line; a paragraph of lines starting with
"- " is a list; a line "label: https://…" or a line that is only a URL is a link; everything after the
line "-- " is the signature.
"""

import re

from django.conf import settings
from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html, format_html_join

SIGNATURE = "-- "
_LINK = re.compile(r"^(?P<label>[^:\n]+):\s+(?P<url>https?://\S+)$")
_URL = re.compile(r"^https?://\S+$")


def _paragraph(block: str) -> str:
    lines = block.splitlines()
    if all(line.startswith("- ") for line in lines):
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((line[2:],) for line in lines)))
    if len(lines) == 1 and (link := _LINK.match(lines[0])):
        return format_html('<p><a href="{}">{}</a></p>', link["url"], link["label"])
    if len(lines) == 1 and _URL.match(lines[0]):
        return format_html('<p><a href="{}">{}</a></p>', lines[0], lines[0])
    return format_html("<p>{}</p>", linebreaksbr("\n".join(lines), autoescape=True))


def text_to_html(text: str) -> tuple[str, str]:
    """(body, signature) as HTML from a mail's plain text, every piece of text escaped."""
    body, _sep, signature = text.partition(f"\n{SIGNATURE}\n")
    blocks = [block.strip("\n") for block in re.split(r"\n[ \t]*\n", body.strip()) if block.strip()]
    signature_lines = [line for line in signature.strip().splitlines() if line.strip()]
    return (
        format_html_join("\n", "{}", ((_paragraph(block),) for block in blocks)),
        format_html("<p><small>{}</small></p>", linebreaksbr("\n".join(signature_lines), autoescape=True))
        if signature_lines
        else "",
    )


def render_mail(template: str, context: dict) -> tuple[str, str, str]:
    """(subject, text, html) of the mail whose one source is `template`, in the city's language."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template}#subject", context).split())
        text = render_to_string(template, context).strip() + "\n"
        body, signature = text_to_html(text)
        html = render_to_string(
            "emails/layout.html",
            {"subject": subject, "body": body, "signature": signature},  # both built with format_html: escaped
        )
    return subject, text, html
