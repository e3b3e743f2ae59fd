"""E-mails about advice questions. They only say that there is something to see, with a link:
never the question's subject or text, which may be confidential and mail is forwarded easily.

They are queued in the outbox (jobs.outbox) in the transaction of the step that causes them, tied to
the question so that they leave with it (retention), and sent by the mail worker.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from advice.access import can_view
from jobs import outbox
from jobs.mail_text import render_mail

MAIL_KIND = "advice.update"


def question_concerns(question_id) -> str:
    """The outbox's key for mail about this question (removed with the question)."""
    return outbox.concerning("advice.question", question_id)


def notify(*, question, recipients, today=None, mail="update", context=None) -> int:
    """Mail each recipient who may see `question` (the same rule as the pages). Returns mails queued.

    `mail`: which message (templates/emails/advice/<mail>.txt, its one source: see jobs.mail_text),
    "update" unless a step says more, with `context` for its template."""
    url = settings.SITE_URL.rstrip("/") + reverse("advice:question_detail", args=[question.pk])
    messages, people = [], []
    seen = set()
    for person in recipients:
        if person is None or person.pk in seen or not person.email:
            continue
        seen.add(person.pk)
        if not can_view(person, question, today=today):
            continue
        values = {**(context or {}), "person": person, "url": url, "number": question.pk}
        subject, text, html = render_mail(f"emails/advice/{mail}.txt", values)
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [person.email])
        message.attach_alternative(html, "text/html")
        messages.append(message)
        people.append(person)
    return outbox.enqueue(MAIL_KIND, messages, recipients=people, concerns=question_concerns(question.pk))


def forget_question_mail(sender, instance, **kwargs):
    """post_delete of a Question: its queued or failed mail goes with it, however it was removed."""
    outbox.forget(question_concerns(instance.pk))
