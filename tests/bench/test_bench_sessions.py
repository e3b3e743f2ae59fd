"""The benchmark signs its people in by writing their sessions (bench/run.py make_sessions): each must be
the session signing in leaves, or the benchmark measures work no real person's click does."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import run

pytestmark = pytest.mark.django_db


def test_a_benchmark_session_signs_the_person_in_without_writing_it_again(city):
    key = run.make_sessions([city.employee.pk])[city.employee.pk]
    client = Client()
    client.cookies["sessionid"] = key
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"), secure=True)
    assert response.status_code == 200 and response.context["user"] == city.employee
    # As after signing in: the session was renewed just now, so the first page does not write it.
    writes = [query["sql"] for query in queries if "django_session" in query["sql"] and "SELECT" not in query["sql"]]
    assert writes == []
