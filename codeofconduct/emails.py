"""E-mails about a version: Dutch, naming the version and its sender (the Van of the note), linking
to it, never anything confidential.

One source per mail: templates/emails/codeofconduct/<kind>.txt, the subject and the text, from which
jobs.mail_text derives the HTML part (the conventions of the text are there).
Links only navigate: nothing happens on GET, so mail scanners that open them do no harm.

"Send" means: queue in the outbox (jobs.outbox), in the caller's transaction; the mail worker sends.
"""

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from jobs import outbox
from jobs.mail_text import render_mail


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def render(kind: str, context: dict) -> tuple[str, str, str]:
    """(subject, text, html) of a mail of `kind`, from its one template, in the city's language."""
    return render_mail(f"emails/codeofconduct/{kind}.txt", context)


def sender(version) -> str:
    """The From of mail about `version`: its Van ("Stadssecretaris"), at the app's own address."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    van = " ".join((version.van or "").split())
    return formataddr((f"{van} (gedragscode)" if van else name, address)) if address else settings.DEFAULT_FROM_EMAIL


def _message(subject, text, html, address, from_email):
    message = EmailMultiAlternatives(subject, text, from_email=from_email, to=[address])
    message.attach_alternative(html, "text/html")
    return message


def version_context(version, **extra) -> dict:
    return {
        "version": version,
        "version_url": absolute(version.get_absolute_url()),
        "team_url": absolute(reverse("codeofconduct:team")),
        "home_url": absolute(reverse("home")),
        "editor_url": absolute(reverse("codeofconduct:editor_dashboard")),
        **extra,
    }


def _template_kind(kind: str, version) -> str:
    """A version that came back after a withdrawal is never announced as a new note."""
    from codeofconduct.models import PublicationEvent, Reminder

    if kind == Reminder.Kind.NEW_VERSION and version.events.filter(action=PublicationEvent.Action.REINSTATED).exists():
        return Reminder.Kind.REINSTATED
    return kind


def send_version_mail(*, kind: str, version, recipients, context: dict | None = None) -> int:
    """The same message to many people (rendered once): a notice or a reminder.

    A stand-in text (the 2013 placeholder) is never mailed.
    """
    recipients = [person for person in recipients if person.email]
    if not recipients or version.is_stand_in:
        return 0
    subject, text, html = render(_template_kind(kind, version), version_context(version, **(context or {})))
    from_email = sender(version)
    messages = [_message(subject, text, html, person.email, from_email) for person in recipients]
    return _queue(kind, version, recipients, messages)


def send_personal_mail(*, kind: str, version, recipient, context: dict) -> int:
    """A message with content for one person (a chef's weekly summary)."""
    if not recipient.email or version.is_stand_in:
        return 0
    subject, text, html = render(kind, version_context(version, recipient=recipient, **context))
    return _queue(kind, version, [recipient], [_message(subject, text, html, recipient.email, sender(version))])


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
