"""The FAQ: published entries for all staff; the Bureau drafts them from closed questions and publishes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from advice import selectors, services
from advice.access import capacities
from advice.forms import FaqEntryForm
from advice.models import FaqEntry
from advice.workflow import TransitionError
from organisation.roles import Role, is_integrity_officer, require_role


@require_GET
def faq(request):
    entries = selectors.published_faq()
    drafts = FaqEntry.objects.filter(is_published=False) if is_integrity_officer(request.user) else []
    return render(request, "advice/faq.html", {"entries": entries, "drafts": drafts})


@require_http_methods(["GET", "POST"])
@require_role(Role.INTEGRITY)
def faq_create(request, pk):
    question = selectors.get_question_for(request.user, pk)
    answer = selectors.latest_answer(question, capacities(request.user, question))
    if request.method == "POST":
        form = FaqEntryForm(request.POST)
        if form.is_valid():
            try:
                services.faq_entry_create(question=question, by=request.user, **form.cleaned_data)
            except TransitionError as error:
                messages.error(request, str(error))
                return redirect("advice:question_detail", pk=question.pk)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Het FAQ-item is bewaard als ontwerp. Publiceer het op de FAQ-pagina."))
                return redirect("advice:faq")
    else:
        form = FaqEntryForm(
            initial={
                "question_text": question.body,
                "answer_text": answer.text if answer else "",
                "rule_anchor": question.rule_anchor,
            }
        )
    return render(request, "advice/faq_form.html", {"form": form, "question": question})


@require_POST
@require_role(Role.INTEGRITY)
def faq_publish(request, pk):
    entry = get_object_or_404(FaqEntry, pk=pk)
    publish = request.POST.get("publish") == "1"
    services.faq_entry_publish(entry=entry, by=request.user, publish=publish)
    messages.success(request, _("Gepubliceerd.") if publish else _("Niet meer gepubliceerd."))
    return redirect("advice:faq")
