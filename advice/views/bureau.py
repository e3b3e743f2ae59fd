"""The Bureau voor Integriteit: the queue, the statistics and who was given access."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from advice import selectors
from advice.forms import QueueFilterForm
from advice.models import State
from config.pagination import CountedPaginator
from organisation import selectors as org_selectors
from organisation.roles import Role, require_role

QUEUE_PAGE_SIZE = 50


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
    # The queue grows with the city: a page at a time, oldest first, as values (advice_tags.bureau_rows).
    questions = selectors.QueuePage(request.user, state=state, min_age_days=age, now=now)
    page = CountedPaginator(questions, QUEUE_PAGE_SIZE, count=listed).get_page(request.GET.get("pagina"))
    questions = list(page.object_list)
    for question in questions:
        question["is_overdue"] = (
            question["state"] in (State.WITH_BUREAU, State.TAKEN_UP)
            and question["bureau_deadline"] is not None
            and question["bureau_deadline"] < now
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


@require_GET
@require_role(Role.INTEGRITY)
def access_grants(request):
    """Who was given access to questions (officer role, plaatsvervanger), by whom and when: four eyes seen."""
    return render(request, "advice/access_grants.html", org_selectors.access_overview())
