import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def _refuse_an_incomplete_install():
    """An app server without its built assets would answer 500 on every page: it does not start."""
    from django.core.checks import run_checks
    from django.core.exceptions import ImproperlyConfigured

    from config.checks import TAG

    errors = [error for error in run_checks(tags=[TAG]) if error.is_serious()]
    if errors:
        raise ImproperlyConfigured("The install is incomplete:\n" + "\n".join(f"{e.msg} {e.hint}" for e in errors))


_refuse_an_incomplete_install()
