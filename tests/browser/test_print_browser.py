"""The version page printed to A4 by Chromium: the notice on every page, once, and nothing under it.

Read from the PDF's own text positions (pdfminer.six): per page, the notice ("Enkel voor intern
gebruik", case as printed) must occur exactly once; the footer's area is the band from the footer's
top line down to the page's bottom, and no line of the note (the text of <main>) may lie in it.
"""

import io
import re

import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTTextContainer, LTTextLine

from tests.browser.screens import load_demo, open_screen, screens_of, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

NOTICE = "Enkel voor intern gebruik"


def lines_of(layout):
    """Every text line of a page as (text, bottom, top), in PDF points from the page's bottom."""

    def walk(element):
        if isinstance(element, LTTextLine):
            yield element
        elif isinstance(element, LTTextContainer) or hasattr(element, "__iter__"):
            for child in element:
                yield from walk(child)

    return [(line.get_text().strip(), line.y0, line.y1) for line in walk(layout) if line.get_text().strip()]


PAGE_NUMBER = re.compile(r"^\d+\s*(/|van|of)\s*\d+$")
# The page's footer (contentinfo), not the note's signature <footer> inside <main>.
TEXTS = """() => [
  document.querySelector('main').textContent,
  [...document.querySelectorAll('footer')].filter(f => !f.closest('main, article, section')).map(f => f.textContent).join(' '),
]"""


def squeeze(text: str) -> str:
    return " ".join(text.split())


def check_pages(pdf: bytes, *, note: str, footer: str) -> list[str]:
    """What is wrong with the printed pages; `note` and `footer` are the texts of <main> and <footer>."""
    note, footer = squeeze(note), squeeze(footer)
    problems = []
    pages = list(extract_pages(io.BytesIO(pdf)))
    assert len(pages) > 1, "the note fits on one page: the test would not see a page break"
    for number, layout in enumerate(pages, start=1):
        lines = lines_of(layout)
        # Case matters: the note's own header says "... is enkel voor intern gebruik en ...".
        notices = [line for line in lines if NOTICE in line[0]]
        if len(notices) != 1:
            problems.append(f"page {number}: the notice appears {len(notices)} times")
        if not notices:
            continue
        # The footer's area: from its top line (the notice, or a footer line just above it) down.
        notice_top = max(top for _, _, top in notices)
        footer_lines = [
            line
            for line in lines
            if (squeeze(line[0]) in footer or PAGE_NUMBER.match(line[0])) and line[1] < notice_top + 36
        ]
        area_top = max(top for _, _, top in footer_lines)
        for text, bottom, _top in lines:
            in_area = bottom < area_top - 0.5
            of_the_note = squeeze(text) in note and squeeze(text) not in footer
            if in_area and of_the_note:
                problems.append(f"page {number}: the note's line {text[:60]!r} lies in the footer's area")
    return problems


def test_the_printed_note_keeps_the_notice_on_every_page_once_and_clear_of_the_text(page, live_server):
    load_demo()
    sign_in(page, live_server.url, "medewerker")
    version = next(screen for screen in screens_of("medewerker") if screen.name == "versie")
    open_screen(page, live_server.url, version)
    note, footer = page.evaluate(TEXTS)
    pdf = page.pdf(format="A4", print_background=True)
    problems = check_pages(pdf, note=note, footer=footer)
    assert not problems, "\n".join(problems)


def test_the_check_sees_text_under_the_footer(page, live_server):
    """The check itself: a page whose notice sits on top of the text fails it."""
    page.set_content(
        "<style>@page { size: A4; margin: 20mm }"
        "footer { position: fixed; bottom: 40mm; left: 0; right: 0 }</style><main>"
        + "".join(f"<p>Regel {n} van de nota.</p>" for n in range(120))
        + f"</main><footer>{NOTICE}</footer>"
    )
    note, footer = page.evaluate(TEXTS)
    problems = check_pages(page.pdf(format="A4"), note=note, footer=footer)
    assert any("lies in the footer's area" in problem for problem in problems), problems
