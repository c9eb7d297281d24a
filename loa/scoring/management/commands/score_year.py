"""manage.py score_year 2021: compute and store every unit's result of a year (not a frozen one)."""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from loa.scoring.engine import score_year
from loa.scoring.models import Rubric


class Command(BaseCommand):
    help = "Compute and store every scored unit's result for a year's rubric."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)

    def handle(self, *args, year, **options):
        rubric = Rubric.objects.filter(year=year).first()
        if rubric is None:
            raise CommandError(f"There is no rubric for {year}.")
        started = time.perf_counter()
        try:
            count = score_year(rubric)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"{year}: {count} units scored in {time.perf_counter() - started:.1f} s")
