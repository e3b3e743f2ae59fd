"""E-mails about a version: Dutch, naming the version and linking to it, never anything confidential.

Each kind has three templates in templates/emails/codeofconduct/: <kind>_subject.txt, <kind>.txt and
<kind>.html. Links only navigate: nothing happens on GET, so mail scanners that open them do no harm.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _render(kind: str, context: dict) -> tuple[str, str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"emails/codeofconduct/{kind}_subject.txt", context).split())
        text = render_to_string(f"emails/codeofconduct/{kind}.txt", context)
        html = render_to_string(f"emails/codeofconduct/{kind}.html", context)
    return subject, text, html


def _message(subject, text, html, address):
    message = EmailMultiAlternatives(subject, text, to=[address])
    message.attach_alternative(html, "text/html")
    return message


def version_context(version, **extra) -> dict:
    return {
        "version": version,
        "version_url": absolute(version.get_absolute_url()),
        "team_url": absolute(reverse("codeofconduct:team")),
        "home_url": absolute(reverse("home")),
        **extra,
    }


def send_version_mail(*, kind: str, version, recipients, context: dict | None = None) -> int:
    """The same message to many people (rendered once): a notice or a reminder."""
    recipients = [person for person in recipients if person.email]
    if not recipients:
        return 0
    subject, text, html = _render(kind, version_context(version, **(context or {})))
    return mailers.default.send_messages([_message(subject, text, html, person.email) for person in recipients])


def send_personal_mail(*, kind: str, version, recipient, context: dict) -> int:
    """A message with content for one person (a chef's weekly summary)."""
    if not recipient.email:
        return 0
    subject, text, html = _render(kind, version_context(version, recipient=recipient, **context))
    return mailers.default.send_messages([_message(subject, text, html, recipient.email)])
