"""Real files for upload tests: the upload check decodes every image and reads every PDF whole."""

import io


def png_bytes(size=(4, 3), color=(200, 30, 30)) -> bytes:
    """A real PNG (the upload check decodes every image)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def pdf_bytes(change=None) -> bytes:
    """A real one-page PDF; `change(writer)` adds to it before it is written (scripts, attachments...)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if change is not None:
        change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PNG = png_bytes()
PDF = pdf_bytes()
