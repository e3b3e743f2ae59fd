"""Test speed-ups on top of the real settings: fast hashing, in-memory mail and cache."""

import os

# The test suite is a development environment by declaration (config.env.environment_kind).
os.environ.setdefault("DJANGO_ENV", "development")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# The live server of the browser tests serves static files straight from the source folders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# A file, not memory: the live server of the browser tests then reads the test database from its
# own threads and connections, as a real server does.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test.sqlite3")}  # noqa: F405
# Queued mail is sent in-process at once, so a test of a feature sees its mail in mail.outbox; the tests
# of the outbox itself (tests/jobs/) switch this off and run the real worker.
MAIL_SEND_IMMEDIATELY = True
