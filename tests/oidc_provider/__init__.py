"""A real OpenID Connect provider for the tests: django-oauth-toolkit in its OIDC provider mode.

It runs as its own Django project in its own process on loopback (`serve.py`), with its own
database, signing keys, users and login page, exactly as a city's identity platform would stand
beside the app. The tests drive it over HTTP only: `/_test/reset` installs users and the app's client
registration, `/_test/fault` makes the next ID tokens misbehave (wrong audience or issuer, expired,
badly signed, another nonce) the way a compromised or misconfigured provider would. Those two
endpoints exist only in this test project and need the token given at start-up.
"""
