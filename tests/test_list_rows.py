"""The lists (team page, compliance for the city and per department, the Bureau's queue, "Mijn
vragen", the manager's inbox) show exactly the HTML they showed when each row was built from
`{% include %}`d templates.

The rows are now written without per-row template machinery (issue 16), which is easy to get
subtly wrong: a space lost between two words or labels, a label's class, an escaped name. So the
reference is what the former templates rendered for one fixed world that has every kind of row
(briefed, carried over, opened, overdue, reminded today, without a mailbox, outside the audience;
every state of a question), kept in tests/list_rows/. The page's <main> is compared after
normalising what differs from run to run and from database to database: whitespace that is not
shown (around blocks and cells; elsewhere any run of it is one space), CSRF tokens, the time the
figures were counted, and ids (a version or question id is replaced by its number or subject; a
personeelsnummer, which the test factory numbers per session, by the username).

A deliberate change of a list's HTML changes its reference too: run this file with
LIST_ROWS_WRITE=1, then read the diff of tests/list_rows/ before committing it.
"""

import datetime
import difflib
import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

from codeofconduct.content import install_initial_content
from codeofconduct.models import Acknowledgement, Policy, PolicyVersion, PublicationEvent
from codeofconduct.services import acknowledging
from organisation.models import Person
from tests.advice.conftest import ask, step
from tests.codeofconduct import compliance_fixture
from tests.conftest import client_for
from tests.factories import make_person

pytestmark = pytest.mark.django_db

# Elements around which whitespace is not shown.
BLOCKS = "main|section|div|p|h[1-6]|dl|dt|dd|ul|ol|li|nav|form|details|summary|table|caption|thead|tbody|tr|th|td"
REFERENCE = Path(__file__).parent / "list_rows"
# A Tuesday morning: the rows show dates, so the world is built at the same instant whatever TEST_NOW is.
INSTANT = datetime.datetime(2026, 11, 17, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def lists_world(city, suite_clock):
    suite_clock.move_to(INSTANT)
    policy = install_initial_content(Policy, PolicyVersion, PublicationEvent)
    current = policy.versions.get(status=PolicyVersion.Status.PUBLISHED)
    built = compliance_fixture.build(city, current)
    # Opened but not acknowledged; carried over from an editorial change; no mailbox; reminded today.
    acknowledging.opening_record(person=built.a2, version=current)
    carried = make_person("a5", unit=city.team_a, manager=city.chef, first_name="Pieter", last_name="Smet")
    Acknowledgement.objects.create(
        person=carried, version=current, content_hash=current.content_hash, source=Acknowledgement.Source.CARRIED_OVER
    )
    make_person("a6", unit=city.team_a, manager=city.chef, first_name="Ria", last_name="Wouters", email="")
    # Outside the audience: a member without a unit.
    make_person("a7", unit=None, manager=city.chef, first_name="Zeno", last_name="Zonder")

    # Every state a question can be in, some through the chef and some straight to the Bureau.
    waiting = ask(city.employee, subject="Bij de chef")
    answered = ask(city.employee, subject="Beantwoord door de chef")
    step(answered, city.chef, "manager_answer", "Dat mag.")
    more = ask(city.employee, subject="Meer uitleg")
    step(more, city.chef, "manager_request_info", "Welke foto?")
    direct = ask(city.employee, subject="Rechtstreeks", concerns_manager=True)
    taken = ask(city.employee, subject="Opgenomen", concerns_manager=True)
    step(taken, city.integrity, "bureau_take_up")
    bureau_answered = ask(city.employee, subject="Beantwoord door het Bureau", concerns_manager=True)
    step(bureau_answered, city.integrity, "bureau_take_up")
    step(bureau_answered, city.integrity, "bureau_answer", "Ja.")
    closed = ask(city.employee, subject="Gesloten")
    step(closed, city.chef, "manager_answer", "Ja.")
    step(closed, city.employee, "asker_close")
    withdrawn = ask(city.employee, subject="Ingetrokken")
    step(withdrawn, city.employee, "asker_withdraw")
    late = ask(city.colleague, subject="Te laat", concerns_manager=True)
    suite_clock.move_to(INSTANT + datetime.timedelta(days=20))  # the Bureau's answer is late by now
    acknowledging.reminders_send_manual(chef=city.chef, version=current, members=[built.a4])
    questions = [waiting, answered, more, direct, taken, bureau_answered, closed, withdrawn, late]
    return {"city": city, "current": current, "questions": questions}


def lists(world) -> dict[str, tuple[Person, str]]:
    city, version = world["city"], world["current"]
    team = reverse("codeofconduct:team")
    compliance = reverse("codeofconduct:compliance")
    return {
        "team": (city.chef, team),
        "team-everyone-below": (city.director, f"{team}?alles=1"),
        "compliance-city": (city.editor, f"{compliance}?versie={version.pk}"),
        "compliance-department": (city.editor, f"{compliance}?versie={version.pk}&eenheid=BZ&status="),
        "compliance-team-people": (city.editor, f"{compliance}?eenheid=BZ-COM-A&status=open"),
        "bureau-queue": (city.integrity, reverse("advice:bureau_queue")),
        "bureau-queue-closed": (city.integrity, reverse("advice:bureau_queue") + "?state=afgesloten"),
        "my-questions": (city.employee, reverse("advice:my_questions")),
        "manager-inbox": (city.chef, reverse("advice:manager_inbox")),
    }


def normalised(html: str, world) -> str:
    """The page's own part (its <main>), in a form that is the same on every run."""
    text = re.search(r"<main\b.*?</main>", html, re.S).group()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value=""', text)
    text = re.sub(r"Stand van \d\d:\d\d:\d\d", "Stand van [time]", text)  # the figures' age: the clock runs
    # Whitespace shows between inline elements ("</strong> <span>") and not around blocks and cells.
    text = re.sub(r"\s+", " ", text)
    text = re.sub(rf"\s*(</?(?:{BLOCKS})\b[^>]*>)\s*", r"\1", text)
    version = world["current"]
    text = re.sub(rf"versie={version.pk}(?!\d)", f"versie=[{version.nummer}]", text)
    text = re.sub(rf"/versies/{version.pk}/", f"/versies/[{version.nummer}]/", text)
    for number, username in Person.objects.values_list("personeelsnummer", "username"):  # numbered per session
        text = text.replace(f"<td>{number}</td>", f"<td>[{username}]</td>")
    for question in world["questions"]:
        # The number cell only inside the question's own row: elsewhere the same digits are counts
        # (a department's "4 te laat"), which must be compared as they are, whatever ids the database gave.
        own_row = rf"(<tr\b[^>]*>(?:(?!</tr>).)*?)<td>{question.pk}</td>((?:(?!</tr>).)*?/vragen/{question.pk}/)"
        label = f"<td>[{question.subject}]</td>"
        text = re.sub(own_row, lambda row, label=label: row[1] + label + row[2], text)
        text = re.sub(rf"/vragen/{question.pk}/", f"/vragen/[{question.subject}]/", text)
    return re.sub(rf"(?=<(?:{BLOCKS})\b)", "\n", text).strip() + "\n"


def test_every_list_shows_the_html_of_its_reference(lists_world):
    different = []
    for name, (person, path) in lists(lists_world).items():
        response = client_for(person).get(path)
        assert response.status_code == 200, name
        shown = normalised(response.content.decode(), lists_world)
        reference = REFERENCE / f"{name}.html"
        if os.environ.get("LIST_ROWS_WRITE"):
            reference.parent.mkdir(exist_ok=True)
            reference.write_text(shown, encoding="utf-8")
        expected = reference.read_text(encoding="utf-8")
        if shown != expected:
            lines = difflib.unified_diff(
                expected.splitlines(), shown.splitlines(), f"{name} (reference)", name, lineterm=""
            )
            different.append("\n".join(list(lines)[:30]))
    assert not different, "not the reference's HTML:\n" + "\n\n".join(different)


def test_the_reference_holds_every_kind_of_row():
    """The world above has what the rows must show; if a reference lost it, it would guard less."""
    read = {path.stem: path.read_text(encoding="utf-8") for path in REFERENCE.glob("*.html")}
    team = read["team"]
    assert "via briefing door Tom Peeters" in team
    assert "overgenomen na een redactionele wijziging" in team
    assert "Geopend op" in team and "Nog niet geopend" in team
    assert "coc-badge-late" in team and "vandaag herinnerd" in team and "geen e-mailadres" in team
    assert "niet in het publiek van deze versie" in team
    assert '<th scope="col">Leidinggevende</th>' in read["team-everyone-below"]
    assert 'role="progressbar"' in read["compliance-city"] and 'data-unit="STAD"' in read["compliance-city"]
    assert "Aandeel bevestigd in Communicatie" in read["compliance-department"]
    assert "coc-people" in read["compliance-team-people"]
    states = " ".join(read[name] for name in ("bureau-queue", "bureau-queue-closed", "my-questions", "manager-inbox"))
    for kind in ("a-label--success", "a-label--warning", "a-label--primary", 'data-state="afgesloten"'):
        assert kind in states
    assert "rechtstreeks" in read["bureau-queue"] and "advice-overdue" in read["bureau-queue"]
