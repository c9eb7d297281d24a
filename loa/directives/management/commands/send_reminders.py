from datetime import date

from django.core.management.base import BaseCommand

from loa.directives.reminders import send_reminders


class Command(BaseCommand):
    help = "Queue today's report reminders for units that have not reported (run daily; safe to run twice)."

    def add_arguments(self, parser):
        parser.add_argument("--day", type=date.fromisoformat, help="Pretend today is this day (YYYY-MM-DD).")

    def handle(self, *args, day=None, **options):
        queued = send_reminders(day=day, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"{queued} reminder(s) queued."))
