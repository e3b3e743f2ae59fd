"""Every text says truthfully who will read it: the words next to the field (before writing) and on
the timeline (after) name exactly the roles that then find the text on their page, tested per role."""

import html
import re

import pytest
from django.urls import reverse

from advice.models import Question
from tests.advice.conftest import ask, at, step
from tests.conftest import client_for, clock_standing_at

ROLES = {
    "vraagsteller": "employee",
    "leidinggevende": "chef",
    "Bureau voor Integriteit": "integrity",
}
EVERYONE = ["employee", "chef", "integrity", "colleague", "other_chef", "editor"]


@pytest.fixture(autouse=True)
def clock():
    yield from clock_standing_at(at(2026, 12, 7, 10))


def page(city, persona, question):
    response = client_for(getattr(city, persona)).get(reverse("advice:question_detail", args=[question.pk]))
    return html.unescape(response.content.decode()) if response.status_code == 200 else ""


def promised(content, step_name):
    """The sentence next to the field of `step_name`, and the roles it names as readers now, and
    those it names for later ("als de vraag ernaartoe gaat")."""
    match = re.search(rf'<p class="a-input__description" id="readers-{step_name}">(.*?)</p>', content, re.S)
    assert match, f"no readers next to {step_name}"
    sentence = match.group(1).strip()
    later = set()
    if "Bureau voor Integriteit als de vraag ernaartoe gaat" in sentence:
        later.add("integrity")
        sentence_now = sentence.replace("het Bureau voor Integriteit als de vraag ernaartoe gaat", "")
    else:
        sentence_now = sentence
    now = {persona for words, persona in ROLES.items() if words in sentence_now}
    return sentence, now, later


def readers_of(city, question, marker):
    return {persona for persona in EVERYONE if marker in page(city, persona, question)}


def write(city, persona, question, step_name, marker):
    """Read the promise as the writer sees it, then write through the page."""
    sentence, now, later = promised(page(city, persona, question), step_name)
    response = client_for(getattr(city, persona)).post(
        reverse("advice:question_step", args=[question.pk, step_name]), {"text": marker}
    )
    assert response.status_code == 302
    return sentence, now, later


def timeline_sentence(content, marker):
    match = re.search(rf"{re.escape(marker)}</p>\s*<p class=\"app-muted advice-readers\">(.*?)</p>", content, re.S)
    assert match, "the timeline does not say who reads this"
    return match.group(1).strip()


def escalated(city):
    question = ask(city.employee, now=at(2026, 12, 7, 9))
    step(question, city.chef, "manager_escalate", "Graag het Bureau.", now=at(2026, 12, 7, 9))
    step(question, city.integrity, "bureau_take_up", now=at(2026, 12, 7, 9))
    return question


def test_the_chefs_note_when_escalating_says_the_asker_reads_it_and_they_do(city):
    question = ask(city.employee)
    sentence, now, later = write(city, "chef", question, "manager_escalate", "NOTITIE-CHEF")
    assert "voor het Bureau" not in page(city, "chef", question).split("Tijdlijn")[0].replace(sentence, "")
    assert now == readers_of(city, question, "NOTITIE-CHEF") == {"employee", "chef", "integrity"}
    assert later == set()
    content = page(city, "employee", question)
    assert timeline_sentence(content, "NOTITIE-CHEF") == sentence


@pytest.mark.parametrize("step_name", ["manager_answer", "manager_request_info"])
def test_the_leidinggevendes_texts_reach_the_bureau_only_if_the_question_goes_there(city, step_name):
    question = ask(city.employee)
    _sentence, now, later = write(city, "chef", question, step_name, "TEKST-CHEF")
    assert now == readers_of(city, question, "TEKST-CHEF") == {"employee", "chef"}
    assert later == {"integrity"}
    question = Question.objects.get(pk=question.pk)
    if step_name == "manager_answer":
        step(question, city.employee, "asker_escalate")
    else:
        step(question, city.employee, "asker_reply", "Meer info.")
        step(question, city.chef, "manager_escalate", "Graag het Bureau.")
    assert readers_of(city, question, "TEKST-CHEF") == now | later
    # Once there, the timeline names the Bureau as a reader, without "if".
    assert "als de vraag ernaartoe gaat" not in timeline_sentence(page(city, "employee", question), "TEKST-CHEF")


def test_the_askers_extra_information_at_the_leidinggevende(city):
    question = ask(city.employee)
    step(question, city.chef, "manager_request_info", "Welke foto?")
    _sentence, now, later = write(city, "employee", question, "asker_reply", "INFO-ASKER")
    assert now == readers_of(city, question, "INFO-ASKER") == {"employee", "chef"}
    assert later == {"integrity"}


@pytest.mark.parametrize("step_name", ["bureau_request_info", "bureau_answer"])
def test_the_bureaus_texts_are_for_the_asker_and_the_bureau_not_the_leidinggevende(city, step_name):
    question = escalated(city)
    sentence, now, later = write(city, "integrity", question, step_name, "TEKST-BUREAU")
    assert now == readers_of(city, question, "TEKST-BUREAU") == {"employee", "integrity"}
    assert later == set() and "leidinggevende" not in sentence
    assert timeline_sentence(page(city, "employee", question), "TEKST-BUREAU") == sentence


def test_the_askers_extra_information_for_the_bureau_is_not_for_the_leidinggevende(city):
    question = escalated(city)
    step(question, city.integrity, "bureau_request_info", "Welke foto?")
    sentence, now, later = write(city, "employee", question, "asker_reply", "INFO-VOOR-BUREAU")
    assert now == readers_of(city, question, "INFO-VOOR-BUREAU") == {"employee", "integrity"}
    assert later == set() and "leidinggevende" not in sentence


def test_an_internal_note_is_read_by_the_bureau_alone(city):
    question = escalated(city)
    sentence, now, later = write(city, "integrity", question, "bureau_note", "NOTITIE-INTERN")
    assert now == readers_of(city, question, "NOTITIE-INTERN") == {"integrity"}
    assert sentence == "Zichtbaar voor het Bureau voor Integriteit." and later == set()
