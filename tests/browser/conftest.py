"""Browser tests: Playwright (Python, sync API) driving Debian's Chromium against pytest-django's live server.

Every page load fails the test when the browser asks anything of a host other than the live
server: the intranet page must never load anything from the internet.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; Django's async-safety check would refuse
# the ORM calls that the tests make for set-up. Only the browser tests need this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: apt-get install chromium (the CI script does).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def external_requests():
    return []


@pytest.fixture
def page(browser, live_server, external_requests):
    context = browser.new_context(locale="nl-BE", accept_downloads=True)
    server_host = urlsplit(live_server.url).netloc

    def watch(request):
        parts = urlsplit(request.url)
        if parts.scheme in {"http", "https", "ws", "wss"} and parts.netloc != server_host:
            external_requests.append(request.url)

    context.on("request", watch)
    csp_violations = []
    page = context.new_page()
    page.on("console", lambda msg: csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert external_requests == [], f"The page asked hosts other than the test server: {external_requests}"
    assert csp_violations == [], f"The Content-Security-Policy blocked something: {csp_violations}"


@pytest.fixture
def login(page, live_server):
    """Sign in through the real login form: `login("medewerker")`."""

    def sign_in(username, password="demo"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("E-mailadres of gebruikersnaam").fill(username)
        page.get_by_label("Wachtwoord").fill(password)
        page.get_by_role("button", name="Aanmelden").click()
        page.wait_for_load_state()
        return page

    return sign_in


# A test-only npm package (devDependencies): read from node_modules, never built into static/vendor.
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def assert_accessible(page):
    """Run axe-core in the page and fail on any serious or critical WCAG 2.1 A/AA violation."""

    def check(context=""):
        # Evaluated through the DevTools protocol, which the page's CSP does not restrict: the app
        # itself never serves axe-core to its users.
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(AXE.read_text(encoding="utf-8"))
        result = page.evaluate(
            """async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
        )
        serious = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} – "
            + "; ".join(
                node["target"][0] if isinstance(node["target"][0], str) else str(node["target"])
                for node in violation["nodes"][:5]
            )
            for violation in result["violations"]
            if violation["impact"] in {"serious", "critical"}
        ]
        assert serious == [], f"Accessibility violations on {context or page.url}:\n" + "\n".join(serious)

    return check


@pytest.fixture
def demo():
    """The demo organisation, accounts and content (load_demo), as `make run` has them."""
    from tests.browser.screens import load_demo

    load_demo()
