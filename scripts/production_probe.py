"""Use a production install as its users and its load balancer do: through nginx, and straight at gunicorn.

    python3 scripts/production_probe.py --host gedragscode.antwerpen.be --https 18443 --http 18080 \
        --app 18000 --username beheerder --password ...

Called by scripts/production_install_check.sh after the install. Standard library only (it runs
beside the install, not in it; scripts/harness.py, whose checklist it uses, is standard library too).
Exit code 0 when every check holds; each failure is printed.
"""

import argparse
import http.client
import json
import re
import ssl
import sys
from urllib.parse import urlencode

from harness import CSRF_INPUT, Checklist

VENDOR_CSS = re.compile(r'href="(/static/vendor/core-branding/main\.min\.[0-9a-f]{12}\.css)"')


class Browser:
    """One person's browser: cookies kept, every request to one address with the real host name."""

    def __init__(self, port: int, host: str, tls: bool, extra_headers=None):
        self.port, self.host, self.tls = port, host, tls
        self.cookies: dict[str, str] = {}
        self.set_cookie_lines: list[str] = []
        self.extra_headers = extra_headers or {}

    def request(self, method, path, form=None, headers=None):
        if self.tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE  # the check's own self-signed certificate
            connection = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=30, context=context)
        else:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        scheme = "https" if self.tls else "http"
        sent = {"Host": self.host, **self.extra_headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = f"{scheme}://{self.host}"
            sent["Referer"] = f"{scheme}://{self.host}{path}"
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                self.set_cookie_lines.append(value)
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        connection.close()
        return response, text


def sign_in(browser: Browser, username: str, password: str):
    _, page = browser.request("GET", "/accounts/login/")
    token = CSRF_INPUT.search(page)
    form = {"csrfmiddlewaretoken": token.group(1) if token else "", "username": username, "password": password}
    return browser.request("POST", "/accounts/login/", form=form)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--https", type=int, required=True, help="nginx's TLS port")
    parser.add_argument("--http", type=int, required=True, help="nginx's plain HTTP port")
    parser.add_argument("--app", type=int, required=True, help="gunicorn's port")
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--sso-header", default="X-Remote-User")
    args = parser.parse_args()
    probe = Checklist()

    print("Through nginx over HTTPS, as a person:")
    person = Browser(args.https, args.host, tls=True)
    response, page = person.request("GET", "/accounts/login/")
    probe.check(response.status == 200, "the login page answers 200", str(response.status))
    probe.check("max-age=" in (response.getheader("Strict-Transport-Security") or ""), "HSTS is sent")
    css = VENDOR_CSS.search(page)
    probe.check(css is not None, "the page links the built Core Branding stylesheet by its hashed name")
    if css:
        response, body = person.request("GET", css.group(1))
        probe.check(
            response.status == 200 and "text/css" in (response.getheader("Content-Type") or "") and len(body) > 10_000,
            "the stylesheet is served (WhiteNoise, collected)",
            f"{response.status} {len(body)} bytes",
        )
    response, _ = person.request("GET", "/static/vendor/axe-core/axe.min.js")
    probe.check(response.status == 404, "no test-only package is served (axe-core: 404)", str(response.status))

    response, _ = sign_in(person, args.username, args.password)
    probe.check(
        response.status == 302 and response.getheader("Location") == "/",
        "the first beheerder signs in",
        f"{response.status} {response.getheader('Location')}",
    )
    session_cookie = next((line for line in person.set_cookie_lines if line.startswith("sessionid=")), "")
    probe.check(
        "Secure" in session_cookie and "HttpOnly" in session_cookie, "the session cookie is Secure and HttpOnly"
    )
    for path, what in (("/", "Aangemeld als"), ("/gedragscode/", "Gedragscode"), ("/beheer/", "Beheer")):
        response, page = person.request("GET", path)
        probe.check(response.status == 200 and what in page, f"{path} answers 200 with its page", str(response.status))

    print("The sign-on header from a client:")
    forger = Browser(args.https, args.host, tls=True, extra_headers={args.sso_header: args.username})
    response, _ = forger.request("GET", "/")
    probe.check(
        response.status == 302 and "/accounts/login/" in (response.getheader("Location") or ""),
        f"through nginx, a client's own {args.sso_header} signs nobody in",
        f"{response.status} {response.getheader('Location')}",
    )
    bypass = Browser(args.app, args.host, tls=False, extra_headers={args.sso_header: args.username})
    response, _ = bypass.request("GET", "/", headers={"X-Forwarded-Proto": "https"})
    probe.check(
        response.status == 200,
        f"(the header does sign in when it reaches the app: nginx's stripping is what protects it; {response.status})",
    )

    print("Plain HTTP through nginx, as the load balancer and a typed address:")
    balancer = Browser(args.http, args.host, tls=False)
    response, body = balancer.request("GET", "/healthz")
    probe.check(response.status == 200 and json.loads(body)["status"] == "ok", "/healthz answers 200 ok", body)
    response, _ = balancer.request("GET", "/gedragscode/")
    probe.check(
        response.status == 301 and response.getheader("Location") == f"https://{args.host}/gedragscode/",
        "any other page redirects to HTTPS",
        f"{response.status} {response.getheader('Location')}",
    )

    print("Straight at gunicorn, by address (a load balancer's probe of one server):")
    balancer = Browser(args.app, f"127.0.0.1:{args.app}", tls=False)
    response, body = balancer.request("GET", "/healthz")
    probe.check(response.status == 200 and json.loads(body)["database"] == "up", "/healthz answers 200 over HTTP", body)
    direct = Browser(args.app, args.host, tls=False)
    response, _ = direct.request("GET", "/gedragscode/", headers={"X-Forwarded-Proto": "https"})
    probe.check(
        response.status == 302 and "/accounts/login/" in (response.getheader("Location") or ""),
        "a page with X-Forwarded-Proto: https is served, not redirected",
        f"{response.status} {response.getheader('Location')}",
    )

    print(f"\n{probe.passed} checks passed, {len(probe.failures)} failed")
    return 1 if probe.failures else 0


if __name__ == "__main__":
    sys.exit(main())
