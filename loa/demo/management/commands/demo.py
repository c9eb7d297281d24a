"""manage.py demo: load the Cao Bằng scenario (development instances only): the 2021 letter replayed
in the present (`--today`, default today), or on its own days in a past year (`--year 2021`)."""

import time
from argparse import ArgumentTypeError
from datetime import date

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from loa.accounts.models import Role
from loa.core.phones import display_phone
from loa.core.site import site_origin
from loa.demo import scenario
from loa.demo.calendar import DemoCalendar
from loa.demo.management.commands._guard import refuse_unless_debug
from loa.units.models import Unit


def _day(text):
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(_("give the day as YYYY-MM-DD, e.g. 2026-12-07")) from None


class Command(BaseCommand):
    help = (
        "Load the demo scenario: the 2021 Cao Bằng letter's unions and logins, the letter replayed this week "
        "(DEBUG only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Load only when the database has no unit.")
        parser.add_argument("--print-logins", action="store_true", help="Print the address and the demo logins.")
        parser.add_argument("--reset", action="store_true", help="Empty the whole database first, then load.")
        parser.add_argument("--units", type=int, default=0, help="Also build a synthetic national tree of N CĐCS.")
        parser.add_argument("--seed", type=int, default=1, help="Seed of the synthetic tree.")
        parser.add_argument(
            "--today", type=_day, default=None, help="The day the demo lives in, YYYY-MM-DD (default: today)."
        )
        parser.add_argument(
            "--year",
            type=int,
            default=None,
            help="Replay the letter on its own days in this past year instead (e.g. 2021).",
        )
        parser.add_argument(
            "--restructure-2025",
            action="store_true",
            help="Then apply the 2025 reorganisation from a mapping file (CĐVC dissolved, two schools merged).",
        )

    def handle(self, *args, **opts):
        translation.activate(settings.LANGUAGE_CODE)
        refuse_unless_debug()
        try:
            calendar = DemoCalendar.build(today=opts["today"], year=opts["year"])
        except ValueError:
            raise CommandError(
                _("--year replays the letter in a past year, before %(year)d.")
                % {"year": (opts["today"] or timezone.localdate()).year}
            ) from None
        if opts["print_logins"]:
            self.print_logins()
            return
        if opts["reset"]:
            call_command("flush", interactive=False, verbosity=0)
            self.stdout.write(_("The database has been emptied."))
        elif opts["if_empty"] and Unit.objects.exists():
            self.stdout.write(_("The database already has units: the demo scenario is not loaded again."))
            return
        started = time.monotonic()
        self.stdout.write(calendar.describe())
        ctx = scenario.run(
            log=self.stdout.write,
            today=calendar.today,
            year=opts["year"],
            options={"restructure_2025": opts["restructure_2025"]},
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo scenario loaded: %(units)d units (%(cdcs)d CĐCS), %(users)d logins in %(s).1f s.")
                % {
                    "units": len(ctx.units),
                    "cdcs": len(ctx.grassroots),
                    "users": len(ctx.users),
                    "s": time.monotonic() - started,
                }
            )
        )
        if opts["units"]:
            call_command("demo_synthetic", units=opts["units"], seed=opts["seed"], stdout=self.stdout)

    def print_logins(self):
        usernames = [login[0] for login in scenario.demo_logins()]
        roles = {
            r.user.username: r for r in Role.objects.filter(user__username__in=usernames).select_related("user", "unit")
        }
        self.stdout.write("")
        self.stdout.write(_("Loa: %(url)s") % {"url": site_origin() + "/"})
        if not roles:
            self.stdout.write(_("No demo login yet: run `manage.py demo` first."))
            return
        self.stdout.write(
            _("Demo logins, all with the password “%(password)s”:") % {"password": settings.DEMO_PASSWORD}
        )
        header = (_("Login"), _("Role"), _("Unit"), _("Full name"), _("Phone"))
        rows = [
            (
                name,
                roles[name].get_role_display(),
                roles[name].unit.short_name or roles[name].unit.name,
                roles[name].user.full_name,
                display_phone(roles[name].user.phone),
            )
            for name in usernames
            if name in roles
        ]
        widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
        line = "  ".join(f"{{:<{w}}}" for w in widths)
        self.stdout.write("  " + line.format(*header))
        self.stdout.write("  " + "  ".join("-" * w for w in widths))
        for row in rows:
            self.stdout.write("  " + line.format(*row).rstrip())
        self.stdout.write("")
