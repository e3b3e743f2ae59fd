"""The test settings with the advice app removed: codeofconduct must run and render on its own."""

from config.test_settings import *  # noqa: F403

INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "advice"]  # noqa: F405
# Its own in-memory database: nothing here shares the suite's test database.
DATABASES["default"]["TEST"] = {}  # noqa: F405
