from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Mail that must arrive (the outbox and its worker) and the periodic jobs' schedule.

    Below every other app: codeofconduct and advice queue their mail here; nothing here imports them.
    """

    name = "jobs"
    verbose_name = _("E-mail en achtergrondwerk")
