"""FAQ, statistics, receipt, retention and the includes the dienstnota page uses."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from advice.models import Attachment, FaqEntry, Question, QuestionStatistic, State
from advice.workflow import TransitionError
from tests.advice.conftest import PNG, ask, at, step


def answered_by_bureau(city, *, consent, **extra):
    question = ask(city.employee, concerns_manager=True, rule_anchor="loyaliteit", **extra)
    step(question, city.integrity, "bureau_take_up", now=extra.get("now"))
    step(question, city.integrity, "bureau_answer", "Reageer niet zelf.", now=extra.get("now"))
    step(question, city.employee, "asker_close", faq_consent=consent, now=extra.get("now"))
    return question


def test_bureau_turns_a_consented_question_into_a_published_faq_entry(city, as_integrity, as_colleague):
    question = answered_by_bureau(city, consent=True)
    page = as_integrity.get(reverse("advice:question_detail", args=[question.pk])).content.decode()
    assert "Anoniem FAQ-item maken" in page
    url = reverse("advice:faq_create", args=[question.pk])
    # Unedited text is refused: the officer must anonymise it first.
    response = as_integrity.post(
        url,
        {
            "title": "Reageren op een artikel",
            "question_text": question.body,
            "answer_text": "Reageer niet zelf.",
            "rule_anchor": "loyaliteit",
        },
    )
    assert "Herschrijf de vraag" in response.content.decode()
    assert not FaqEntry.objects.exists()

    response = as_integrity.post(
        url,
        {
            "title": "Reageren op een artikel",
            "question_text": "Mag ik reageren op een artikel over mijn dienst?",
            "answer_text": "Nee: geef het door aan de woordvoerder.",
            "rule_anchor": "loyaliteit",
        },
    )
    assert response.status_code == 302
    entry = FaqEntry.objects.get()
    assert not entry.is_published
    assert "Reageren op een artikel" not in as_colleague.get(reverse("advice:faq")).content.decode()

    as_integrity.post(reverse("advice:faq_publish", args=[entry.pk]), {"publish": "1"})
    assert "Reageren op een artikel" in as_colleague.get(reverse("advice:faq")).content.decode()


def test_no_faq_entry_without_consent(city, as_integrity):
    question = answered_by_bureau(city, consent=False)
    response = as_integrity.post(
        reverse("advice:faq_create", args=[question.pk]),
        {"title": "T", "question_text": "Anders", "answer_text": "A", "rule_anchor": "loyaliteit"},
        follow=True,
    )
    assert "toestemming" in response.content.decode()
    assert not FaqEntry.objects.exists()


def test_faq_include_shows_entries_next_to_their_rule_in_one_query(city, django_assert_num_queries):
    for number, anchor in enumerate(["loyaliteit", "loyaliteit", "collegialiteit"]):
        FaqEntry.objects.create(
            title=f"Vraag {number}",
            question_text="q",
            answer_text="a",
            rule_anchor=anchor,
            rule_label=anchor,
            is_published=True,
            published_at=at(2026, 1, 1),
            edited_by=city.integrity,
            created_at=at(2026, 1, 1),
        )
    template = Template('{% for anchor in anchors %}{% include "advice/includes/faq_for_rule.html" %}{% endfor %}')
    request = RequestFactory().get("/")
    with django_assert_num_queries(1):
        html = template.render(Context({"anchors": ["loyaliteit", "collegialiteit", "context"], "request": request}))
    assert html.count("Vraag ") == 3


def test_the_advice_slot_next_to_each_rule_links_to_the_prefilled_form(db):
    template = Template('{% include "advice/includes/rule_actions.html" %}')
    html = template.render(Context({"anchor": "loyaliteit"}))
    assert "Twijfel je? Vraag advies" in html
    assert reverse("advice:ask") + "?regel=loyaliteit" in html


def test_statistics_count_removed_questions_as_anonymous_people(city, as_integrity):
    for _ in range(5):
        ask(city.employee, rule_anchor="loyaliteit")
    page = as_integrity.get(reverse("advice:statistics")).content.decode()
    assertInHTML('<tr><td lang="nl">Loyaliteit</td><td>verborgen</td></tr>', page)
    # After the retention period nothing ties a row to its asker any more.
    Question.objects.update(statistic=None)
    page = as_integrity.get(reverse("advice:statistics")).content.decode()
    assertInHTML('<tr><td lang="nl">Loyaliteit</td><td>5</td></tr>', page)


def test_receipt_is_a_dated_text_with_question_and_answer(city, as_employee):
    question = ask(city.employee)
    step(question, city.chef, "manager_answer", "Ja, dat mag.")
    response = as_employee.get(reverse("advice:receipt", args=[question.pk]))
    assert response["Content-Type"].startswith("text/plain")
    assert response["Content-Disposition"].startswith('attachment; filename="adviesbewijs-')
    text = response.content.decode()
    assert question.body in text and "Ja, dat mag." in text and str(city.chef) in text
    assert "Uitgereikt op" in text


def test_retention_removes_old_closed_questions_and_their_files_but_keeps_counts(
    city, django_capture_on_commit_callbacks
):
    old = answered_by_bureau(
        city, consent=False, now=at(2024, 1, 10), attachment=(SimpleUploadedFile("a.png", PNG), "image/png")
    )
    path = Attachment.objects.get(question=old).file.path
    recent = ask(city.employee)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("advice_purge_expired", now="2026-03-01T12:00")
    assert list(Question.objects.all()) == [recent]
    assert QuestionStatistic.objects.count() == 2
    assert QuestionStatistic.objects.filter(question__isnull=True, outcome=State.CLOSED).count() == 1
    assert recent.statistic.question == recent
    import os

    assert not os.path.exists(path)


def test_timeline_events_cannot_be_rewritten(city):
    question = ask(city.employee)
    event = question.events.get()
    event.text = "gewijzigd"
    with pytest.raises(Exception, match="niet gewijzigd"):
        event.save()


def test_faq_service_refuses_someone_outside_the_bureau(city):
    question = answered_by_bureau(city, consent=True)
    from advice.services import faq_entry_create

    with pytest.raises(TransitionError):
        faq_entry_create(
            question=question, by=city.chef, title="t", question_text="x", answer_text="y", rule_anchor="loyaliteit"
        )


def test_bureau_queue_filters_by_state_and_age_and_marks_overdue(city, as_integrity):
    old = ask(city.employee, concerns_manager=True, subject="Oude vraag", now=at(2025, 1, 6))
    new = ask(city.employee, concerns_manager=True, subject="Nieuwe vraag")
    step(new, city.integrity, "bureau_take_up")
    content = as_integrity.get(reverse("advice:bureau_queue")).content.decode()
    assert content.index("Oude vraag") < content.index("Nieuwe vraag")
    assert "Te laat" in content
    content = as_integrity.get(reverse("advice:bureau_queue") + f"?state={State.TAKEN_UP}").content.decode()
    assert "Nieuwe vraag" in content and "Oude vraag" not in content
    content = as_integrity.get(reverse("advice:bureau_queue") + "?age=10").content.decode()
    assert "Oude vraag" in content and "Nieuwe vraag" not in content
    assert old.pk


def test_the_bureau_queue_shows_fifty_at_a_time_oldest_first_keeping_the_filter(city, as_integrity, settings):
    for number in range(55):
        ask(
            city.employee,
            concerns_manager=True,
            subject=f"Vraag {number:02d}",
            now=at(2026, 1, 5) + datetime.timedelta(hours=number),
        )
    first = as_integrity.get(reverse("advice:bureau_queue") + f"?state={State.WITH_BUREAU}").content.decode()
    assert "Vraag 00" in first and "Vraag 49" in first and "Vraag 50" not in first
    assert "(1–50 van 55)" in first
    assert f"?state={State.WITH_BUREAU}&amp;pagina=2" in first
    second = as_integrity.get(reverse("advice:bureau_queue") + f"?state={State.WITH_BUREAU}&pagina=2").content.decode()
    assert "Vraag 50" in second and "Vraag 54" in second and "Vraag 49" not in second


def test_the_bureau_queue_filter_shows_the_choice_made_in_the_language_chosen(city, as_integrity):
    """The filter's fields are rendered once per language and choice (advice_tags.queue_filter_fields):
    each choice still shows as chosen, in the page's language, and a value that is no choice shows none."""
    queue = reverse("advice:bureau_queue")

    def chosen(path):
        content = as_integrity.get(path).content.decode()
        return re.findall(r'<option value="([^"]*)" selected>([^<]*)', content)

    assert chosen(queue) == [("", "Alle open vragen"), ("", "Alle")]
    assert chosen(f"{queue}?state={State.CLOSED}&age=5") == [("afgesloten", "Afgesloten"), ("5", "Ouder dan 5 dagen")]
    assert chosen(f"{queue}?state={State.CLOSED}") == [("afgesloten", "Afgesloten"), ("", "Alle")]
    assert chosen(f"{queue}?state=geen-keuze") == [("", "Alle")]
    as_integrity.post(reverse("set_language"), {"language": "en", "next": queue})
    assert chosen(f"{queue}?state={State.CLOSED}&age=5") == [("afgesloten", "Closed"), ("5", "Older than 5 days")]
    assert chosen(queue) == [("", "All open questions"), ("", "All")]


@pytest.mark.parametrize("size", [2, 8])
def test_list_pages_use_a_fixed_number_of_queries(
    city, size, as_employee, as_chef, as_integrity, django_assert_max_num_queries
):
    for number in range(size):
        ask(city.employee, subject=f"Vraag {number}")
        ask(city.employee, subject=f"Direct {number}", concerns_manager=True)
    for client, name in [
        (as_employee, "advice:my_questions"),
        (as_chef, "advice:manager_inbox"),
        (as_integrity, "advice:bureau_queue"),
    ]:
        with django_assert_max_num_queries(12):
            assert client.get(reverse(name)).status_code == 200


def test_navigation_has_the_vraag_advies_link(city, as_colleague):
    content = as_colleague.get(reverse("home")).content.decode()
    assert f'<a href="{reverse("advice:ask")}">Vraag advies</a>' in content


def test_working_days_skip_weekends_and_belgian_holidays():
    from advice.workdays import add_working_days

    assert add_working_days(datetime.date(2026, 12, 23), 3) == datetime.date(2026, 12, 29)
    assert add_working_days(datetime.date(2026, 11, 10), 1) == datetime.date(2026, 11, 12)  # 11-11 Wapenstilstand


def test_demo_data_has_questions_in_every_state(city):
    import io

    from advice import demo

    people = {"medewerker": city.employee, "chef": city.chef, "integriteit": city.integrity}
    demo.load(people=people, stdout=io.StringIO())
    assert set(Question.objects.values_list("state", flat=True)) == set(State.values)


def test_published_faq_entry_appears_next_to_its_rule_on_the_dienstnota_page(city, as_colleague):
    from codeofconduct.selectors import main_policy_current_version

    FaqEntry.objects.create(
        title="Mag ik een vacature delen?",
        question_text="q",
        answer_text="a",
        rule_anchor="loyaliteit",
        rule_label="Loyaliteit",
        is_published=True,
        published_at=at(2026, 1, 1),
        edited_by=city.integrity,
        created_at=at(2026, 1, 1),
    )
    page = as_colleague.get(main_policy_current_version().get_absolute_url()).content.decode()
    rule = page.split('id="loyaliteit"')[1].split('id="vrijheid-van-meningsuiting"')[0]
    assert "Mag ik een vacature delen?" in rule
    assert "Twijfel je? Vraag advies" in rule
