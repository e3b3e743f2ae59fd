"""Attachment checks: size while the upload streams in, then the whole content, never the name.

- The size limit holds while the file arrives (`SizeLimitUploadHandler`): a large file never fills
  memory or disk, whatever it claims to be.
- The first bytes say what the file claims to be (PNG, JPEG or PDF); anything else is refused.
- An image is decoded whole by Pillow and written anew: a file that only starts like a JPEG fails to
  decode and is refused, and what is stored holds pixels only (no EXIF with GPS positions, no text
  chunks, no trailing data after the image).
- A PDF is read by pypdf and refused when it holds scripts, launch actions or embedded files (the
  Bureau opens it in its own viewer), when it is encrypted (it could not be checked) or unreadable.
"""

import io
import re
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext_lazy as _

MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"%PDF-", "application/pdf"),
]
PILLOW_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}

NOT_ALLOWED = _("Dit bestand is geen PNG, JPEG of PDF (we kijken naar de inhoud, niet naar de naam).")
BROKEN_IMAGE = _(
    "Deze afbeelding kunnen we niet lezen: ze is beschadigd of is geen echte %(kind)s. "
    "Maak een nieuwe screenshot en voeg die toe."
)
IMAGE_TOO_LARGE = _("Deze afbeelding heeft te veel pixels (hoogstens %(megapixels)s miljoen). Verklein ze eerst.")
PDF_UNREADABLE = _("Deze PDF kunnen we niet lezen: hij is beschadigd. Bewaar hem opnieuw als PDF en probeer nog eens.")
PDF_ENCRYPTED = _(
    "Deze PDF is beveiligd met een wachtwoord, zodat we hem niet kunnen nakijken. Voeg hem toe zonder beveiliging."
)
# What a PDF may not hold, by the PDF names that carry it (keys or values, wherever they are).
PDF_FORBIDDEN = {
    "scripts": (
        {"/JavaScript", "/JS", "/XFA"},
        _(
            "Deze PDF bevat scripts (JavaScript). Zulke PDF's nemen we niet aan: druk het document af "
            'als een nieuwe PDF ("Afdrukken als PDF") of voeg een screenshot toe.'
        ),
    ),
    "launch": (
        {"/Launch"},
        _(
            "Deze PDF probeert een programma of bestand te openen (een 'launch'-actie). Zulke PDF's nemen "
            "we niet aan: druk het document af als een nieuwe PDF of voeg een screenshot toe."
        ),
    ),
    "embedded": (
        {"/EmbeddedFiles", "/EmbeddedFile", "/FileAttachment", "/RichMedia"},
        _(
            "Deze PDF bevat ingesloten bestanden. Zulke PDF's nemen we niet aan: voeg elk bestand "
            "apart toe, of druk het document af als een nieuwe PDF."
        ),
    ),
}
# The same names as they may stand in the file's bytes, for objects that nothing in the document
# points to (a viewer that repairs a broken file may still find them).
_RAW_FORBIDDEN = re.compile(rb"/(JavaScript|JS|XFA|Launch|EmbeddedFiles?|FileAttachment|RichMedia)(?![A-Za-z0-9])")
_RAW_KIND = {
    b"JavaScript": "scripts",
    b"JS": "scripts",
    b"XFA": "scripts",
    b"Launch": "launch",
    b"EmbeddedFile": "embedded",
    b"EmbeddedFiles": "embedded",
    b"FileAttachment": "embedded",
    b"RichMedia": "embedded",
}
# A PDF under the size limit has far fewer objects; a file with more is built to keep us busy.
PDF_MAX_OBJECTS = 200_000


def detect_type(upload) -> str | None:
    """The content type the file's first bytes claim, or None for anything else (HTML, scripts...)."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, content_type in MAGIC:
        if head.startswith(magic):
            return content_type
    return None


def check_attachment(upload) -> tuple[SimpleUploadedFile, str]:
    """The file to store and its content type, or ValidationError with what the person should do.

    Images come back re-encoded (a new file under the same name); PDFs come back as they were sent.
    """
    content_type = detect_type(upload)
    if content_type is None:
        raise ValidationError(NOT_ALLOWED, code="type")
    upload.seek(0)
    data = upload.read()
    if content_type in PILLOW_FORMATS:
        data = reencode_image(data, PILLOW_FORMATS[content_type])
    else:
        check_pdf(data)
    return SimpleUploadedFile(upload.name, data, content_type=content_type), content_type


def reencode_image(data: bytes, pillow_format: str) -> bytes:
    """Decode the whole image and write its pixels anew, in the same format, without any metadata."""
    from PIL import Image, ImageOps

    max_pixels = settings.ADVICE_IMAGE_MAX_PIXELS
    kind = "PNG" if pillow_format == "PNG" else "JPEG"
    previous_limit = Image.MAX_IMAGE_PIXELS
    try:
        Image.MAX_IMAGE_PIXELS = max_pixels
        with warnings.catch_warnings():
            # Pillow only warns between the limit and twice the limit: make it a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
                image.load()  # every byte decoded: a truncated or fake image fails here
                # The EXIF orientation is applied to the pixels before the EXIF is dropped.
                image = ImageOps.exif_transpose(image)
                if pillow_format == "JPEG" and image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                if pillow_format == "PNG" and image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
                    image = image.convert("RGBA")
                out = io.BytesIO()
                # No exif=, pnginfo= or icc_profile=: nothing but the pixels is written.
                image.save(out, format=pillow_format, **({"quality": 90} if pillow_format == "JPEG" else {}))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            IMAGE_TOO_LARGE, code="image_too_large", params={"megapixels": max_pixels // 1_000_000}
        ) from None
    except (Image.UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError):
        # What Pillow raises for a file it cannot decode, from any of its decoders.
        raise ValidationError(BROKEN_IMAGE, code="broken_image", params={"kind": kind}) from None
    finally:
        Image.MAX_IMAGE_PIXELS = previous_limit
    return out.getvalue()


def pdf_findings(data: bytes) -> set[str]:
    """Which forbidden kinds of content ("scripts", "launch", "embedded") the PDF holds.

    Raises ValidationError when the PDF cannot be read or is encrypted.
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    found = {_RAW_KIND[match.group(1)] for match in _RAW_FORBIDDEN.finditer(data)}
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(PDF_ENCRYPTED, code="pdf_encrypted")
        names = {name: kind for kind, (names, _message) in PDF_FORBIDDEN.items() for name in names}
        seen: set[tuple[int, int]] = set()
        stack = [reader.trailer]
        walked = 0
        while stack:
            item = stack.pop()
            walked += 1
            if walked > PDF_MAX_OBJECTS:
                raise ValidationError(PDF_UNREADABLE, code="pdf_unreadable")
            if isinstance(item, IndirectObject):
                key = (item.idnum, item.generation)
                if key in seen:
                    continue
                seen.add(key)
                item = item.get_object()
            if isinstance(item, DictionaryObject):  # streams too: their dictionary is walked
                for key, value in item.items():
                    if key in names:
                        found.add(names[key])
                    stack.append(value)
            elif isinstance(item, ArrayObject):
                stack.extend(item)
            elif isinstance(item, NameObject) and item in names:
                found.add(names[item])
        if not reader.pages:
            raise ValidationError(PDF_UNREADABLE, code="pdf_unreadable")
    except ValidationError:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError, OSError):
        raise ValidationError(PDF_UNREADABLE, code="pdf_unreadable") from None
    return found


def check_pdf(data: bytes) -> None:
    """Refuse a PDF with scripts, launch actions or embedded files, naming what was found."""
    found = pdf_findings(data)
    errors = [ValidationError(PDF_FORBIDDEN[kind][1], code=f"pdf_{kind}") for kind in PDF_FORBIDDEN if kind in found]
    if errors:
        raise ValidationError(errors)


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops receiving a file once it passes the limit, so a large file never fills memory or disk.

    The rest of the form still arrives (SkipFile, not StopUpload): nothing the person typed is lost.
    The form learns about the refused file through `request.advice_oversized_files`.
    """

    def __init__(self, request=None, max_bytes=None):
        super().__init__(request)
        self.max_bytes = max_bytes or settings.ADVICE_ATTACHMENT_MAX_BYTES
        self.received = 0

    def new_file(self, field_name, *args, **kwargs):
        self.received = 0
        super().new_file(field_name, *args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            oversized = getattr(self.request, "advice_oversized_files", set())
            oversized.add(self.field_name)
            self.request.advice_oversized_files = oversized
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None
