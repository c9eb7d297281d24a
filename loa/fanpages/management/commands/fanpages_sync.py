import time

from django.core.management.base import BaseCommand

from loa.fanpages.sync import sync_all


class Command(BaseCommand):
    help = "Read new posts of every Page with a token from the Graph API (resumes a run that stopped half-way)."

    def add_arguments(self, parser):
        parser.add_argument("--max-seconds", type=float, default=0, help="stop starting new Pages after this long")

    def handle(self, *args, max_seconds=0, **options):
        deadline = time.monotonic() + max_seconds if max_seconds else None
        report = sync_all(stdout=self.stdout if options["verbosity"] > 1 else None, deadline=deadline)
        self.stdout.write(str(report))
