"""English pages mark the Dutch text of the dienstnota as Dutch (lang="nl"); Dutch pages say nl-BE once, on html."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_note_is_marked_dutch_on_an_english_page(current, as_employee):
    as_employee.cookies["django_language"] = "en"
    page = as_employee.get(current.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'<html lang="en"', page)
    title = re.search(r'<h1 id="note-title"[^>]*>', page).group(0)
    assert 'lang="nl"' in title
    assert re.search(r'<div class="coc-section__content" lang="nl">', page)
    # The interface around it stays English, unmarked.
    assert '<h2 id="toc-title" class="coc-toc__title">' in page


def test_a_dutch_page_is_nl_be_without_marks_inside(current, as_employee):
    page = as_employee.get(current.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl-BE").content.decode()
    assert '<html lang="nl-BE">' in page
    assert 'lang="nl"' not in page.split("<main", 1)[1]
