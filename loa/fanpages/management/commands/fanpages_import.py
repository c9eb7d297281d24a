from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from loa.fanpages.imports import import_posts
from loa.fanpages.models import Fanpage


class Command(BaseCommand):
    help = "Import a Page's post list exported from Meta Business Suite (csv or xlsx) for the unit with this code."

    def add_arguments(self, parser):
        parser.add_argument("unit_code")
        parser.add_argument("file")

    def handle(self, unit_code, file, **options):
        fanpage = Fanpage.objects.filter(unit__code=unit_code).select_related("unit").first()
        if fanpage is None:
            raise CommandError(f"no registered Page for unit {unit_code}")
        with open(file, "rb") as handle:
            upload = SimpleUploadedFile(file.rsplit("/", 1)[-1], handle.read())
        new, read, errors = import_posts(by=None, fanpage=fanpage, upload=upload)
        if errors:
            raise CommandError("\n".join(errors))
        self.stdout.write(f"{read} posts read, {new} new")
