"""Mail that a person's click asks for, sent by a task worker instead of during their request."""

from django.tasks import task

from codeofconduct import emails
from codeofconduct.models import PolicyVersion, Reminder
from organisation.models import Person


@task
def send_manual_reminders(*, version_id: int, chef_id: int, recipient_ids: list[int]) -> int:
    """ "Herinnering sturen": the reminder a chef-waardeerder sent to members who still have to read."""
    version = PolicyVersion.objects.get(pk=version_id)
    chef = Person.objects.get(pk=chef_id)
    recipients = Person.objects.filter(pk__in=recipient_ids, is_active=True).order_by("pk")
    return emails.send_version_mail(
        kind=Reminder.Kind.MANUAL, version=version, recipients=recipients, context={"chef": chef}
    )
