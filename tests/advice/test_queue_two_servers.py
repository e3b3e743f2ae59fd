"""Two app servers on one PostgreSQL database: each keeps the Bureau queue's counts in its own memory
(advice.queue), and each shows every change of a question on its very next request, to each officer
exactly what the rule lets them see. PostgreSQL only (tests/two_servers.py)."""

import re

from django.urls import reverse

from advice.models import Question
from tests.advice.conftest import ask, step
from tests.two_servers import TWO_SERVERS, Visitor

pytestmark = TWO_SERVERS

COUNTS = re.compile(r"Nieuw: (\d+) · In behandeling: (\d+) · Meer informatie gevraagd: (\d+)")


def counts(visitor, server) -> tuple[int, int, int]:
    page = " ".join(visitor.page(server, reverse("advice:bureau_queue")).split())
    return tuple(int(number) for number in COUNTS.search(page).groups())


def test_the_queue_counts_a_change_on_the_very_next_request_in_both_servers(servers, city):
    # The chef becomes an officer too: questions asked past the chef are not theirs to see or count.
    city.chef.is_integrity_officer = True
    city.chef.save()
    officer, chef = Visitor(city.integrity), Visitor(city.chef)

    def warm():  # both servers keep the counts of this moment
        for server in servers:
            counts(officer, server)
            counts(chef, server)

    ask(city.colleague, concerns_manager=True, subject="Eerder")
    warm()
    assert {counts(officer, server) for server in servers} == {(1, 0, 0)}

    # A question about the chef reaches the Bureau.
    about_the_chef = ask(city.employee, concerns_manager=True, subject="Over de chef")
    assert about_the_chef.concerns_person_id == city.chef.pk
    for server in servers:
        assert counts(officer, server) == (2, 0, 0)
        assert counts(chef, server) == (1, 0, 0)

    # The officer takes it up.
    warm()
    step(about_the_chef, city.integrity, "bureau_take_up")
    for server in servers:
        assert counts(officer, server) == (1, 1, 0)
        assert counts(chef, server) == (1, 0, 0)

    # The retention job removes a question.
    warm()
    Question.objects.get(subject="Eerder").delete()
    for server in servers:
        assert counts(officer, server) == (0, 1, 0)
        assert counts(chef, server) == (0, 0, 0)
