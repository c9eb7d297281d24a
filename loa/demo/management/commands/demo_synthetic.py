"""manage.py demo_synthetic --units N: a national union tree of N CĐCS (development instances only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from loa.demo.management.commands._guard import refuse_unless_debug
from loa.demo.synthetic import build_synthetic, remove_synthetic


class Command(BaseCommand):
    help = "Build a synthetic national tree: 34 provinces, ~3,000 upper unions, N CĐCS (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=130_000, help="Number of CĐCS (default 130,000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed builds the same tree.")
        parser.add_argument("--reset", action="store_true", help="Remove an existing synthetic tree first.")

    def handle(self, *args, **opts):
        translation.activate(settings.LANGUAGE_CODE)
        refuse_unless_debug()
        if opts["units"] < 1:
            raise CommandError(_("--units must be at least 1."))
        if opts["reset"]:
            removed = remove_synthetic()
            if removed:
                self.stdout.write(_("Removed the previous synthetic tree (%(n)d units).") % {"n": removed})
        try:
            s = build_synthetic(units=opts["units"], seed=opts["seed"])
        except ValueError:
            raise CommandError(_("A synthetic tree exists already: add --reset to build it again.")) from None
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Built %(units)d units (%(cdcs)d CĐCS under %(uppers)d upper unions in %(provinces)d provinces), "
                    "%(members)s members, in %(s)s s."
                )
                % {
                    "units": s["units"],
                    "cdcs": s["grassroots"],
                    "uppers": s["uppers"],
                    "provinces": s["provinces"],
                    "members": f"{s['members']:,}".replace(",", "."),
                    "s": s["seconds"],
                }
            )
        )
