"""One question: its page, the steps taken on it (POST only), its attachments and the asker's receipt.

Every question is fetched through `get_question_for`, the page through `question_page`: both 404
outside the route."""

from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from advice import selectors, services
from advice.access import Capacity, capacities, viewers
from advice.forms import StepForm
from advice.models import Attachment, EventKind, FaqEntry, State
from advice.workflow import PAGE_STEPS, STEPS, TransitionError, audience_for, available_steps


@require_GET
def question_detail(request, pk):
    question, held = selectors.question_page(request.user, pk)
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
