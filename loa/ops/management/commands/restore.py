from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from loa.ops.backup import BackupError, read_manifest, restore, verify


class Command(BaseCommand):
    help = "Replace the database and the uploaded files with a backup made by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("source", help="The backup directory.")
        parser.add_argument("--yes", action="store_true", help="Do not ask: the current data is replaced.")

    def handle(self, *args, source, yes=False, **options):
        try:
            manifest = read_manifest(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if not yes:
            answer = input(
                f"Replace this instance's database and files with the backup of {manifest['created_at']}? Type yes: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was changed.")
        try:
            restore(source, log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        # A backup made by an older Loa: bring its schema up to this code's.
        call_command("migrate", interactive=False, verbosity=0)
        call_command("unit_search", verbosity=0)
        differences = verify(manifest)
        if differences:
            raise CommandError(f"Restored, but row counts differ from the backup's (backup, now): {differences}")
        self.stdout.write(self.style.SUCCESS(f"Restored the backup of {manifest['created_at']}."))
        self.stdout.write("Loa needs the same FIELD_ENCRYPTION_KEY as when the backup was made to read stored tokens.")
