"""Advice pages. Every question is fetched through `get_question_for` (404 outside the route)."""

import uuid
from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from advice import selectors, services
from advice.access import Capacity, capacities, managers_acted_for, viewers
from advice.forms import AskForm, FaqEntryForm, QueueFilterForm, StepForm
from advice.models import Attachment, EventKind, FaqEntry, Level, Question, State
from advice.rules import rule_choices
from advice.uploads import SizeLimitUploadHandler
from advice.workflow import PAGE_STEPS, STEPS, TransitionError, audience_for, available_steps
from config.pagination import CountedPaginator
from organisation import selectors as org_selectors
from organisation.roles import Role, require_role


# --- Asking ---------------------------------------------------------------------------------------
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
    questions = selectors.my_questions(request.user)
    return render(
        request,
        "advice/my_questions.html",
        {
            "questions": questions,
            "open_count": selectors.count_open(questions),
        },
    )


# --- One question -----------------------------------------------------------------------------------
@require_GET
def question_detail(request, pk):
    question = selectors.get_question_for(
        request.user, pk, queryset=selectors.with_attachment_flag(Question.objects.all())
    )
    held = capacities(request.user, question)
    steps = available_steps(question, held)
    # Every text says who will read it: next to its field before it is written, and on the timeline.
    steps = [
        SimpleNamespace(
            **vars(step),
            readers=selectors.readers(
                audience_for(step, question), question, escalates=step.kind == EventKind.ESCALATED
            ),
        )
        for step in steps
    ]
    events = selectors.timeline_for(question, held)
    for event in events:
        event.readers = selectors.readers(event.audience, question)
    return render(
        request,
        "advice/question_detail.html",
        {
            "question": question,
            "held": held,
            "is_asker": Capacity.ASKER in held,
            "is_manager": Capacity.MANAGER in held or Capacity.PAST_DEPUTY in held,
            "is_bureau": Capacity.BUREAU in held,
            "status": selectors.status_label(question, held),
            "events": events,
            "steps": steps,
            "step_names": {step.name for step in steps},
            "viewers": viewers(question),
            "attachments": selectors.attachments_of(question),
            "answer": selectors.latest_answer(question, held, timeline=events),
            "can_make_faq": (
                Capacity.BUREAU in held
                and question.state == State.CLOSED
                and question.faq_consent
                and not FaqEntry.objects.filter(source=question).exists()
            ),
        },
    )


@require_POST
def question_step(request, pk, step):
    question = selectors.get_question_for(request.user, pk)
    if step not in PAGE_STEPS:
        raise Http404
    held = capacities(request.user, question)
    if STEPS[step].actor == Capacity.ASSIGNED_OFFICER and held == {Capacity.BUREAU}:
        # A colleague of the officer who took the question up: say how to go on, not just "forbidden".
        if question.officer is None:
            messages.error(request, _("Niemand nam deze vraag al op. Kies eerst 'Ik neem dit op'."))
        else:
            messages.error(
                request,
                _("%(officer)s nam deze vraag op. Kies 'Overnemen' om ze zelf verder te behandelen.")
                % {"officer": question.officer},
            )
        return redirect("advice:question_detail", pk=question.pk)
    if STEPS[step].actor not in held:
        raise PermissionDenied
    form = StepForm(request.POST)
    if not form.is_valid():
        # Too long, or characters no text may hold: the step is not taken (not even one that needs no text).
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("advice:question_detail", pk=question.pk)
    try:
        services.question_take_step(
            question=question,
            by=request.user,
            step=step,
            text=form.cleaned_data.get("text", ""),
            faq_consent=form.cleaned_data.get("faq_consent", False),
        )
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Gelukt: %(step)s.") % {"step": STEPS[step].label})
    return redirect("advice:question_detail", pk=question.pk)


@require_GET
def attachment_download(request, pk):
    attachment = get_object_or_404(Attachment.objects.select_related("question"), pk=pk)
    # The same rule as the question page: the question must be visible to this person.
    selectors.get_question_for(request.user, attachment.question_id)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def receipt(request, pk):
    """A dated text receipt for the asker: proof that they asked before acting."""
    question = selectors.get_question_for(request.user, pk)
    held = capacities(request.user, question)
    if Capacity.ASKER not in held:
        raise PermissionDenied
    answer = selectors.latest_answer(question, held)
    if answer is None:
        messages.error(request, _("Er is nog geen antwoord: een ontvangstbewijs komt er na het antwoord."))
        return redirect("advice:question_detail", pk=question.pk)
    text = render_to_string(
        "advice/receipt.txt",
        {
            "question": question,
            "answer": answer,
            "issued_at": timezone.localtime(),
        },
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    filename = f"adviesbewijs-{question.pk}-{timezone.localdate():%Y-%m-%d}.txt"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


QUEUE_PAGE_SIZE = 50


# --- Leidinggevende ----------------------------------------------------------------------------------
@require_GET
def manager_inbox(request):
    questions = selectors.manager_inbox(request.user)
    # Waiting for this person: routed to them or whom they deputise for today (not what they acted on
    # in an earlier period as plaatsvervanger, which they only read).
    handles = set(managers_acted_for(request.user))
    open_questions = [
        q for q in questions if q.level == Level.MANAGER and q.state == State.WITH_MANAGER and q.manager_id in handles
    ]
    others = [q for q in questions if q not in open_questions]
    for question in others:
        question.status_for_manager = selectors.status_label(question, {Capacity.MANAGER})
    return render(
        request,
        "advice/manager_inbox.html",
        {
            "open_questions": open_questions,
            "other_questions": others,
            "now": timezone.now(),
        },
    )


# --- Bureau voor Integriteit -------------------------------------------------------------------------
@require_GET
@require_role(Role.INTEGRITY)
def bureau_queue(request):
    form = QueueFilterForm(request.GET or None)
    state, age = "", None
    if form.is_valid():
        state = form.cleaned_data["state"]
        age = int(form.cleaned_data["age"]) if form.cleaned_data["age"] else None
    now = timezone.now()
    counts, listed = selectors.queue_counts(request.user, state=state, min_age_days=age, now=now)
    # The queue grows with the city: a page at a time, oldest first.
    questions = selectors.bureau_queue(request.user, state=state, min_age_days=age, now=now)
    page = CountedPaginator(questions, QUEUE_PAGE_SIZE, count=listed).get_page(request.GET.get("pagina"))
    questions = list(page.object_list)
    for question in questions:
        question.is_overdue = (
            question.state in (State.WITH_BUREAU, State.TAKEN_UP)
            and question.bureau_deadline is not None
            and question.bureau_deadline < now
        )
    return render(
        request,
        "advice/bureau_queue.html",
        {
            "form": form,
            "questions": questions,
            "page": page,
            "counts": counts,
            "states": State,
        },
    )


@require_GET
@require_role(Role.INTEGRITY)
def statistics(request):
    return render(
        request, "advice/statistics.html", {"figures": selectors.advice_statistics(), "min_group": selectors.MIN_GROUP}
    )


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


# --- Knowledge for everyone ----------------------------------------------------------------------------
@require_GET
def faq(request):
    from organisation.roles import is_integrity_officer

    entries = selectors.published_faq()
    drafts = FaqEntry.objects.filter(is_published=False) if is_integrity_officer(request.user) else []
    return render(request, "advice/faq.html", {"entries": entries, "drafts": drafts})


@require_GET
@require_role(Role.INTEGRITY)
def access_grants(request):
    """Who was given access to questions (officer role, plaatsvervanger), by whom and when: four eyes seen."""
    return render(request, "advice/access_grants.html", org_selectors.access_overview())
