"""Comparing two versions: what was added, removed and changed, word by word, per section."""

from django.urls import reverse

from codeofconduct.services import publishing
from tests.codeofconduct.conftest import make_draft

OLD = """## 1. Context

De stad vraagt respect. Deze zin verdwijnt straks. Deze zin blijft.

## 2. Spelregels

Wees beleefd.
"""
NEW = """## 1. Context

De stad vraagt wederzijds respect. Deze zin blijft. Een nieuwe zin over TikTok.

## 3. Nieuwe regels

Denk na voor je post.
"""


def test_comparison_shows_an_added_a_removed_and_a_changed_sentence(as_employee, policy, city):
    old = make_draft(policy, city.editor, body=OLD, nummer="D2026.060")
    publishing.version_publish(version=old, by=city.editor)
    new = make_draft(policy, city.editor, body=NEW, nummer="D2026.061")
    publishing.version_publish(version=new, by=city.editor)

    response = as_employee.get(reverse("codeofconduct:compare", args=[policy.slug]), {"oud": old.pk, "nieuw": new.pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<del>Deze zin verdwijnt straks.</del>" in page
    assert "<ins>Een nieuwe zin over TikTok.</ins>" in page
    assert "vraagt <ins>wederzijds</ins> respect." in page
    # Per section: a removed and an added section, named in the summary (the note's headings in Dutch).
    assert 'Geschrapte onderdelen: <span lang="nl">2. Spelregels</span>' in page
    assert 'Toegevoegde onderdelen: <span lang="nl">3. Nieuwe regels</span>' in page
    assert 'Gewijzigde onderdelen: <span lang="nl">1. Context</span>' in page
    assert "<ins>Denk na voor je post.</ins>" in page


def test_comparison_defaults_to_the_current_version_against_its_predecessor(as_employee, policy, current):
    page = as_employee.get(reverse("codeofconduct:compare", args=[policy.slug])).content.decode()
    assert "Wat is er gewijzigd van D2013.xxx naar D2018.xxx?" in page
    assert "<ins>" in page and "<del>" in page


def test_what_changed_on_an_old_version_compares_it_with_its_predecessor_or_successor(as_employee, policy):
    older = policy.versions.get(status="superseded")
    page = as_employee.get(reverse("codeofconduct:compare", args=[policy.slug]), {"nieuw": older.pk}).content.decode()
    assert "Wat is er gewijzigd van D2018.xxx naar D2013.xxx?" in page
