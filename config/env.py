"""Small helpers that read settings from the environment and fail loudly on nonsense."""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT_KINDS = ("development", "production")


def environment_kind() -> str:
    """ "development" or "production", as the environment says; refuses to guess.

    `DJANGO_ENV` says it (the production environment file sets `production`; `make` and the test
    settings set `development`). An explicit `DEBUG=0` or `DEBUG=1` without it is read the same way.
    With neither, the process was started without its configuration: it stops here, loudly.
    """
    kind = os.environ.get("DJANGO_ENV", "").strip().lower()
    if kind:
        if kind not in ENVIRONMENT_KINDS:
            raise ImproperlyConfigured(f"DJANGO_ENV must be 'development' or 'production', not {kind!r}.")
        return kind
    if os.environ.get("DEBUG", "").strip():
        return "development" if env_bool("DEBUG", default=False) else "production"
    raise ImproperlyConfigured(
        "No configuration: DJANGO_ENV is not set. In production, start with the environment file "
        "(/etc/gedragscode/gedragscode.env, see docs/operations.md; the systemd units and "
        "gedragscode-manage read it). On a development machine, set DJANGO_ENV=development "
        "(make run and make test do)."
    )
