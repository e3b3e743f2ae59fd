"""Asking a question, and the asker's own questions ("Mijn vragen")."""

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from advice import selectors, services
from advice.forms import AskForm
from advice.models import OPEN_STATES
from advice.rules import rule_choices
from advice.uploads import SizeLimitUploadHandler


@csrf_exempt
@require_http_methods(["GET", "POST"])
def ask(request):
    # The size limit must be in place before anything reads the request body (CSRF reads it too),
    # hence csrf_exempt here and csrf_protect on the view that does the work.
    request.upload_handlers.insert(0, SizeLimitUploadHandler(request))
    return _ask(request)


@csrf_protect
def _ask(request):
    if request.method == "POST":
        form = AskForm(request.POST, request.FILES, oversized=getattr(request, "advice_oversized_files", ()))
        if form.is_valid():
            data = form.cleaned_data
            upload = data.get("attachment")
            question = services.question_ask(
                asker=request.user,
                subject=data["subject"],
                body=data["body"],
                channel=data["channel"],
                link=data["link"],
                rule_anchor=data["rule_anchor"],
                needed_by=data["needed_by"],
                concerns_manager=data["concerns_manager"],
                attachment=(upload, form.attachment_type) if upload else None,
                submission=data.get("submission"),
            )
            messages.success(request, _("Je vraag is verstuurd."))
            return redirect("advice:question_detail", pk=question.pk)
        if request.FILES.get("attachment") or getattr(request, "advice_oversized_files", None):
            messages.warning(request, _("Kies je bijlage opnieuw: een browser stuurt een bestand maar één keer."))
    else:
        anchor = request.GET.get("regel", "")
        known = dict(rule_choices())
        form = AskForm(initial={"rule_anchor": anchor if anchor in known else "", "submission": uuid.uuid4()})
    has_manager = services.route_for(asker=request.user, today=timezone.localdate()) is not None
    return render(request, "advice/ask.html", {"form": form, "has_manager": has_manager})


@require_GET
def my_questions(request):
    # Rows, not model objects, written by one tag (advice_tags.my_question_rows): docs/performance.md.
    questions = selectors.my_question_rows(request.user)
    return render(
        request,
        "advice/my_questions.html",
        {
            "questions": questions,
            "open_count": sum(1 for question in questions if question[3] in OPEN_STATES),
        },
    )
