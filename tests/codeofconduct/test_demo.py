from io import StringIO

from codeofconduct import demo
from codeofconduct.models import PolicyVersion


def test_demo_adds_one_draft_update_for_redactie(city, policy):
    out = StringIO()
    demo.load(people={"redactie": city.editor}, stdout=out)
    draft = PolicyVersion.objects.get(status=PolicyVersion.Status.DRAFT)
    assert draft.created_by == city.editor
    assert "chatapps" in draft.body
    assert draft.nummer in out.getvalue()
