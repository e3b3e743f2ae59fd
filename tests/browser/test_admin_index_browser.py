"""The admin's start page on a phone: its (long, Dutch) app and model names break between words only,
never inside a word ("Publicatiegebeur|tenissen"), and the page does not scroll sideways."""

import pytest

from tests.browser.screens import SIDEWAYS, load_demo, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

# Every word of every app and model name on the page (a word ends at a space or after a hyphen): the
# lines it is laid out on. Chromium here has no hyphenation dictionaries (component updates are
# off), so a word on two lines is a break inside it without a hyphen.
WORDS_ON_LINES = """() => [...document.querySelectorAll('#content-main caption a, #content-main th a')].flatMap(link => {
    const text = link.firstChild;
    return [...text.data.matchAll(/[^\\s-]+-?/g)].map(match => {
        const range = document.createRange();
        range.setStart(text, match.index);
        range.setEnd(text, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
        return [link.textContent.trim(), match[0], tops.size];
    });
})"""


@pytest.mark.parametrize("language", ["nl-be", "en"])
@pytest.mark.parametrize("width", [320, 390])
def test_the_admin_index_breaks_names_between_words_only(page, live_server, width, language):
    load_demo()
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server.url, "beheerder")
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(f"{live_server.url}/beheer/")
    words = page.evaluate(WORDS_ON_LINES)
    assert len(words) > 20  # every app and model of the admin was measured
    broken = [f"{name}: {word!r} on {lines} lines" for name, word, lines in words if lines != 1]
    assert not broken, "\n".join(broken)
    assert page.evaluate(SIDEWAYS) <= 0
