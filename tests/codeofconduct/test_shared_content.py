"""The exact cache (codeofconduct.shared): the version page and home keep what is the same for everyone
in this process, and still show every change on the very next request, and never anyone else's state.

Each test opens the pages first (so the shared content is kept), changes something the way the app
does, and opens them again in the same process: the change must show at once. The two-process
version of these checks is tests/codeofconduct/test_freshness_two_servers.py.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from codeofconduct import shared
from codeofconduct.models import PolicyVersion
from codeofconduct.services import acknowledging, publishing
from organisation import content
from tests.codeofconduct.conftest import make_draft
from tests.conftest import client_for
from tests.factories import make_faq_entry

pytestmark = pytest.mark.django_db

NEW_TITLE = "Gedragscode sociale media, editie 2027"


@pytest.fixture
def new_draft(policy, current, city):
    return make_draft(
        policy, city.editor, body="# Nieuw\n\nNieuwe regels voor 2027.", nummer="D2026.777", titel=NEW_TITLE
    )


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def home(client):
    return page(client, reverse("home"))


def to_read(client) -> str:
    """The "Te lezen" section of home."""
    html = home(client)
    return html[html.index('id="to-read-title"') : html.index("</section>", html.index('id="to-read-title"'))]


# --- Every change shows on the very next request ----------------------------------------------------


def test_a_publication_shows_on_the_next_request(city, as_employee, current, new_draft):
    assert NEW_TITLE not in to_read(as_employee)
    old_page = page(as_employee, current.get_absolute_url())
    assert "Deze versie is vervangen." not in old_page

    publishing.version_publish(version=new_draft, by=city.editor)

    assert NEW_TITLE in to_read(as_employee)
    old_page = page(as_employee, current.get_absolute_url())
    assert "Deze versie is vervangen." in old_page
    assert new_draft.get_absolute_url() in old_page
    assert "Nieuwe regels voor 2027." in page(as_employee, new_draft.get_absolute_url())


def test_a_scheduled_publication_shows_on_the_first_request_after_the_scheduler_published_it(
    city, as_employee, current, new_draft
):
    publishing.version_publish(
        version=new_draft, by=city.editor, publish_at=timezone.now() + datetime.timedelta(hours=1)
    )
    assert NEW_TITLE not in to_read(as_employee)
    publishing.publish_due_versions(now=timezone.now() + datetime.timedelta(hours=2))
    assert NEW_TITLE in to_read(as_employee)


def test_a_withdrawal_shows_on_the_next_request(city, as_employee, current):
    assert current.titel in to_read(as_employee)
    page(as_employee, current.get_absolute_url())

    publishing.version_withdraw(version=current, by=city.editor, reinstate_previous=False)

    assert current.titel not in to_read(as_employee)
    assert "Deze versie is ingetrokken" in page(as_employee, current.get_absolute_url())


def test_an_extended_due_date_shows_on_the_next_request(city, as_employee, current):
    later = timezone.localdate() + datetime.timedelta(days=90)
    shown = later.strftime("%d-%m-%Y")
    assert shown not in to_read(as_employee)
    publishing.due_date_extend(version=current, by=city.editor, due_date=later, reason="Zomerperiode")
    assert shown in to_read(as_employee)


def test_a_change_of_audience_shows_on_the_next_request(city, as_employee, current):
    PolicyVersion.objects.filter(pk=current.pk).update(audience_all_staff=False)  # no signal: moved by hand
    content.changed()
    assert current.titel not in to_read(as_employee)  # chosen units, none chosen yet: nobody
    current.audience_units.add(city.team_a)  # the table alone: only its own signal moves the generation
    assert current.titel in to_read(as_employee)


def test_faq_entries_published_changed_and_withdrawn_show_on_the_next_request(city, as_employee, current):
    from advice.services import faq_entry_publish

    url = current.get_absolute_url()
    entry = make_faq_entry(city.integrity, rule_anchor=current.sections()[0].anchor, rule_label="Regel")
    assert entry.title not in page(as_employee, url)
    faq_entry_publish(entry=entry, by=city.integrity)
    assert entry.title in page(as_employee, url)
    entry.title = "Mag ik een foto van mijn bureau delen?"
    entry.save()
    assert "Mag ik een foto van mijn bureau delen?" in page(as_employee, url)
    faq_entry_publish(entry=entry, by=city.integrity, publish=False)
    assert "Mag ik een foto van mijn bureau delen?" not in page(as_employee, url)


def test_a_unit_moved_into_the_audience_shows_on_the_next_request(city, as_employee, current):
    """The audience is kept as unit paths: moving a unit changes who is in it."""
    current.audience_all_staff = False
    current.save(update_fields=["audience_all_staff"])
    current.audience_units.add(city.team_b)
    assert current.titel not in to_read(as_employee)  # team A is not under team B
    city.team_b.parent = city.department  # team B moves up to the department, with team A under it
    city.team_b.save()
    city.team_a.parent = city.team_b
    city.team_a.save()
    assert current.titel in to_read(as_employee)


def test_a_person_moved_to_another_unit_shows_on_the_next_request(city, as_employee, current):
    current.audience_all_staff = False
    current.save(update_fields=["audience_all_staff"])
    current.audience_units.add(city.team_a)
    assert current.titel in to_read(as_employee)
    city.employee.unit = city.team_b  # a person's own change: read with the person, not kept
    city.employee.save()
    assert current.titel not in to_read(as_employee)


def test_an_acknowledgement_shows_on_the_next_request(city, as_employee, current):
    url = current.get_absolute_url()
    assert "Gelezen en begrepen op" not in page(as_employee, url)
    acknowledging.acknowledgement_record(person=city.employee, version=current)
    assert "Gelezen en begrepen op" in page(as_employee, url)
    assert current.titel not in to_read(as_employee)


def test_a_note_past_its_vervaldatum_says_so_the_next_day_without_any_write(city, as_employee, current, suite_clock):
    today = timezone.localdate()
    PolicyVersion.objects.filter(pk=current.pk).update(vervaldatum=today)  # set up, then move the generation
    content.changed()
    url = current.get_absolute_url()
    assert "Deze nota is vervallen" not in page(as_employee, url)
    assert current.titel in to_read(as_employee)
    suite_clock.shift(datetime.timedelta(days=1))  # nothing is written: only the date changes
    as_employee = client_for(city.employee)  # the day before's session has ended
    assert "Deze nota is vervallen" in page(as_employee, url)
    assert current.titel not in to_read(as_employee)


# --- Two people, one cache ----------------------------------------------------------------------------


def test_two_people_through_one_cache_each_see_only_their_own_state(city, current):
    """Lotte (employee, acknowledged, no roles) and Hanne (Redactie, not acknowledged) in turn."""
    acknowledging.acknowledgement_record(person=city.employee, version=current)
    lotte, hanne = client_for(city.employee), client_for(city.editor)
    url = current.get_absolute_url()
    for _ in range(2):  # the second round is served from what the first one kept
        for client, own, other in ((lotte, "Lotte Janssens", "Hanne Willems"), (hanne, "Hanne Willems", "Lotte")):
            version_page, home_page = page(client, url), home(client)
            assert own in version_page and other not in version_page
            assert other not in home_page
        lotte_page, hanne_page = page(lotte, url), page(hanne, url)
        assert "Gelezen en begrepen op" in lotte_page and "Gelezen en begrepen op" not in hanne_page
        assert ">Gelezen en begrepen</button>" not in lotte_page
        assert ">Gelezen en begrepen</button>" in hanne_page
        assert "Intrekken" in hanne_page and "Intrekken" not in lotte_page  # Redactie's buttons
        assert _badge(hanne) == 1 and _badge(lotte) == 0
        assert _csrf(lotte_page) != _csrf(hanne_page)


def _badge(client) -> int:
    found = re.search(r'app-badge"><span aria-hidden="true">(\d+)</span>', home(client))
    return int(found.group(1)) if found else 0


def _csrf(html) -> set:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


def test_the_kept_fragments_hold_nobodys_name_state_or_token(city, current):
    acknowledging.acknowledgement_record(person=city.employee, version=current)
    for person in (city.employee, city.editor):
        page(client_for(person), current.get_absolute_url())
    kept = shared.for_person(city.employee)
    article = kept.article(kept.versions[current.pk])
    for personal in (
        "Lotte",
        "Janssens",
        "Hanne",
        "Willems",
        "csrfmiddlewaretoken",
        "Gelezen en begrepen",
        "Intrekken",
    ):
        assert personal not in article


def test_the_shared_article_is_the_same_html_as_rendered_with_the_request(city, as_employee, current, monkeypatch):
    """The article rendered once without a request is what the page rendered with it showed before."""
    make_faq_entry(
        city.integrity,
        rule_anchor=current.sections()[0].anchor,
        rule_label="Regel",
        is_published=True,
        published_at=timezone.now(),
    )
    url = current.get_absolute_url()
    kept = page(as_employee, url)
    # The same page through the path that renders the article with the request (as for a version
    # published after the request's shared content was read).
    original = shared._compute
    monkeypatch.setattr(shared, "_compute", lambda key: _without_versions(original(key)))
    shared.forget()
    uncached = page(as_employee, url)
    assert _main(kept) == _main(uncached)
    assert "Mag ik een foto van mijn werkplek delen?" in _main(kept)


def _without_versions(content):
    content.versions = {}
    return content


def _main(html) -> str:
    main = html[html.index("<main") : html.index("</main>")]
    main = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)
    return re.sub(r"\s+", " ", main)


# --- What the pages cost ------------------------------------------------------------------------------


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_a_chef_waardeerders_home_costs_one_query_more_than_anyone_elses(city, current, as_employee, as_chef):
    for client in (as_employee, as_chef):
        client.get("/")  # the first visit after a change reads the shared content
    assert count(as_chef, "/") == count(as_employee, "/") + 1  # whom of their team to notify


def test_a_request_that_read_an_older_generation_computes_without_replacing_the_kept_content(city, current):
    newer = shared._for_key(("epoch-b", 2), read_at=20.0)
    older = shared._for_key(("epoch-a", 1), read_at=10.0)
    assert older is not newer and older.key[:2] == ("epoch-a", 1)
    assert shared._for_key(("epoch-b", 2), read_at=30.0) is newer  # still the kept one


def test_without_a_counter_nothing_is_kept(city, current):
    first = shared._for_key((None, None), read_at=10.0)
    assert shared._for_key((None, None), read_at=11.0) is not first
