from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from loa.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into a new directory (see docs/deploy.md)."

    def add_arguments(self, parser):
        parser.add_argument("--to", help="The directory to write (default: LOA_VAR_DIR/backups/<date-time>).")

    def handle(self, *args, to=None, **options):
        target = to or str(settings.VAR_DIR / "backups" / timezone.localtime().strftime("%Y%m%d-%H%M%S"))
        try:
            manifest = backup(target, log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        counts = ", ".join(f"{label.split('.')[1]} {n}" for label, n in manifest["counts"].items())
        self.stdout.write(self.style.SUCCESS(f"Backup written to {target} ({counts})."))
        self.stdout.write(
            "Not in it: SECRET_KEY and FIELD_ENCRYPTION_KEY. Keep /etc/loa/loa.env apart from the backups."
        )
