"""Attachments are checked whole: images decoded and written anew (no hidden metadata), fake images and
PDFs with scripts, launch actions or embedded files refused with a message that says what to do."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image, PngImagePlugin
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from advice.models import Attachment, Channel, Question
from tests.advice.conftest import PDF, PNG, pdf_bytes

FORM = {"subject": "Foto van de opening", "body": "Mag ik deze foto delen?", "channel": Channel.INSTAGRAM}
WHERE = "Grote Markt 1, Antwerpen"


def post_ask(client, name, data):
    return client.post(reverse("advice:ask"), {**FORM, "attachment": SimpleUploadedFile(name, data)})


def stored_bytes() -> bytes:
    attachment = Question.objects.get().attachments.get()
    with attachment.file.open("rb") as handle:
        return handle.read()


def jpeg_with_gps() -> bytes:
    """A phone photo: GPS position, a description and the camera's orientation in its EXIF."""
    image = Image.new("RGB", (40, 20), (30, 120, 200))
    exif = Image.Exif()
    exif[ExifTags.Base.ImageDescription] = WHERE
    exif[ExifTags.Base.Orientation] = 6  # taken sideways: shown rotated by 90 degrees
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 13.0, 16.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (4.0, 24.0, 2.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def refused(response, message):
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page, page.split("<main", 1)[-1][:3000]
    assert 'value="Foto van de opening"' in page and "Mag ik deze foto delen?" in page  # nothing typed is lost
    assert not Question.objects.exists()
    assert not Attachment.objects.exists()


# --- Images -----------------------------------------------------------------------------------------


def test_a_photo_is_stored_without_its_gps_position_or_any_other_metadata(city, as_employee):
    sent = jpeg_with_gps()
    with Image.open(io.BytesIO(sent)) as image:  # the test photo really carries them
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert WHERE.encode() in sent

    assert post_ask(as_employee, "foto.jpg", sent).status_code == 302
    stored = stored_bytes()
    assert WHERE.encode() not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()  # no EXIF at all: no GPS, no camera, no description
        assert image.size == (20, 40)  # the orientation was applied to the pixels before the EXIF went


def test_a_png_keeps_its_pixels_and_loses_its_text_chunks_and_trailing_data(city, as_employee):
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", WHERE)
    out = io.BytesIO()
    Image.new("RGBA", (5, 7), (1, 2, 3, 128)).save(out, format="PNG", pnginfo=info)
    sent = out.getvalue() + b"<html><script>alert(1)</script></html>"  # a polyglot: image, then HTML

    assert post_ask(as_employee, "scherm.png", sent).status_code == 302
    stored = stored_bytes()
    assert WHERE.encode() not in stored and b"<script>" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert (image.format, image.size, image.mode) == ("PNG", (5, 7), "RGBA")
        assert image.getpixel((2, 3)) == (1, 2, 3, 128)
        assert not image.info.get("Location")


def test_a_file_that_only_starts_like_a_jpeg_is_refused(city, as_employee):
    fake = b"\xff\xd8\xff\xe0" + b"<html><script>alert(1)</script></html>" * 20
    refused(post_ask(as_employee, "foto.jpg", fake), "Deze afbeelding kunnen we niet lezen")


def test_a_png_header_with_garbage_behind_it_is_refused(city, as_employee):
    refused(post_ask(as_employee, "scherm.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), "geen echte PNG")


def test_a_cut_off_jpeg_is_refused(city, as_employee):
    whole = jpeg_with_gps()
    refused(post_ask(as_employee, "foto.jpg", whole[: len(whole) // 2]), "Deze afbeelding kunnen we niet lezen")


def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded(city, as_employee, settings):
    settings.ADVICE_IMAGE_MAX_PIXELS = 1_000_000
    out = io.BytesIO()
    Image.new("L", (1500, 1000)).save(out, format="PNG")  # 1.5 million pixels in a few kilobytes
    refused(post_ask(as_employee, "groot.png", out.getvalue()), "Deze afbeelding heeft te veel pixels")


# --- PDFs -------------------------------------------------------------------------------------------


def _open_action(action: str, **entries):
    def change(writer):
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {
                NameObject("/S"): NameObject(action),
                **{NameObject(f"/{key}"): TextStringObject(value) for key, value in entries.items()},
            }
        )

    return change


def _embedded_file(writer):
    writer.add_attachment("factuur.exe", b"MZ not really a program")


def test_a_plain_pdf_is_stored_as_it_was_sent(city, as_employee):
    assert post_ask(as_employee, "ontwerp.pdf", PDF).status_code == 302
    assert stored_bytes() == PDF
    assert Question.objects.get().attachments.get().content_type == "application/pdf"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_open_action("/JavaScript", JS="app.alert(1)"), "Deze PDF bevat scripts (JavaScript)"),
        (_open_action("/Launch", F="calc.exe"), "Deze PDF probeert een programma of bestand te openen"),
        (_embedded_file, "Deze PDF bevat ingesloten bestanden"),
    ],
    ids=["javascript", "launch", "embedded file"],
)
def test_a_pdf_with_active_content_is_refused_with_a_clear_message(city, as_employee, change, message):
    refused(post_ask(as_employee, "ontwerp.pdf", pdf_bytes(change)), message)


def test_a_script_behind_an_escaped_name_is_found_too(city, as_employee):
    """`/J#61vaScript` is `/JavaScript` to a PDF viewer: the check reads names as the viewer does."""
    sent = pdf_bytes(_open_action("/JavaScript", JS="app.alert(1)"))
    sent = sent.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")
    assert b"/JavaScript" not in sent and b"/JS " not in sent
    refused(post_ask(as_employee, "ontwerp.pdf", sent), "Deze PDF bevat scripts (JavaScript)")


def test_an_encrypted_pdf_is_refused_because_it_cannot_be_checked(city, as_employee):
    refused(
        post_ask(as_employee, "ontwerp.pdf", pdf_bytes(lambda writer: writer.encrypt("geheim", algorithm="RC4-128"))),
        "Deze PDF is beveiligd met een wachtwoord",
    )


def test_a_file_that_only_starts_like_a_pdf_is_refused(city, as_employee):
    refused(
        post_ask(as_employee, "ontwerp.pdf", b"%PDF-1.7\n<script>alert(1)</script>"), "Deze PDF kunnen we niet lezen"
    )


def test_a_refused_file_next_to_a_good_one_never_reaches_the_service(city, as_employee):
    """Checked in the form: the good screenshot still gets through on its own afterwards."""
    refused(post_ask(as_employee, "ontwerp.pdf", pdf_bytes(_embedded_file)), "ingesloten bestanden")
    assert post_ask(as_employee, "scherm.png", PNG).status_code == 302
    assert Question.objects.get().attachments.get().content_type == "image/png"
