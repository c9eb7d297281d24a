"""Recount the articles rollups of a year (after changing ARTICLES_COUNT_ACCEPTED, or to repair them;
a move keeps them right itself)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import ExtractYear

from loa.articles import rollups
from loa.articles.models import Publication, Submission
from loa.units.models import Unit


class Command(BaseCommand):
    help = "Refresh the unit paths copied on pieces and recount the progress rollups of the given years."

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="+", type=int)

    def handle(self, *args, years, **options):
        path = Subquery(Unit.objects.filter(pk=OuterRef("unit_id")).values("path")[:1])
        with transaction.atomic():
            Submission.objects.update(unit_path=path)
            accepted = Submission.objects.filter(state=Submission.State.ACCEPTED)
            if settings.ARTICLES_COUNT_ACCEPTED:
                accepted.filter(counted_year__isnull=True, decided_at__isnull=False).update(
                    counted_year=ExtractYear("decided_at")
                )
            else:
                accepted.update(counted_year=None)
            Publication.objects.update(
                unit_path=Subquery(Submission.objects.filter(pk=OuterRef("submission_id")).values("unit_path")[:1])
            )
        for year in years:
            rollups.rebuild(year)
            self.stdout.write(f"{year}: rebuilt")
