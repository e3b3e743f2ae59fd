"""Advice test helpers: questions built through the real services, a private media folder per test."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from advice import services
from advice.models import Channel
from tests.files import PDF, PNG, pdf_bytes, png_bytes  # noqa: F401 (shared with the advice tests)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _postgres_only(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks)")


def at(year, month, day, hour=10, minute=0):
    """A moment in Antwerp's time zone."""
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def ask(
    asker,
    *,
    subject="Foto van de opening",
    body="Mag ik deze foto op Instagram zetten?",
    channel=Channel.INSTAGRAM,
    **extra,
):
    return services.question_ask(asker=asker, subject=subject, body=body, channel=channel, **extra)


def step(question, by, name, text="", **extra):
    return services.question_take_step(question=question, by=by, step=name, text=text, **extra)
