import pytest
from django.urls import reverse

from loa.audit.models import AuditEntry
from loa.units.tests.conftest import assert_login_redirect


def _url(unit):
    return reverse("units:edit", args=[unit.pk])


def _data(unit, **extra):
    data = {
        "name": unit.name,
        "short_name": unit.short_name,
        "code": unit.code,
        "kind": unit.kind_id,
        "members_count": unit.members_count,
        "staff_count": unit.staff_count,
        "address": unit.address,
        "contact_name": unit.contact_name,
        "phone": unit.phone,
        "email": unit.email,
        "active_from": "",
        "version": unit.version,
    }
    data.update(extra)
    return data


def test_a_manager_edits_a_unit_and_the_change_is_audited(login, admin, tree):
    a = tree["a"]
    response = login(admin).post(_url(a), _data(a, members_count=64, phone="0206.3852.123", active_from="05/04/2021"))

    assert response.status_code == 302
    a.refresh_from_db()
    assert a.members_count == 64
    assert a.phone == "+842063852123"
    assert a.active_from.isoformat() == "2021-04-05"
    entry = AuditEntry.objects.get(action="unit.updated", object_id=str(a.pk))
    assert entry.actor == admin
    assert entry.before["members_count"] == 60 and entry.after["members_count"] == 64


def test_the_form_shows_the_phone_as_people_write_it(login, admin, tree):
    from loa.units.services import unit_update

    unit_update(by=admin, unit=tree["a"], phone="0912345678")
    html = login(admin).get(_url(tree["a"])).content.decode()
    assert 'value="0912 345 678"' in html


def test_a_wrong_phone_number_is_refused_in_vietnamese(login, admin, tree):
    response = login(admin).post(_url(tree["a"]), _data(tree["a"], phone="0912"))
    assert response.status_code == 200
    assert "“0912” không phải là số điện thoại Việt Nam hợp lệ" in response.content.decode()
    tree["a"].refresh_from_db()
    assert tree["a"].phone == ""


def test_a_manager_of_another_unit_gets_404(login, manager_of_b, tree):
    assert login(manager_of_b).get(_url(tree["a"])).status_code == 404


def test_an_officer_of_the_unit_gets_404(login, alice, tree):
    assert login(alice).get(_url(tree["a"])).status_code == 404


def test_the_outsider_gets_404(login, bob, tree):
    assert login(bob).post(_url(tree["a"]), _data(tree["a"], name="X")).status_code == 404
    tree["a"].refresh_from_db()
    assert tree["a"].name != "X"


def test_anonymous_is_sent_to_log_in(client, tree):
    assert_login_redirect(client.get(_url(tree["a"])))


# --- Two pages at once: the second is shown the first one's change, nothing is overwritten ------


def test_two_admins_edit_at_once_and_the_second_sees_the_newer_values_beside_their_own(admin, tree):
    from conftest import _user
    from loa.core.tests.editing import form_values, second_browser, version_on

    colleague = _user("admin2", tree["province"], "admin", full_name="Lục Văn Hai")
    first, second = second_browser(admin), second_browser(colleague)
    page_1, page_2 = first.get(_url(tree["a"])), second.get(_url(tree["a"]))

    saved = first.post(_url(tree["a"]), {**form_values(page_1), "members_count": 64, "phone": "0206 3852 123"})
    assert saved.status_code == 302
    refused = second.post(
        _url(tree["a"]), {**form_values(page_2), "members_count": 70, "address": "Số 1 Hoàng Đình Giong"}
    )

    assert refused.status_code == 409
    html = refused.content.decode()
    assert 'data-testid="conflict"' in html and "đã sửa đơn vị này" in html
    assert "Nông Thị Quản Trị" in html  # who saved the newer version
    conflict = refused.context["form"].conflict
    rows = {row["name"]: (row["theirs"], row["yours"]) for row in conflict.rows}
    assert rows["members_count"] == ("64", "70")
    assert rows["phone"] == ("0206 3852 123", "—")
    assert rows["address"] == ("—", "Số 1 Hoàng Đình Giong")
    assert 'value="70"' in html and 'value="Số 1 Hoàng Đình Giong"' in html  # what they typed is kept
    a = tree["a"]
    a.refresh_from_db()
    assert (a.members_count, a.phone, a.address) == (64, "+842063852123", "")  # nothing saved over the first
    assert AuditEntry.objects.filter(action="unit.updated", object_id=str(a.pk)).count() == 1

    # Saving the conflict page again is a deliberate "keep mine": it now carries the newer version.
    assert version_on(refused) == a.version
    kept = second.post(_url(a), form_values(refused))
    assert kept.status_code == 302
    a.refresh_from_db()
    assert (a.members_count, a.address) == (70, "Số 1 Hoàng Đình Giong")


def test_the_same_admin_on_two_pages_is_not_allowed_to_overwrite_their_own_newer_save(admin, tree):
    from loa.core.tests.editing import form_values, second_browser

    phone, pc = second_browser(admin), second_browser(admin)
    on_phone, on_pc = phone.get(_url(tree["a"])), pc.get(_url(tree["a"]))
    assert pc.post(_url(tree["a"]), {**form_values(on_pc), "contact_name": "Hoàng Thị An"}).status_code == 302

    response = phone.post(_url(tree["a"]), {**form_values(on_phone), "staff_count": 66})

    assert response.status_code == 409
    tree["a"].refresh_from_db()
    assert (tree["a"].contact_name, tree["a"].staff_count) == ("Hoàng Thị An", 65)


@pytest.mark.parametrize("version", ["", "abc", "-1", "99999999999999999999", "\x00"])
def test_a_missing_or_forged_version_is_refused_in_vietnamese_and_nothing_is_saved(login, admin, tree, version):
    response = login(admin).post(_url(tree["a"]), _data(tree["a"], members_count=1, version=version))
    assert response.status_code == 200
    assert "Trang này đã cũ" in response.content.decode()
    tree["a"].refresh_from_db()
    assert tree["a"].members_count == 60


def test_a_version_from_the_future_is_a_conflict_not_a_save(login, admin, tree):
    response = login(admin).post(_url(tree["a"]), _data(tree["a"], members_count=1, version=7))
    assert response.status_code == 409
    tree["a"].refresh_from_db()
    assert tree["a"].members_count == 60
