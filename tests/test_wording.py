"""Words and markup on the screens (issue 15): rule names, response targets, language, the admin."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from advice.models import Question
from tests.advice.conftest import PNG, ask, at  # noqa: F401 (PNG: the advice conftest's fixtures load with it)
from tests.visible import language_of

pytestmark = pytest.mark.django_db


def english(person) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(person)
    return client


def test_statistics_name_every_rule_never_its_anchor(city, world, as_integrity):
    for asker in (city.employee, city.colleague, city.chef, city.other_chef, city.editor):
        ask(asker, rule_anchor="2-2-digitale-media-concrete-aandachtspunten")
    # A rule that the current note no longer has keeps the name it had when the question was asked.
    old = ask(city.employee, rule_anchor="oude-regel")
    Question.objects.filter(pk=old.pk).update(rule_label="Oude regel uit 2013")
    # Nothing names this one any more: its anchor is at least spelled as words.
    ask(city.colleague, rule_anchor="vergeten-regel")
    page = as_integrity.get(reverse("advice:statistics")).content.decode()
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", page)
    assert "2.2 Digitale media: concrete aandachtspunten" in cells
    assert "Oude regel uit 2013" in cells
    assert "Vergeten regel" in cells
    assert not {"2-2-digitale-media-concrete-aandachtspunten", "oude-regel", "vergeten-regel"} & set(cells)


def test_english_statistics_read_rule_names_in_dutch_and_no_rule_in_english(city, world):
    ask(city.employee, rule_anchor="loyaliteit")
    ask(city.colleague)
    page = english(city.integrity).get(reverse("advice:statistics")).content.decode()
    assert language_of(page, "Loyaliteit") == {"nl"}
    assert language_of(page, "No particular rule") == {"en"}


def test_statistics_name_the_month_in_words(city, world, as_integrity):
    ask(city.employee, now=at(2026, 11, 3))
    assert "<td>november 2026</td>" in as_integrity.get(reverse("advice:statistics")).content.decode()


def test_response_targets_show_their_last_day_without_a_meaningless_midnight(city, world, as_chef, settings):
    settings.ADVICE_MANAGER_TARGET_WORKING_DAYS = 3
    # Asked on Tuesday 1 December 2026: the leidinggevende answers by the end of Friday 4 December.
    ask(city.employee, now=at(2026, 12, 1))
    page = as_chef.get(reverse("advice:manager_inbox")).content.decode()
    assert "04-12-2026" in page
    assert "05-12-2026" not in page and "00:00" not in page


def test_the_bureau_queue_shows_the_last_day_of_its_target(city, world, as_integrity, settings):
    settings.ADVICE_BUREAU_TARGET_WORKING_DAYS = 5
    # Straight to the Bureau on Tuesday 1 December 2026: five working days end on Tuesday 8 December.
    ask(city.employee, concerns_manager=True, now=at(2026, 12, 1))
    page = as_integrity.get(reverse("advice:bureau_queue")).content.decode()
    assert "08-12-2026" in page
    assert "09-12-2026" not in page


def test_an_english_page_marks_the_note_as_dutch_and_its_own_words_as_english(city, world):
    current = world["objects"]["current"]
    page = english(city.employee).get(current.get_absolute_url()).content.decode()
    assert re.search(r"<html lang=\"en", page)
    for dutch in (current.titel, "Algemene gedragscode", "Gebruik je gezond verstand", "Stadssecretaris"):
        assert language_of(page, dutch) and all(lang.startswith("nl") for lang in language_of(page, dutch)), dutch
    # The app's own words, also those next to each rule inside the note, stay English.
    for own in ("Read and understood", "In doubt? Ask for advice"):
        assert language_of(page, own) and all(lang.startswith("en") for lang in language_of(page, own)), own


def test_an_english_form_has_english_help_texts(city, world):
    page = english(city.employee).get(reverse("advice:ask")).content.decode()
    assert "A screenshot or draft: PNG, JPEG or PDF" in page
    assert "Een screenshot of ontwerp" not in page
    # The rules to choose from are the note's Dutch headings.
    assert '<option value="loyaliteit" lang="nl">Loyaliteit</option>' in page


def test_the_team_notification_page_after_an_error_does_not_read_like_success(city, world, as_chef):
    current = world["objects"]["current"]
    page = as_chef.post(reverse("codeofconduct:team_notify", args=[current.pk]), {}).content.decode()
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1).strip()
    assert heading and heading != "Team op de hoogte gebracht"
    assert "Dit veld is verplicht." in page


def test_the_admin_speaks_dutch_with_the_apps_name_and_colours(city, as_admin):
    page = as_admin.get("/beheer/").content.decode()
    assert '<html lang="nl-be"' in page
    assert "Stad Antwerpen" in page and "Gedragscode sociale media – beheer" in page
    assert "css/admin.css" in page
    # Advice has no admin at all (beheerders see nothing of questions, issue 13): no "Advies" here.
    for name in ("Organisatie", "Gedragscode", "E-mail en achtergrondwerk", "Medewerkers", "Versies"):
        assert name in page
    # Advice has nothing in the admin, not even its anonymous statistics rows (advice/admin.py).
    assert ">Advies<" not in page
    assert "Django" not in re.sub(r"<[^>]+>", "", page)


def test_the_admin_in_english_names_the_apps_in_english(city):
    page = english(city.admin).get("/beheer/").content.decode()
    for name in ("Organisation", "Code of conduct", "Employees", "Versions"):
        assert name in page


def test_the_admins_forms_and_date_shortcuts_speak_dutch_too(city, as_admin):
    # Django 6.1's Dutch catalogue lacks some of its newest strings; locale/nl_BE fills them in.
    page = as_admin.get("/beheer/organisation/accessgrant/add/").content.decode()
    assert "- Kies een optie -" in page and "Select an option" not in page
    # The date shortcut shows "Vandaag"; its name for screen readers must say it too, not "Today (…)".
    catalogue = as_admin.get("/beheer/jsi18n/").content.decode()
    assert '"Today": "Vandaag"' in catalogue
    assert '"Today (%(date)s)": "Vandaag (%(date)s)"' in catalogue
    assert '"%(month)s %(day)s, %(year)s": "%(day)s %(month)s %(year)s"' in catalogue


def test_the_english_admin_keeps_djangos_english(city):
    admin = english(city.admin)
    assert "- Select an option -" in admin.get("/beheer/organisation/accessgrant/add/").content.decode()
    assert "Vandaag" not in admin.get("/beheer/jsi18n/").content.decode()


def test_the_english_admin_marks_the_notes_dutch_in_its_lists_and_fields(city, world):
    draft = world["objects"]["draft"]
    admin = english(city.admin)
    versions = admin.get("/beheer/codeofconduct/policyversion/").content.decode()
    assert language_of(versions, draft.titel) == {"nl"}
    assert language_of(versions, draft.policy.title) == {"nl"}
    form = admin.get(f"/beheer/codeofconduct/policyversion/{draft.pk}/change/").content.decode()
    for field in ("titel", "van", "gebruik", "body"):
        assert re.search(
            rf'<(input|textarea)[^>]*name="{field}"[^>]*lang="nl"|<(input|textarea)[^>]*lang="nl"[^>]*name="{field}"',
            form,
        ), field
    assert not re.search(r'<input[^>]*name="nummer"[^>]*lang=', form)
    policies = admin.get("/beheer/codeofconduct/policy/").content.decode()
    assert language_of(policies, draft.policy.title) == {"nl"}
