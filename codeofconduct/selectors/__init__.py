"""Read-side queries the pages (and the advice app) share: versions, their visibility and history.

Submodules: `reading` (a person's reading list), `team` (a chef's team), `compliance` (figures per unit).
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from codeofconduct.content import MAIN_POLICY_SLUG
from codeofconduct.models import Policy, PolicyVersion, PublicationEvent
from organisation.roles import is_editor

Status = PolicyVersion.Status


def current_version(policy: Policy) -> PolicyVersion | None:
    return policy.versions.filter(status=Status.PUBLISHED).first()


def policies_with_current():
    """Every policy with `current` (its published version or None), in two queries."""
    policies = list(
        Policy.objects.prefetch_related(
            Prefetch("versions", queryset=PolicyVersion.objects.filter(status=Status.PUBLISHED), to_attr="published")
        )
    )
    for policy in policies:
        policy.current = policy.published[0] if policy.published else None
    return policies


def previous_version(version: PolicyVersion) -> PolicyVersion | None:
    """The public version published just before `version`: what it updates (its number; not its text)."""
    versions = version.policy.versions.defer(*PolicyVersion.TEXT_FIELDS)
    if version.published_at is None:
        return versions.filter(status=Status.PUBLISHED).first()
    return versions.public().filter(published_at__lt=version.published_at).order_by("-published_at").first()


def audience_description(version: PolicyVersion) -> str:
    """Who a version is for, in words: "alle medewerkers" or the chosen units (with their sub-units)."""
    if version.audience_all_staff:
        return _("alle medewerkers")
    names = [unit.name for unit in version.audience_units.order_by("path")]
    if not names:
        return _("niemand (er is geen eenheid gekozen)")
    return _("de medewerkers van %(units)s (met hun onderliggende eenheden)") % {"units": ", ".join(names)}


def public_versions():
    """Every page's one definition of "public" (PolicyVersionQuerySet.public)."""
    return PolicyVersion.objects.public().select_related("policy")


def in_force_versions(today=None):
    """The versions to read and acknowledge today (PolicyVersionQuerySet.in_force): current and not
    past their Vervaldatum. The reading lists, acknowledgement and the reminder job ask this."""
    return PolicyVersion.objects.in_force(today)


def upcoming_expiries(today=None, *, days: int = 60):
    """Versions in force whose Vervaldatum falls within `days` from today, soonest first (Redactie's dashboard)."""
    today = today or timezone.localdate()
    return (
        PolicyVersion.objects.in_force(today)
        .filter(vervaldatum__lte=today + datetime.timedelta(days=days))
        .select_related("policy")
        .defer(*PolicyVersion.TEXT_FIELDS)
        .order_by("vervaldatum", "pk")
    )


def archive():
    return public_versions().order_by("policy__title", "-published_at", "-pk")


def history(policy: Policy, *, include_unpublished: bool = False):
    """The policy's versions with their events; Redactie also sees drafts and scheduled versions.
    A cancelled schedule is in no one's history (the admin keeps its record)."""
    versions = policy.versions.exclude(status=Status.CANCELLED) if include_unpublished else policy.versions.public()
    return versions.prefetch_related(
        Prefetch("events", queryset=PublicationEvent.objects.select_related("by").order_by("at", "pk"))
    ).order_by("-published_at", "-created_at", "-pk")


def search_versions(query: str):
    """Published (also superseded or withdrawn) versions matching `query` in title or text.

    PostgreSQL: full-text search with the Dutch configuration, ranked (title weighs more).
    Elsewhere (SQLite in development): every word must occur in title or text, case-insensitive.
    """
    # No text column can hold NUL (PostgreSQL refuses it outright): it is never part of a word.
    query = (query or "").replace("\x00", " ").strip()
    versions = public_versions()
    if not query:
        return versions.none()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("titel", weight="A", config="dutch") + SearchVector("body", weight="B", config="dutch")
        search = SearchQuery(query, config="dutch", search_type="websearch")
        return (
            versions.annotate(document=vector, rank=SearchRank(vector, search))
            .filter(document=search)
            .order_by("-rank", "-published_at")
        )
    condition = Q()
    for word in query.split():
        condition &= Q(titel__icontains=word) | Q(body__icontains=word)
    return versions.filter(condition).order_by("-published_at")


def main_policy_current_version() -> PolicyVersion | None:
    return PolicyVersion.objects.filter(policy__slug=MAIN_POLICY_SLUG, status=Status.PUBLISHED).first()


def rule_choices() -> list[tuple[str, str]]:
    """(anchor, label) of every section of the current code of conduct, for a select box."""
    version = main_policy_current_version()
    if version is None:
        return []
    return [(section.anchor, section.label) for section in version.sections()]


def get_version_for_user(user, pk, *, editable=False) -> PolicyVersion:
    """The one access rule: everyone reads published versions; drafts and scheduled ones are Redactie's.

    `editable=True`: Redactie only, and only a draft (a published version is immutable).
    """
    version = get_object_or_404(PolicyVersion.objects.select_related("policy"), pk=pk)
    if editable:
        if not is_editor(user):
            raise PermissionDenied
        if not version.is_editable:
            raise PermissionDenied(_("Een gepubliceerde versie kan niet meer gewijzigd worden."))
        return version
    if version.status == Status.CANCELLED:
        raise Http404  # a schedule cancelled before publication is shown to no one (the admin keeps it)
    if not version.is_public and not is_editor(user):
        raise Http404
    return version
