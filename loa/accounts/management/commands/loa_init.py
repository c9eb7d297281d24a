"""manage.py loa_init: the first run of a new installation (see docs/deploy.md, "loa_init").

Creates the standard unit kinds, the top-level unit and its first administrator (the admin
role at that unit), or reuses what exists. Given its flags it never prompts; in a terminal it
asks for what is missing. Exits 0 when done or nothing was left to do, 1 on any error (one line
on stderr, nothing created), 2 on a wrong flag.
"""

import getpass
import os
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from loa.accounts.first_run import first_run
from loa.accounts.models import User
from loa.core.site import site_origin
from loa.units.kinds import DEFAULT_ROOT_KIND, STANDARD_KINDS

PASSWORD_ENV = "LOA_ADMIN_PASSWORD"
TRIES = 3

# The service's argument names → the flags that give them.
FLAGS = {
    "root_code": "--root-code",
    "root_name": "--root-name",
    "root_kind": "--root-kind",
    "root_short_name": "--root-short-name",
    "admin_username": "--admin-username",
    "admin_email": "--admin-email",
    "admin_name": "--admin-name",
    "admin_password": "--admin-password",
}
REQUIRED = ("root_code", "root_name", "admin_username", "admin_email", "admin_name")
PROMPTS = {
    "root_code": "Code of the top-level unit (e.g. LDLD-CB)",
    "root_name": "Name of the top-level unit (e.g. Liên đoàn Lao động tỉnh Cao Bằng)",
    "root_kind": "Its kind",
    "root_short_name": "Its short name (optional)",
    "admin_username": "Username of the first administrator",
    "admin_email": "Their e-mail",
    "admin_name": "Their full name",
}


def one_line(exc):
    """A service's ValidationError as one line naming the flags."""
    if hasattr(exc, "error_dict"):
        parts = []
        rank = {name: i for i, name in enumerate(FLAGS)}  # in the order of the flags
        for name, errors in sorted(exc.error_dict.items(), key=lambda item: rank.get(item[0], len(rank))):
            text = " ".join(m for e in errors for m in e.messages)
            if any(e.code == "another_root" for e in errors):
                text += " (--allow-another-root)"
            parts.append(f"{FLAGS.get(name, name)}: {text}")
        line = " ".join(parts)
    else:
        line = " ".join(exc.messages)
    return " ".join(line.split())


class Command(BaseCommand):
    help = (
        "First run of a new installation: create the standard unit kinds, the top-level unit and its first "
        f"administrator. Safe to run again. The password may come from ${PASSWORD_ENV}."
    )
    # For tests: a stand-in standard input (with isatty) and password prompt.
    stealth_options = ("stdin", "getpass")

    def add_arguments(self, parser):
        parser.add_argument("--root-code", help="Code of the top-level unit, e.g. LDLD-CB.")
        parser.add_argument("--root-name", help="Name of the top-level unit.")
        parser.add_argument(
            "--root-kind",
            help=f"Code of its unit kind (default {DEFAULT_ROOT_KIND}); a standard kind or one that exists.",
        )
        parser.add_argument("--root-short-name", help="Short name of the top-level unit (optional).")
        parser.add_argument("--admin-username", help="Username of the first administrator.")
        parser.add_argument("--admin-email", help="E-mail of the first administrator.")
        parser.add_argument("--admin-name", help="Full name of the first administrator.")
        parser.add_argument(
            "--admin-password",
            help=f"Their password (better: the environment variable {PASSWORD_ENV}, which stays out of shell history "
            "and ps). Without either, one is asked for in a terminal, or generated and printed once.",
        )
        parser.add_argument(
            "--allow-another-root",
            action="store_true",
            help="Create the top-level unit even though another one exists.",
        )
        parser.add_argument("--no-input", action="store_true", help="Never prompt: fail on a missing value instead.")

    def handle(self, *args, **options):
        self.stdin = options.get("stdin") or sys.stdin
        self.getpass = options.get("getpass") or getpass.getpass
        interactive = not options["no_input"] and hasattr(self.stdin, "isatty") and self.stdin.isatty()
        values = {name: options[name] for name in FLAGS if name != "admin_password"}
        password = options["admin_password"] or os.environ.get(PASSWORD_ENV) or None

        missing = [name for name in self._required(values) if not (values[name] or "").strip()]
        if missing:
            if not interactive:
                raise CommandError(
                    f"Missing {', '.join(FLAGS[n] for n in missing)}: give them as flags, or run loa_init in a "
                    "terminal without --no-input to be asked."
                )
            self.stdout.write("Loa's first run: the top-level unit and its first administrator.")
            self._ask_missing(values)
        if interactive and password is None and not self._admin_exists(values):
            password = self._ask_password(values)

        try:
            result = first_run(
                **{name: value for name, value in values.items() if value is not None},
                admin_password=password,
                allow_another_root=options["allow_another_root"],
            )
        except ValidationError as exc:
            raise CommandError(one_line(exc)) from None
        self._report(result, given=values)

    @staticmethod
    def _admin_exists(values):
        username = (values["admin_username"] or "").strip()
        return bool(username) and User.objects.filter(username__iexact=username).exists()

    def _required(self, values):
        """An existing administrator needs only their username."""
        if self._admin_exists(values):
            return [name for name in REQUIRED if name not in ("admin_email", "admin_name")]
        return REQUIRED

    # --- Asking -------------------------------------------------------------------------------

    def _read(self, prompt):
        self.stdout.write(f"{prompt}: ", ending="")
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            raise CommandError("No answer (end of input): give the values as flags instead.")
        return line.rstrip("\r\n").strip()

    def _ask_missing(self, values):
        for name in (
            "root_code",
            "root_name",
            "root_kind",
            "root_short_name",
            "admin_username",
            "admin_email",
            "admin_name",
        ):
            if (values[name] or "").strip():
                continue
            if name in ("admin_email", "admin_name") and self._admin_exists(values):
                continue
            if name == "root_kind":
                codes = ", ".join(k.code for k in STANDARD_KINDS)
                answer = self._read(f"{PROMPTS[name]} ({codes}) [{DEFAULT_ROOT_KIND}]")
                values[name] = answer or DEFAULT_ROOT_KIND
            elif name == "root_short_name":
                values[name] = self._read(PROMPTS[name])
            else:
                for _try in range(TRIES):
                    values[name] = self._read(PROMPTS[name])
                    if values[name]:
                        break
                    self.stderr.write("A value is needed.")
                else:
                    raise CommandError(f"No value for {FLAGS[name]}.")

    def _ask_password(self, values):
        from django.contrib.auth.password_validation import validate_password

        user = User(
            username=values["admin_username"], email=values["admin_email"] or "", full_name=values["admin_name"] or ""
        )
        for _try in range(TRIES):
            password = self.getpass("Password of the first administrator (empty: generate one): ")
            if not password:
                return None
            if self.getpass("The same password again: ") != password:
                self.stderr.write("The two passwords differ.")
                continue
            try:
                validate_password(password, user)
            except ValidationError as exc:
                self.stderr.write(" ".join(exc.messages))
                continue
            return password
        raise CommandError("No acceptable password given.")

    # --- Telling ------------------------------------------------------------------------------

    def _report(self, result, *, given):
        out, root, admin = self.stdout.write, result.root, result.admin
        if result.kinds_created:
            out(f"Unit kinds: created {len(result.kinds_created)} standard kinds ({', '.join(result.kinds_created)}).")
        else:
            out("Unit kinds: the standard kinds exist already.")
        if result.root_created:
            out(f"Top-level unit: created {root.code} “{root.name}” ({root.kind.code}).")
        else:
            out(f"Top-level unit: {root.code} “{root.name}” exists already; reused and left as it is.")
            if result.root_name_differs:
                out(
                    f"  Its name is not “{given['root_name'].strip()}” as given: change it in the unit pages if needed."
                )
            if result.root_kind_differs and given["root_kind"]:
                out(f"  Its kind is {root.kind.code}, not {given['root_kind']} as given.")
        if result.admin_created:
            out(
                f"Administrator: created “{admin.username}” ({admin.full_name}, {admin.email}) with the admin role "
                f"at {root.code}."
            )
        else:
            out(f"Administrator: “{admin.username}” exists already; their password was not changed.")
            if result.role_granted:
                out(f"  Given the admin role at {root.code}.")
            else:
                out(f"  Already has the admin role at {root.code}.")
            labels = {"email": "e-mail", "full_name": "full name"}
            for name in result.admin_details_differ:
                out(f"  Their {labels[name]} differs from the one given and was left as it is.")
            if result.admin_inactive:
                out("  Warning: this user is deactivated and cannot log in; reactivate them in the user pages.")
        if not result.changed:
            out("Nothing changed: everything was in place already.")
        out(f"Log in at: {site_origin()}{reverse('accounts:login')}")
        out(f"Username: {admin.username}")
        if result.generated_password:
            out(f"Password: {result.generated_password}")
            out("  (generated: shown only this once; change it after logging in)")
