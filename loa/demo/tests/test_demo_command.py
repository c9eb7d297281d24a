from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from loa.accounts.models import Role, User
from loa.core.phones import normalize_phone
from loa.demo import scenario
from loa.units.models import Unit

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_it_builds_the_cao_bang_tree_with_at_least_60_grassroots_unions():
    run()
    cdcs = Unit.objects.filter(kind__is_grassroots=True)
    assert cdcs.count() >= 60
    province = Unit.objects.get(code="LDLD-CB")
    cdvc = Unit.objects.get(code="CDVC")
    assert province.parent is None and cdvc.parent == province
    assert cdvc.name == "Công đoàn Viên chức tỉnh Cao Bằng"
    assert Unit.objects.get(name="Công đoàn cơ sở Văn phòng Tỉnh ủy Cao Bằng").parent == cdvc
    assert all(u.path.startswith(province.path) for u in Unit.objects.all())


def test_every_grassroots_union_has_sensible_counts_and_contacts():
    run()
    for unit in Unit.objects.filter(kind__is_grassroots=True):
        assert 0 < unit.members_count <= unit.staff_count, unit.name
        assert unit.address.endswith("Cao Bằng"), unit.name
        assert unit.contact_name and normalize_phone(unit.phone) == unit.phone, unit.name


def test_the_tree_goes_one_level_deeper_under_the_provincial_hospital():
    run()
    hospital = Unit.objects.get(name="Công đoàn cơ sở Bệnh viện Đa khoa tỉnh Cao Bằng")
    sections = Unit.objects.filter(parent=hospital)
    assert sections.count() >= 3
    assert all(s.kind.code == "cd-bo-phan" and s.depth == hospital.depth + 1 for s in sections)


def test_a_union_opened_and_one_closed_in_mid_2021():
    from datetime import date

    run("--year", "2021")
    assert Unit.objects.filter(active_from__gt=date(2021, 1, 1), active_from__lt=date(2021, 12, 31)).exists()
    assert Unit.objects.filter(active_to__gt=date(2021, 1, 1), active_to__lt=date(2021, 12, 31)).exists()


def test_every_demo_login_works_with_the_demo_password(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    run()
    usernames = ["admin", "bientap", "lanhdao"] + [f"canbo{i}" for i in range(1, 11)]
    for username in usernames:
        assert client.login(username=username, password="loa-demo"), username
        client.logout()
    assert not client.login(username="admin", password="wrong-password")


def test_roles_sit_where_the_letter_puts_them():
    run()
    assert Role.objects.get(user__username="admin").unit.code == "LDLD-CB"
    assert Role.objects.get(user__username="bientap").role == "editor"
    assert Role.objects.get(user__username="lanhdao").unit.code == "CDVC"
    officers = Role.objects.filter(role="officer").select_related("unit__kind")
    assert officers.count() >= 10
    assert all(r.unit.kind.is_grassroots for r in officers)
    assert len({r.unit_id for r in officers}) == officers.count()  # one officer per CĐCS
    canbo1 = User.objects.get(username="canbo1")
    assert canbo1.full_name and canbo1.phone.startswith("+84") and canbo1.email.endswith("@example.com")


def test_the_officer_sees_the_own_unit_and_not_the_neighbour(client):
    run()
    client.login(username="canbo1", password="loa-demo")
    own = Role.objects.get(user__username="canbo1").unit
    other = Role.objects.get(user__username="canbo2").unit
    assert client.get(f"/units/{own.pk}/").status_code == 200
    assert client.get(f"/units/{other.pk}/").status_code == 404


def test_it_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        run()
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_synthetic", units=10)
    assert not Unit.objects.exists()


def test_if_empty_does_nothing_the_second_time():
    run("--if-empty")
    count = Unit.objects.count()
    out = run("--if-empty")
    assert Unit.objects.count() == count
    assert User.objects.filter(username="admin").count() == 1
    assert "not loaded again" in out or "không nạp lại" in out


def _row_counts():
    from django.apps import apps

    return {model._meta.label: model.objects.count() for model in apps.get_models() if model._meta.managed}


def test_running_it_twice_without_if_empty_adds_nothing_anywhere():
    """On both databases (a second run once stopped on PostgreSQL at a duplicate unit kind)."""
    run()
    counts = _row_counts()
    assert counts["units.Unit"] > 60 and counts["directives.Report"] > 0
    run()
    assert _row_counts() == counts


@pytest.mark.django_db(transaction=True)  # TRUNCATE, as flush does, cannot run inside the test's transaction
def test_reset_starts_again_from_an_empty_database():
    run()
    User.objects.create_user(username="stray", password="x" * 10)
    run("--reset")
    assert not User.objects.filter(username="stray").exists()
    assert User.objects.filter(username="admin").exists()


def test_print_logins_shows_the_address_and_a_row_per_login():
    run()
    out = run("--print-logins")
    assert "http://127.0.0.1:8000" in out
    assert "loa-demo" in out
    for username in ["admin", "bientap", "lanhdao", "canbo1", "canbo10"]:
        assert f"  {username} " in out
    assert "Công đoàn" in out or "CĐCS" in out


def test_a_later_step_receives_the_shared_context():
    seen = {}

    def later(ctx):
        seen["cdvc"] = ctx.units["CDVC"].name
        seen["editor"] = ctx.users["bientap"].username

    scenario.step(950, "test step")(later)
    try:
        run()
    finally:
        scenario.STEPS[:] = [s for s in scenario.STEPS if s.func is not later]
    assert seen == {"cdvc": "Công đoàn Viên chức tỉnh Cao Bằng", "editor": "bientap"}
