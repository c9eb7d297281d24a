import time

from django.core.management.base import BaseCommand

from loa.jobs.leases import recover_expired
from loa.jobs.services import run_pending, worker_name


class Command(BaseCommand):
    help = (
        "Run queued background jobs (the worker when Celery is not used). Each turn first takes up again "
        "the jobs whose worker stopped (as `recover_jobs` does)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running, polling for new jobs.")
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between polls with --loop.")

    def handle(self, *args, loop=False, interval=2.0, verbosity=1, **options):
        worker = worker_name()
        while True:
            taken = recover_expired()
            if taken and verbosity:
                self.stdout.write(f"{taken} job(s) taken over from stopped workers")
            ran = run_pending(worker=worker)
            if ran and verbosity:
                self.stdout.write(f"{ran} job(s) run")
            if not loop:
                return
            if not ran:
                try:
                    time.sleep(interval)
                except KeyboardInterrupt:
                    return
