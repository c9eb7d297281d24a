from datetime import date

from django.core.management.base import BaseCommand, CommandError

from loa.sharing.daily import morning_run


class Command(BaseCommand):
    help = (
        "The sharing morning run: ask today's items of every unit and queue one message per officer "
        "(safe to run again: nothing is asked or sent twice)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--day", type=date.fromisoformat, help="the day (YYYY-MM-DD); today by default")

    def handle(self, *args, day=None, **options):
        say = self.stdout.write if options["verbosity"] > 1 else None
        report = morning_run(day=day, say=say)
        if report.busy:
            raise CommandError("another morning run is working (its lease has not run out); nothing done")
        queued = sum(report.queued.values())
        channels = ", ".join(f"{n} {c}" for c, n in sorted(report.queued.items())) or "none"
        self.stdout.write(
            f"{report.day}: {report.items} items, {report.units} units asked ({report.newly_asked} new asks), "
            f"{queued} messages queued ({channels})"
        )
