from django.core.management.base import BaseCommand

from loa.jobs.leases import recover_expired


class Command(BaseCommand):
    help = (
        "Take up again the jobs whose worker stopped (their lease ran out): queue them again, or mark them "
        "failed after JOB_MAX_ATTEMPTS. With Celery, also hand on jobs left waiting. Run every minute; "
        "`run_jobs --loop` does it at each turn by itself."
    )

    def handle(self, *args, verbosity=1, **options):
        taken = recover_expired()
        if verbosity:
            self.stdout.write(f"{taken} job(s) taken over")
