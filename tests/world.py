"""Real objects for URL arguments, shared by the tests that walk every URL of the project."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from advice import services as advice
from advice.models import Channel
from codeofconduct.content import install_initial_content
from codeofconduct.models import Policy, PolicyVersion, PublicationEvent
from codeofconduct.services import publishing
from tests.factories import make_faq_entry
from tests.files import PNG


@pytest.fixture
def world(city, django_capture_on_commit_callbacks):
    """Real objects for every URL argument."""
    policy = install_initial_content(Policy, PolicyVersion, PublicationEvent)
    current = policy.versions.get(status=PolicyVersion.Status.PUBLISHED)
    draft = publishing.draft_create(policy=policy, by=city.editor, copy_from=current)

    png = SimpleUploadedFile("screenshot.png", PNG, content_type="image/png")
    asked = advice.question_ask(
        asker=city.employee,
        subject="Foto van de opening",
        body="Mag ik deze foto delen?",
        channel=Channel.INSTAGRAM,
        attachment=(png, "image/png"),
    )
    advice.question_take_step(question=asked, by=city.chef, step="manager_escalate", text="Liever het Bureau.")

    closed = advice.question_ask(asker=city.employee, subject="Blog", body="Mag ik bloggen?", channel=Channel.BLOG)
    for by, step, text in [
        (city.chef, "manager_escalate", "Bureau?"),
        (city.integrity, "bureau_take_up", ""),
        (city.integrity, "bureau_answer", "Ja, zonder vertrouwelijke info."),
    ]:
        advice.question_take_step(question=closed, by=by, step=step, text=text)
    advice.question_take_step(question=closed, by=city.employee, step="asker_close", faq_consent=True)
    entry = make_faq_entry(
        city.integrity,
        title="Bloggen",
        question_text="Mag ik bloggen over mijn werk?",
        answer_text="Ja, zonder vertrouwelijke informatie.",
        created_at=current.published_at,
    )
    return {
        "objects": {"current": current, "draft": draft, "asked": asked, "closed": closed, "entry": entry},
        "codeofconduct:version_detail": [current.pk],
        "codeofconduct:policy_history": [policy.slug],
        "codeofconduct:compare": [policy.slug],
        "codeofconduct:acknowledge": [current.pk],
        "codeofconduct:team_notify": [current.pk],
        "codeofconduct:team_remind": [current.pk],
        "codeofconduct:team_briefing": [current.pk],
        "codeofconduct:compliance_export": [current.pk],
        "codeofconduct:draft_create": [policy.slug],
        "codeofconduct:draft_edit": [draft.pk],
        "codeofconduct:draft_preview": [draft.pk],
        "codeofconduct:publish": [draft.pk],
        "codeofconduct:withdraw": [current.pk],
        "codeofconduct:extend_due_date": [current.pk],
        "advice:question_detail": [asked.pk],
        "advice:question_step": [asked.pk, "bureau_take_up"],
        "advice:receipt": [closed.pk],
        "advice:attachment_download": [asked.attachments.get().pk],
        "advice:faq_create": [closed.pk],
        "advice:faq_publish": [entry.pk],
    }
