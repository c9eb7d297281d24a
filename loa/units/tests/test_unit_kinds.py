"""The unit kinds page, /units/kinds/: only an administrator of the whole tree manages kinds."""

import pytest
from django.urls import reverse

from conftest import _user
from loa.accounts.models import User
from loa.audit.models import AuditEntry
from loa.units.models import Unit, UnitKind
from loa.units.services import unit_create
from loa.units.tests.conftest import assert_login_redirect

LIST = reverse("units:kinds")
NEW = reverse("units:kind_create")


def _urls(kind):
    return {
        "edit": reverse("units:kind_edit", args=[kind.pk]),
        "move": reverse("units:kind_move", args=[kind.pk]),
        "retire": reverse("units:kind_retire", args=[kind.pk]),
        "restore": reverse("units:kind_restore", args=[kind.pk]),
        "delete": reverse("units:kind_delete", args=[kind.pk]),
    }


def _kind_data(**extra):
    data = {"name": "Công đoàn khu công nghiệp", "code": "cd-kcn", "is_grassroots": "", "order": ""}
    data.update(extra)
    return data


@pytest.fixture
def upper_admin(tree):
    return _user("upper_admin", tree["upper"], "admin", full_name="Triệu Văn Cấp")


# --- Who may ---------------------------------------------------------------------------------


def test_a_whole_tree_admin_sees_every_kind_with_its_number_of_units(
    login, admin, kinds, django_assert_max_num_queries
):
    client = login(admin)
    client.get(LIST)  # the session is warm
    # Session, user, roles, "is there another root?", the kinds with their counts (one grouped query).
    with django_assert_max_num_queries(6):
        response = client.get(LIST)
    assert response.status_code == 200
    counts = {k.code: k.units_count for k in response.context["kinds"]}
    assert counts == {"ldld-tinh": 1, "cd-cap-tren": 1, "cdcs": 2}
    html = response.content.decode()
    assert "Công đoàn cơ sở" in html and f'href="{NEW}"' in html


def test_the_list_costs_the_same_queries_whatever_the_number_of_kinds(
    login, admin, tree, kinds, django_assert_max_num_queries
):
    client = login(admin)
    client.get(LIST)
    with django_assert_max_num_queries(6) as few:
        client.get(LIST)
    for i in range(12):
        kind = UnitKind.objects.create(code=f"k-{i}", name=f"Loại {i}", order=10 + i)
        unit_create(by=None, parent=tree["province"], kind=kind, code=f"R-{i}", name=f"Đơn vị {i}")
    with django_assert_max_num_queries(6) as many:
        response = client.get(LIST)
    assert len(few) == len(many)
    assert len(response.context["kinds"]) == 15


def test_a_superuser_manages_the_kinds_whatever_the_roots(client, tree, kinds):
    unit_create(by=None, parent=None, kind=kinds["province"], code="LDLD-2", name="Liên đoàn Lao động tỉnh Bắc Kạn")
    root = User.objects.create_superuser("root", "root@example.vn", "pass-for-tests")
    client.force_login(root)
    assert client.get(LIST).status_code == 200


@pytest.mark.parametrize("who", ["alice", "bob", "editor", "leader", "manager_of_b", "upper_admin"])
def test_everyone_else_gets_404_on_every_kind_page(request, login, kinds, who):
    client = login(request.getfixturevalue(who))
    urls = _urls(kinds["cdcs"])
    assert client.get(LIST).status_code == 404
    assert client.get(NEW).status_code == 404
    assert client.post(NEW, _kind_data()).status_code == 404
    assert client.get(urls["edit"]).status_code == 404
    assert client.post(urls["edit"], _kind_data(code="cdcs")).status_code == 404
    assert client.post(urls["move"], {"direction": "up"}).status_code == 404
    assert client.post(urls["retire"]).status_code == 404
    assert client.post(urls["restore"]).status_code == 404
    assert client.get(urls["delete"]).status_code == 404
    assert client.post(urls["delete"]).status_code == 404
    assert not UnitKind.objects.filter(code="cd-kcn").exists()
    assert UnitKind.objects.get(pk=kinds["cdcs"].pk).retired_on is None
    assert not AuditEntry.objects.filter(action__startswith="unit_kind.").exists()


def test_a_province_admin_is_refused_once_another_top_level_unit_exists(login, admin, kinds):
    unit_create(by=None, parent=None, kind=kinds["province"], code="LDLD-2", name="Liên đoàn Lao động tỉnh Bắc Kạn")
    client = login(admin)
    assert client.get(LIST).status_code == 404
    assert client.post(_urls(kinds["cdcs"])["retire"]).status_code == 404


def test_anonymous_is_sent_to_log_in(client, kinds):
    assert_login_redirect(client.get(LIST))
    assert_login_redirect(client.get(NEW))
    assert_login_redirect(client.post(_urls(kinds["cdcs"])["retire"]))
    assert UnitKind.objects.get(pk=kinds["cdcs"].pk).retired_on is None


def test_the_unit_list_links_to_the_kinds_for_a_whole_tree_admin_only(login, admin, manager_of_b):
    assert 'data-testid="kinds-link"' in login(admin).get(reverse("units:list")).content.decode()
    assert 'data-testid="kinds-link"' not in login(manager_of_b).get(reverse("units:list")).content.decode()


# --- Adding and changing ---------------------------------------------------------------------


def test_an_admin_adds_a_kind_at_the_end_of_the_list(login, admin, kinds):
    response = login(admin).post(NEW, _kind_data(code=" CD-KCN "))
    assert response.status_code == 302 and response["Location"] == LIST
    kind = UnitKind.objects.get(code="cd-kcn")
    assert kind.name == "Công đoàn khu công nghiệp" and not kind.is_grassroots
    assert kind.order == 4  # after CĐCS (3)
    entry = AuditEntry.objects.get(action="unit_kind.created", object_id=str(kind.pk))
    assert entry.actor == admin and entry.after["code"] == "cd-kcn"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "Công đoàn\tngành"}, "name", "ký tự điều khiển"),
        ({"name": "Đ" * 121}, "name", "tối đa 120"),
        ({"name": "   "}, "name", "Trường này là bắt buộc"),
        ({"code": "cđ-kcn"}, "code", "chữ cái Latinh không dấu"),
        ({"code": "cd kcn"}, "code", "chữ cái Latinh không dấu"),
        ({"code": "x" * 41}, "code", "tối đa 40"),
        ({"code": "cdcs"}, "code", "Đã có loại đơn vị khác mang mã “cdcs”"),
        ({"code": "CDCS"}, "code", "Đã có loại đơn vị khác mang mã “cdcs”"),
        ({"order": "40000"}, "order", "từ 0 đến 32767"),
        ({"order": "-1"}, "order", "từ 0 đến 32767"),
        ({"order": "một"}, "order", "từ 0 đến 32767"),
        ({"order": "99999999999999999999999"}, "order", "từ 0 đến 32767"),
    ],
)
def test_hostile_input_is_refused_in_vietnamese(login, admin, kinds, data, field, message):
    response = login(admin).post(NEW, _kind_data(**data))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert UnitKind.objects.count() == 3
    assert not AuditEntry.objects.filter(action="unit_kind.created").exists()


def test_control_characters_are_removed_before_the_kind_is_saved(login, admin, kinds):
    response = login(admin).post(NEW, _kind_data(name="Công đoàn\x00 ngành\x1b", code="cd\x00-kcn"))
    assert response.status_code == 302
    kind = UnitKind.objects.get(code="cd-kcn")
    assert kind.name == "Công đoàn ngành"


def test_an_admin_renames_a_kind_and_its_units_keep_it(login, admin, tree, kinds):
    kind = kinds["cdcs"]
    response = login(admin).post(
        _urls(kind)["edit"], {"name": "Công đoàn cơ sở (CĐCS)", "code": "cdcs", "is_grassroots": "on", "order": "3"}
    )
    assert response.status_code == 302
    kind.refresh_from_db()
    assert kind.name == "Công đoàn cơ sở (CĐCS)"
    assert Unit.objects.get(pk=tree["a"].pk).kind == kind
    entry = AuditEntry.objects.get(action="unit_kind.updated")
    assert entry.before == {"name": "Công đoàn cơ sở"} and entry.after == {"name": "Công đoàn cơ sở (CĐCS)"}


def test_the_code_of_a_kind_in_use_cannot_change(login, admin, kinds):
    kind = kinds["cdcs"]
    client = login(admin)
    assert "mã không thể đổi nữa" in client.get(_urls(kind)["edit"]).content.decode()
    client.post(_urls(kind)["edit"], {"name": kind.name, "code": "co-so", "is_grassroots": "on", "order": "3"})
    kind.refresh_from_db()
    assert kind.code == "cdcs"


def test_the_code_of_an_unused_kind_can_change(login, admin, kinds):
    kind = UnitKind.objects.create(code="cd-kcn", name="Công đoàn khu công nghiệp", order=9)
    response = login(admin).post(_urls(kind)["edit"], _kind_data(code="cd-khu-cn", order="9"))
    assert response.status_code == 302
    kind.refresh_from_db()
    assert kind.code == "cd-khu-cn"


def test_an_edit_that_changes_nothing_writes_no_audit_entry(login, admin, kinds):
    kind = kinds["upper"]
    login(admin).post(_urls(kind)["edit"], {"name": kind.name, "code": kind.code, "order": str(kind.order)})
    assert not AuditEntry.objects.filter(action="unit_kind.updated").exists()


# --- Order -----------------------------------------------------------------------------------


def test_an_admin_moves_a_kind_up_and_down(login, admin, kinds):
    client = login(admin)
    response = client.post(_urls(kinds["cdcs"])["move"], {"direction": "up"})
    assert response.status_code == 302
    assert list(UnitKind.objects.values_list("code", flat=True)) == ["ldld-tinh", "cdcs", "cd-cap-tren"]
    entry = AuditEntry.objects.get(action="unit_kind.reordered")
    assert entry.before == {"cd-cap-tren": 2, "cdcs": 3} and entry.after == {"cd-cap-tren": 3, "cdcs": 2}
    client.post(_urls(kinds["cdcs"])["move"], {"direction": "down"})
    assert list(UnitKind.objects.values_list("code", flat=True)) == ["ldld-tinh", "cd-cap-tren", "cdcs"]


def test_the_first_kind_moved_up_stays_first(login, admin, kinds):
    login(admin).post(_urls(kinds["province"])["move"], {"direction": "up"})
    assert UnitKind.objects.first() == kinds["province"]
    assert not AuditEntry.objects.filter(action="unit_kind.reordered").exists()


def test_kinds_with_the_same_order_are_numbered_afresh_when_one_moves(login, admin, kinds):
    UnitKind.objects.update(order=0)
    first, second, last = UnitKind.objects.order_by("order", "name", "pk")
    login(admin).post(_urls(last)["move"], {"direction": "up"})
    assert list(UnitKind.objects.values_list("pk", "order")) == [(first.pk, 0), (last.pk, 1), (second.pk, 2)]


def test_a_move_needs_a_post_and_a_direction(login, admin, kinds):
    client = login(admin)
    assert client.get(_urls(kinds["cdcs"])["move"]).status_code == 405
    assert client.post(_urls(kinds["cdcs"])["move"], {"direction": "sideways"}).status_code == 404


# --- Retiring and deleting -------------------------------------------------------------------


def test_a_retired_kind_is_not_offered_for_new_units_but_units_keep_it(login, admin, tree, kinds):
    client = login(admin)
    response = client.post(_urls(kinds["cdcs"])["retire"])
    assert response.status_code == 302
    kinds["cdcs"].refresh_from_db()
    assert kinds["cdcs"].is_retired
    assert AuditEntry.objects.filter(action="unit_kind.retired", object_id=str(kinds["cdcs"].pk)).exists()

    new_form = client.get(reverse("units:create"), {"parent": tree["upper"].pk}).content.decode()
    assert f'value="{kinds["cdcs"].pk}"' not in new_form
    # A unit that has it keeps it, marked as retired.
    edit_form = client.get(reverse("units:edit", args=[tree["a"].pk])).content.decode()
    assert f'<option value="{kinds["cdcs"].pk}" selected>Công đoàn cơ sở (ngừng dùng)</option>' in edit_form
    a = Unit.objects.get(pk=tree["a"].pk)
    assert a.kind == kinds["cdcs"]
    # ... and still shows it everywhere.
    assert "Công đoàn cơ sở" in client.get(reverse("units:detail", args=[a.pk])).content.decode()
    assert "ngừng dùng từ" in client.get(LIST).content.decode()


def test_a_new_unit_of_a_retired_kind_is_refused(login, admin, tree, kinds):
    from loa.units.tests.test_unit_create import _data

    login(admin).post(_urls(kinds["cdcs"])["retire"])
    response = login(admin).post(reverse("units:create"), _data(tree["upper"], kind=kinds["cdcs"].pk))
    assert response.status_code == 200
    assert "kind" in response.context["form"].errors
    assert not Unit.objects.filter(code="CS-HG").exists()


def test_a_unit_cannot_change_to_a_retired_kind(admin, tree, kinds):
    from django.core.exceptions import ValidationError

    from loa.units.kind_services import kind_retire
    from loa.units.services import unit_update

    kind_retire(by=admin, kind=kinds["upper"])
    with pytest.raises(ValidationError) as refused:
        unit_update(by=admin, unit=tree["a"], kind=UnitKind.objects.get(pk=kinds["upper"].pk))
    assert "ngừng dùng" in refused.value.message_dict["kind"][0]
    # Saving a unit that has a retired kind is fine.
    kind_retire(by=admin, kind=kinds["cdcs"])
    unit_update(by=admin, unit=tree["a"], name="Công đoàn cơ sở Trường THPT Cao Bằng")


def test_a_retired_kind_is_offered_again(login, admin, tree, kinds):
    client = login(admin)
    client.post(_urls(kinds["cdcs"])["retire"])
    client.post(_urls(kinds["cdcs"])["restore"])
    kinds["cdcs"].refresh_from_db()
    assert not kinds["cdcs"].is_retired
    assert AuditEntry.objects.filter(action="unit_kind.restored").exists()
    new_form = client.get(reverse("units:create"), {"parent": tree["upper"].pk}).content.decode()
    assert f'value="{kinds["cdcs"].pk}"' in new_form


def test_a_kind_in_use_is_not_deleted(login, admin, kinds):
    client = login(admin)
    page = client.get(_urls(kinds["cdcs"])["delete"]).content.decode()
    assert "không thể xóa" in page
    response = client.post(_urls(kinds["cdcs"])["delete"], follow=True)
    assert "không thể xóa: 2 đơn vị thuộc loại này" in response.content.decode()
    assert UnitKind.objects.filter(pk=kinds["cdcs"].pk).exists()
    assert not AuditEntry.objects.filter(action="unit_kind.deleted").exists()


def test_an_unused_kind_is_deleted(login, admin, kinds):
    kind = UnitKind.objects.create(code="cd-kcn", name="Công đoàn khu công nghiệp", order=9)
    client = login(admin)
    assert client.get(_urls(kind)["delete"]).status_code == 200
    response = client.post(_urls(kind)["delete"])
    assert response.status_code == 302
    assert not UnitKind.objects.filter(pk=kind.pk).exists()
    entry = AuditEntry.objects.get(action="unit_kind.deleted")
    assert entry.before["code"] == "cd-kcn" and entry.actor == admin


def test_the_audit_page_names_the_kind_actions_in_vietnamese(login, admin, kinds):
    client = login(admin)
    client.post(_urls(kinds["cdcs"])["retire"])
    html = client.get(reverse("audit:list")).content.decode()
    assert "Ngừng dùng loại đơn vị" in html
