"""Django admin for advice: deliberately only the anonymous statistics.

Questions, their timeline, attachments and FAQ drafts are NOT registered: beheerders (even
superusers) must never read a question's content, and the admin has no per-object rule. The
statistics hold no names, no text and no link back to a person, and are read-only.
"""

from django.contrib import admin

from advice.models import QuestionStatistic


@admin.register(QuestionStatistic)
class QuestionStatisticAdmin(admin.ModelAdmin):
    list_display = ["month", "channel", "rule_anchor", "direct", "escalated", "outcome"]
    list_filter = ["channel", "direct", "escalated", "outcome"]
    fields = [
        "month",
        "channel",
        "rule_anchor",
        "direct",
        "escalated",
        "manager_answer_seconds",
        "bureau_answer_seconds",
        "outcome",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
