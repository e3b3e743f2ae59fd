"""The beheerder's view of outgoing mail: counts, the last error, the workers' heartbeats, and "resend".

Deliberately no list of mails and no page per mail: a queued or failed mail names a person and may be
about an advice question, which beheerders must never be able to tie to anyone (issue 13). The
overview shows counts per kind and the last error with every address taken out.
"""

import datetime

from django.conf import settings
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.readonly_admin import ReadOnlyAdminMixin
from jobs import outbox
from jobs.health import worker_state
from jobs.models import Delivery, WorkerHeartbeat


@admin.register(Delivery)
class OutgoingMailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    def has_view_permission(self, request, obj=None):
        return obj is None and self.admin_site.has_permission(request)

    def has_module_permission(self, request):
        return self.admin_site.has_permission(request)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("", self.admin_site.admin_view(self.changelist_view), name="{}_{}_changelist".format(*info)),
            path("opnieuw/", self.admin_site.admin_view(self.resend_view), name="{}_{}_resend".format(*info)),
        ]

    def changelist_view(self, request, extra_context=None):
        now = timezone.now()
        late = datetime.timedelta(seconds=settings.MAIL_WORKER_LATE_SECONDS)
        workers = [
            {"heartbeat": heartbeat, "late": now - heartbeat.beat_at > late}
            for heartbeat in WorkerHeartbeat.objects.order_by("host", "started_at")
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Uitgaande e-mail"),
            "opts": self.opts,
            "kinds": outbox.overview(now=now),
            "workers": workers,
            "worker_state": worker_state(now=now),
            "give_up_hours": settings.MAIL_GIVE_UP_HOURS,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/jobs/delivery/overview.html", context)

    def resend_view(self, request):
        if request.method != "POST":
            return redirect("admin:jobs_delivery_changelist")
        kind = request.POST.get("kind", "")
        count = outbox.resend_failed(kind=kind or None)
        self.message_user(
            request,
            ngettext(
                "%(count)d mislukte e-mail staat opnieuw in de wachtrij.",
                "%(count)d mislukte e-mails staan opnieuw in de wachtrij.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
        return redirect("admin:jobs_delivery_changelist")
