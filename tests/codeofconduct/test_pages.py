"""Reading pages: list, archive, search, version page, history; private and not indexed."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from codeofconduct.models import Policy, PolicyVersion
from codeofconduct.services import publishing
from tests.codeofconduct.conftest import make_draft


def assert_private(response):
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


def test_every_page_is_private_and_not_indexed(as_employee, as_editor, policy, current, draft):
    for url in [
        reverse("codeofconduct:policy_list"),
        reverse("codeofconduct:archive"),
        reverse("codeofconduct:search") + "?q=loyaliteit",
        current.get_absolute_url(),
        reverse("codeofconduct:policy_history", args=[policy.slug]),
        reverse("codeofconduct:compare", args=[policy.slug]),
    ]:
        assert_private(as_employee.get(url))
    for url in [
        reverse("codeofconduct:editor_dashboard"),
        reverse("codeofconduct:draft_edit", args=[draft.pk]),
        reverse("codeofconduct:draft_preview", args=[draft.pk]),
        reverse("codeofconduct:publish", args=[draft.pk]),
    ]:
        assert_private(as_editor.get(url))


def test_the_list_shows_each_policy_with_its_current_version(as_employee, current):
    page = as_employee.get(reverse("codeofconduct:policy_list")).content.decode()
    assert "Gedragscode sociale media voor medewerkers" in page
    assert current.get_absolute_url() in page


def test_a_superseded_version_shows_a_banner_pointing_to_the_current_one(as_employee, policy, current):
    older = policy.versions.get(status="superseded")
    page = as_employee.get(older.get_absolute_url()).content.decode()
    assert "Deze versie is vervangen." in page
    assert f'href="{current.get_absolute_url()}"' in page
    assert "Deze versie is vervangen." not in as_employee.get(current.get_absolute_url()).content.decode()


def test_the_version_page_shows_the_advice_slot_next_to_each_rule_and_the_acknowledgement(as_employee, current):
    response = as_employee.get(current.get_absolute_url())
    names = [template.name for template in response.templates]
    assert names.count("advice/includes/rule_actions.html") == len(current.sections())
    assert '<section id="bevestigen"' in response.content.decode()
    assert ">Gelezen en begrepen</button>" in response.content.decode()


def test_search_finds_titles_and_text(as_employee, current):
    response = as_employee.get(reverse("codeofconduct:search"), {"q": "vertrouwelijke"})
    assert current.get_absolute_url() in response.content.decode()
    response = as_employee.get(reverse("codeofconduct:search"), {"q": "actualisering"})
    assert current.get_absolute_url() in response.content.decode()
    response = as_employee.get(reverse("codeofconduct:search"), {"q": "ruimtevaart"})
    assert "0 resultaten" in response.content.decode()


def test_search_never_shows_drafts(as_employee, policy, city):
    make_draft(policy, city.editor, body="## 1. Context\n\nGeheim ontwerp over ruimtevaart.", nummer="D2026.070")
    assert "D2026.070" not in as_employee.get(reverse("codeofconduct:search"), {"q": "ruimtevaart"}).content.decode()


@pytest.mark.postgres
def test_postgresql_search_uses_dutch_stemming(as_employee, current):
    # The note says "beslissingen"; Dutch stemming finds it from "beslissen", which is not a substring of it.
    response = as_employee.get(reverse("codeofconduct:search"), {"q": "beslissen"})
    assert current.get_absolute_url() in response.content.decode()


def add_policies(count, editor):
    for index in range(count):
        policy = Policy.objects.create(slug=f"beleid-{index}", title=f"Beleid {index}")
        version = make_draft(policy, editor, body="## 1. Context\n\nTekst.", nummer=f"D2025.{index + 200}")
        publishing.version_publish(version=version, by=editor)


@pytest.mark.parametrize("extra", [1, 8])
def test_list_and_archive_take_a_fixed_number_of_queries(
    as_employee, policy, city, extra, django_assert_max_num_queries
):
    add_policies(extra, city.editor)
    with django_assert_max_num_queries(12):
        assert as_employee.get(reverse("codeofconduct:policy_list")).status_code == 200
    with django_assert_max_num_queries(11):
        assert as_employee.get(reverse("codeofconduct:archive")).status_code == 200
    with django_assert_max_num_queries(12):
        assert as_employee.get(reverse("codeofconduct:policy_history", args=[policy.slug])).status_code == 200


def test_the_d2018_page_says_it_updates_the_2013_code_and_links_to_the_changes(as_employee, policy, current):
    older = policy.versions.get(status="superseded")
    page = as_employee.get(current.get_absolute_url()).content.decode()
    assert f"Actualisering van {older.nummer}" in page
    compare = reverse("codeofconduct:compare", args=[policy.slug])
    assert f"{compare}?oud={older.pk}&amp;nieuw={current.pk}" in page


def test_a_scheduled_version_is_published_by_the_scheduler_never_by_a_page_view(as_employee, policy, draft, city):
    publishing.version_publish(version=draft, by=city.editor, publish_at=timezone.now() + datetime.timedelta(hours=1))
    PolicyVersion.objects.filter(pk=draft.pk).update(publish_at=timezone.now() - datetime.timedelta(minutes=1))
    page = as_employee.get(reverse("codeofconduct:policy_list")).content.decode()
    assert draft.get_absolute_url() not in page
    assert as_employee.get(draft.get_absolute_url()).status_code == 404
    draft.refresh_from_db()
    assert draft.status == "scheduled"

    call_command("publish_due_versions", stdout=io.StringIO())
    assert draft.get_absolute_url() in as_employee.get(reverse("codeofconduct:policy_list")).content.decode()


def test_an_expired_note_says_so(as_employee, current):
    PolicyVersion.objects.filter(pk=current.pk).update(vervaldatum=datetime.date(2019, 1, 1))
    page = as_employee.get(current.get_absolute_url()).content.decode()
    assert "Deze nota is vervallen" in page


def test_the_version_page_renders_in_english_too(as_employee, current):
    as_employee.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = as_employee.get(current.get_absolute_url())
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_the_text_of_a_published_version_is_rendered_once_and_follows_the_faq(city, as_employee, current):
    from advice.models import FaqEntry

    first = as_employee.get(current.get_absolute_url())
    again = as_employee.get(current.get_absolute_url())
    assert "advice/includes/rule_actions.html" in [t.name for t in first.templates]
    assert "advice/includes/rule_actions.html" not in [t.name for t in again.templates]
    assert again.text.count('class="coc-section ') == first.text.count('class="coc-section ') > 0
    anchor = current.sections()[0].anchor
    FaqEntry.objects.create(
        title="Mag ik een foto van mijn werkplek delen?",
        question_text="q",
        answer_text="a",
        rule_anchor=anchor,
        rule_label=anchor,
        is_published=True,
        published_at=timezone.now(),
        edited_by=city.integrity,
        created_at=timezone.now(),
    )
    assert "Mag ik een foto van mijn werkplek delen?" in as_employee.get(current.get_absolute_url()).text
