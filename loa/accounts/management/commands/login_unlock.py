from django.core.management.base import BaseCommand, CommandError

from loa.accounts import throttle
from loa.accounts.models import User
from loa.accounts.services import user_login_unlock
from loa.audit.log import log_action
from loa.core.client_ip import parse_address


class Command(BaseCommand):
    help = (
        "Lift log-in locks (too many wrong passwords): every lock on a user name, from any address, "
        "or every lock from an address, for any user name. Audited."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--user", metavar="NAME", help="The user name whose locks are lifted.")
        which.add_argument("--address", metavar="IP", help="The client address whose locks are lifted (IPv6: its /64).")

    def handle(self, *args, user=None, address=None, **options):
        if address is not None:
            if parse_address(address) is None:
                raise CommandError(f"{address!r} is not an IP address.")
            counted_as = throttle.unlock_address(address)
            log_action("login.address_unlocked", actor=None, note=counted_as)
            self.stdout.write(f"Log-in locks from {counted_as} lifted.")
            return
        person = User.objects.filter(username=user).first()
        if person is None:
            # Failures are counted for names that do not exist too: lift them all the same.
            throttle.unlock_user(user)
            self.stdout.write(f"No user is named {user!r}; any log-in locks on that name are lifted.")
            return
        until = user_login_unlock(by=None, user=person)
        if until is None:
            self.stdout.write(f"{user} was not locked out of log-in; their failure counts are cleared.")
        else:
            self.stdout.write(f"{user} was locked out of log-in until {throttle.until_display(until)}; lifted.")
