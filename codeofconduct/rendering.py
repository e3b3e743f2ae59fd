"""From the note's Markdown body to safe HTML, its sections and a word-level comparison.

Pure functions without database access: the data migration that ships the dienstnota uses them too.
"""

import difflib
import hashlib
import html
import re
from dataclasses import dataclass, field

import markdown
import nh3
from django.utils.text import slugify

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "b", "i", "u",
    "a", "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set()}
URL_SCHEMES = {"http", "https", "mailto"}

_HEADING = re.compile(r"<h([2-4])(?: id=\"[^\"]*\")?>(.*?)</h\1>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_NUMBER = re.compile(r"^(\d+)[.)]?\s+(.*)$")


def render_markdown(source: str) -> str:
    """Markdown to sanitised HTML with an id on every section heading.

    nh3 (ammonia) removes scripts with their content, every attribute not listed (onerror=,
    style=, ...) and links whose scheme is not http(s) or mailto (javascript:, data:).
    """
    raw = markdown.markdown(source or "", extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    sections = iter(parse_sections(clean))

    def add_id(match):
        section = next(sections)
        return f'<h{match.group(1)} id="{section.anchor}">{match.group(2)}</h{match.group(1)}>'

    return _HEADING.sub(add_id, clean)


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


@dataclass(frozen=True)
class Section:
    anchor: str
    number: str
    title: str
    level: int

    @property
    def label(self) -> str:
        if not self.number:
            return self.title
        return f"{self.number}. {self.title}" if "." not in self.number else f"{self.number} {self.title}"


def parse_sections(body_html: str) -> list[Section]:
    """The note's sections in order, numbered like the paper note ("2.1") with stable anchors.

    A heading "1. Algemene gedragscode" under "2. Spelregels" becomes number "2.1" and anchor
    "2-1-algemene-gedragscode"; an unnumbered rule ("Loyaliteit") keeps its title as anchor.
    The anchor depends only on the heading text and its place, so links survive re-publication.
    """
    sections: list[Section] = []
    numbers: dict[int, str] = {}
    seen: dict[str, int] = {}
    for match in _HEADING.finditer(body_html):
        level = int(match.group(1))
        heading = text_of(match.group(2))
        found = _NUMBER.match(heading)
        for deeper in [key for key in numbers if key >= level]:
            del numbers[deeper]
        if found:
            parent = next((numbers[key] for key in sorted(numbers, reverse=True) if key < level), "")
            number = f"{parent}.{found.group(1)}" if parent else found.group(1)
            numbers[level] = number
            title = found.group(2)
        else:
            number, title = "", heading
        anchor = slugify(f"{number.replace('.', '-')} {title}".strip()) or "sectie"
        seen[anchor] = seen.get(anchor, 0) + 1
        if seen[anchor] > 1:
            anchor = f"{anchor}-{seen[anchor]}"
        sections.append(Section(anchor=anchor, number=number, title=title, level=level))
    return sections


@dataclass
class Chunk:
    """A heading with the HTML up to the next heading; the first chunk (preamble) has no heading."""

    section: Section | None
    heading_html: str
    content_html: str


def split_sections(body_html: str) -> list[Chunk]:
    sections = parse_sections(body_html)
    matches = list(_HEADING.finditer(body_html))
    chunks = [Chunk(None, "", body_html[: matches[0].start()] if matches else body_html)]
    for index, (section, match) in enumerate(zip(sections, matches, strict=True)):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(body_html)
        chunks.append(Chunk(section, match.group(0), body_html[match.end():end]))
    return chunks


def content_hash(header: dict, body: str) -> str:
    """sha256 over the exact header and body: what an employee acknowledges reading."""
    digest = hashlib.sha256()
    for key in sorted(header):
        digest.update(f"{key}\x1f{header[key]}\x1e".encode())
    digest.update(body.encode())
    return digest.hexdigest()


# --- Comparison -----------------------------------------------------------------------------------

_BLOCK = re.compile(r"</(?:p|li|h[2-6]|blockquote|pre|tr)>")
PARAGRAPH = "\n"


def _words(fragment: str) -> list[str]:
    words: list[str] = []
    for block in _BLOCK.split(fragment):
        text = text_of(block)
        if text:
            if words:
                words.append(PARAGRAPH)
            words.extend(text.split())
    return words


def _render_words(words: list[str]) -> str:
    return " ".join(html.escape(word) for word in words).replace(f" {PARAGRAPH} ", "<br><br>").replace(
        PARAGRAPH, "<br><br>"
    )


@dataclass
class SectionDiff:
    label: str
    anchor: str
    kind: str  # "added", "removed", "changed", "same"
    html: str = ""
    added_words: int = 0
    removed_words: int = 0
    extra: dict = field(default_factory=dict)


def diff_words(old: list[str], new: list[str]) -> tuple[str, int, int]:
    """Inline word diff as HTML with <del>/<ins>; returns (html, words added, words removed)."""
    parts: list[str] = []
    added = removed = 0
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(_render_words(old[i1:i2]))
            continue
        if tag in ("delete", "replace"):
            removed += len([w for w in old[i1:i2] if w != PARAGRAPH])
            parts.append(f"<del>{_render_words(old[i1:i2])}</del>")
        if tag in ("insert", "replace"):
            added += len([w for w in new[j1:j2] if w != PARAGRAPH])
            parts.append(f"<ins>{_render_words(new[j1:j2])}</ins>")
    return " ".join(parts), added, removed


def compare_bodies(old_html: str, new_html: str) -> list[SectionDiff]:
    """Section by section (matched on anchor), what was added, removed and changed, word by word."""
    old = {(chunk.section.anchor if chunk.section else ""): chunk for chunk in split_sections(old_html)}
    new_chunks = split_sections(new_html)
    new_anchors = {(chunk.section.anchor if chunk.section else "") for chunk in new_chunks}
    result: list[SectionDiff] = []

    def label(chunk):
        return chunk.section.label if chunk.section else ""

    old_order = list(old)
    for chunk in new_chunks:
        anchor = chunk.section.anchor if chunk.section else ""
        # Sections removed before this one keep their place in the reading order.
        while old_order and old_order[0] not in new_anchors:
            gone = old.pop(old_order.pop(0))
            words = _words(gone.content_html)
            result.append(SectionDiff(label(gone), "", "removed",
                                      f"<del>{_render_words(words)}</del>" if words else "", 0, len(words)))
        if anchor in old_order:
            old_order.remove(anchor)
        before = old.pop(anchor, None)
        new_words = _words(chunk.content_html)
        if before is None:
            result.append(SectionDiff(label(chunk), anchor, "added",
                                      f"<ins>{_render_words(new_words)}</ins>" if new_words else "",
                                      len(new_words), 0))
            continue
        old_words = _words(before.content_html)
        if old_words == new_words:
            result.append(SectionDiff(label(chunk), anchor, "same", _render_words(new_words)))
        else:
            body, added, removed = diff_words(old_words, new_words)
            result.append(SectionDiff(label(chunk), anchor, "changed", body, added, removed))
    for anchor in old_order:
        gone = old[anchor]
        words = _words(gone.content_html)
        result.append(SectionDiff(label(gone), "", "removed",
                                  f"<del>{_render_words(words)}</del>" if words else "", 0, len(words)))
    return result
