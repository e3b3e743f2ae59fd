"""Bad input is refused with a clear message, keeps what was typed, and changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.urls import reverse

from advice.models import Attachment, Channel, Question, State
from tests.advice.conftest import PNG, ask

FORM = {"subject": "Foto van de opening", "body": "Mag ik deze foto delen?", "channel": Channel.INSTAGRAM}


def post_ask(client, **overrides):
    return client.post(reverse("advice:ask"), {**FORM, **overrides})


def test_a_good_question_with_a_screenshot_is_sent(city, as_employee):
    response = post_ask(as_employee, attachment=SimpleUploadedFile("scherm.png", PNG, content_type="image/png"))
    question = Question.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("advice:question_detail", args=[question.pk])
    attachment = question.attachments.get()
    assert (attachment.original_name, attachment.content_type) == ("scherm.png", "image/png")
    assert not attachment.file.name.endswith("scherm.png")  # a random name on disk


def test_a_six_megabyte_file_is_refused_and_the_typed_text_stays(city, as_employee):
    big = SimpleUploadedFile("groot.png", PNG + b"\x00" * (6 * 1024 * 1024), content_type="image/png")
    response = post_ask(as_employee, attachment=big)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Deze bijlage is te groot" in content
    assert "Mag ik deze foto delen?" in content and 'value="Foto van de opening"' in content
    assert not Question.objects.exists()
    assert not Attachment.objects.exists()


class ReceivedBytes(FileUploadHandler):
    """Counts the bytes of a file that get past the handlers before it (the ones that would be stored)."""

    received: list[int] = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        ReceivedBytes.received.append(0)

    def receive_data_chunk(self, raw_data, start):
        ReceivedBytes.received[-1] += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None


def test_the_size_limit_stops_reading_the_upload(city, as_employee, settings):
    """The upload handler refuses the file as it streams in: no more than the limit (and the chunk
    that crossed it) ever reaches the handlers that keep a file in memory or on disk."""
    settings.FILE_UPLOAD_HANDLERS = ["tests.advice.test_bad_input.ReceivedBytes", *settings.FILE_UPLOAD_HANDLERS]
    ReceivedBytes.received = []
    settings.ADVICE_ATTACHMENT_MAX_BYTES = 200 * 1024
    response = post_ask(as_employee, attachment=SimpleUploadedFile("a.png", PNG + b"\x00" * (2 * 1024 * 1024)))
    assert "Deze bijlage is te groot" in response.content.decode()
    assert not Question.objects.exists()
    assert len(ReceivedBytes.received) == 1
    # The size check sees a 64 KiB chunk at a time: it stops at the first chunk past the limit.
    assert ReceivedBytes.received[0] <= 200 * 1024, ReceivedBytes.received


def test_an_html_file_renamed_png_is_refused(city, as_employee):
    fake = SimpleUploadedFile("scherm.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    response = post_ask(as_employee, attachment=fake)
    assert response.status_code == 200
    assert "Dit bestand is geen PNG, JPEG of PDF" in response.content.decode()
    assert not Question.objects.exists()


def test_a_question_of_only_spaces_is_refused(city, as_employee):
    response = post_ask(as_employee, body="    \n   ", subject="   ")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Schrijf je vraag: enkel spaties is niet genoeg." in content
    assert "Geef een onderwerp" in content
    assert not Question.objects.exists()


def test_missing_channel_is_a_field_error(city, as_employee):
    response = post_ask(as_employee, channel="")
    assert "Dit veld is verplicht" in response.content.decode() or "This field is required" in response.content.decode()
    assert not Question.objects.exists()


def test_a_forged_transition_is_refused_with_a_message_and_no_change(city, as_employee):
    question = ask(city.employee)
    events = question.events.count()
    response = as_employee.post(reverse("advice:question_step", args=[question.pk, "asker_close"]), follow=True)
    assert "Dit kan niet meer" in response.content.decode()
    question.refresh_from_db()
    assert question.state == State.WITH_MANAGER
    assert question.events.count() == events


def test_an_unknown_step_is_404(city, as_employee):
    question = ask(city.employee)
    response = as_employee.post(reverse("advice:question_step", args=[question.pk, "auto_escalate"]))
    assert response.status_code == 404


def test_an_answer_of_only_spaces_is_refused(city, as_chef):
    question = ask(city.employee)
    response = as_chef.post(
        reverse("advice:question_step", args=[question.pk, "manager_answer"]), {"text": "   "}, follow=True
    )
    assert "enkel spaties" in response.content.decode()
    question.refresh_from_db()
    assert question.state == State.WITH_MANAGER


def test_the_rule_link_prefills_the_form(city, as_employee):
    response = as_employee.get(reverse("advice:ask") + "?regel=loyaliteit")
    assert 'value="loyaliteit" selected' in response.content.decode()
    response = as_employee.get(reverse("advice:ask") + "?regel=<script>")
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_the_ask_form_still_checks_the_csrf_token(city):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(city.employee)
    assert client.post(reverse("advice:ask"), FORM).status_code == 403
    assert not Question.objects.exists()


def test_sending_the_same_form_twice_makes_one_question(
    city, as_employee, django_capture_on_commit_callbacks, mailoutbox
):
    page = as_employee.get(reverse("advice:ask")).content.decode()
    token = page.split('name="submission" value="', 1)[1].split('"', 1)[0]
    data = {"subject": "Foto", "body": "Mag ik deze foto delen?", "channel": "instagram", "submission": token}
    with django_capture_on_commit_callbacks(execute=True):
        first = as_employee.post(reverse("advice:ask"), data)
        second = as_employee.post(reverse("advice:ask"), data)
    assert first["Location"] == second["Location"]
    assert Question.objects.filter(asker=city.employee).count() == 1
    assert len([m for m in mailoutbox if city.chef.email in m.to]) == 1


@pytest.mark.parametrize(
    ("sent_name", "stored_name"),
    [
        ("../../etc/passwd.png", "passwd.png"),
        ("..\\..\\windows\\win.ini.png", "win.ini.png"),
        ("factuur\u202egnp.exe.png", "factuurgnp.exe.png"),
        ('"><script>x</script>.png', "script.png"),
        ("a" * 300 + ".png", "a" * 80 + ".png"),
        ("....png", "bijlage.png"),
    ],
)
def test_a_hostile_file_name_is_made_safe_and_downloads_as_an_attachment(city, as_employee, sent_name, stored_name):
    post_ask(as_employee, attachment=SimpleUploadedFile(sent_name, PNG, content_type="image/png"))
    attachment = Question.objects.get().attachments.get()
    assert attachment.original_name == stored_name
    response = as_employee.get(reverse("advice:attachment_download", args=[attachment.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="{stored_name}"'
    assert response["X-Content-Type-Options"] == "nosniff"
