from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdviceConfig(AppConfig):
    name = "advice"
    verbose_name = _("Advies")

    def ready(self):
        from advice.templatetags.advice_tags import faq_fingerprint
        from codeofconduct.slots import RuleSlot, register_rule_slot

        register_rule_slot(RuleSlot("advice/includes/rule_actions.html", fingerprint=faq_fingerprint))

    def load_demo(self, *, people, stdout):
        from advice import demo

        demo.load(people=people, stdout=stdout)
