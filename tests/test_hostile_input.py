"""Hostile input on every form and POST endpoint: a clear refusal, or stored safely and shown inert.

Every URL that takes a POST has its cases here (a new one fails `test_every_post_endpoint_is_covered`
until it gets some). Each refused case must leave every table as it was and never answer 500.
"""

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advice.forms import AskForm, FaqEntryForm, QueueFilterForm, StepForm
from advice.models import Question
from codeofconduct.forms import (
    BriefingForm,
    DueDateExtendForm,
    PolicyForm,
    PublishForm,
    TeamNotificationForm,
    VersionForm,
    WithdrawForm,
)
from codeofconduct.models import PolicyVersion
from organisation.forms import LoginForm
from tests.factories import make_person
from tests.url_patterns import all_urls
from tests.visible import field_errors, messages_shown

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
LONG = "x" * 100_000
NUL = "a\x00b"
BOOKKEEPING = {"sessions.session", "organisation.signinfailure"}

# URLs that only read: a POST is refused by the view (405) or by the sign-in rules.
GET_ONLY = {
    "home",
    "healthz",
    "signed_out",
    "oidc_callback",
    "codeofconduct:policy_list",
    "codeofconduct:archive",
    "codeofconduct:search",
    "codeofconduct:version_detail",
    "codeofconduct:policy_history",
    "codeofconduct:compare",
    "codeofconduct:team",
    "codeofconduct:compliance",
    "codeofconduct:compliance_export",
    "codeofconduct:editor_dashboard",
    "codeofconduct:draft_preview",
    "advice:my_questions",
    "advice:question_detail",
    "advice:receipt",
    "advice:attachment_download",
    "advice:manager_inbox",
    "advice:bureau_queue",
    "advice:statistics",
    "advice:access_grants",
    "advice:faq",
}

# What each POST endpoint reads: its form's fields (taken from the form itself), or for the few views
# without a form the names the view reads. A case may only send these names: a name the view never
# reads tests nothing (`test_every_case_sends_only_names_the_view_reads`).
FORMS = {
    "login": LoginForm,
    "codeofconduct:team_notify": TeamNotificationForm,
    "codeofconduct:team_briefing": BriefingForm,
    "codeofconduct:policy_create": PolicyForm,
    "codeofconduct:draft_edit": VersionForm,
    "codeofconduct:publish": PublishForm,
    "codeofconduct:withdraw": WithdrawForm,
    "codeofconduct:extend_due_date": DueDateExtendForm,
    "advice:ask": AskForm,
    "advice:question_step": StepForm,
    "advice:faq_create": FaqEntryForm,
}
READ_WITHOUT_A_FORM = {
    "set_language": {"language", "next"},
    "codeofconduct:acknowledge": set(),
    "codeofconduct:team_remind": set(),
    "codeofconduct:draft_create": {"start", "token"},
    "advice:faq_publish": {"publish"},
}


def names_read(url_name: str) -> set[str]:
    if url_name in FORMS:
        return set(FORMS[url_name].base_fields)
    return READ_WITHOUT_A_FORM[url_name]


# (url name, who posts, URL arguments from the `world` fixture, form data, what the person reads)
# -> refused, and every stored row exactly as before. Arguments: a key of `world` for the real
# objects, or a literal list. What the person reads: {field: its error} next to the fields, a
# message at the top of the page (a string), or the status code of a refusal without a page.
TOO_LONG = "Zorg dat deze waarde niet meer dan"
NO_NUL = "Null-tekens zijn niet toegestaan."
REQUIRED = "Dit veld is verplicht."
NOT_A_CHOICE = "is geen beschikbare keuze"
NO_DATE = "Voer een geldige datum in."
ASK_NOT_SENT = "Je vraag is nog niet verstuurd. Bekijk de velden met een foutmelding."
REFUSED = [
    ("login", None, None, {"username": XSS, "password": XSS}, "horen niet bij elkaar"),
    ("login", None, None, {"username": LONG, "password": NUL}, {"username": TOO_LONG, "password": NO_NUL}),
    ("login", None, None, {}, {"username": REQUIRED, "password": REQUIRED}),
    ("set_language", "employee", None, {"language": XSS, "next": "javascript:alert(1)"}, None),
    ("codeofconduct:acknowledge", "employee", ["draft"], {}, 404),
    ("codeofconduct:acknowledge", "employee", [999999], {}, 404),
    (
        "codeofconduct:team_notify",
        "chef",
        "current",
        {"notified_on": "gisteren", "method": "email"},
        {"notified_on": NO_DATE},
    ),
    (
        "codeofconduct:team_notify",
        "chef",
        "current",
        {"notified_on": "2026-11-01", "method": XSS},
        {"method": NOT_A_CHOICE},
    ),
    (
        "codeofconduct:team_notify",
        "chef",
        "current",
        {"notified_on": "2026-11-01", "method": "anders"},
        {"remark": "Zeg kort hoe je je team op de hoogte bracht."},
    ),
    (
        "codeofconduct:team_notify",
        "chef",
        "current",
        {"notified_on": NUL, "method": "email", "remark": LONG},
        {"notified_on": NO_DATE, "remark": TOO_LONG},
    ),
    ("codeofconduct:team_notify", "chef", ["draft"], {"notified_on": "2026-11-01", "method": "email"}, 404),
    ("codeofconduct:team_remind", "chef", ["draft"], {}, 404),
    (
        "codeofconduct:team_briefing",
        "chef",
        "current",
        {"held_on": "2026-11-01", "form": "toolbox", "attendees": ["colleague"]},
        {"attendees": NOT_A_CHOICE},  # someone of another team
    ),
    (
        "codeofconduct:team_briefing",
        "chef",
        "current",
        {"held_on": "x", "form": XSS, "attendees": ["abc"]},
        {"held_on": NO_DATE, "form": NOT_A_CHOICE, "attendees": NOT_A_CHOICE},
    ),
    (
        "codeofconduct:team_briefing",
        "chef",
        "current",
        {},
        {"held_on": REQUIRED, "form": REQUIRED, "attendees": REQUIRED},
    ),
    ("codeofconduct:policy_create", "editor", None, {"title": LONG}, {"title": TOO_LONG}),
    ("codeofconduct:policy_create", "editor", None, {"title": NUL}, {"title": NO_NUL}),
    (
        "codeofconduct:policy_create",
        "editor",
        None,
        {"title": "<>&"},
        {"title": "Geef een titel met letters of cijfers."},
    ),
    ("codeofconduct:draft_create", "editor", ["no-such-policy"], {"start": "copy"}, 404),
    (
        "codeofconduct:draft_edit",
        "editor",
        "draft",
        {"nummer": XSS, "datum": "morgen", "titel": LONG, "body": ""},
        {"nummer": TOO_LONG, "datum": NO_DATE, "titel": TOO_LONG, "body": "De tekst van de nota mag niet leeg zijn."},
    ),
    (
        "codeofconduct:draft_edit",
        "editor",
        "draft",
        {"nummer": NUL, "audience_units": ["999999"]},
        {"nummer": NO_NUL, "audience_units": NOT_A_CHOICE},
    ),
    # A published version: refused with the text sent kept in the form (409), nothing saved.
    ("codeofconduct:draft_edit", "editor", "current", {"nummer": "D2026.001", "titel": "Gewijzigd", "body": "x"}, 409),
    ("codeofconduct:publish", "editor", "draft", {"when": XSS}, {"when": NOT_A_CHOICE}),
    (
        "codeofconduct:publish",
        "editor",
        "draft",
        {"when": "later", "publish_at": "ooit"},
        {"publish_at": "Voer een geldige datum/tijd in."},
    ),
    ("codeofconduct:publish", "editor", "current", {"when": "now"}, 403),
    ("codeofconduct:withdraw", "editor", "current", {"note": ""}, {"note": REQUIRED}),
    ("codeofconduct:withdraw", "editor", "draft", {"note": "x"}, 403),
    (
        "codeofconduct:withdraw",
        "editor",
        "current",
        {"note": "x", "in_force_after": XSS},
        {"in_force_after": NOT_A_CHOICE},
    ),
    (
        "codeofconduct:extend_due_date",
        "editor",
        "current",
        {"due_date": "ooit", "reason": NUL},
        {"due_date": NO_DATE, "reason": NO_NUL},
    ),
    (
        "codeofconduct:extend_due_date",
        "editor",
        "current",
        {"due_date": "2000-01-01", "reason": LONG},
        {"reason": TOO_LONG},
    ),
    ("advice:ask", "employee", None, {"subject": LONG, "body": "Vraag", "channel": "blog"}, {"subject": TOO_LONG}),
    ("advice:ask", "employee", None, {"subject": "Vraag", "body": "Vraag", "channel": XSS}, {"channel": NOT_A_CHOICE}),
    (
        "advice:ask",
        "employee",
        None,
        {"subject": "Vraag", "body": "Vraag", "channel": "blog", "link": "javascript:alert(1)"},
        {"link": "Voer een geldige URL in."},
    ),
    (
        "advice:ask",
        "employee",
        None,
        {"subject": "Vraag", "body": "Vraag", "channel": "blog", "needed_by": "morgen"},
        {"needed_by": NO_DATE},
    ),
    (
        "advice:ask",
        "employee",
        None,
        {"subject": "Vraag", "body": "Vraag", "channel": "blog", "rule_anchor": XSS},
        {"rule_anchor": NOT_A_CHOICE},
    ),
    (
        "advice:ask",
        "employee",
        None,
        {"subject": NUL, "body": NUL, "channel": "blog"},
        {"subject": NO_NUL, "body": NO_NUL},
    ),
    ("advice:ask", "employee", None, {}, {"subject": REQUIRED, "body": REQUIRED, "channel": REQUIRED}),
    (
        "advice:question_step",
        "integrity",
        ["asked", "bureau_answer"],
        {"text": "Nee"},
        "Niemand nam deze vraag al op. Kies eerst 'Ik neem dit op'.",
    ),  # not taken up yet
    (
        "advice:question_step",
        "chef",
        ["asked", "manager_answer"],
        {"text": "Ja"},
        "Dit kan niet meer: de vraag is intussen 'Bij het Bureau voor Integriteit'.",
    ),  # escalated already
    ("advice:question_step", "colleague", ["asked", "asker_withdraw"], {"text": "weg"}, 404),  # not theirs
    ("advice:question_step", "employee", ["asked", "no-such-step"], {}, 404),
    ("advice:question_step", "employee", [999999, "asker_withdraw"], {}, 404),
    (
        "advice:faq_create",
        "integrity",
        "closed",
        {"title": "", "question_text": XSS, "rule_anchor": XSS},
        {"title": REQUIRED, "answer_text": REQUIRED, "rule_anchor": NOT_A_CHOICE},
    ),
    (
        "advice:faq_create",
        "integrity",
        "closed",
        {"title": LONG, "question_text": "v", "answer_text": "a", "rule_anchor": "loyaliteit"},
        {"title": TOO_LONG},
    ),
    (
        "advice:faq_create",
        "integrity",
        "asked",
        {"title": "t", "question_text": "v", "answer_text": "a", "rule_anchor": "loyaliteit"},
        "Een FAQ-item kan enkel van een afgesloten vraag waarvoor de vraagsteller toestemming gaf.",
    ),
    ("advice:faq_publish", "integrity", [999999], {"publish": "1"}, 404),
]
# Endpoints whose every POST is harmless by design (signing out, switching language).
HARMLESS = {"logout", "set_language", "oidc_start"}
# Bookkeeping that any request may write: sessions, sign-in failures, and when someone last signed in.
VOLATILE_FIELDS = {"last_login"}


def stored_contents() -> dict[str, list[dict]]:
    """Every stored row of every table, field by field (not just how many there are)."""
    return {
        model._meta.label_lower: [
            {key: value for key, value in row.items() if key not in VOLATILE_FIELDS}
            for row in model._default_manager.order_by("pk").values()
        ]
        for model in apps.get_models()
        if model._meta.label_lower not in BOOKKEEPING and model._meta.managed and not model._meta.proxy
    }


def client_for(city, persona):
    client = Client()
    if persona:
        client.force_login(getattr(city, persona))
    return client


def reads(response, expected):
    """Assert that the person reads what `expected` says (see REFUSED)."""
    page = response.content.decode(errors="replace")
    if isinstance(expected, int):
        assert response.status_code == expected
    elif isinstance(expected, str):
        assert any(expected in message for message in messages_shown(page)), messages_shown(page)
    elif isinstance(expected, dict):
        errors = field_errors(page)
        for field, message in expected.items():
            assert message in errors.get(field, ""), (field, errors)


def path_for(name, arguments, world):
    if arguments is None:
        return reverse(name)
    if isinstance(arguments, str):
        return reverse(name, args=[world["objects"][arguments].pk])
    args = [world["objects"][a].pk if isinstance(a, str) and a in world["objects"] else a for a in arguments]
    return reverse(name, args=args)


def resolve(data, city):
    """Person keys in the data ("colleague") become that person's id: a forged id of someone else."""
    people = {"colleague": city.colleague.pk}
    return {key: [people.get(v, v) for v in value] if isinstance(value, list) else value for key, value in data.items()}


def test_every_post_endpoint_is_covered():
    names = {name for name, _ in all_urls() if not name.startswith("admin:")}
    covered = {case[0] for case in REFUSED} | HARMLESS
    assert names - GET_ONLY - covered == set(), "give these POST endpoints hostile-input cases"
    assert GET_ONLY & covered == set()


@pytest.mark.parametrize("case", REFUSED, ids=lambda case: f"{case[0]}-{sorted(case[3])}"[:60])
def test_every_case_sends_only_names_the_view_reads(case):
    name, _persona, _arguments, data, _expected = case
    assert set(data) <= names_read(name), f"{name} never reads {set(data) - names_read(name)}"


@pytest.mark.parametrize("name", sorted(GET_ONLY))
def test_read_only_urls_refuse_a_post(city, world, name):
    path = reverse(name, args=world[name]) if name in world else dict(all_urls())[name]
    before = stored_contents()
    response = client_for(city, "editor").post(path, {})
    assert response.status_code in (403, 404, 405), name
    assert stored_contents() == before


@pytest.mark.parametrize(
    ("name", "persona", "arguments", "data", "expected"), REFUSED, ids=lambda value: str(value)[:40]
)
def test_hostile_input_is_refused_with_a_clear_message_and_changes_nothing(
    city, world, name, persona, arguments, data, expected
):
    path = path_for(name, arguments, world)
    before = stored_contents()
    response = client_for(city, persona).post(path, resolve(data, city), follow=True)
    assert response.status_code in (200, 400, 403, 404, 405, 409), response.status_code
    reads(response, expected)
    assert stored_contents() == before
    assert XSS not in response.content.decode(errors="replace"), "a payload came back unescaped"


@pytest.mark.parametrize("name", sorted({case[0] for case in REFUSED}))
def test_invalid_utf8_gets_a_clear_answer_not_an_error(city, world, name):
    persona, arguments = next((case[1], case[2]) for case in REFUSED if case[0] == name)
    path = path_for(name, arguments, world)
    before = stored_contents()
    # Every name the view reads, each with bytes that are no UTF-8.
    fields = sorted(names_read(name)) or ["x"]
    body = "&".join(f"{field}=%FF%FE%C3%28" for field in fields).encode() + b"&extra=\xff\xfe"
    response = client_for(city, persona).post(path, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "Dit formulier kunnen we niet lezen" in response.content.decode()
    assert "Er is niets bewaard of gewijzigd." in response.content.decode()
    assert stored_contents() == before


def test_an_xss_question_is_stored_verbatim_and_shown_inert_everywhere(city, as_employee, as_chef, as_integrity):
    as_employee.post(reverse("advice:ask"), {"subject": XSS, "body": XSS, "channel": "blog"})
    question = Question.objects.get(subject=XSS)
    assert question.body == XSS
    for client, url in [
        (as_employee, reverse("advice:question_detail", args=[question.pk])),
        (as_employee, reverse("advice:my_questions")),
        (as_chef, reverse("advice:manager_inbox")),
        (as_chef, reverse("advice:question_detail", args=[question.pk])),
    ]:
        page = client.get(url).content.decode()
        assert XSS not in page and "&lt;script&gt;" in page, url


def test_hostile_names_from_the_hr_file_are_inert_on_team_and_compliance_pages(city, world, as_editor):
    make_person("hostile", unit=city.team_a, manager=city.chef, first_name=XSS, last_name='"><svg onload=alert(1)>')
    chef_page = Client()
    chef_page.force_login(city.chef)
    pages = [
        chef_page.get(reverse("codeofconduct:team")).content.decode(),
        as_editor.get(
            reverse("codeofconduct:compliance") + f"?eenheid={city.team_a.code}&status=open"
        ).content.decode(),
    ]
    for page in pages:
        assert XSS not in page and "<svg onload" not in page
        assert "&lt;script&gt;" in page


def test_hostile_query_strings_on_read_pages_are_inert(as_editor, world):
    current = world["objects"]["current"]
    for url in [
        reverse("codeofconduct:search") + "?q=" + XSS,
        reverse("codeofconduct:search") + "?q=" + LONG[:5000],
        reverse("codeofconduct:compliance") + "?versie=abc&eenheid=<script>&status=<b>&pagina=-1",
        reverse("codeofconduct:compliance_export", args=[current.pk]) + "?soort=<x>&formaat=<y>",
        reverse("codeofconduct:compare", args=[current.policy.slug]) + "?oud=abc&nieuw=<script>",
        # The queue's filter names, from its form: a name it does not read would test nothing.
        reverse("advice:bureau_queue") + "?" + "&".join(f"{name}=<script>" for name in QueueFilterForm.base_fields),
        reverse("advice:bureau_queue") + "?pagina=-1",
    ]:
        response = as_editor.get(url)
        assert response.status_code in (200, 400, 403, 404), url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert XSS not in body.decode(errors="replace")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=300).filter(lambda value: value.strip() and "\x00" not in value))
def test_any_answer_text_is_stored_verbatim_and_rendered_escaped(city, world, text):
    question = world["objects"]["asked"]
    client_for(city, "integrity").post(
        reverse("advice:question_step", args=[question.pk, "bureau_note"]), {"text": text}
    )
    note = question.events.order_by("-pk").first()
    assert note.text == text.strip()
    page = client_for(city, "integrity").get(reverse("advice:question_detail", args=[question.pk])).content.decode()
    main = page.split("<main", 1)[1].split("</main>")[0]
    assert "<script" not in main
    if not any(char in note.text for char in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
        assert escape(note.text) in main  # shown, escaped (line breaks would become <br>)


def test_a_draft_body_with_scripts_is_stored_but_rendered_inert(as_editor, world):
    draft = world["objects"]["draft"]
    data = {field: getattr(draft, field) or "" for field in ["nummer", "van", "rubriek", "titel", "vervangt"]}
    data.update(
        datum=draft.datum.isoformat(),
        body=f"## 1. Context\n\n{XSS} [klik](javascript:alert(1))",
        audience_all_staff="on",
    )
    as_editor.post(reverse("codeofconduct:draft_edit", args=[draft.pk]), data)
    draft.refresh_from_db()
    assert XSS in draft.body
    preview = as_editor.get(reverse("codeofconduct:draft_preview", args=[draft.pk])).content.decode()
    assert "<script>alert" not in preview and "onerror=" not in preview and "javascript:" not in preview
    assert PolicyVersion.objects.filter(pk=draft.pk, status=PolicyVersion.Status.DRAFT).exists()


def test_a_hostile_chef_name_is_escaped_in_the_reminder_mail(city, world, mailoutbox):
    city.chef.first_name = XSS
    city.chef.save()
    current = world["objects"]["current"]
    mailoutbox.clear()  # the advice notifications of the world's questions
    client_for(city, "chef").post(reverse("codeofconduct:team_remind", args=[current.pk]))
    assert mailoutbox, "the reminder was sent"
    html = mailoutbox[0].alternatives[0][0]
    assert XSS not in html and "&lt;script&gt;" in html


# Defects these tests found, fixed in the app (each once a 500 or a silent no-op).
@pytest.mark.parametrize("url_name", ["codeofconduct:team", "codeofconduct:compliance"])
def test_a_version_id_of_unicode_digits_is_not_a_server_error(city, world, url_name):
    persona = "chef" if url_name == "codeofconduct:team" else "editor"
    for value in ["²", "١٢", "9" * 30]:
        response = client_for(city, persona).get(reverse(url_name) + f"?versie={value}")
        assert response.status_code in (200, 404), value


def test_a_step_with_an_over_long_text_is_not_taken(city, world, mailoutbox):
    question = world["objects"]["asked"]
    before = stored_contents()
    response = client_for(city, "employee").post(
        reverse("advice:question_step", args=[question.pk, "asker_withdraw"]), {"text": LONG}, follow=True
    )
    assert stored_contents() == before
    question.refresh_from_db()
    assert question.state != "ingetrokken"
    assert "5000" in response.content.decode()


@pytest.mark.parametrize("url_name", ["codeofconduct:draft_edit", "codeofconduct:publish", "codeofconduct:withdraw"])
def test_an_empty_post_says_which_fields_are_missing(city, world, url_name):
    target = world["objects"]["current" if url_name == "codeofconduct:withdraw" else "draft"]
    response = client_for(city, "editor").post(reverse(url_name, args=[target.pk]), {})
    assert response.status_code == 200
    assert "_error" in response.content.decode()  # a field error, linked to its field


def test_a_nul_in_the_search_is_no_server_error(city, world):
    assert client_for(city, "employee").get(reverse("codeofconduct:search") + "?q=a%00b").status_code == 200


def test_an_overlong_sign_in_name_is_a_form_error(city):
    response = Client().post(reverse("login"), {"username": "x" * 10_000, "password": "x"})
    assert response.status_code == 200
    assert "id_username_error" in response.content.decode()


@pytest.mark.parametrize(
    "password",
    [
        "d" * 1_000_000,  # a megabyte: refused before it reaches the password hasher
        "demo" + "\x00",
        "demo\x00" * 300,
    ],
    ids=["a megabyte", "NUL", "many NULs"],
)
def test_an_absurd_password_at_sign_in_is_a_clear_form_error(city, password):
    from django.contrib import auth

    from organisation.models import SignInFailure

    client = Client()
    response = client.post(reverse("login"), {"username": "medewerker", "password": password})
    assert response.status_code == 200
    text = response.content.decode()
    assert "id_password_error" in text
    assert "Aanmelden" in text and "Enkel voor intern gebruik" in text
    assert not auth.get_user(response.wsgi_request).is_authenticated
    # Refused by the form: not a guess of the password, so nobody's lock-out moves.
    assert not SignInFailure.objects.exists()


def test_a_password_of_any_plausible_length_still_signs_in(city):
    long_password = "Een lange zin als wachtwoord is prima. " * 25  # about 1,000 characters
    city.employee.set_password(long_password)
    city.employee.save()
    response = Client().post(reverse("login"), {"username": "medewerker", "password": long_password})
    assert response.status_code == 302


def test_forged_ids_in_an_admin_action_change_nothing(city):
    before = stored_contents()
    response = client_for(city, "admin").post(
        "/beheer/organisation/person/", {"action": "deactivate", "_selected_action": ["abc", "²"]}, follow=True
    )
    assert response.status_code == 200
    assert stored_contents() == before


# --- The admin's forms ------------------------------------------------------------------------------
# (model, the record changed (a persona) or None to add one, form data, what the beheerder reads).
# Person keys in the data ("chef") become that person's id. Names come from the admin's own form.
ADMIN_REFUSED = [
    # Units have no admin form: the HR import alone writes the tree (tests/organisation/test_admin_tree.py).
    # An imported person's HR fields are read-only too; a local account (no personeelsnummer) keeps them.
    (
        "organisation.person",
        "local account",
        {"username": "medewerker", "email": "geen-adres", "first_name": NUL, "personeelsnummer": LONG},
        {"email": "Voer een geldig e-mailadres in.", "first_name": NO_NUL, "personeelsnummer": TOO_LONG},
    ),
    (
        "organisation.accessgrant",
        None,
        {"kind": "plaatsvervanger", "person": "employee", "manager": "chef", "reason": "Verlof"},
        {"starts_on": "Geef de eerste dag van de periode.", "ends_on": "Geef de laatste dag van de periode."},
    ),
    (
        "organisation.accessgrant",
        None,
        {"kind": XSS, "person": "999999", "reason": LONG},
        {"kind": NOT_A_CHOICE, "person": "Selecteer een geldige keuze", "reason": TOO_LONG},
    ),
    (
        "organisation.accessgrant",
        None,
        {"kind": "integriteit", "person": "integrity", "reason": "Nog eens"},
        {"person": "Deze persoon heeft de rol Bureau voor Integriteit al."},
    ),
    (
        "organisation.accessgrant",
        None,
        {
            "kind": "plaatsvervanger",
            "person": "chef",
            "manager": "chef",
            "starts_on": "2026-03-02",
            "ends_on": "2026-03-01",
            "reason": "x",
        },
        {
            "manager": "Iemand kan niet zijn eigen plaatsvervanger zijn.",
            "ends_on": "De laatste dag ligt voor de eerste.",
        },
    ),
]


def admin_form_names(city, label, obj=None) -> set[str]:
    """The names the admin's form for `label` reads, asked from the admin itself."""
    from django.contrib import admin
    from django.test import RequestFactory

    model = apps.get_model(label)
    request = RequestFactory().get("/beheer/")
    request.user = city.admin
    return set(admin.site._registry[model].get_form(request, obj).base_fields)


def admin_data(city, data):
    people = {"employee": city.employee, "chef": city.chef, "integrity": city.integrity}
    return {key: people[value].pk if value in people else value for key, value in data.items()}


@pytest.mark.parametrize(("label", "changed", "data", "expected"), ADMIN_REFUSED, ids=lambda value: str(value)[:40])
def test_hostile_input_in_the_admin_is_refused_with_a_clear_message_and_changes_nothing(
    city, world, label, changed, data, expected
):
    app_label, model_name = label.split(".")
    if changed == "local account":
        obj = make_person("lokaal", personeelsnummer=None)
    else:
        obj = getattr(city, changed) if changed else None
    assert set(data) <= admin_form_names(city, label, obj), "a name the admin's form does not read"
    if obj is None:
        path = reverse(f"admin:{app_label}_{model_name}_add")
    else:
        path = reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk])
    before = stored_contents()
    response = client_for(city, "admin").post(path, admin_data(city, data), follow=True)
    assert response.status_code == 200
    reads(response, expected)
    assert "Corrigeer de onderstaande fout" in response.content.decode()  # the admin's note above the form
    assert stored_contents() == before
    assert XSS not in response.content.decode(errors="replace"), "a payload came back unescaped"


def test_the_admin_refuses_to_make_a_plaatsvervanger_period_directly(city, world):
    before = stored_contents()
    response = client_for(city, "admin").post(
        reverse("admin:organisation_deputy_add"),
        {"manager": city.chef.pk, "deputy": city.colleague.pk, "starts_on": "2026-03-02", "ends_on": "2026-03-13"},
    )
    assert response.status_code == 403
    assert stored_contents() == before
