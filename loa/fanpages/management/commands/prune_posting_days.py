from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from loa.fanpages import retention


class Command(BaseCommand):
    help = (
        "Delete the raw posts and posting days of the years more than POSTING_DAYS_KEEP_YEARS years before "
        "the current one; the yearly figures stay (run once a month, or after New Year)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-pages", type=int, default=1000, help="Pages per transaction")

    def handle(self, *args, batch_pages=1000, **options):
        first = retention.horizon()
        if first is None:
            self.stdout.write("POSTING_DAYS_KEEP_YEARS is 0: every post and posting day is kept.")
            return
        if batch_pages < 1:
            raise CommandError("--batch-pages must be at least 1")

        def progress(done, total, rows):
            if options["verbosity"] > 1:
                self.stdout.write(f"{done:,}/{total:,} Pages, {rows:,} rows deleted")

        try:
            posts, days = retention.prune(batch_pages=batch_pages, progress=progress)
        except retention.Busy:
            raise CommandError("Another run is pruning the posting days; try again later.") from None
        self.stdout.write(
            f"{posts:,} post(s) and {days:,} posting day(s) before {first:%d/%m/%Y} deleted "
            f"(keeping {settings.POSTING_DAYS_KEEP_YEARS} year(s) before this one)."
        )
