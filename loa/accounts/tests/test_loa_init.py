"""manage.py loa_init: a new installation's first run, from flags or prompts, safe to repeat."""

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from loa.accounts.management.commands.loa_init import Command
from loa.accounts.models import Role, User
from loa.audit.models import AuditEntry
from loa.units.kinds import STANDARD_CODES
from loa.units.models import Unit, UnitKind

PASSWORD = "Tr0ng-dong-Cao-Bang"
FLAGS = {
    "root_code": "LDLD-CB",
    "root_name": "Liên đoàn Lao động tỉnh Cao Bằng",
    "root_short_name": "LĐLĐ tỉnh",
    "admin_username": "quantri",
    "admin_email": "quantri@ldld-caobang.vn",
    "admin_name": "Nông Thị Thu Hà",
}


def _run(*, stdin=None, getpass=None, **options):
    """loa_init with the flags above (as an installer gives them), overridden by `options`; its output."""
    out = io.StringIO()
    kwargs = {**FLAGS, "no_input": True, **options}
    kwargs = {k: v for k, v in kwargs.items() if v is not None}
    if stdin is not None:
        kwargs.update(stdin=stdin, getpass=getpass)
    call_command("loa_init", stdout=out, **kwargs)
    return out.getvalue()


class Terminal(io.StringIO):
    """Answers typed at a terminal."""

    def isatty(self):
        return True


class NoTerminalInput(io.StringIO):
    """A terminal that must not be read."""

    def isatty(self):
        return True

    def readline(self, *args):
        raise AssertionError("loa_init prompted although it was given every value")


def _nothing_created():
    return not (
        UnitKind.objects.exists() or Unit.objects.exists() or User.objects.exists() or AuditEntry.objects.exists()
    )


# --- An empty database -----------------------------------------------------------------------


def test_an_empty_database_gets_the_kinds_the_top_unit_and_an_admin_who_can_log_in(db, client):
    out = _run(admin_password=PASSWORD)

    assert set(UnitKind.objects.values_list("code", flat=True)) == set(STANDARD_CODES)
    root = Unit.objects.get(code="LDLD-CB")
    assert root.parent is None and root.kind.code == "ldld-tinh" and root.short_name == "LĐLĐ tỉnh"
    admin = User.objects.get(username="quantri")
    assert admin.full_name == "Nông Thị Thu Hà" and admin.email == "quantri@ldld-caobang.vn"
    assert not admin.is_superuser
    assert list(Role.objects.filter(user=admin).values_list("unit__code", "role")) == [("LDLD-CB", "admin")]
    assert authenticate(username="quantri", password=PASSWORD) == admin
    # The admin can use the pages at once: e.g. the unit kinds and a unit under the root.
    assert client.post("/accounts/login/", {"username": "quantri", "password": PASSWORD}).status_code == 302
    assert client.get("/units/kinds/").status_code == 200

    assert "Log in at: http://127.0.0.1:8000/accounts/login/" in out
    assert "Username: quantri" in out
    assert PASSWORD not in out and "Password:" not in out
    actions = sorted(AuditEntry.objects.values_list("action", flat=True))
    assert actions == sorted(["unit_kind.created"] * 6 + ["unit.created", "user.created", "role.granted"])
    assert not AuditEntry.objects.filter(actor__isnull=False).exists()


def test_the_login_address_is_the_sites(db, settings):
    settings.SITE_URL = "https://loa.ldld-caobang.vn"
    assert "Log in at: https://loa.ldld-caobang.vn/accounts/login/" in _run(admin_password=PASSWORD)


def test_the_root_kind_can_be_chosen(db):
    _run(admin_password=PASSWORD, root_kind="tong-ldld", root_code="TLD", root_name="Tổng Liên đoàn Lao động Việt Nam")
    assert Unit.objects.get(code="TLD").kind.code == "tong-ldld"


def test_an_unknown_root_kind_is_refused_and_nothing_is_created(db):
    with pytest.raises(CommandError, match=r"--root-kind: .*“xa-phuong”"):
        _run(admin_password=PASSWORD, root_kind="xa-phuong")
    assert _nothing_created()


# --- Twice -----------------------------------------------------------------------------------


def test_a_second_run_changes_nothing_and_says_so(db):
    _run(admin_password=PASSWORD)
    entries = AuditEntry.objects.count()

    out = _run(admin_password="Mot-mat-khau-khac-2025")

    assert "Nothing changed" in out
    assert "password was not changed" in out
    assert Unit.objects.count() == 1 and User.objects.count() == 1 and Role.objects.count() == 1
    assert UnitKind.objects.count() == len(STANDARD_CODES)
    assert AuditEntry.objects.count() == entries
    assert authenticate(username="quantri", password=PASSWORD) is not None


def test_an_existing_root_with_another_name_is_reused_and_left_as_it_is(db):
    _run(admin_password=PASSWORD)
    out = _run(root_name="LĐLĐ Cao Bằng (tên khác)")
    assert "exists already; reused" in out and "Its name is not “LĐLĐ Cao Bằng (tên khác)”" in out
    assert Unit.objects.get(code="LDLD-CB").name == "Liên đoàn Lao động tỉnh Cao Bằng"


def test_an_existing_user_gets_the_role_and_keeps_the_password(tree, alice):
    out = _run(
        root_code="LDLD",
        root_name=tree["province"].name,
        admin_username="alice",
        admin_email=None,
        admin_name=None,
        admin_password="Mot-mat-khau-khac-2025",
    )

    assert Role.objects.filter(user=alice, unit=tree["province"], role="admin").exists()
    assert Role.objects.filter(user=alice, unit=tree["a"], role="officer").exists()
    assert authenticate(username="alice", password="pass-for-tests") == alice
    assert "password was not changed" in out and "Given the admin role at LDLD" in out
    assert "Password:" not in out
    assert AuditEntry.objects.filter(action="role.granted", actor=None).count() == 1
    # The standard kinds that were missing are added; the existing ones keep their names.
    assert UnitKind.objects.get(code="ldld-tinh").name == "LĐLĐ tỉnh"
    assert UnitKind.objects.filter(code="tong-ldld").exists()


# --- Another root ----------------------------------------------------------------------------


def test_a_second_top_level_unit_is_refused_unless_allowed(tree):
    with pytest.raises(CommandError, match="--allow-another-root"):
        _run(admin_password=PASSWORD)
    assert not Unit.objects.filter(code="LDLD-CB").exists()
    assert not User.objects.filter(username="quantri").exists()
    assert not UnitKind.objects.filter(code="tong-ldld").exists()

    _run(admin_password=PASSWORD, allow_another_root=True)
    assert Unit.objects.get(code="LDLD-CB").parent is None


def test_a_code_of_a_unit_below_the_top_is_refused(tree):
    with pytest.raises(CommandError, match="--root-code: .*“CDVC”"):
        _run(admin_password=PASSWORD, root_code="CDVC")


# --- Refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "flag"),
    [
        ({"admin_email": "khong-phai-email"}, "--admin-email"),
        ({"admin_password": "12345678"}, "--admin-password"),
        ({"admin_password": "quantri1"}, "--admin-password"),
        ({"admin_password": "ngắn"}, "--admin-password"),
        ({"admin_username": "quản trị"}, "--admin-username"),
        ({"root_name": "Liên đoàn\x00Lao động"}, "--root-name"),
        ({"root_code": "X" * 41}, "--root-code"),
        ({"root_name": "Đ" * 256}, "--root-name"),
    ],
)
def test_bad_values_are_refused_in_one_line_and_nothing_is_created(db, options, flag):
    with pytest.raises(CommandError) as refused:
        _run(**{"admin_password": PASSWORD, **options})
    message = str(refused.value)
    assert message.startswith(f"{flag}: ") and "\n" not in message
    assert _nothing_created()


def test_an_e_mail_of_another_user_is_refused(alice):
    with pytest.raises(CommandError, match="--admin-email: .*alice@example.vn"):
        _run(admin_password=PASSWORD, admin_email="alice@example.vn", allow_another_root=True)
    assert not Unit.objects.filter(code="LDLD-CB").exists()


def test_missing_flags_without_a_terminal_are_named(db):
    with pytest.raises(CommandError, match="Missing --root-name, --admin-email"):
        _run(root_name=None, admin_email=None)
    assert _nothing_created()


def test_an_error_exits_non_zero_with_one_line_on_stderr(capsys):
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "loa_init", "--no-input"])
    assert exited.value.code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("CommandError: Missing --root-code") and "\n" not in err


# --- Passwords -------------------------------------------------------------------------------


def test_the_password_may_come_from_the_environment(db, monkeypatch):
    monkeypatch.setenv("LOA_ADMIN_PASSWORD", PASSWORD)
    out = _run()
    assert authenticate(username="quantri", password=PASSWORD) is not None
    assert PASSWORD not in out and "Password:" not in out


def test_without_a_password_one_is_generated_and_printed_once(db):
    out = _run()
    line = next(li for li in out.splitlines() if li.startswith("Password: "))
    generated = line.removeprefix("Password: ")
    assert len(generated) >= 20
    assert authenticate(username="quantri", password=generated) is not None
    assert out.count(generated) == 1
    assert generated not in "".join(str(e.after) for e in AuditEntry.objects.all())


# --- In a terminal ---------------------------------------------------------------------------


def test_a_terminal_is_asked_for_what_is_missing(db):
    answers = Terminal(
        "LDLD-CB\nLiên đoàn Lao động tỉnh Cao Bằng\n\nLĐLĐ tỉnh\nquantri\nquantri@ldld-caobang.vn\nNông Thị Thu Hà\n"
    )
    typed = iter([PASSWORD, PASSWORD])
    out = _run(stdin=answers, getpass=lambda prompt: next(typed), no_input=False, **dict.fromkeys(FLAGS))

    root = Unit.objects.get(code="LDLD-CB")
    assert root.kind.code == "ldld-tinh" and root.short_name == "LĐLĐ tỉnh"  # the kind's default taken
    assert authenticate(username="quantri", password=PASSWORD) is not None
    assert "Code of the top-level unit" in out and "Password:" not in out


def test_a_terminal_is_asked_again_for_a_weak_or_mistyped_password(db, capsys):
    typed = iter(["12345678", "12345678", PASSWORD, "nham", PASSWORD, PASSWORD])
    _run(stdin=NoTerminalInput(), getpass=lambda prompt: next(typed), no_input=False)
    assert authenticate(username="quantri", password=PASSWORD) is not None


def test_an_empty_password_at_the_prompt_means_generate_one(db):
    out = _run(stdin=NoTerminalInput(), getpass=lambda prompt: "", no_input=False)
    assert "Password: " in out


def test_given_every_flag_a_terminal_is_never_prompted(db):
    def no_prompt(prompt):
        raise AssertionError("prompted for a password")

    _run(stdin=NoTerminalInput(), getpass=no_prompt, no_input=False, admin_password=PASSWORD)
    assert User.objects.filter(username="quantri").exists()


def test_no_input_never_prompts_even_in_a_terminal(db):
    with pytest.raises(CommandError, match="Missing --root-code"):
        _run(stdin=NoTerminalInput(), getpass=None, root_code=None, no_input=True)


def test_an_existing_admin_with_other_details_is_told_and_left_as_it_is(db):
    _run(admin_password=PASSWORD)
    out = _run(admin_email="QUANTRI@ldld-caobang.vn", admin_name="Nông Thị Hà", root_kind="tong-ldld")
    assert "Their full name differs" in out and "e-mail differs" not in out
    assert "Its kind is ldld-tinh, not tong-ldld as given." in out
    assert User.objects.get(username="quantri").full_name == "Nông Thị Thu Hà"
