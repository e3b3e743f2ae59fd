"""Every screen of every role, in one list: the browser checks and `make screenshots` both walk it.

A screen is a page as one role sees it, on the demo's real objects (load_demo), so detail pages
render with content. Some screens are a state rather than an address: a form after a failed
submit (`then` submits it empty), the version page's table of contents opened.

Widths: 390 px (a phone) and 1366 px (the most common office screen).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.urls import reverse

WIDTHS = {"phone": (390, 844), "desktop": (1366, 768)}

# Role (as the glossary names it) -> demo account. The chef-waardeerder is also the leidinggevende
# who answers the team's questions: one person, two sets of pages.
ROLES = {
    "anoniem": None,
    "medewerker": "medewerker",
    "chef-waardeerder": "chef",
    "leidinggevende": "chef",
    "redactie": "redactie",
    "bureau-voor-integriteit": "integriteit",
    "beheerder": "admin",
}

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@dataclass(frozen=True)
class Screen:
    role: str
    name: str  # stable, used in expected-failure tables and screenshot file names
    path: Callable[[], str]  # resolved at run time: the demo's objects exist only then
    status: int = 200
    then: Callable | None = None  # takes the page: brings the screen into its state (e.g. errors)


# --- The demo's real objects ----------------------------------------------------------------------
def _current():
    from codeofconduct.models import PolicyVersion

    return PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED).order_by("pk").first()


def _draft():
    from codeofconduct.models import PolicyVersion

    return PolicyVersion.objects.filter(status=PolicyVersion.Status.DRAFT).order_by("pk").first()


def _question(**filters):
    from advice.models import Question

    return Question.objects.filter(**filters).order_by("pk").first()


def _department():
    from organisation.models import OrgUnit

    return OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT).order_by("code").first()


def _faq_question():
    from advice.models import State

    return _question(state=State.CLOSED, faq_consent=True)


def _team_question():
    from advice.models import Level, State

    return _question(manager__username="chef", level=Level.MANAGER, state=State.WITH_MANAGER)


def _bureau_question():
    from advice.models import Level, State

    return _question(level=Level.BUREAU, state=State.TAKEN_UP)


# --- States -----------------------------------------------------------------------------------------
SUBMIT_EMPTY = """(selector) => {
  const form = document.querySelector(selector);
  for (const field of form.elements) {
    if (field.type === 'hidden' || field.type === 'submit' || field.type === 'button') continue;
    if (field.type === 'checkbox' || field.type === 'radio') field.checked = false;
    else if (field.tagName === 'SELECT') field.selectedIndex = -1;
    else field.value = '';
  }
}"""


def submit_empty(selector: str, button: str | re.Pattern):
    """Empty every field of the form and submit it: the screen shows the form's errors."""

    def then(page):
        page.evaluate(SUBMIT_EMPTY, selector)
        with page.expect_navigation():
            page.locator(selector).get_by_role("button", name=button).click()
        assert page.locator('[aria-invalid="true"]').count() > 0, f"{page.url}: the form shows no error"

    return then


def _url(name, *args):
    return lambda: reverse(name, args=[arg() if callable(arg) else arg for arg in args])


def _pk(getter):
    return lambda: getter().pk


def _slug():
    return _current().policy.slug


# --- The list ---------------------------------------------------------------------------------------
SCREENS = [
    # Not signed in.
    Screen("anoniem", "aanmelden", _url("login")),
    Screen("anoniem", "aanmelden-fouten", _url("login"), then=submit_empty("main form", "Aanmelden")),
    Screen("anoniem", "afgemeld", _url("signed_out")),
    # medewerker: reading, acknowledging, asking.
    Screen("medewerker", "start", _url("home")),
    Screen("medewerker", "beleidsteksten", _url("codeofconduct:policy_list")),
    Screen("medewerker", "versie", _url("codeofconduct:version_detail", _pk(_current))),
    Screen("medewerker", "archief", _url("codeofconduct:archive")),
    Screen("medewerker", "zoeken", lambda: reverse("codeofconduct:search") + "?q=vertrouwelijke"),
    Screen("medewerker", "geschiedenis", _url("codeofconduct:policy_history", _slug)),
    Screen("medewerker", "vergelijken", _url("codeofconduct:compare", _slug)),
    Screen("medewerker", "vraag-advies", _url("advice:ask")),
    Screen("medewerker", "vraag-advies-regel", lambda: reverse("advice:ask") + "?regel=loyaliteit"),
    Screen("medewerker", "vraag-advies-fouten", _url("advice:ask"), then=submit_empty("main form", "Vraag versturen")),
    Screen("medewerker", "mijn-vragen", _url("advice:my_questions")),
    Screen(
        "medewerker", "mijn-vraag", _url("advice:question_detail", _pk(lambda: _question(asker__username="medewerker")))
    ),
    Screen("medewerker", "faq", _url("advice:faq")),
    Screen("medewerker", "niet-gevonden", lambda: "/bestaat-niet/", status=404),
    # chef-waardeerder: the team and the note.
    Screen("chef-waardeerder", "start", _url("home")),
    Screen("chef-waardeerder", "mijn-team", _url("codeofconduct:team")),
    Screen("chef-waardeerder", "mijn-team-iedereen", lambda: reverse("codeofconduct:team") + "?alles=1"),
    Screen(
        "chef-waardeerder",
        "kennisgeving-fouten",
        _url("codeofconduct:team"),
        then=submit_empty("form[action*='op-de-hoogte']", "Team op de hoogte gebracht"),
    ),
    Screen("chef-waardeerder", "briefing", _url("codeofconduct:team_briefing", _pk(_current))),
    Screen(
        "chef-waardeerder",
        "briefing-fouten",
        _url("codeofconduct:team_briefing", _pk(_current)),
        then=submit_empty("main form", "Briefing registreren"),
    ),
    # leidinggevende: the team's questions.
    Screen("leidinggevende", "vragen-van-mijn-team", _url("advice:manager_inbox")),
    Screen("leidinggevende", "vraag-van-het-team", _url("advice:question_detail", _pk(_team_question))),
    # Redactie: publishing and compliance.
    Screen("redactie", "start", _url("home")),
    Screen("redactie", "redactie", _url("codeofconduct:editor_dashboard")),
    Screen("redactie", "nieuwe-beleidstekst", _url("codeofconduct:policy_create")),
    Screen("redactie", "nieuwe-versie", _url("codeofconduct:draft_create", _slug)),
    Screen("redactie", "ontwerp-bewerken", _url("codeofconduct:draft_edit", _pk(_draft))),
    Screen("redactie", "ontwerp-voorbeeld", _url("codeofconduct:draft_preview", _pk(_draft))),
    Screen("redactie", "publiceren", _url("codeofconduct:publish", _pk(_draft))),
    Screen("redactie", "intrekken", _url("codeofconduct:withdraw", _pk(_current))),
    Screen("redactie", "uiterste-datum", _url("codeofconduct:extend_due_date", _pk(_current))),
    Screen("redactie", "naleving", _url("codeofconduct:compliance")),
    Screen(
        "redactie",
        "naleving-departement",
        lambda: reverse("codeofconduct:compliance") + f"?eenheid={_department().code}&status=open",
    ),
    # Bureau voor Integriteit: the queue, a question, the FAQ and statistics.
    Screen("bureau-voor-integriteit", "start", _url("home")),
    Screen("bureau-voor-integriteit", "wachtrij", _url("advice:bureau_queue")),
    Screen("bureau-voor-integriteit", "wachtrij-alle", lambda: reverse("advice:bureau_queue") + "?status=alle"),
    Screen("bureau-voor-integriteit", "vraag", _url("advice:question_detail", _pk(_bureau_question))),
    Screen("bureau-voor-integriteit", "statistieken", _url("advice:statistics")),
    Screen("bureau-voor-integriteit", "faq-item", _url("advice:faq_create", _pk(_faq_question))),
    Screen(
        "bureau-voor-integriteit",
        "faq-item-fouten",
        _url("advice:faq_create", _pk(_faq_question)),
        then=submit_empty("main form", "Ontwerp bewaren"),
    ),
    Screen("bureau-voor-integriteit", "faq", _url("advice:faq")),
    Screen("bureau-voor-integriteit", "toegang", _url("advice:access_grants")),
    # beheerder: the Django admin.
    Screen("beheerder", "start", _url("home")),
    Screen("beheerder", "beheer", lambda: "/beheer/"),
    Screen("beheerder", "beheer-personen", lambda: "/beheer/organisation/person/"),
    Screen(
        "beheerder",
        "beheer-persoon",
        lambda: f"/beheer/organisation/person/{_question(asker__username='medewerker').asker_id}/change/",
    ),
    Screen("beheerder", "beheer-eenheden", lambda: "/beheer/organisation/orgunit/"),
    Screen("beheerder", "beheer-versies", lambda: "/beheer/codeofconduct/policyversion/"),
    Screen("beheerder", "beheer-versie", lambda: f"/beheer/codeofconduct/policyversion/{_current().pk}/change/"),
    Screen("beheerder", "beheer-mail", lambda: "/beheer/jobs/delivery/"),
    Screen("beheerder", "beheer-toegang", lambda: "/beheer/organisation/accessgrant/"),
    # The admin's forms with date fields (Django's "Vandaag" and calendar shortcuts), autocompletes and
    # selection boxes: the access request, a new version and a draft.
    Screen("beheerder", "beheer-toegang-aanvragen", lambda: "/beheer/organisation/accessgrant/add/"),
    Screen(
        "beheerder",
        "beheer-toegang-aanvragen-fouten",
        lambda: "/beheer/organisation/accessgrant/add/",
        then=submit_empty("#accessgrant_form", re.compile("^Opslaan$")),
    ),
    Screen("beheerder", "beheer-versie-nieuw", lambda: "/beheer/codeofconduct/policyversion/add/"),
    Screen("beheerder", "beheer-ontwerp", lambda: f"/beheer/codeofconduct/policyversion/{_draft().pk}/change/"),
    # Django's own pages that name a version: deleting a draft, and a version's and a policy's history.
    Screen(
        "beheerder",
        "beheer-ontwerp-verwijderen",
        lambda: f"/beheer/codeofconduct/policyversion/{_draft().pk}/delete/",
    ),
    Screen(
        "beheerder",
        "beheer-versie-geschiedenis",
        lambda: f"/beheer/codeofconduct/policyversion/{_current().pk}/history/",
    ),
    Screen(
        "beheerder",
        "beheer-beleid-geschiedenis",
        lambda: f"/beheer/codeofconduct/policy/{_current().policy_id}/history/",
    ),
]


def screens_of(role: str) -> list[Screen]:
    return [screen for screen in SCREENS if screen.role == role]


def load_demo():
    from django.conf import settings
    from django.core.management import call_command

    debug, settings.DEBUG = settings.DEBUG, True  # load_demo refuses to run on a production configuration
    try:
        call_command("load_demo", verbosity=0)
    finally:
        settings.DEBUG = debug


def sign_in(page, base_url: str, role: str) -> None:
    username = ROLES[role]
    if username is None:
        return
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("E-mailadres of gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill("demo")
    with page.expect_navigation():
        page.get_by_role("button", name="Aanmelden").click()


def open_screen(page, base_url: str, screen: Screen):
    """Go to the screen and bring it into its state; fails when the page answers otherwise."""
    response = page.goto(base_url + screen.path())
    assert response.status == screen.status, f"{screen.role}/{screen.name}: {response.status}"
    if screen.then:
        screen.then(page)
    return response


# --- Checks, in the page ----------------------------------------------------------------------------
SIDEWAYS = "() => document.documentElement.scrollWidth - window.innerWidth"

# The header's controls: every interactive element that the eye can see before <main> (the banner,
# the navigation, the language switch, the sign-out button, wherever the markup puts them) and in
# any header or navigation landmark. None may cover another (an element inside another, like a
# link's icon, is not a second control).
# With a menu open (`menu`: the button, which names its panel in aria-controls), the panel may lie over
# the page like a sheet: then the button and the controls in the panel must not cover each other.
OVERLAPS = """(menu) => {
  const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])';
  const main = document.querySelector('main');
  const seen = new Set();
  if (menu) {
    seen.add(menu);
    const panel = document.getElementById(menu.getAttribute('aria-controls'));
    if (panel) for (const el of panel.querySelectorAll(controls)) seen.add(el);
  } else for (const el of document.querySelectorAll(controls)) {
    const beforeMain = main && !main.contains(el) && (el.compareDocumentPosition(main) & Node.DOCUMENT_POSITION_FOLLOWING);
    if (beforeMain || el.closest('header, nav, [role=banner], [role=navigation]')) seen.add(el);
  }
  const visible = [...seen].filter(el => {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none' || Number(style.opacity) === 0) return false;
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1 && r.right > 0 && r.bottom > 0 && r.left < innerWidth;
  });
  const name = el => (el.innerText || el.value || el.getAttribute('aria-label') || el.tagName).trim().slice(0, 40);
  const found = [];
  for (let i = 0; i < visible.length; i++) for (let j = i + 1; j < visible.length; j++) {
    const a = visible[i], b = visible[j];
    if (a.contains(b) || b.contains(a)) continue;
    const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
    const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
    const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
    if (w > 1 && h > 1) found.push(`"${name(a)}" and "${name(b)}"`);
  }
  return found;
}"""

# Menu buttons that open the navigation on small screens: the checks run again with them open.
MENU_BUTTONS = "header button[aria-expanded='false'], nav button[aria-expanded='false']"

AXE_RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
    resultTypes: ['violations'],
  });
  return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} – ` +
    v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; '));
}"""


def sideways(page) -> int:
    """How many pixels the page scrolls sideways (0: none)."""
    return page.evaluate(SIDEWAYS)


def overlaps(page, menu=None) -> list[str]:
    """Pairs of header controls that cover each other; `menu`: an opened menu button (element handle)."""
    return page.evaluate(OVERLAPS, menu)


def axe_violations(page) -> list[str]:
    """Every axe violation, any impact, best-practice rules included."""
    # Injected through the DevTools protocol, which the page's CSP does not restrict; the app never
    # serves axe-core to its users.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(AXE_RUN)
