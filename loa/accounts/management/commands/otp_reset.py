from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from loa.accounts.models import User
from loa.accounts.two_factor_services import two_factor_reset


class Command(BaseCommand):
    help = (
        "Reset a user's two-factor sign-in (a lost phone and lost recovery codes): their device and "
        "codes are removed; they log in with the password and set it up again. Audited, and the user is told."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", metavar="NAME", required=True, help="The user name.")

    def handle(self, *args, user, **options):
        person = User.objects.filter(username=user).first()
        if person is None:
            raise CommandError(f"No user is named {user!r}.")
        try:
            two_factor_reset(by=None, user=person)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"Two-factor sign-in of {user} reset: they log in with the password and set it up again.")
