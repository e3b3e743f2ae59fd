"""Attachment checks: size while the upload streams in, type by content (magic bytes), never by name."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"%PDF-", "application/pdf"),
]


def detect_type(upload) -> str | None:
    """The content type the file's first bytes prove, or None for anything else (HTML, scripts...)."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, content_type in MAGIC:
        if head.startswith(magic):
            return content_type
    return None


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
