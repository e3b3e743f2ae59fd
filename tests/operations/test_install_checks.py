"""An install without its built assets fails loudly: `check`, migrate and the app server refuse it.

Followed literally, the old procedure served 500 on every page (the assets were never built) while
`/healthz` and `check --deploy` were green. The production install script (scripts/
production_install_check.sh, run by CI) starts the real app server on such an install and sees it
refuse; these tests pin each rule of the check.
"""

import json
import shutil
from pathlib import Path

import pytest

from config.checks import assets_built

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def install(tmp_path, settings):
    """A copy of the install's layout: package.json and the built vendor files."""
    shutil.copy(ROOT / "package.json", tmp_path / "package.json")
    vendor = tmp_path / "static" / "vendor" / "core-branding"
    vendor.mkdir(parents=True)
    (vendor / "main.min.css").write_text("/* built */")
    settings.BASE_DIR = tmp_path
    return tmp_path


def ids(errors):
    return [error.id for error in errors]


def test_a_complete_development_build_passes(install):
    assert assets_built() == []


def test_assets_that_were_never_built_are_an_error(install):
    shutil.rmtree(install / "static" / "vendor")
    errors = assets_built()
    assert ids(errors) == ["gedragscode.E001"]
    assert "vendor/core-branding/main.min.css" in errors[0].msg
    assert "build_assets.py" in errors[0].hint


def test_production_refuses_to_serve_a_test_only_package(install, settings):
    settings.DEBUG = False
    dev_only = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    assert "axe-core" in dev_only
    (install / "static" / "vendor" / "axe-core").mkdir()
    assert "gedragscode.E002" in ids(assets_built())
    settings.DEBUG = True  # a developer's build has it, for the browser tests
    assert assets_built() == []


def test_production_needs_the_collected_files_in_the_manifest(install, settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "collected"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    errors = assets_built()
    assert ids(errors) == ["gedragscode.E003"]
    assert "collectstatic" in errors[0].hint

    (tmp_path / "collected").mkdir()
    names = ["vendor/core-branding/main.min.css", "css/app.css", "css/print.css", "js/app.js"]
    manifest = {"paths": {name: name for name in names}, "version": "1.1", "hash": "x"}
    (tmp_path / "collected" / "staticfiles.json").write_text(json.dumps(manifest))
    settings.STATIC_ROOT = tmp_path / "collected"  # a new storage reads the manifest
    assert assets_built() == []


def test_the_built_assets_hold_no_test_only_package():
    """scripts/build_assets.py builds package.json's dependencies only."""
    vendor = ROOT / "static" / "vendor"
    dev_only = {name.split("/")[-1] for name in json.loads((ROOT / "package.json").read_text())["devDependencies"]}
    assert vendor.is_dir(), "run `make assets`"
    assert not dev_only & {path.name for path in vendor.iterdir()}
