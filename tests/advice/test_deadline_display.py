"""Response targets end at local midnight; the lists show the last day to answer, never "00:00"."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.advice.conftest import ask, at

pytestmark = pytest.mark.django_db


def test_the_inbox_shows_the_last_day_to_answer_without_a_meaningless_time(city, as_chef):
    with time_machine.travel(at(2026, 3, 2, 10), tick=False):  # a Monday
        question = ask(city.employee)
        page = as_chef.get(reverse("advice:manager_inbox")).content.decode()
    deadline = timezone.localtime(question.manager_deadline)
    assert deadline.time() == datetime.time(0)  # the target ends at midnight, the start of the next day
    row = page.split(question.subject, 1)[1].split("</tr>", 1)[0]
    assert "00:00" not in row
    assert (deadline.date() - datetime.timedelta(days=1)).strftime("%d-%m-%Y") in row
    assert deadline.date().strftime("%d-%m-%Y") not in row
