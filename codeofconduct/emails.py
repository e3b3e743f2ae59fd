"""E-mails about a version: Dutch, naming the version and linking to it, never anything confidential.

Each kind has three templates in templates/emails/codeofconduct/: <kind>_subject.txt, <kind>.txt and
<kind>.html. Links only navigate: nothing happens on GET, so mail scanners that open them do no harm.

"Send" means: queue in the outbox (jobs.outbox), in the caller's transaction; the mail worker sends.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from jobs import outbox


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
    return _queue(kind, version, recipients, [_message(subject, text, html, person.email) for person in recipients])


def send_personal_mail(*, kind: str, version, recipient, context: dict) -> int:
    """A message with content for one person (a chef's weekly summary)."""
    if not recipient.email:
        return 0
    subject, text, html = _render(kind, version_context(version, recipient=recipient, **context))
    return _queue(kind, version, [recipient], [_message(subject, text, html, recipient.email)])


# --- How the rendered messages travel: queued in the outbox with the version they are about -------


def mail_kind(kind: str) -> str:
    """The outbox's name for a kind of mail about a version ("codeofconduct.manual")."""
    return f"codeofconduct.{kind}"


def version_concerns(version_id) -> str:
    return outbox.concerning("codeofconduct.policyversion", version_id)


def versions_concerned(delivery) -> list[int]:
    """The version a queued delivery is about (a list of at most one id)."""
    prefix = version_concerns("")
    concerns = outbox.concerns_of(delivery)
    return [int(concerns.removeprefix(prefix))] if concerns.startswith(prefix) else []


def _queue(kind, version, recipients, messages) -> int:
    return outbox.enqueue(mail_kind(kind), messages, recipients=recipients, concerns=version_concerns(version.pk))
