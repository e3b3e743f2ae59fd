"""After a restore: end the sessions the dump brought back and empty the shared cache.

A session that was signed out after the dump was taken is in the dump again: without this step its
cookie would work once more. The shared cache (Redis) holds copies of the data the restore
replaced. Both only cost a new sign-in (automatic behind single sign-on) and a refill of the cache.
The compliance figures need nothing: their key never comes round again (codeofconduct.figures).
"""

from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "After restoring a backup: end every session and empty the shared cache (docs/operations.md)."

    def handle(self, *args, **options):
        ended, _ = Session.objects.all().delete()
        cache.clear()
        self.stdout.write(f"{ended} sessions ended, cache emptied.")
