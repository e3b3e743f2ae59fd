"""System checks that a production install is complete before it serves a page.

The front-end assets are built from npm (scripts/build_assets.py) and collected with the app's own
files. Without them every page answers 500 while the health check and `check --deploy` stay green:
so `manage.py check` (and migrate) fail on a missing build, and the app server refuses to start
(config/wsgi.py runs the same checks).
"""

import json

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.checks import Error, register

# Built by scripts/build_assets.py from package.json's "dependencies"; templates link them.
VENDOR_FILES = ["vendor/core-branding/main.min.css"]
# The app's own files every page links (templates/base.html).
APP_FILES = ["css/app.css", "css/print.css", "js/app.js"]
TAG = "assets"


def _dev_only_packages() -> set[str]:
    package = settings.BASE_DIR / "package.json"
    try:
        return set(json.loads(package.read_text(encoding="utf-8")).get("devDependencies", {}))
    except (OSError, ValueError):
        return set()


@register(TAG)
def assets_built(app_configs=None, **kwargs):
    errors = []
    vendor = settings.BASE_DIR / "static" / "vendor"
    missing = [name for name in VENDOR_FILES if not (settings.BASE_DIR / "static" / name).is_file()]
    if missing:
        errors.append(
            Error(
                f"The front-end assets are not built: {', '.join(missing)} missing.",
                hint="Run `npm ci --omit=dev` and `python scripts/build_assets.py` (docs/operations.md, Install).",
                id="gedragscode.E001",
            )
        )
    if not settings.DEBUG:
        served = {path.name for path in vendor.iterdir()} if vendor.is_dir() else set()
        for package in sorted(_dev_only_packages()):
            if package.split("/")[-1] in served:
                errors.append(
                    Error(
                        f"static/vendor holds the test-only package {package!r}: production must not serve it.",
                        hint="Rebuild the assets with `npm ci --omit=dev` and `python scripts/build_assets.py`.",
                        id="gedragscode.E002",
                    )
                )
        manifest = getattr(staticfiles_storage, "hashed_files", None)
        if manifest is not None:  # the manifest storage of production
            uncollected = [name for name in VENDOR_FILES + APP_FILES if name not in manifest]
            if uncollected:
                errors.append(
                    Error(
                        f"Static files are not collected: {', '.join(uncollected)} missing from "
                        f"{settings.STATIC_ROOT}/staticfiles.json.",
                        hint="Run `manage.py collectstatic --noinput` after building the assets.",
                        id="gedragscode.E003",
                    )
                )
    return errors
