"""Upkeep of the unit search rows and words (PostgreSQL; nothing to do elsewhere)."""

from django.core.management.base import BaseCommand

from loa.units import search


class Command(BaseCommand):
    help = (
        "Write the search words still due (after a big import whose job did not finish), or with "
        "--rebuild number every unit again and write every word."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="rebuild the search rows and words from the units")

    def handle(self, *args, rebuild=False, **options):
        if not search.uses_search_rows():
            self.stdout.write("Nothing to do: the search rows are kept on PostgreSQL only.")
            return
        if rebuild:
            search.rebuild()
            self.stdout.write("Search rows numbered again.")
        written = search.write_due_words(lambda done, total: self.stdout.write(f"{done:,} / {total:,} units"))
        self.stdout.write(f"Search words written for {written:,} units.")
