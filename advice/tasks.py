"""Advice notifications, sent by a task worker once the step that causes them is committed."""

import datetime

from django.tasks import task

from advice.models import Question
from advice.notifications import notify
from organisation.models import Person


@task
def notify_route(*, question_id: int, recipient_ids: list[int], today: str) -> int:
    question = Question.objects.filter(pk=question_id).select_related("asker", "manager", "officer").first()
    if question is None:
        return 0  # removed meanwhile (retention): nothing left to see
    people = Person.objects.in_bulk(recipient_ids)
    recipients = [people[pk] for pk in recipient_ids if pk in people]  # the order the step named them
    return notify(question=question, recipients=recipients, today=datetime.date.fromisoformat(today))
