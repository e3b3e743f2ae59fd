"""Acknowledging: "Te lezen" on the home page and the "Gelezen en begrepen" button on the version page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from codeofconduct import audience, selectors, shared
from codeofconduct.models import PolicyVersion
from codeofconduct.selectors.reading import chef_versions_to_confirm, has_opened, reading_list
from codeofconduct.selectors.reading import due_date_for as reading_due_date
from codeofconduct.services import acknowledging
from codeofconduct.views.base import error_text
from organisation.roles import is_chef

Status = PolicyVersion.Status


@require_GET
def home(request):
    to_read, acknowledged = reading_list(request.user)
    context = {"to_read": to_read, "acknowledged": acknowledged[:10]}
    if is_chef(request.user):
        context["versions_to_confirm"] = chef_versions_to_confirm(request.user)
    return render(request, "home.html", context)


def acknowledgement_context(request, version: PolicyVersion) -> dict:
    """What the version page shows after the text: the button, or when it was acknowledged."""
    person = request.user
    if version.status != Status.PUBLISHED:
        return {}
    # The first opening is written once, not on every look: whether there is one comes with the
    # person's own query, which the page needs anyway (nothing kept in the session, so no session write).
    if not has_opened(person, version):
        acknowledging.opening_record(person=person, version=version)
    if not audience.is_in_audience(version, person):
        return {"acknowledgement_owed": False}
    if version.is_expired:
        return {"acknowledgement_owed": False}  # the banner says why: past its Vervaldatum
    # The person's acknowledgements are read once per request (the navigation's "Te lezen" needs them too).
    _to_read, acknowledged = reading_list(person)
    acknowledgement = next((ack for ack in acknowledged if ack.version_id == version.pk), None)
    context = {
        "acknowledgement_owed": True,
        "acknowledgement": acknowledgement,
        "due_date": reading_due_date(person, version),
    }
    if acknowledgement is None:
        earlier = next((ack for ack in acknowledged if ack.version.policy_id == version.policy_id), None)
        if earlier is not None:
            context["changes_since"] = {
                "version": earlier.version,
                "diffs": shared.for_person(person).changes(earlier.version, version),
                "url": reverse("codeofconduct:compare", args=[version.policy.slug])
                + f"?oud={earlier.version_id}&nieuw={version.pk}",
            }
    return context


@require_POST
def acknowledge(request, pk):
    # A public version comes from the shared content (exact under the generation read with the person);
    # any other goes through the access rule, and the service refuses what cannot be acknowledged.
    version = shared.for_person(request.user).versions.get(pk) or selectors.get_version_for_user(request.user, pk)
    try:
        acknowledgement, created = acknowledging.acknowledgement_record(person=request.user, version=version)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        when = formats.date_format(timezone.localtime(acknowledgement.acknowledged_at), "SHORT_DATE_FORMAT")
        if created:
            messages.success(request, _("Gelezen en begrepen op %(date)s. Bedankt!") % {"date": when})
        else:
            messages.info(request, _("Je had deze versie al bevestigd op %(date)s.") % {"date": when})
    return redirect(reverse("codeofconduct:version_detail", args=[version.pk]) + "#bevestigen")
