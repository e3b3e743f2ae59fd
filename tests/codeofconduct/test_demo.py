from io import StringIO

from codeofconduct import demo
from codeofconduct.models import PolicyVersion


def demo_people(city) -> dict:
    """The demo's people by their demo names, as load_demo hands them to each app."""
    return {
        "redactie": city.editor,
        "chef": city.chef,
        "chef2": city.other_chef,
        "medewerker": city.employee,
        "medewerker2": city.colleague,
        "integriteit": city.integrity,
        "admin": city.admin,
        "directeur": city.director,
    }


def test_demo_adds_one_draft_update_for_redactie(city, policy):
    out = StringIO()
    demo.load(people=demo_people(city), stdout=out)
    draft = PolicyVersion.objects.get(status=PolicyVersion.Status.DRAFT)
    assert draft.created_by == city.editor
    assert "chatapps" in draft.body
    assert draft.nummer in out.getvalue()


def test_demo_leaves_medewerker_something_to_read_and_shows_progress_elsewhere(city, policy):
    from codeofconduct.models import Acknowledgement, TeamNotification

    demo.load(people=demo_people(city), stdout=StringIO())
    assert not Acknowledgement.objects.filter(person=city.employee).exists()
    assert Acknowledgement.objects.exists()
    assert TeamNotification.objects.filter(chef=city.other_chef).exists()
