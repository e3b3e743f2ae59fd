"""From the note's Markdown body to safe HTML, its sections and a word-level comparison.

Pure functions without database access: the data migration that ships the dienstnota uses them too.
"""

import difflib
import hashlib
import html
import re
from dataclasses import dataclass

import markdown
import nh3
from django.utils.text import slugify

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "a",
    "blockquote",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "sub",
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
        chunks.append(Chunk(section, match.group(0), body_html[match.end() : end]))
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


_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")


def _sentences(fragment: str) -> list[str]:
    """The text of a section as sentences, with PARAGRAPH between blocks (paragraphs, list items)."""
    sentences: list[str] = []
    for block in _BLOCK.split(fragment):
        text = text_of(block)
        if text:
            if sentences:
                sentences.append(PARAGRAPH)
            sentences.extend(part for part in _SENTENCE_END.split(text) if part)
    return sentences


def _render(sentences: list[str]) -> str:
    out = []
    for sentence in sentences:
        out.append("<br>" if sentence == PARAGRAPH else html.escape(sentence))
    return " ".join(out).replace(" <br> ", "<br>")


def _wrap(tag: str, sentences: list[str]) -> str:
    """<ins>/<del> around each sentence, never around a paragraph break."""
    return " ".join("<br>" if s == PARAGRAPH else f"<{tag}>{html.escape(s)}</{tag}>" for s in sentences)


def _count(sentences: list[str]) -> int:
    return sum(len(s.split()) for s in sentences if s != PARAGRAPH)


@dataclass
class SectionDiff:
    label: str
    anchor: str
    kind: str  # "added", "removed", "changed", "same"
    html: str = ""
    added_words: int = 0
    removed_words: int = 0


def diff_words(old: str, new: str) -> str:
    """One changed sentence, word by word: "vraagt <ins>wederzijds</ins> respect"."""
    a, b = old.split(), new.split()
    parts: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(html.escape(" ".join(a[i1:i2])))
        if tag in ("delete", "replace"):
            parts.append(f"<del>{html.escape(' '.join(a[i1:i2]))}</del>")
        if tag in ("insert", "replace"):
            parts.append(f"<ins>{html.escape(' '.join(b[j1:j2]))}</ins>")
    return " ".join(parts)


def diff_sentences(old: list[str], new: list[str]) -> tuple[str, int, int]:
    """Sentence-level alignment, then word-level detail inside sentences that were edited.

    A reader sees whole sentences added or removed, and small edits as a few marked words.
    Returns (html, words added, words removed).
    """
    parts: list[str] = []
    added = removed = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(_render(old[i1:i2]))
        elif tag == "delete":
            parts.append(_wrap("del", old[i1:i2]))
            removed += _count(old[i1:i2])
        elif tag == "insert":
            parts.append(_wrap("ins", new[j1:j2]))
            added += _count(new[j1:j2])
        else:
            before, after = old[i1:i2], new[j1:j2]
            while before or after:
                if (
                    before
                    and after
                    and before[0] != PARAGRAPH
                    and after[0] != PARAGRAPH
                    and difflib.SequenceMatcher(a=before[0].split(), b=after[0].split()).ratio() >= 0.5
                ):
                    parts.append(diff_words(before.pop(0), after.pop(0)))
                    added += 1
                    removed += 1
                elif before and (not after or len(before) >= len(after)):
                    parts.append(_wrap("del", [before[0]]))
                    removed += _count([before.pop(0)])
                else:
                    parts.append(_wrap("ins", [after[0]]))
                    added += _count([after.pop(0)])
    return " ".join(parts), added, removed


def compare_bodies(old_html: str, new_html: str) -> list[SectionDiff]:
    """Section by section (matched on anchor, in reading order), what was added, removed and changed."""

    def key(chunk):
        return chunk.section.anchor if chunk.section else ""

    def label(chunk):
        return chunk.section.label if chunk.section else ""

    def removed_section(chunk):
        sentences = _sentences(chunk.content_html)
        return SectionDiff(label(chunk), "", "removed", _wrap("del", sentences), 0, _count(sentences))

    old = {key(chunk): chunk for chunk in split_sections(old_html)}
    new_chunks = split_sections(new_html)
    new_keys = {key(chunk) for chunk in new_chunks}
    pending = list(old)
    result: list[SectionDiff] = []
    for chunk in new_chunks:
        # Sections that disappeared before this point keep their place in the reading order.
        while pending and pending[0] not in new_keys:
            result.append(removed_section(old[pending.pop(0)]))
        if key(chunk) in pending:
            pending.remove(key(chunk))
        before = old.get(key(chunk))
        after = _sentences(chunk.content_html)
        if before is None:
            result.append(SectionDiff(label(chunk), key(chunk), "added", _wrap("ins", after), _count(after), 0))
            continue
        previous = _sentences(before.content_html)
        if previous == after:
            result.append(SectionDiff(label(chunk), key(chunk), "same", _render(after)))
        else:
            body, added, removed = diff_sentences(previous, after)
            result.append(SectionDiff(label(chunk), key(chunk), "changed", body, added, removed))
    result.extend(removed_section(old[anchor]) for anchor in pending if anchor not in new_keys)
    return result
