"""Confidentiality: for every advice URL, each role gets exactly what the rules say.

The employee (`medewerker`) asks three questions: one still with the chef, one straight to the
Bureau because it concerns the chef, one escalated by the chef and answered by the Bureau (with an
internal note). Everyone else in the city must not even learn that these questions exist.
"""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from advice.access import can_view, viewers
from advice.models import Question
from organisation.models import Deputy, Person
from tests.advice.conftest import PNG, ask, step
from tests.factories import make_person

ROUTED, DIRECT, ESCALATED = "Foto zwembad ROUTED", "Over mijn chef DIRECT", "Debat gemeenteraad ESCALATED"
BUREAU_ANSWER = "Antwoord van het Bureau GEHEIM"
INTERNAL_NOTE = "Interne notitie GEHEIM"
PERSONAS = ["employee", "chef", "other_chef", "director", "colleague", "editor", "integrity", "admin"]


@pytest.fixture
def questions(city, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        routed = ask(
            city.employee,
            subject=ROUTED,
            body="Body ROUTED",
            attachment=(SimpleUploadedFile("zwembad.png", PNG), "image/png"),
        )
        direct = ask(
            city.employee,
            subject=DIRECT,
            body="Body DIRECT",
            concerns_manager=True,
            attachment=(SimpleUploadedFile("chef.png", PNG), "image/png"),
        )
        escalated = ask(
            city.employee,
            subject=ESCALATED,
            body="Body ESCALATED",
            attachment=(SimpleUploadedFile("debat.png", PNG), "image/png"),
        )
        step(escalated, city.chef, "manager_escalate", "Graag het Bureau.")
        step(escalated, city.integrity, "bureau_take_up")
        step(escalated, city.integrity, "bureau_note", INTERNAL_NOTE)
        step(escalated, city.integrity, "bureau_answer", BUREAU_ANSWER)
    return {"routed": routed, "direct": direct, "escalated": escalated}


def client(city, persona):
    c = Client()
    c.force_login(getattr(city, persona))
    return c


# Who sees which question: the rule of the issue, written out once for the whole table.
SEES = {
    "routed": {"employee", "chef"},
    "direct": {"employee", "integrity"},
    "escalated": {"employee", "chef", "integrity"},
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ["routed", "direct", "escalated"])
def test_detail_and_attachment_follow_the_rule(city, questions, persona, name):
    c = client(city, persona)
    question = questions[name]
    expected = 200 if persona in SEES[name] else 404
    assert c.get(reverse("advice:question_detail", args=[question.pk])).status_code == expected
    attachment = question.attachments.get()
    response = c.get(reverse("advice:attachment_download", args=[attachment.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PNG


@pytest.mark.parametrize("persona", PERSONAS)
def test_receipt_is_the_askers_alone(city, questions, persona):
    c = client(city, persona)
    response = c.get(reverse("advice:receipt", args=[questions["escalated"].pk]))
    expected = {"employee": 200, "chef": 403, "integrity": 403}.get(persona, 404)
    assert response.status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ["routed", "direct", "escalated"])
def test_a_step_by_someone_outside_the_route_is_404_and_changes_nothing(city, questions, persona, name):
    if persona in SEES[name]:
        return
    question = questions[name]
    before = question.events.count()
    response = client(city, persona).post(reverse("advice:question_step", args=[question.pk, "bureau_take_up"]))
    assert response.status_code == 404
    assert question.events.count() == before


def test_wrong_role_on_a_step_is_403(city, questions):
    question = questions["direct"]
    response = client(city, "employee").post(reverse("advice:question_step", args=[question.pk, "bureau_take_up"]))
    assert response.status_code == 403
    assert (
        client(city, "employee").get(reverse("advice:question_step", args=[question.pk, "asker_withdraw"])).status_code
        == 405
    )


BUREAU_ONLY = {"advice:bureau_queue", "advice:statistics"}


def page_as(city, persona, url_name) -> str | None:
    """The page as `persona` sees it; None for a Bureau page that refuses anyone else (checked: 403)."""
    response = client(city, persona).get(reverse(url_name))
    if url_name in BUREAU_ONLY and persona != "integrity":
        assert response.status_code == 403
        return None
    assert response.status_code == 200
    return response.content.decode()


LISTS = {
    "advice:my_questions": {"employee": {ROUTED, DIRECT, ESCALATED}},
    "advice:manager_inbox": {"chef": {ROUTED, ESCALATED}},
    "advice:bureau_queue": {"integrity": {DIRECT, ESCALATED}},
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_name", list(LISTS))
def test_lists_show_exactly_the_questions_the_rule_allows(city, questions, persona, url_name):
    content = page_as(city, persona, url_name)
    if content is None:
        return
    shown = {subject for subject in (ROUTED, DIRECT, ESCALATED) if subject in content}
    assert shown == LISTS[url_name].get(persona, set())


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_name", ["advice:ask", "advice:faq", "advice:statistics"])
def test_pages_for_everyone_or_the_bureau_never_show_a_question(city, questions, persona, url_name):
    content = page_as(city, persona, url_name)
    if content is None:
        return
    for text in (ROUTED, DIRECT, ESCALATED, "Body ROUTED"):
        assert text not in content


def test_bypassed_leidinggevende_has_no_row_no_count(city, questions):
    content = client(city, "chef").get(reverse("advice:manager_inbox")).content.decode()
    assert DIRECT not in content
    assert "1 vraag wacht op je antwoord" in content  # only the routed one; the direct one is not counted
    assert Question.objects.visible_to(city.chef).count() == 2


def test_leidinggevende_sees_only_that_it_was_escalated_and_not_the_bureaus_answer(city, questions):
    content = (
        client(city, "chef").get(reverse("advice:question_detail", args=[questions["escalated"].pk])).content.decode()
    )
    assert "Geëscaleerd naar het Bureau voor Integriteit" in content
    assert BUREAU_ANSWER not in content
    assert INTERNAL_NOTE not in content
    assert "Opgenomen door" not in content


def test_internal_notes_are_for_the_bureau_only(city, questions):
    url = reverse("advice:question_detail", args=[questions["escalated"].pk])
    assert INTERNAL_NOTE in client(city, "integrity").get(url).content.decode()
    asker_page = client(city, "employee").get(url).content.decode()
    assert INTERNAL_NOTE not in asker_page
    assert BUREAU_ANSWER in asker_page


def test_who_can_see_this_lists_the_people_who_can(city, questions):
    content = (
        client(city, "employee").get(reverse("advice:question_detail", args=[questions["direct"].pk])).content.decode()
    )
    assert "Wie kan dit zien?" in content
    assert str(city.integrity) in content
    assert str(city.chef) not in content


def test_who_can_see_this_lists_the_bureau_as_the_bureau_also_the_officer_who_asked_for_more(city):
    """An officer's request for more information is a step of the Bureau, not of a leidinggevende:
    the list names them with the Bureau, after the asker and the chef, by last name then first name."""
    officer = make_person(
        "integriteit2", unit=city.city, is_integrity_officer=True, first_name="Aaron", last_name="Zonderman"
    )
    namesake = make_person(
        "integriteit3", unit=city.city, is_integrity_officer=True, first_name="Anna", last_name="Goossens"
    )
    question = ask(city.employee)
    step(question, city.chef, "manager_escalate", "Graag het Bureau.")
    step(question, officer, "bureau_take_up")
    step(question, officer, "bureau_request_info", "Welk account?")
    assert viewers(question) == [city.employee, city.chef, namesake, city.integrity, officer]


def test_an_officer_who_leaves_the_bureau_stops_reading_its_questions_also_a_former_plaatsvervanger(city):
    """What a plaatsvervanger keeps reading is what they did as leidinggevende; a request for more
    information as officer is not that, even from someone who once deputised."""
    officer = make_person("integriteit2", unit=city.team_b, is_integrity_officer=True, last_name="Zonderman")
    today = timezone.localdate()
    Deputy.objects.create(
        manager=city.other_chef,
        deputy=officer,
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today - datetime.timedelta(days=20),
    )
    question = ask(city.employee)
    step(question, city.chef, "manager_escalate", "Graag het Bureau.")
    step(question, officer, "bureau_take_up")
    step(question, officer, "bureau_request_info", "Welk account?")
    Person.objects.filter(pk=officer.pk).update(is_integrity_officer=False)
    officer = Person.objects.get(pk=officer.pk)
    assert not can_view(officer, question)
    assert not Question.objects.visible_to(officer).filter(pk=question.pk).exists()
    assert officer not in viewers(question)


def test_someone_who_left_the_city_sees_no_question_not_even_their_own(city):
    question = ask(city.employee)
    city.employee.deactivate()
    former = Person.objects.get(pk=city.employee.pk)
    assert not Question.objects.visible_to(former).exists()
    assert not can_view(former, question)
    assert former not in viewers(question)


def test_an_officer_who_asks_a_question_of_their_own_leidinggevende_sees_it(city):
    """Being in the Bureau adds what reached the Bureau; it takes nothing away."""
    officer = make_person("integriteit2", unit=city.team_a, manager=city.chef, is_integrity_officer=True)
    question = ask(officer)
    assert question.manager == city.chef
    assert Question.objects.visible_to(officer).filter(pk=question.pk).exists()


def test_notifications_reach_only_people_who_may_see_and_never_carry_the_text(city, questions):
    everyone = {getattr(city, persona).email: getattr(city, persona) for persona in PERSONAS}
    assert mail.outbox
    for message in mail.outbox:
        body = message.body + message.alternatives[0][0] + message.subject
        for text in (ROUTED, DIRECT, ESCALATED, "Body", BUREAU_ANSWER, INTERNAL_NOTE):
            assert text not in body
        for address in message.to:
            person = everyone[address]
            number = int(message.subject.split()[1].rstrip(":"))
            assert can_view(person, Question.objects.get(pk=number))
    chef_mails = [m for m in mail.outbox if city.chef.email in m.to]
    assert all(f"{questions['direct'].pk}:" not in m.subject for m in chef_mails)
    outsiders = {city.other_chef.email, city.colleague.email, city.editor.email, city.admin.email, city.director.email}
    assert not outsiders & {address for m in mail.outbox for address in m.to}


def test_the_list_rule_and_the_detail_rule_agree_for_everyone(city, questions):
    for persona in PERSONAS:
        person = getattr(city, persona)
        listed = set(Question.objects.visible_to(person).values_list("pk", flat=True))
        for question in questions.values():
            assert (question.pk in listed) == can_view(person, question) == (person in viewers(question)), persona


def test_admin_shows_no_question_content_even_to_a_superuser(city, questions):
    admin = client(city, "admin")
    index = admin.get("/beheer/")
    assert index.status_code == 200
    # No advice model is listed (the organisation's "Toegang tot adviesvragen" is about people, not questions).
    assert 'href="/beheer/advice/' not in index.content.decode()
    for model in ("question", "questionevent", "attachment", "faqentry", "questionstatistic"):
        assert admin.get(f"/beheer/advice/{model}/").status_code == 404
    # Not even the anonymous statistics rows: one row is one question.
    assert admin.get("/beheer/advice/questionstatistic/").status_code == 404
    statistic = Question.objects.get(subject=ROUTED).statistic
    assert admin.get(f"/beheer/advice/questionstatistic/{statistic.pk}/change/").status_code == 404


def test_attachments_are_not_under_a_public_url(city, questions, settings):
    attachment = questions["routed"].attachments.get()
    assert str(settings.MEDIA_ROOT) in attachment.file.path
    assert client(city, "employee").get(settings.MEDIA_URL + attachment.file.name).status_code == 404


def test_an_officer_never_sees_a_question_about_themselves(city, as_chef):
    """The chef is also in the Bureau: a question about the chef stays out of their sight."""
    city.chef.is_integrity_officer = True
    city.chef.save()
    question = ask(city.employee, subject="Over mijn chef", concerns_manager=True)
    assert as_chef.get(reverse("advice:question_detail", args=[question.pk])).status_code == 404
    assert "Over mijn chef" not in as_chef.get(reverse("advice:bureau_queue")).content.decode()
    assert city.chef not in viewers(question)
    assert city.integrity in viewers(question)


@pytest.mark.parametrize("persona", PERSONAS)
def test_faq_drafting_urls_are_for_the_bureau_only(city, questions, persona):
    question = questions["escalated"]
    step(question, city.employee, "asker_close", faq_consent=True)
    c = client(city, persona)
    expected = 200 if persona == "integrity" else 403
    assert c.get(reverse("advice:faq_create", args=[question.pk])).status_code == expected
    if persona != "integrity":
        # Not even a draft's existence: the same 403 whether or not the entry exists.
        assert c.post(reverse("advice:faq_publish", args=[999999]), {"publish": "1"}).status_code == 403


def test_faq_create_for_a_question_outside_the_bureau_is_404(city, questions, as_integrity):
    assert as_integrity.get(reverse("advice:faq_create", args=[questions["routed"].pk])).status_code == 404
