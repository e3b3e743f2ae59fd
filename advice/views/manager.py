"""The leidinggevende's and plaatsvervanger's inbox."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from advice import selectors
from advice.access import Capacity, managers_acted_for
from advice.models import Level, State


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
