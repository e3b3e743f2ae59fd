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
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension
from markdown.treeprocessors import Treeprocessor

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
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set(), "h2": {"id"}, "h3": {"id"}, "h4": {"id"}}
URL_SCHEMES = {"http", "https", "mailto"}
SECTION_TAGS = ("h2", "h3", "h4")

# A section heading in stored HTML, with the id the table-of-contents extension gave it.
_HEADING = re.compile(r"<h([2-4])(?: id=\"(?P<id>[^\"]*)\")?>(?P<inner>.*?)</h\1>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
# "2." or "2)" as the paper note numbers its sections, or the full number "2.1" as the app shows it.
_NUMBER = re.compile(r"^(\d+(?:\.\d+)*)[.)]?\s+(.*)$", re.DOTALL)


def _full_number(written: str, level: int, numbers: dict[int, str]) -> str:
    """The section's number in the whole note: "1." under "2." is "2.1"; a full "2.1" stays itself.
    `numbers` holds the numbers of the open sections by heading level; deeper ones are closed here."""
    for deeper in [key for key in numbers if key >= level]:
        del numbers[deeper]
    if "." in written:
        number = written
    else:
        parent = next((numbers[key] for key in sorted(numbers, reverse=True) if key < level), "")
        number = f"{parent}.{written}" if parent else written
    numbers[level] = number
    return number


def _label(number: str, title: str) -> str:
    """How a section is named everywhere (heading, table of contents, comparison): "1. Context",
    "2.1 Algemene gedragscode", or the bare title of an unnumbered rule."""
    if not number:
        return title
    return f"{number}. {title}" if "." not in number else f"{number} {title}"


def _anchor(number: str, title: str) -> str:
    return slugify(f"{number.replace('.', '-')} {title}".strip()) or "sectie"


class _FullNumbersForIds(Treeprocessor):
    """Lets the table-of-contents extension make each id from the section's number in the whole note.

    The paper note numbers the rules under "2. Spelregels" again from 1; their id must still say
    where they are ("2-1-algemene-gedragscode"). Runs before the extension (priority 5): writes the
    full number into the heading text for a moment; `_HeadingsAsWritten` puts the text back after.
    """

    def run(self, root):
        self.md.headings_as_written = {}
        numbers: dict[int, str] = {}
        for element in root.iter():
            if element.tag not in SECTION_TAGS:
                continue
            level = int(element.tag[1])
            found = _NUMBER.match((element.text or "").lstrip())
            if not found:
                for deeper in [key for key in numbers if key >= level]:
                    del numbers[deeper]
                continue
            self.md.headings_as_written[element] = element.text
            element.text = _label(_full_number(found.group(1), level, numbers), found.group(2))


class _HeadingsAsWritten(Treeprocessor):
    """The note stays verbatim: each heading gets its own text back once the ids are made."""

    def run(self, root):
        for element, text in self.md.headings_as_written.items():
            element.text = text


class _SectionIdsExtension(Extension):
    def extendMarkdown(self, md):  # Markdown's API
        # After inline markup (20); around the table of contents (5), which makes the ids.
        md.treeprocessors.register(_FullNumbersForIds(md), "section_full_numbers", 6)
        md.treeprocessors.register(_HeadingsAsWritten(md), "section_headings_as_written", 4)


def _stable_ids():
    """The table-of-contents extension's slugify: "2.1 Algemene gedragscode" becomes
    "2-1-algemene-gedragscode", "Loyaliteit" "loyaliteit"; a repeated heading gets "-2", "-3". The id
    depends only on the heading text and its place, so links to a rule survive re-publication."""
    seen: dict[str, int] = {}

    def make(value: str, separator: str) -> str:
        found = _NUMBER.match(value.strip())
        anchor = _anchor(*found.groups()) if found else _anchor("", value.strip())
        seen[anchor] = seen.get(anchor, 0) + 1
        return anchor if seen[anchor] == 1 else f"{anchor}-{seen[anchor]}"

    return make


def render_markdown(source: str) -> str:
    """Markdown to sanitised HTML with an id on every section heading, from the table-of-contents
    extension (`markdown.extensions.toc`).

    nh3 (ammonia) removes scripts with their content, every attribute not listed (onerror=,
    style=, ...) and links whose scheme is not http(s) or mailto (javascript:, data:). A heading
    keeps only an id the extension made: an id typed as raw HTML in the body could clash with the
    page's own.
    """
    md = markdown.Markdown(
        extensions=["sane_lists", _SectionIdsExtension(), TocExtension(slugify=_stable_ids(), toc_depth="2-4")],
        output_format="html",
    )
    raw = md.convert(source or "")
    made = {token["id"] for token in _flatten(md.toc_tokens)}
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=lambda tag, name, value: (value if value in made else None) if name == "id" else value,
    )


def _flatten(tokens):
    for token in tokens:
        yield token
        yield from _flatten(token["children"])


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


@dataclass(frozen=True)
class Section:
    anchor: str
    number: str  # in the whole note: "2.1"
    title: str
    level: int
    heading: str = ""  # as the note writes it: "1. Algemene gedragscode" (the table of contents shows this)

    @property
    def label(self) -> str:
        """The section named on its own, out of the note (comparison, rule choices): "2.1 Algemene gedragscode"."""
        return _label(self.number, self.title)


def parse_sections(body_html: str) -> list[Section]:
    """The note's sections in order, numbered in the whole note ("1. Algemene gedragscode" under
    "2. Spelregels" is "2.1") with stable anchors: the heading's id as the table-of-contents
    extension made it. Reads the rendered HTML as stored at publication.
    """
    sections: list[Section] = []
    numbers: dict[int, str] = {}
    for match in _HEADING.finditer(body_html):
        level = int(match.group(1))
        heading = text_of(match.group("inner"))
        found = _NUMBER.match(heading)
        if found:
            number, title = _full_number(found.group(1), level, numbers), found.group(2)
        else:
            for deeper in [key for key in numbers if key >= level]:
                del numbers[deeper]
            number, title = "", heading
        anchor = match.group("id") or _anchor(number, title)
        sections.append(Section(anchor=anchor, number=number, title=title, level=level, heading=heading))
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
        heading = match.group(0)
        if not match.group("id"):
            # A heading typed as raw HTML got no id from the extension: the table of contents links to it.
            heading = f'<h{section.level} id="{section.anchor}">' + heading.split(">", 1)[1]
        chunks.append(Chunk(section, heading, body_html[match.end() : end]))
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
