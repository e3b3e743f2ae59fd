"""Pytest fixtures: the test provider in its own process, and the app configured to use it."""

import os
import re
import secrets
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "gedragscode"
CLIENT_SECRET = "a-secret-only-these-tests-know"
PASSWORD = "stadsaccount"


@dataclass
class Provider:
    url: str
    token: str
    process: subprocess.Popen
    log: Path

    @property
    def issuer(self):
        return f"{self.url}/o"

    def control(self, path, payload):
        response = requests.post(
            f"{self.url}/_test/{path}", json=payload, headers={"X-Test-Token": self.token}, timeout=10
        )
        response.raise_for_status()

    def fault(self, kind=None, **details):
        self.control("fault", {"fault": kind, **details} if kind else {})


@pytest.fixture(scope="session")
def oidc_provider():
    folder = Path(tempfile.mkdtemp(prefix="oidc-provider-"))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    token = secrets.token_urlsafe(24)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "TEST_PROVIDER_SECRET": secrets.token_urlsafe(32),
        "TEST_PROVIDER_DB": str(folder / "provider.sqlite3"),
        "TEST_PROVIDER_KEY": str(folder / "key.pem"),
        "TEST_PROVIDER_TOKEN": token,
    }
    env.pop("DATABASE_URL", None)
    log = folder / "provider.log"
    with log.open("w") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc_provider.serve"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
    line = process.stdout.readline()
    if not line.startswith("READY "):
        process.kill()
        pytest.fail(f"The test OpenID Connect provider did not start: {log.read_text()}")
    provider = Provider(f"http://127.0.0.1:{int(line.split()[1])}", token, process, log)
    yield provider
    process.terminate()
    process.wait(timeout=10)


@dataclass
class SignInAtProvider:
    """A person's browser at the provider, driven over HTTP with its own cookies (no app involved)."""

    provider: Provider
    session: requests.Session = field(default_factory=requests.Session)

    def authorize(self, authorize_url, username, password=PASSWORD, consent=None):
        """Follow the app's redirect to the provider, sign in there; return the URL it sends back to the app."""
        response = self.session.get(authorize_url, allow_redirects=False, timeout=10)
        if response.status_code == 302 and response.headers["Location"].startswith("/login/"):
            login_url = urljoin(self.provider.url, response.headers["Location"])
            form = self.session.get(login_url, timeout=10)
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
            response = self.session.post(
                login_url,
                data={
                    "username": username,
                    "password": password,
                    "csrfmiddlewaretoken": csrf,
                    "next": parse_qs(urlsplit(login_url).query)["next"][0],
                },
                allow_redirects=False,
                timeout=10,
            )
            response = self.session.get(
                urljoin(self.provider.url, response.headers["Location"]), allow_redirects=False, timeout=10
            )
        if consent is not None:
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)
            hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', response.text))
            data = {**hidden, "csrfmiddlewaretoken": csrf}
            if consent:
                data["allow"] = "Authorize"
            response = self.session.post(response.url, data=data, allow_redirects=False, timeout=10)
        assert response.status_code == 302, f"the provider answered {response.status_code}: {response.text[:500]}"
        return response.headers["Location"]


def city_accounts(city):
    """The city's people as the provider knows them (its own accounts, e-mail and personeelsnummer)."""
    people = [city.employee, city.chef, city.colleague, city.admin]
    users = [
        {
            "username": person.username,
            "email": person.email,
            "password": PASSWORD,
            "claims": {"personeelsnummer": person.personeelsnummer},
        }
        for person in people
    ]
    users.append(
        {
            "username": "vreemde",
            "email": "vreemde@stad.antwerpen.be",
            "password": PASSWORD,
            "claims": {"personeelsnummer": "X999999"},
        }
    )
    return users


@pytest.fixture
def oidc(oidc_provider, city, settings):
    """The app signs in through the test provider; the provider knows the city's people and one stranger."""

    def reset(app_url="http://testserver", **client):
        oidc_provider.control(
            "reset",
            {
                "now": timezone.now().isoformat(),
                "users": city_accounts(city),
                "client": {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": [f"{app_url}/accounts/stadsaccount/terug/"],
                    "post_logout_redirect_uris": [f"{app_url}/accounts/afgemeld/"],
                    **client,
                },
            },
        )

    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_DISCOVERY_URL = ""
    settings.OIDC_ENABLED = True
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_SCOPES = "openid email profile"
    settings.OIDC_PERSON_CLAIM = "email"
    settings.OIDC_PERSON_FIELD = "email"
    settings.OIDC_CLOCK_SKEW_SECONDS = 60
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": [*settings.SECURE_CSP["form-action"], oidc_provider.url],
    }
    reset()
    oidc_provider.reset = reset
    yield oidc_provider
    oidc_provider.fault()
