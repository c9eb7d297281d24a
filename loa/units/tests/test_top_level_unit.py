"""A top-level unit from the unit form: only an administrator of the whole tree leaves the parent empty."""

import pytest
from django.urls import reverse

from conftest import _user
from loa.accounts.models import Role, User
from loa.accounts.scope import manages_whole_tree
from loa.audit.models import AuditEntry
from loa.units.models import Unit
from loa.units.tests.test_unit_create import URL


def _top(kinds):
    """The unit form with no parent."""
    return {
        "parent": "",
        "name": "Liên đoàn Lao động tỉnh Bắc Kạn",
        "short_name": "LĐLĐ Bắc Kạn",
        "code": "LDLD-BK",
        "kind": kinds["province"].pk,
        "members_count": 0,
        "staff_count": 0,
        "address": "",
        "contact_name": "",
        "phone": "",
        "email": "",
        "active_from": "",
    }


@pytest.fixture
def upper_admin(tree):
    return _user("upper_admin", tree["upper"], "admin", full_name="Triệu Văn Cấp")


def test_the_form_offers_a_top_level_unit_to_a_whole_tree_admin_only(login, admin, upper_admin):
    assert "Để trống để tạo đơn vị cấp cao nhất" in login(admin).get(URL).content.decode()
    assert "Để trống để tạo đơn vị cấp cao nhất" not in login(upper_admin).get(URL).content.decode()


def test_a_whole_tree_admin_creates_a_top_level_unit_and_keeps_the_whole_tree(login, admin, tree, kinds):
    client = login(admin)
    response = client.post(URL, _top(kinds))

    unit = Unit.objects.get(code="LDLD-BK")
    assert response.status_code == 302 and response["Location"] == reverse("units:detail", args=[unit.pk])
    assert unit.parent is None and unit.depth == 0 and unit.path == f"/{unit.pk}/"
    # Made admin at the new root too: still an administrator of the whole tree, who can open it.
    assert Role.objects.filter(user=admin, unit=unit, role="admin").exists()
    assert manages_whole_tree(User.objects.get(pk=admin.pk))
    assert client.get(response["Location"]).status_code == 200
    assert AuditEntry.objects.filter(action="unit.created", object_id=str(unit.pk), actor=admin).exists()
    assert AuditEntry.objects.filter(action="role.granted", unit=unit, actor=admin).exists()


def test_a_superuser_creates_a_top_level_unit_without_a_role(client, tree, kinds):
    root = User.objects.create_superuser("root", "root@example.vn", "pass-for-tests")
    client.force_login(root)
    assert client.post(URL, _top(kinds)).status_code == 302
    assert Unit.objects.get(code="LDLD-BK").parent is None
    assert not Role.objects.filter(user=root).exists()


@pytest.mark.parametrize("who", ["upper_admin", "manager_of_b"])
def test_an_admin_of_a_lower_unit_gets_a_form_error_not_a_top_level_unit(request, login, kinds, who):
    response = login(request.getfixturevalue(who)).post(URL, _top(kinds))
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert not Unit.objects.filter(code="LDLD-BK").exists()


def test_a_province_admin_is_no_longer_whole_tree_once_another_root_exists(login, admin, kinds):
    from loa.units.services import unit_create

    unit_create(by=None, parent=None, kind=kinds["province"], code="LDLD-2", name="Liên đoàn Lao động tỉnh Lạng Sơn")
    response = login(admin).post(URL, _top(kinds))
    assert response.status_code == 200 and "parent" in response.context["form"].errors
    assert not Unit.objects.filter(code="LDLD-BK").exists()


@pytest.mark.parametrize("who", ["alice", "bob", "editor", "leader"])
def test_users_who_manage_no_unit_get_404(request, login, kinds, who):
    client = login(request.getfixturevalue(who))
    assert client.post(URL, _top(kinds)).status_code == 404
    assert not Unit.objects.filter(code="LDLD-BK").exists()
