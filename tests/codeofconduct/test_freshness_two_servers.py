"""Two app servers on one PostgreSQL database: each keeps the shared content in its own memory
(codeofconduct.shared), and each shows every change on its very next request.

Two `manage.py runserver` processes serve the test database; the test opens the version page and
home in both (so both keep the shared content), changes something (a publication, a withdrawal, an
FAQ entry, an acknowledgement posted to one server, a person moved to another unit), and then the
very next request to each server must show it. Two people in different states and roles go through
the same servers in turn and never see each other's name, state or buttons.

PostgreSQL only: the servers are separate processes that must see the test's committed data
through one shared database server, as production's app servers do; the SQLite test database is a
file that separate writers lock. The PostgreSQL pass of CI (.ci/run, DATABASE_URL=postgres://...)
runs it.
"""

from django.utils import timezone

from codeofconduct.services import publishing
from tests.codeofconduct.conftest import make_draft
from tests.factories import make_faq_entry
from tests.two_servers import TWO_SERVERS, Visitor

pytestmark = TWO_SERVERS


def to_read(html) -> str:
    start = html.index('id="to-read-title"')
    return html[start : html.index("</section>", start)]


def test_every_change_shows_on_the_very_next_request_in_both_servers(servers, city, policy, current):
    lotte = Visitor(city.employee)
    url = current.get_absolute_url()

    def warm():  # both servers keep the shared content of this moment
        for server in servers:
            lotte.page(server, url)
            lotte.home(server)

    # An FAQ entry published next to a rule.
    warm()
    make_faq_entry(
        city.integrity,
        rule_anchor=current.sections()[0].anchor,
        rule_label="Regel",
        is_published=True,
        published_at=timezone.now(),
    )
    for server in servers:
        assert "Mag ik een foto van mijn werkplek delen?" in lotte.page(server, url)

    # An acknowledgement posted to the first server.
    warm()
    lotte.acknowledge(servers[0], current)
    for server in servers:
        assert "Gelezen en begrepen op" in lotte.page(server, url)
        assert current.titel not in to_read(lotte.home(server))

    # A publication.
    draft = make_draft(
        policy, city.editor, body="# Nieuw\n\nNieuwe regels.", nummer="D2026.777", titel="Gedragscode 2027"
    )
    warm()
    publishing.version_publish(version=draft, by=city.editor)
    for server in servers:
        assert draft.titel in to_read(lotte.home(server))
        assert "Deze versie is vervangen." in lotte.page(server, url)

    # A withdrawal (the earlier version comes back).
    warm()
    publishing.version_withdraw(version=draft, by=city.editor, reinstate_previous=True)
    for server in servers:
        assert "Deze versie is ingetrokken" in lotte.page(server, draft.get_absolute_url())
        assert "Deze versie is vervangen." not in lotte.page(server, url)

    # Lotte moves to a unit outside the audience of the version in force.
    current.audience_all_staff = False
    current.save(update_fields=["audience_all_staff"])
    current.audience_units.add(city.team_a)
    colleague = Visitor(city.colleague)  # team B: not in the audience
    for server in servers:
        assert current.titel not in to_read(colleague.home(server))
    warm()
    city.colleague.unit = city.team_a
    city.colleague.save()
    for server in servers:
        assert current.titel in to_read(colleague.home(server))


def test_two_people_through_the_same_two_servers_never_see_each_others_state(servers, city, current):
    from codeofconduct.services import acknowledging

    acknowledging.acknowledgement_record(person=city.employee, version=current)
    lotte, hanne = Visitor(city.employee), Visitor(city.editor)  # acknowledged, no roles / not, Redactie
    url = current.get_absolute_url()
    for _ in range(2):
        for server in servers:
            lotte_page, hanne_page = lotte.page(server, url), hanne.page(server, url)
            assert "Lotte Janssens" in lotte_page and "Hanne" not in lotte_page
            assert "Hanne Willems" in hanne_page and "Lotte" not in hanne_page
            assert "Gelezen en begrepen op" in lotte_page and "Gelezen en begrepen op" not in hanne_page
            assert ">Gelezen en begrepen</button>" in hanne_page and ">Gelezen en begrepen</button>" not in lotte_page
            assert "Intrekken" in hanne_page and "Intrekken" not in lotte_page
            assert current.titel in to_read(hanne.home(server))
            assert current.titel not in to_read(lotte.home(server))
