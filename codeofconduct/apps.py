from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodeOfConductConfig(AppConfig):
    name = "codeofconduct"
    verbose_name = _("Gedragscode")

    def ready(self):
        from codeofconduct import figures
        from codeofconduct.emails import mail_kind
        from codeofconduct.models import Reminder
        from codeofconduct.services.acknowledging import manual_reminder_failed
        from jobs import outbox, sending

        figures.connect()
        sending.mail_failed.connect(manual_reminder_failed, dispatch_uid="codeofconduct_manual_reminder_failed")
        for kind, label in Reminder.Kind.choices:
            outbox.describe_kind(mail_kind(kind), label)

    def load_demo(self, *, people, stdout):
        from codeofconduct import demo

        demo.load(people=people, stdout=stdout)
