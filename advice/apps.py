from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


class AdviceConfig(AppConfig):
    name = "advice"
    verbose_name = _("Advies")

    def ready(self):
        from advice import queue
        from advice.models import FaqEntry, Question
        from advice.notifications import MAIL_KIND, forget_question_mail
        from advice.templatetags.advice_tags import shared_context
        from codeofconduct.slots import RuleSlot, register_rule_slot
        from jobs import outbox
        from organisation import content

        content.track(FaqEntry)  # published, changed or withdrawn: shown next to each rule of the note
        queue.connect()  # asked, moved on, deleted: counted in the Bureau's queue
        register_rule_slot(RuleSlot("advice/includes/rule_actions.html", shared_context=shared_context))
        outbox.describe_kind(MAIL_KIND, _("Melding bij een adviesvraag"))
        post_delete.connect(forget_question_mail, sender=Question, dispatch_uid="advice_forget_question_mail")

    def load_demo(self, *, people, stdout):
        from advice import demo

        demo.load(people=people, stdout=stdout)
