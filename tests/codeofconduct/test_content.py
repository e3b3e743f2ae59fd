"""The shipped D2018 dienstnota: complete and verbatim on its version page."""

import html
import re
from pathlib import Path

import pytest
from django.urls import reverse

from codeofconduct.content import CONTENT_DIR, parse_note

SEED_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "seed"
CONTENT_FILE = CONTENT_DIR / "D2018.md"


def squash(text: str) -> str:
    return " ".join(text.split())


def page_text(response) -> str:
    body = re.sub(r"</?(a|em|strong|b|i|code)\b[^>]*>", "", response.content.decode())  # inline: no gap
    return squash(html.unescape(re.sub(r"<[^>]+>", " ", body)))


def blocks_of_content_file() -> list[str]:
    """Every paragraph, heading and list item of the content file's body, as plain text."""
    _, body = parse_note(CONTENT_FILE.read_text(encoding="utf-8"))
    blocks = []
    for paragraph in re.split(r"\n\s*\n", body):
        for line in re.split(r"\n(?=- )", paragraph.strip()):
            text = re.sub(r"^(#+|-)\s+", "", line.strip())
            text = re.sub(r"<(https?://[^>]+)>", r"\1", text).replace("**", "").replace("*", "")
            if text:
                blocks.append(squash(text))
    return blocks


def test_every_paragraph_and_list_item_of_the_content_file_is_on_the_version_page(as_employee, current):
    text = page_text(as_employee.get(reverse("codeofconduct:version_detail", args=[current.pk])))
    blocks = blocks_of_content_file()
    assert len(blocks) > 25
    missing = [block for block in blocks if block not in text]
    assert missing == []


def test_the_header_and_signature_of_the_paper_note_are_on_the_version_page(as_employee, current):
    text = page_text(as_employee.get(reverse("codeofconduct:version_detail", args=[current.pk])))
    fields, _ = parse_note(CONTENT_FILE.read_text(encoding="utf-8"))
    assert "13 februari 2018" in text
    for name in [
        "nummer",
        "van",
        "rubriek",
        "titel",
        "inlichtingen",
        "afschrift",
        "gebruik",
        "verantwoordelijk",
        "signatory_name",
        "signatory_title",
    ]:
        assert squash(fields[name]) in text, name
    assert "Vervangt - Bijlagen - Verwijzingen -" in text


def test_every_link_of_the_content_file_is_a_link_on_the_page(as_employee, current):
    page = as_employee.get(reverse("codeofconduct:version_detail", args=[current.pk])).content.decode()
    links = re.findall(r"<(https?://[^>]+)>", CONTENT_FILE.read_text(encoding="utf-8"))
    assert len(links) >= 4
    for link in links:
        assert f'href="{link}"' in page


@pytest.mark.skipif(not SEED_DIR.is_dir(), reason="../shared/seed/ is not present outside the development setup")
def test_the_content_file_holds_every_line_of_the_seed():
    content = squash(CONTENT_FILE.read_text(encoding="utf-8"))
    seeds = sorted(SEED_DIR.glob("dienstnota-D2018*.txt"))
    assert seeds
    missing = [
        line
        for seed in seeds
        for line in seed.read_text(encoding="utf-8").splitlines()
        if line.strip() and squash(line) not in content
    ]
    assert missing == []


def test_the_shipped_d2018_note_is_current_and_updates_the_2013_stand_in(policy, current):
    assert current.nummer == "D2018.xxx"
    assert current.content_hash == current.compute_content_hash()
    older = policy.versions.exclude(pk=current.pk).get()
    assert older.status == "superseded"
    assert "Plaatsvervangende tekst" in older.body


def test_the_shipped_header_fields_are_the_models_header_fields():
    """Migration 0002 keeps a frozen copy of the header fields (the loader's labels); a new field must reach it too."""
    from codeofconduct.content import LABELS
    from codeofconduct.models import PolicyVersion

    assert sorted(LABELS.values()) == sorted(PolicyVersion.HEADER_FIELDS)
