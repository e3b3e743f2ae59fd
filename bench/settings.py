"""Production settings plus the benchmark's floor view; mail goes nowhere (the reminder job is timed, not delivered)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
