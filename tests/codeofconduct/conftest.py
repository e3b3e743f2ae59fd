import datetime

import pytest
from django.db import connection
from django.utils import timezone

from codeofconduct.content import install_initial_content
from codeofconduct.models import Policy, PolicyVersion, PublicationEvent
from codeofconduct.services import publishing


def pytest_collection_modifyitems(items):
    for item in items:
        if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL"))


@pytest.fixture
def policy(db):
    """The shipped content (data migration): D2018 current, 2013 superseded.

    Installed again when a transactional test flushed the database before this one.
    """
    return install_initial_content(Policy, PolicyVersion, PublicationEvent)


@pytest.fixture
def current(policy):
    return policy.versions.get(status=PolicyVersion.Status.PUBLISHED)


@pytest.fixture
def draft(policy, current, city):
    return publishing.draft_create(policy=policy, by=city.editor, copy_from=current)


def make_draft(policy, by, *, body, nummer, **fields):
    version = publishing.draft_create(policy=policy, by=by)
    version.body = body
    version.nummer = nummer
    version.datum = fields.pop("datum", timezone.localdate() - datetime.timedelta(days=1))
    for name, value in fields.items():
        setattr(version, name, value)
    return publishing.draft_save(version=version, by=by)
