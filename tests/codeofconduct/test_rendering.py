"""The body is Markdown rendered to sanitised HTML, with stable section anchors."""

from django.urls import reverse

from codeofconduct import selectors
from codeofconduct.rendering import render_markdown
from codeofconduct.services import publishing
from tests.codeofconduct.conftest import make_draft

HOSTILE = """## 1. Context

<script>alert("gestolen")</script>

<img src="x.png" onerror="alert(1)">

[Klik hier](javascript:alert(1)) en <a href="javascript:alert(2)" onclick="alert(3)">daar</a>.

<p style="color:red" onmouseover="alert(4)">Opgemaakte tekst</p>
"""


def test_scripts_event_handlers_and_javascript_links_render_inert(as_employee, policy, city):
    version = make_draft(policy, city.editor, body=HOSTILE, nummer="D2026.050")
    publishing.version_publish(version=version, by=city.editor)
    page = as_employee.get(reverse("codeofconduct:version_detail", args=[version.pk])).content.decode()
    body = page[page.index('class="coc-note__body"') : page.index('class="coc-signature"')]
    assert "<script" not in body and "gestolen" not in body
    assert "onerror" not in body and "onclick" not in body and "onmouseover" not in body
    assert "javascript:" not in body
    assert "style=" not in body
    assert "Klik hier" in body and "Opgemaakte tekst" in body


def test_the_draft_preview_is_sanitised_too(as_editor, policy, city):
    version = make_draft(policy, city.editor, body=HOSTILE, nummer="D2026.051")
    page = as_editor.get(reverse("codeofconduct:draft_preview", args=[version.pk])).content.decode()
    assert "gestolen" not in page and "javascript:" not in page and "onerror" not in page


def test_sections_have_stable_anchors_and_numbers_like_the_paper_note(current):
    sections = [(s.anchor, s.number, s.title) for s in current.sections()]
    assert sections[:4] == [
        ("1-context", "1", "Context"),
        ("2-spelregels", "2", "Spelregels"),
        ("2-1-algemene-gedragscode", "2.1", "Algemene gedragscode"),
        ("loyaliteit", "", "Loyaliteit"),
    ]
    assert (
        "2-2-digitale-media-concrete-aandachtspunten",
        "2.2",
        "Digitale media: concrete aandachtspunten",
    ) in sections
    assert 'id="vrijheid-van-meningsuiting"' in current.rendered_body()


def test_rule_choices_lists_the_rules_of_the_current_version_for_the_advice_app(current):
    choices = selectors.rule_choices()
    assert ("loyaliteit", "Loyaliteit") in choices
    assert ("2-1-algemene-gedragscode", "2.1 Algemene gedragscode") in choices
    assert ("1-context", "1. Context") in choices


def test_the_version_page_has_a_table_of_contents_linking_to_each_section(as_employee, current):
    page = as_employee.get(current.get_absolute_url()).content.decode()
    for section in current.sections():
        assert f'href="#{section.anchor}"' in page
        assert f'id="{section.anchor}"' in page


def test_duplicate_headings_get_distinct_anchors():
    html = render_markdown("## 1. Context\n\n#### Tip\n\na\n\n#### Tip\n\nb")
    assert 'id="tip"' in html and 'id="tip-2"' in html


def test_every_heading_shows_the_number_of_its_entry_in_the_table_of_contents(as_employee, current):
    import re

    page = as_employee.get(current.get_absolute_url()).content.decode()
    start = page.index('class="coc-toc"')
    toc = page[start : page.index("</nav>", start)]
    entries = dict(re.findall(r'<a href="#([^"]+)">([^<]+)</a>', toc))
    headings = {
        anchor: " ".join(re.sub(r"<[^>]+>", " ", inner).split())
        for anchor, inner in re.findall(r'<h[2-4] id="([^"]+)">(.*?)</h[2-4]>', page, re.DOTALL)
        if anchor in entries
    }
    assert headings == entries
    # The note stays verbatim: under "2. Spelregels" the paper note numbers again from 1, and so does
    # its table of contents (indented under 2); the id still says where the section is.
    assert entries["2-spelregels"] == "2. Spelregels"
    assert entries["2-1-algemene-gedragscode"] == "1. Algemene gedragscode"
    assert entries["2-3-online-conversatie-gedragscode"] == "3. Online conversatie gedragscode"
    assert re.search(r'coc-toc__item--level-3"[^>]*><a href="#2-1-algemene-gedragscode">', toc)


def test_heading_ids_come_from_the_table_of_contents_extension_and_typed_ids_are_dropped():
    html = render_markdown('## 2. Spelregels\n\n### 1. Algemeen\n\n<h2 id="toc-title">Eigen kop</h2>\n\n## 3. Slot')
    assert '<h3 id="2-1-algemeen">1. Algemeen</h3>' in html  # the id from the extension, the text verbatim
    assert 'id="toc-title"' not in html  # an id typed as HTML could clash with the page's own
    assert '<h2 id="3-slot">3. Slot</h2>' in html
