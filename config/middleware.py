"""Project-wide request checks that belong to no single app."""

from urllib.parse import unquote_to_bytes

from django.shortcuts import render


class UndecodableFormMiddleware:
    """A form whose bytes are not UTF-8 is refused with a clear page (400).

    Django reads such bytes with replacement characters, so a forged request would store "\ufffd" in
    place of text (a withdrawal note, a question) as if someone had typed it. Browsers always send
    UTF-8, so only a forged or broken request meets this. Multipart forms are left alone: their files
    are binary, and reading their body here would undo the upload's streaming size limit.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            try:
                for pair in request.body.split(b"&"):
                    for part in pair.split(b"=", 1):
                        unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                return render(request, "400.html", status=400)
        return self.get_response(request)
