"""Editing in the app: Redactie only, drafts only, state changes by POST."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from codeofconduct.models import Policy, PolicyVersion, PublicationEvent
from codeofconduct.services import publishing

Status = PolicyVersion.Status


def editing_urls(policy, draft, current):
    return [
        reverse("codeofconduct:editor_dashboard"),
        reverse("codeofconduct:policy_create"),
        reverse("codeofconduct:draft_create", args=[policy.slug]),
        reverse("codeofconduct:draft_edit", args=[draft.pk]),
        reverse("codeofconduct:draft_preview", args=[draft.pk]),
        reverse("codeofconduct:publish", args=[draft.pk]),
        reverse("codeofconduct:withdraw", args=[current.pk]),
    ]


@pytest.mark.parametrize("client_name", ["as_employee", "as_chef", "as_integrity", "as_admin"])
def test_everyone_but_redactie_gets_403_on_every_editing_url(request, client_name, policy, draft, current):
    client = request.getfixturevalue(client_name)
    for url in editing_urls(policy, draft, current):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"start": "copy", "when": "now", "note": "x"}).status_code == 403, url
    draft.refresh_from_db()
    current.refresh_from_db()
    assert (draft.status, current.status) == (Status.DRAFT, Status.PUBLISHED)
    assert policy.versions.count() == 3


def test_editing_pages_change_nothing_on_get(as_editor, policy, draft, current):
    for url in editing_urls(policy, draft, current):
        assert as_editor.get(url).status_code == 200, url
    assert policy.versions.count() == 3
    current.refresh_from_db()
    assert current.status == Status.PUBLISHED


def test_redactie_creates_a_draft_as_copy_of_the_current_version(as_editor, policy, current):
    response = as_editor.post(reverse("codeofconduct:draft_create", args=[policy.slug]), {"start": "copy"})
    draft = policy.versions.get(status=Status.DRAFT)
    assert response.url == reverse("codeofconduct:draft_edit", args=[draft.pk])
    assert draft.body == current.body
    assert draft.vervangt == current.nummer
    assert draft.events.get().action == PublicationEvent.Action.CREATED


def form_data(version, **changes):
    data = {
        name: getattr(version, name) or ""
        for name in [*PolicyVersion.HEADER_FIELDS, "body"]
        if name not in ("datum", "vervaldatum")
    }
    data["datum"] = version.datum.isoformat()
    data["audience_all_staff"] = "on"
    data.update(changes)
    return data


def test_redactie_edits_previews_and_publishes_a_draft(as_editor, as_employee, draft, current):
    body = draft.body.replace("Gebruik je gezond verstand.", "Gebruik altijd je gezond verstand.")
    response = as_editor.post(
        reverse("codeofconduct:draft_edit", args=[draft.pk]), form_data(draft, body=body, preview="1")
    )
    assert response.url == reverse("codeofconduct:draft_preview", args=[draft.pk])
    preview = as_editor.get(response.url)
    assert "Gebruik altijd je gezond verstand." in preview.content.decode()
    assert "Voorbeeld" in preview.content.decode()
    # Medewerkers do not see a draft.
    assert as_employee.get(reverse("codeofconduct:version_detail", args=[draft.pk])).status_code == 404

    confirm = as_editor.get(reverse("codeofconduct:publish", args=[draft.pk])).content.decode()
    assert "vervangt de geldende versie" in confirm and current.nummer in confirm
    response = as_editor.post(reverse("codeofconduct:publish", args=[draft.pk]), {"when": "now", "note": "Update"})
    assert response.url == reverse("codeofconduct:version_detail", args=[draft.pk])
    draft.refresh_from_db()
    current.refresh_from_db()
    assert (draft.status, current.status) == (Status.PUBLISHED, Status.SUPERSEDED)

    history = as_employee.get(reverse("codeofconduct:policy_history", args=[draft.policy.slug])).content.decode()
    assert "Gepubliceerd" in history and "Hanne Willems" in history and "Update" in history


def test_redactie_schedules_a_publication(as_editor, draft):
    when = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = as_editor.post(
        reverse("codeofconduct:publish", args=[draft.pk]),
        {"when": "later", "publish_at": when, "is_editorial_change": "on"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.SCHEDULED and draft.is_editorial_change


def test_validation_messages_are_clear_and_keep_what_was_typed(as_editor, draft, current):
    future = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    response = as_editor.post(
        reverse("codeofconduct:draft_edit", args=[draft.pk]),
        form_data(draft, nummer="2018-12", body="   ", vervaldatum=draft.datum.isoformat(), titel="Mijn nieuwe titel"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Een nummer heeft de vorm D + jaar" in page
    assert "De tekst van de nota mag niet leeg zijn." in page
    assert "De vervaldatum moet na de datum van de nota liggen." in page
    assert 'value="Mijn nieuwe titel"' in page

    response = as_editor.post(
        reverse("codeofconduct:draft_edit", args=[draft.pk]), form_data(draft, nummer=current.nummer)
    )
    assert "bestaat al" in response.content.decode()

    as_editor.post(reverse("codeofconduct:draft_edit", args=[draft.pk]), form_data(draft, datum=future))
    response = as_editor.post(reverse("codeofconduct:publish", args=[draft.pk]), {"when": "now"})
    assert "Een gepubliceerde nota kan niet gedateerd zijn in de toekomst." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_a_published_version_cannot_be_edited_in_the_app(as_editor, current):
    url = reverse("codeofconduct:draft_edit", args=[current.pk])
    assert as_editor.get(url).status_code == 403
    assert as_editor.post(url, form_data(current, body="Gewijzigd")).status_code == 409  # refused, text kept
    current.refresh_from_db()
    assert "Gewijzigd" not in current.body
    assert as_editor.post(reverse("codeofconduct:publish", args=[current.pk]), {"when": "now"}).status_code == 403


def test_a_draft_published_by_a_colleague_while_redactie_typed_keeps_their_text(as_editor, draft, city):
    body_before = draft.body
    publishing.version_publish(version=draft, by=city.editor)  # the colleague, a moment earlier

    response = as_editor.post(
        reverse("codeofconduct:draft_edit", args=[draft.pk]),
        form_data(draft, body="## 1. Context\n\nMijn zin over livestreams tijdens de dienst."),
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "je wijzigingen zijn niet bewaard" in page
    assert "Mijn zin over livestreams tijdens de dienst." in page  # still in the form, to copy
    assert 'name="save"' not in page  # nothing to save it to; a new draft instead
    assert reverse("codeofconduct:draft_create", args=[draft.policy.slug]) in page
    draft.refresh_from_db()
    assert (draft.status, draft.body) == (Status.PUBLISHED, body_before)


def test_a_draft_a_beheerder_deleted_while_redactie_typed_keeps_their_text(as_editor, draft, city):
    """The beheerder deletes the draft in the admin while an editor has it open: the editor's save finds
    nothing to save into, says so, and gives the text back to copy, instead of a bare "not found"."""
    sent = form_data(draft, body="## 1. Context\n\nMijn zin over reels van een evenement.")
    publishing.version_discard_draft(version=draft, by=city.admin)

    response = as_editor.post(reverse("codeofconduct:draft_edit", args=[draft.pk]), sent)

    assert response.status_code == 409
    page = response.content.decode()
    assert "Dit ontwerp bestaat niet meer" in page and "Je wijzigingen zijn niet bewaard" in page
    assert "Mijn zin over reels van een evenement." in page  # still in the form, to copy
    assert 'name="save"' not in page
    assert not PolicyVersion.objects.filter(body__contains="reels van een evenement").exists()
    assert as_editor.get(reverse("codeofconduct:draft_edit", args=[draft.pk])).status_code == 404


def test_a_published_version_is_read_only_in_the_admin(as_admin, current, draft):
    url = reverse("admin:codeofconduct_policyversion_change", args=[current.pk])
    page = as_admin.get(url)
    assert page.status_code == 200
    assert 'name="body"' not in page.content.decode()
    response = as_admin.post(url, {"body": "Gewijzigd", "nummer": current.nummer})
    assert response.status_code == 409  # refused, with the text sent given back (below)
    current.refresh_from_db()
    assert current.body != "Gewijzigd"
    refused = as_admin.post(reverse("admin:codeofconduct_policyversion_delete", args=[current.pk]), {"post": "yes"})
    assert refused["Location"] == reverse("admin:codeofconduct_policyversion_change", args=[current.pk])
    assert PolicyVersion.objects.filter(pk=current.pk).exists()
    # A draft stays editable for beheerders.
    assert (
        'name="body"'
        in as_admin.get(reverse("admin:codeofconduct_policyversion_change", args=[draft.pk])).content.decode()
    )


def test_redactie_withdraws_a_published_version(as_editor, as_employee, current):
    response = as_editor.post(
        reverse("codeofconduct:withdraw", args=[current.pk]), {"note": "Foutief", "in_force_after": "nothing"}
    )
    assert response.status_code == 302
    current.refresh_from_db()
    assert current.status == Status.WITHDRAWN
    page = as_employee.get(current.get_absolute_url()).content.decode()
    assert "Deze versie is ingetrokken" in page


def test_the_withdraw_page_says_which_version_applies_again(as_editor, as_employee, current, draft, city):
    publishing.version_publish(version=draft, by=city.editor)
    page = as_editor.get(reverse("codeofconduct:withdraw", args=[draft.pk])).content.decode()
    assert f"De vorige versie, {current.nummer}" in page
    assert 'name="in_force_after"' in page

    # Redactie chooses "nothing": the update is withdrawn and nothing applies.
    as_editor.post(reverse("codeofconduct:withdraw", args=[draft.pk]), {"note": "Vervalt", "in_force_after": "nothing"})
    current.refresh_from_db()
    assert current.status == Status.SUPERSEDED


def test_withdrawing_an_update_in_the_app_shows_the_earlier_version_as_current(
    as_editor, as_employee, current, draft, city
):
    publishing.version_publish(version=draft, by=city.editor)
    as_editor.post(reverse("codeofconduct:withdraw", args=[draft.pk]), {"note": "Fout", "in_force_after": "previous"})
    page = as_employee.get(current.get_absolute_url()).content.decode()
    assert "Deze versie is vervangen" not in page
    history = as_employee.get(reverse("codeofconduct:policy_history", args=[current.policy.slug])).content.decode()
    assert "Opnieuw van kracht" in history


def test_a_beheerder_adds_a_draft_in_the_admin_and_it_is_recorded(as_admin, policy, city):
    response = as_admin.post(
        reverse("admin:codeofconduct_policyversion_add"),
        {
            "policy": policy.pk,
            "nummer": "D2026.300",
            "datum": "2026-01-05",
            "van": "Stadssecretaris",
            "titel": "Beheerversie",
            "body": "## 1. Context\n\nTekst.",
            "audience_all_staff": "on",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    version = PolicyVersion.objects.get(nummer="D2026.300")
    assert version.status == Status.DRAFT
    assert version.events.get().by == city.admin


def test_a_double_click_on_new_version_makes_one_draft(as_editor, policy):
    url = reverse("codeofconduct:draft_create", args=[policy.slug])
    token = as_editor.get(url).context["token"]
    first = as_editor.post(url, {"start": "copy", "token": str(token)})
    second = as_editor.post(url, {"start": "copy", "token": str(token)})
    assert first.url == second.url
    assert policy.versions.filter(status=Status.DRAFT).count() == 1


def test_redactie_starts_a_new_policy_and_lands_on_its_first_draft(as_editor, policy):
    url = reverse("codeofconduct:policy_create")
    assert reverse("codeofconduct:policy_create") in as_editor.get(reverse("codeofconduct:editor_dashboard")).text
    response = as_editor.post(url, {"title": "  Gedragscode   e-mail en internet "})
    new = Policy.objects.get(slug="gedragscode-e-mail-en-internet")
    assert new.title == "Gedragscode e-mail en internet"
    assert response["Location"] == reverse("codeofconduct:draft_create", args=[new.slug])
    # A second click (or the same title again) finds the policy instead of making another.
    response = as_editor.post(url, {"title": "Gedragscode e-mail en internet"}, follow=True)
    assert Policy.objects.filter(title="Gedragscode e-mail en internet").count() == 1
    assert "bestond al" in response.text


@pytest.mark.parametrize("title", ["", "   ", "!!!", "x" * 201])
def test_a_policy_title_without_letters_or_too_long_is_refused(as_editor, policy, title):
    before = Policy.objects.count()
    response = as_editor.post(reverse("codeofconduct:policy_create"), {"title": title})
    assert response.status_code == 200
    assert 'id="id_title_error"' in response.text
    assert Policy.objects.count() == before


def admin_edit(as_admin, draft, **changes) -> dict:
    """What a beheerder's browser sends from the draft's admin page as they opened it, with `changes`."""
    page = as_admin.get(reverse("admin:codeofconduct_policyversion_change", args=[draft.pk]))
    data = {}
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data |= {management.add_prefix(name): value for name, value in management.initial.items()}
        for event_form in formset.formset.forms:  # the events' hidden id and version, as the page has them
            data |= {field.html_name: field.value() for field in event_form.hidden_fields() if field.value()}
    form = page.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name)
        if name == "audience_units":
            data[name] = [unit.pk for unit in value or []]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = field.prepare_value(value)
    return data | changes


def test_a_beheerder_saves_a_draft_in_the_admin(as_admin, draft):
    response = as_admin.post(
        reverse("admin:codeofconduct_policyversion_change", args=[draft.pk]),
        admin_edit(as_admin, draft, body="## 1. Context\n\nNieuwe tekst van de beheerder."),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    assert draft.body == "## 1. Context\n\nNieuwe tekst van de beheerder."


def test_a_draft_published_by_someone_else_meanwhile_keeps_its_text_and_the_beheerders_edits(as_admin, draft, city):
    sent = admin_edit(as_admin, draft, body="## 1. Context\n\nMijn nieuwe alinea over TikTok.")
    body_before = draft.body
    publishing.version_publish(version=draft, by=city.editor)  # another editor, while the beheerder typed

    response = as_admin.post(reverse("admin:codeofconduct_policyversion_change", args=[draft.pk]), sent)

    assert response.status_code == 409
    page = response.content.decode()
    assert "Je wijzigingen zijn niet bewaard" in page
    assert "Een gepubliceerde versie kan niet meer gewijzigd worden" in page
    assert "Mijn nieuwe alinea over TikTok." in page  # given back to copy, not lost
    assert page.count("<textarea") == 1  # only what they changed, not the header they left as it was
    draft.refresh_from_db()
    assert (draft.status, draft.body) == (Status.PUBLISHED, body_before)


def test_a_draft_discarded_by_someone_else_during_the_save_gives_the_text_back(as_admin, draft, city, monkeypatch):
    sent = admin_edit(as_admin, draft, body="## 1. Context\n\nTekst die niet verloren mag gaan.")
    save = publishing.draft_save

    def discarded_just_before(*, version, by):  # another editor wins the race for the lock
        publishing.version_discard_draft(version=PolicyVersion.objects.get(pk=version.pk), by=city.editor)
        return save(version=version, by=by)

    monkeypatch.setattr(publishing, "draft_save", discarded_just_before)
    response = as_admin.post(reverse("admin:codeofconduct_policyversion_change", args=[draft.pk]), sent)

    assert response.status_code == 409
    page = response.content.decode()
    assert "Dit ontwerp bestaat niet meer" in page
    assert "Tekst die niet verloren mag gaan." in page
    # Nothing of it saved (here the discard is rolled back with the refused save; in the real race it
    # was another request's, already committed).
    assert not PolicyVersion.objects.filter(body__contains="Tekst die niet verloren mag gaan.").exists()
