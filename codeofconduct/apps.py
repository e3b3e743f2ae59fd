from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodeOfConductConfig(AppConfig):
    name = "codeofconduct"
    verbose_name = _("Gedragscode")

    def ready(self):
        from codeofconduct import figures

        figures.connect()

    def load_demo(self, *, people, stdout):
        from codeofconduct import demo

        demo.load(people=people, stdout=stdout)
