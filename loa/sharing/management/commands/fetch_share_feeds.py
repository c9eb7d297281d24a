import time

from django.core.management.base import BaseCommand

from loa.sharing.feeds import fetch_all


class Command(BaseCommand):
    help = "Read every active official site's feed and keep its new entries for an editor's approval."

    def add_arguments(self, parser):
        parser.add_argument("--max-seconds", type=float, default=0, help="stop starting new feeds after this long")

    def handle(self, *args, max_seconds=0, **options):
        deadline = time.monotonic() + max_seconds if max_seconds else None
        report = fetch_all(deadline=deadline, stdout=self.stdout if options["verbosity"] > 1 else None)
        self.stdout.write(str(report))
