"""Field declarations that the apps share."""

from django.conf import settings
from django.db import models


def kept_reference(to, verbose_name=None, related_name="+", *, optional=False, **options) -> models.ForeignKey:
    """A foreign key to a record that is kept while anything refers to it (PROTECT): people are
    deactivated, units and versions kept, so the records that name them stay whole.

    `optional`: the reference may be empty (null in the database, blank in forms).
    """
    if optional:
        options.update(null=True, blank=True)
    return models.ForeignKey(
        to, verbose_name=verbose_name, on_delete=models.PROTECT, related_name=related_name, **options
    )


def person_reference(verbose_name=None, related_name="+", *, optional=False, **options) -> models.ForeignKey:
    """A reference to a person (the user model), kept as `kept_reference` says."""
    return kept_reference(settings.AUTH_USER_MODEL, verbose_name, related_name, optional=optional, **options)
