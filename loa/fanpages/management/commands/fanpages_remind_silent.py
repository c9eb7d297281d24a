from django.core.management.base import BaseCommand

from loa.fanpages.compliance import SILENT_DAYS
from loa.fanpages.remind import remind_silent


class Command(BaseCommand):
    help = "Queue reminders to units whose Page has not posted for N days or more (once per unit, officer and day)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=SILENT_DAYS)

    def handle(self, *args, days, **options):
        queued = remind_silent(days=days, stdout=self.stdout if options["verbosity"] > 1 else None)
        self.stdout.write(f"{queued} reminders queued")
