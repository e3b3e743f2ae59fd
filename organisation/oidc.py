"""Sign-in with the city account through the city's OpenID Connect provider (docs/sign-in.md).

Authlib does the protocol: discovery, the authorization code flow with PKCE (S256), state and
nonce kept in the session, the code exchanged at the token endpoint, the ID token's signature
checked against the provider's published keys (fetched again when a key id is unknown, so key
rotation works). This module adds what the app decides: the issuer and audience it expects (Authlib
checks the audience only through `azp` unless told, so both are passed explicitly), the clock skew
it tolerates, who the token names (one claim, matched against people from the HR import: nobody is
created and roles never come from the token), and a clear, logged reason for every refusal.
"""

import enum
import logging

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from joserfc.errors import JoseError

logger = logging.getLogger("organisation.sign_in")

BACKEND = "organisation.backends.OpenIDConnectBackend"
ID_HINT_SESSION_KEY = "_oidc_id_hint"
NEXT_SESSION_KEY = "_oidc_next"
# Provider answers that mean the person stopped or refused, not that something broke.
CANCELLED_ERRORS = {"access_denied", "login_required", "consent_required", "interaction_required"}


class Refusal(enum.Enum):
    """Why a sign-in through the provider did not sign anyone in: the page, its status and its log line."""

    CANCELLED = ("cancelled", 400, _("Je hebt het aanmelden bij de stad afgebroken of geen toestemming gegeven."))
    STATE = (
        "state",
        400,
        _("Deze aanmelding hoort niet bij deze browser of duurde te lang. Begin opnieuw met aanmelden."),
    )
    CODE = ("code", 400, _("De aanmeldcode van de stad is verlopen of werd al gebruikt. Begin opnieuw met aanmelden."))
    TOKEN = (
        "token",
        400,
        _(
            "Het aanmeldbewijs van de stad kon niet worden bevestigd. Begin opnieuw; lukt het dan nog niet, meld het aan de servicedesk."
        ),
    )
    UNKNOWN_PERSON = (
        "unknown_person",
        403,
        _("Je stadsaccount is niet gekend in deze toepassing. Vraag de servicedesk om je gegevens na te kijken."),
    )
    INACTIVE = ("inactive", 403, _("Je account in deze toepassing is niet meer actief."))
    UNREACHABLE = (
        "unreachable",
        502,
        _("De aanmelddienst van de stad is nu niet bereikbaar. Probeer het over enkele minuten opnieuw."),
    )
    PROVIDER = (
        "provider",
        502,
        _("De aanmelddienst van de stad meldt een fout. Probeer het over enkele minuten opnieuw."),
    )

    def __init__(self, code, status, message):
        self.code = code
        self.status = status
        self.message = message


class SignInRefused(Exception):
    def __init__(self, refusal: Refusal, detail: str = ""):
        super().__init__(f"{refusal.code}: {detail}")
        self.refusal = refusal
        self.detail = detail


_clients = {}


def _client():
    """The Authlib client for the current settings (tests change them), with its metadata cached."""
    discovery = settings.OIDC_DISCOVERY_URL or settings.OIDC_ISSUER.rstrip("/") + "/.well-known/openid-configuration"
    key = (discovery, settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET, settings.OIDC_SCOPES)
    if key not in _clients:
        registry = OAuth()
        _clients[key] = registry.register(
            "city",
            client_id=settings.OIDC_CLIENT_ID,
            client_secret=settings.OIDC_CLIENT_SECRET,
            server_metadata_url=discovery,
            client_kwargs={
                "scope": settings.OIDC_SCOPES,
                "code_challenge_method": "S256",
                "default_timeout": settings.OIDC_TIMEOUT_SECONDS,
            },
        )
    return _clients[key]


def _metadata(client):
    """The provider's published configuration, refused when it names another issuer than configured."""
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as error:
        raise SignInRefused(Refusal.UNREACHABLE, f"discovery: {type(error).__name__}") from error
    expected = settings.OIDC_ISSUER or metadata.get("issuer")
    if metadata.get("issuer") != expected:
        raise SignInRefused(
            Refusal.PROVIDER, f"discovery names issuer {metadata.get('issuer')!r}, expected {expected!r}"
        )
    return metadata


def start(request, next_url: str):
    """Send the browser to the provider; state, nonce and the PKCE verifier stay in the session."""
    client = _client()
    _metadata(client)
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[NEXT_SESSION_KEY] = next_url
    else:
        request.session.pop(NEXT_SESSION_KEY, None)
    try:
        return client.authorize_redirect(request, request.build_absolute_uri(reverse("oidc_callback")))
    except (requests.RequestException, ValueError) as error:
        raise SignInRefused(Refusal.UNREACHABLE, f"authorize: {type(error).__name__}") from error


def complete(request) -> str:
    """Handle the provider's answer: sign the person in and return where to go next, or refuse."""
    error = request.GET.get("error")
    if error:
        refusal = Refusal.CANCELLED if error in CANCELLED_ERRORS else Refusal.PROVIDER
        raise SignInRefused(refusal, f"provider answered {error!r}")
    client = _client()
    metadata = _metadata(client)
    try:
        token = client.authorize_access_token(
            request,
            claims_options={
                "iss": {"essential": True, "value": settings.OIDC_ISSUER or metadata["issuer"]},
                "aud": {"essential": True, "value": settings.OIDC_CLIENT_ID},
            },
            leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
        )
    except MismatchingStateError as error:
        raise SignInRefused(Refusal.STATE, "state not issued by this session") from error
    except OAuthError as error:
        raise SignInRefused(Refusal.CODE, f"token endpoint: {error.error}") from error
    except JoseError as error:
        raise SignInRefused(Refusal.TOKEN, f"ID token: {type(error).__name__}: {error}") from error
    except (requests.RequestException, ValueError) as error:
        raise SignInRefused(Refusal.UNREACHABLE, f"token: {type(error).__name__}") from error
    claims = token.get("userinfo")
    if not claims:
        raise SignInRefused(Refusal.TOKEN, "no ID token in the token response")
    person = _person_named_by(claims)
    auth.login(request, person, backend=BACKEND)
    request.session[ID_HINT_SESSION_KEY] = token["id_token"]
    logger.info("Signed in through OpenID Connect: person %s", person.pk)
    return request.session.pop(NEXT_SESSION_KEY, None) or reverse(settings.LOGIN_REDIRECT_URL)


def _person_named_by(claims):
    """The person from the HR import that the configured claim names; never created, never changed."""
    value = claims.get(settings.OIDC_PERSON_CLAIM)
    if not isinstance(value, str) or not value.strip() or "\x00" in value or len(value) > 254:
        raise SignInRefused(Refusal.UNKNOWN_PERSON, f"claim {settings.OIDC_PERSON_CLAIM!r} missing or unusable")
    field = "email__iexact" if settings.OIDC_PERSON_FIELD == "email" else "personeelsnummer"
    matches = list(get_user_model()._default_manager.filter(**{field: value.strip()})[:2])
    if len(matches) != 1:
        raise SignInRefused(Refusal.UNKNOWN_PERSON, f"{settings.OIDC_PERSON_CLAIM} names {len(matches)} people")
    person = matches[0]
    if not person.is_active:
        raise SignInRefused(Refusal.INACTIVE, f"person {person.pk} is deactivated")
    return person


def provider_logout(request, id_token: str):
    """Where to end the session at the provider too (RP-initiated logout), or None when it offers no way."""
    try:
        metadata = _metadata(_client())
    except SignInRefused as refused:
        logger.warning("Signed out here only: the provider could not be asked (%s)", refused.detail)
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    result = _client().create_logout_url(
        post_logout_redirect_uri=request.build_absolute_uri(reverse("signed_out")),
        id_token_hint=id_token,
        client_id=settings.OIDC_CLIENT_ID,
    )
    return HttpResponseRedirect(result["url"])
