"""Move the clicks counted in the cache into ClickDay and the tallies (Celery beat runs it every
SHARING_CLICKS_FLUSH_SECONDS; two at once are harmless: the second finds the lease taken)."""

from typing import Any

from django.core.management.base import BaseCommand

from loa.sharing.clicks import flush


class Command(BaseCommand):
    help = "Move the tracked links' clicks counted in the cache into the database."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(str(flush()))
