"""Settings for the social media code of conduct intranet app.

Everything that differs between machines comes from the environment (docs/operations.md, "Configuration").
Development is never assumed: DJANGO_ENV=development (set by make and the test settings) runs on a
SQLite file under var/; without it, or the production environment file, the settings refuse to load.
"""

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.env import env, env_bool, env_int, env_list, environment_kind

BASE_DIR = Path(__file__).resolve().parent.parent

# Development is never assumed: a command or server started without the production environment file
# would otherwise run in debug mode on a new SQLite file (docs/operations.md, "Configuration").
DJANGO_ENV = environment_kind()
DEBUG = env_bool("DEBUG", default=DJANGO_ENV == "development")
if DEBUG and DJANGO_ENV == "production":
    raise ImproperlyConfigured("DEBUG=1 is refused with DJANGO_ENV=production.")

SECRET_KEY = env("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-key-never-used-in-production-0123456789abcdef"  # noqa: S105  # nosec B105
# Rotation: the previous key(s) keep sessions and password-reset links valid while the new one takes over.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "config.apps.BeheerAdminConfig",
    "config.apps.OperationsConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "jobs",
    "organisation",
    "codeofconduct",
    "advice",
]

MIDDLEWARE = [
    # First: the load balancer's /healthz over plain HTTP, before the HTTPS redirect and host check.
    "config.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "organisation.middleware.SessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Before anything loads the signed-in person: what their query reads may depend on the page.
    "organisation.middleware.CurrentRequestMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "organisation.middleware.TrustedHeaderMiddleware",
    "organisation.middleware.SignInAgainMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view or the CSRF check reads the form: bytes that are no UTF-8 are refused, not guessed.
    "config.middleware.UndecodableFormMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "organisation.middleware.PrivatePagesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # Django's own loaders, cached as by default, with each template's fixed wording written
            # once per language (config/template_loader.py).
            "loaders": [
                (
                    "config.template_loader.Loader",
                    ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "organisation.context_processors.roles",
                "codeofconduct.context_processors.to_read",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
if not DEBUG and not env("DATABASE_URL", ""):
    # Never a new, empty SQLite file in production: that is how a forgotten configuration hides.
    raise ImproperlyConfigured("DATABASE_URL must be set when DEBUG is off.")
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer fails a request within seconds (a 503 page) instead of hanging it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5))
    # Parameters bound on the server, and a statement prepared the fifth time a connection runs it:
    # PostgreSQL then plans each page's fixed queries once per connection, not on every request
    # (planning was most of their time: docs/performance.md). Off (DB_SERVER_SIDE_BINDING=off) behind
    # a pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
    if env_bool("DB_SERVER_SIDE_BINDING", default=True):
        DATABASES["default"]["OPTIONS"].update({"server_side_binding": True, "prepare_threshold": 5})
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    # Wait for a writer instead of failing at once: the dev server and tests write concurrently.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions ---------------------------------------------------------------------------
CACHE_URL = env("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    # Redis is an accelerator, never a single point of failure (config/cache.py): when it does not
    # answer within the timeout, the cache is skipped and sessions come from the database.
    CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    # Sessions are read from the shared cache (no query per page) and written through to the
    # database, so a restart of Redis signs nobody out. Never with a per-process cache: a logout in one
    # process would not reach the others' copies.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_HOURS", 8) * 3600
# Requests renew the session (organisation.middleware.SessionRenewalMiddleware), at most once every
# SESSION_RENEW_SECONDS, so the age above is an inactivity timeout without a write on every page.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = env_int("SESSION_RENEW_SECONDS", 300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = False

# --- Authentication -------------------------------------------------------------------------------
AUTH_USER_MODEL = "organisation.Person"
AUTHENTICATION_BACKENDS = [
    "organisation.backends.EmailOrUsernameBackend",
    "organisation.backends.TrustedHeaderBackend",
    "organisation.backends.OpenIDConnectBackend",
]
LOGIN_URL = "login"
# A failed CSRF check (a page left open across a new sign-in) gets a page that says what to do.
CSRF_FAILURE_VIEW = "organisation.views.csrf_failure"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Single sign-on: the city's proxy authenticates and passes the username in a header. Off unless set.
SSO_TRUSTED_HEADER = env("SSO_TRUSTED_HEADER", "")
# Sign-in with the city account through the city's OpenID Connect provider (docs/sign-in.md). Off
# unless an issuer (or a discovery URL) is set.
OIDC_ISSUER = env("OIDC_ISSUER", "")
OIDC_DISCOVERY_URL = env("OIDC_DISCOVERY_URL", "")
OIDC_ENABLED = bool(OIDC_ISSUER or OIDC_DISCOVERY_URL)
OIDC_CLIENT_ID = env("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = env("OIDC_CLIENT_SECRET", "")
OIDC_SCOPES = env("OIDC_SCOPES", "openid email profile")
# The claim that names the person, and the field of the HR import it is matched against.
OIDC_PERSON_CLAIM = env("OIDC_PERSON_CLAIM", "email")
OIDC_PERSON_FIELD = env("OIDC_PERSON_FIELD", "email")
OIDC_CLOCK_SKEW_SECONDS = env_int("OIDC_CLOCK_SKEW_SECONDS", 60)
OIDC_TIMEOUT_SECONDS = env_int("OIDC_TIMEOUT_SECONDS", 10)
# The browser is sent to the provider after a form (sign-in and sign-out buttons), so the
# Content-Security-Policy's form-action must allow the provider's origin (by default the issuer's).
OIDC_PROVIDER_ORIGINS = env_list(
    "OIDC_PROVIDER_ORIGINS", "{0.scheme}://{0.netloc}".format(urlsplit(OIDC_ISSUER or OIDC_DISCOVERY_URL))
)
if OIDC_ENABLED:
    if SSO_TRUSTED_HEADER:
        raise ImproperlyConfigured(
            "SSO_TRUSTED_HEADER and OIDC_ISSUER/OIDC_DISCOVERY_URL are both set: choose one way of single "
            "sign-on. Behind the sign-on proxy unset the OIDC_* variables; with OpenID Connect unset "
            "SSO_TRUSTED_HEADER (and make sure no proxy passes that header)."
        )
    if not (OIDC_CLIENT_ID and OIDC_CLIENT_SECRET):
        raise ImproperlyConfigured("OpenID Connect needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET.")
    if "openid" not in OIDC_SCOPES.split():
        raise ImproperlyConfigured(f"OIDC_SCOPES must include 'openid', not {OIDC_SCOPES!r}.")
    if OIDC_PERSON_FIELD not in {"email", "personeelsnummer"}:
        raise ImproperlyConfigured(f"OIDC_PERSON_FIELD must be email or personeelsnummer, not {OIDC_PERSON_FIELD!r}.")
# Who may sign in with a password: everyone ("on"), only beheerders' break-glass accounts
# ("break-glass"), or nobody ("off"). See docs/sign-in.md.
LOCAL_SIGN_IN = env("LOCAL_SIGN_IN", "on").strip().lower()
if LOCAL_SIGN_IN not in {"on", "break-glass", "off"}:
    raise ImproperlyConfigured(f"LOCAL_SIGN_IN must be on, break-glass or off, not {LOCAL_SIGN_IN!r}.")
if LOCAL_SIGN_IN == "off" and not (OIDC_ENABLED or SSO_TRUSTED_HEADER):
    raise ImproperlyConfigured("LOCAL_SIGN_IN=off needs OpenID Connect or the sign-on proxy: nobody could sign in.")

# Guessing passwords (organisation/lockout.py, docs/sign-in.md): failures per person, whatever
# spelling was typed, and per client address, within a sliding window.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)  # one person from one address
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)  # one address, any names
LOGIN_PERSON_FAILURE_LIMIT = env_int("LOGIN_PERSON_FAILURE_LIMIT", 30)  # one person, all addresses
LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15)
# Reverse proxies in front of the app that append to X-Forwarded-For: the client address is the one
# the outermost of them saw. 0: the connection's own address.
PROXY_COUNT = env_int("PROXY_COUNT", 0)

# --- Language and time ----------------------------------------------------------------------------
LANGUAGE_CODE = "nl-be"
LANGUAGES = [("nl-be", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Brussels"
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded attachments are confidential: stored outside any public path, served only by views.
MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
# No URL pattern serves this prefix: attachments are only sent by views that check access.
MEDIA_URL = "/media-not-served/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- E-mail ---------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "gedragscode@stad.antwerpen.be")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Django 6.1 mailers. Development prints mail on the console; production needs an SMTP host.
if env("EMAIL_HOST", ""):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env("EMAIL_HOST", ""),
                "port": env_int("EMAIL_PORT", 587),
                "username": env("EMAIL_HOST_USER", ""),
                "password": env("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
                # Seconds before a silent mail server counts as unreachable (and the mail is retried).
                "timeout": env_int("EMAIL_TIMEOUT", 30),
            },
        }
    }
elif DEBUG:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    raise ImproperlyConfigured("EMAIL_HOST must be set when DEBUG is off.")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

# --- Mail that must arrive: the outbox and its worker (jobs/, docs/jobs-and-mail.md) -----------------
# Every e-mail is queued in the database with what caused it; `manage.py mail_worker` sends them one
# at a time. A worker that takes a mail holds it for MAIL_LEASE_SECONDS: if it dies, another worker
# sends the mail after that (keep it well above EMAIL_TIMEOUT).
MAIL_LEASE_SECONDS = env_int("MAIL_LEASE_SECONDS", 300)
# A mail the server did not accept is tried again after MAIL_RETRY_SECONDS, doubling each time up to
# MAIL_RETRY_MAX_SECONDS, until MAIL_GIVE_UP_HOURS after it was queued: then it is failed, and the
# beheerder sees and can resend it. A refusal of the address or the message itself (5xx) fails at once.
MAIL_RETRY_SECONDS = env_int("MAIL_RETRY_SECONDS", 30)
MAIL_RETRY_MAX_SECONDS = env_int("MAIL_RETRY_MAX_SECONDS", 900)
MAIL_GIVE_UP_HOURS = env_int("MAIL_GIVE_UP_HOURS", 24)
# The worker says it is alive this often; /healthz reports it "late" after MAIL_WORKER_LATE_SECONDS.
MAIL_WORKER_HEARTBEAT_SECONDS = env_int("MAIL_WORKER_HEARTBEAT_SECONDS", 15)
MAIL_WORKER_LATE_SECONDS = env_int("MAIL_WORKER_LATE_SECONDS", 120)
# The nightly clearing job removes sent mail (which keeps nothing but its kind and times) after
# MAIL_KEEP_SENT_DAYS, failed mail nobody resent after MAIL_KEEP_FAILED_DAYS.
MAIL_KEEP_SENT_DAYS = env_int("MAIL_KEEP_SENT_DAYS", 7)
MAIL_KEEP_FAILED_DAYS = env_int("MAIL_KEEP_FAILED_DAYS", 30)
# Only for tests: send queued mail in-process at once, as if a worker were standing by.
MAIL_SEND_IMMEDIATELY = False

# --- Crispy forms: the project's own Core Branding template pack ----------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ["core_branding"]
CRISPY_TEMPLATE_PACK = "core_branding"

# --- Security headers -----------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF, *(OIDC_PROVIDER_ORIGINS if OIDC_ENABLED else [])],
    "frame-ancestors": [CSP.NONE],
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

# --- Advice (advice app): response targets, retention and attachments -----------------------------
# The leidinggevende answers within this many working days (no weekends, no Belgian holidays),
# otherwise the scheduled job escalates the question to the Bureau voor Integriteit.
ADVICE_MANAGER_TARGET_WORKING_DAYS = env_int("ADVICE_MANAGER_TARGET_WORKING_DAYS", 3)
# The Bureau's own target: older questions are marked overdue in its queue.
ADVICE_BUREAU_TARGET_WORKING_DAYS = env_int("ADVICE_BUREAU_TARGET_WORKING_DAYS", 5)
# Closed questions older than this are removed with their attachments (anonymous counts stay); so is
# any question nobody touched for this long, whatever its state (docs/advice.md, "Retention").
ADVICE_RETENTION_MONTHS = env_int("ADVICE_RETENTION_MONTHS", 24)
# An answered question the asker does not close, or one that waits for their extra information, is
# closed this many days after that step, and the asker is told.
ADVICE_AUTO_CLOSE_DAYS = env_int("ADVICE_AUTO_CLOSE_DAYS", 30)
ADVICE_ATTACHMENT_MAX_BYTES = env_int("ADVICE_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
# An image with more pixels is refused before it is decoded (a small file can unpack to gigabytes).
ADVICE_IMAGE_MAX_PIXELS = env_int("ADVICE_IMAGE_MAX_PIXELS", 40_000_000)

# --- Code of conduct: acknowledgement reminders (codeofconduct/reminders.py, `manage.py send_reminders`) --
ACK_REMINDER_DAYS_BEFORE = env_int("ACK_REMINDER_DAYS_BEFORE", 3)
ACK_REMINDER_DAYS_AFTER = env_int("ACK_REMINDER_DAYS_AFTER", 3)
CHEF_NOTIFY_REMINDER_DAYS = env_int("CHEF_NOTIFY_REMINDER_DAYS", 2)
CHEF_ESCALATION_DAYS = env_int("CHEF_ESCALATION_DAYS", 7)
# Redactie hears this many days before a version in force reaches its Vervaldatum (codeofconduct/lifecycle.py).
EXPIRY_WARNING_DAYS = env_int("EXPIRY_WARNING_DAYS", 14)
# Compliance figures (codeofconduct/figures.py): a person's own acknowledgement is counted once the
# figures a server process keeps are older than this many seconds (recounted in the background; the
# page shows their age). Every other change is counted on the next page.
COMPLIANCE_FIGURES_MAX_AGE_SECONDS = env_int("COMPLIANCE_FIGURES_MAX_AGE_SECONDS", 30)
