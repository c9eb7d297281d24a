from django.core.management.base import BaseCommand

from loa.jobs.files import purge_input_files


class Command(BaseCommand):
    help = "Delete uploaded files of jobs finished more than JOB_FILES_KEEP_DAYS days ago (run daily)."

    def handle(self, *args, **options):
        self.stdout.write(f"{purge_input_files()} file(s) deleted")
