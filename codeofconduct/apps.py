from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodeOfConductConfig(AppConfig):
    name = "codeofconduct"
    verbose_name = _("Gedragscode")

    def ready(self):
        from codeofconduct import figures
        from codeofconduct.emails import mail_kind
        from codeofconduct.models import Policy, PolicyVersion, Reminder
        from codeofconduct.selectors import reading
        from codeofconduct.services.acknowledging import manual_reminder_failed
        from jobs import outbox, sending
        from organisation import backends, content

        figures.connect()
        # Publishing, supersession, withdrawal, reinstatement, a cancelled schedule, an extended due
        # date: each saves its versions; their audience is a many-to-many table.
        content.track(Policy, PolicyVersion, through=(PolicyVersion.audience_units.through,))
        # The navigation's badge on every page: what the person acknowledged, read with them.
        backends.read_with_person(reading.ACKNOWLEDGED_VERSIONS, reading.acknowledged_versions)
        # The person's own rows on the pages that show them (home, the version page), not on every page.
        backends.read_with_person(reading.MY_VERSIONS, reading.my_versions, views=reading.MY_VERSIONS_VIEWS)
        # The compliance figures' counter, which a compliance page reads before anything else.
        for name, expression in figures.generation_with_person().items():
            backends.read_with_person(name, expression)
        sending.mail_failed.connect(manual_reminder_failed, dispatch_uid="codeofconduct_manual_reminder_failed")
        for kind, label in Reminder.Kind.choices:
            outbox.describe_kind(mail_kind(kind), label)

    def load_demo(self, *, people, stdout):
        from codeofconduct import demo

        demo.load(people=people, stdout=stdout)
