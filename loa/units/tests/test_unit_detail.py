from datetime import date

from django.urls import reverse

from loa.units.services import unit_deactivate, unit_move, unit_update
from loa.units.tests.conftest import assert_login_redirect


def _url(unit):
    return reverse("units:detail", args=[unit.pk])


def test_an_officer_sees_their_unit_without_the_management_buttons(login, alice, tree):
    response = login(alice).get(_url(tree["a"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Trường THPT Thành phố Cao Bằng" in html
    assert reverse("units:edit", args=[tree["a"].pk]) not in html


def test_a_manager_sees_the_management_buttons(login, admin, tree):
    html = login(admin).get(_url(tree["a"])).content.decode()
    for name in ("edit", "move", "merge", "split", "deactivate"):
        assert reverse(f"units:{name}", args=[tree["a"].pk]) in html
    assert f"{reverse('units:create')}?parent={tree['a'].pk}" in html


def test_a_closed_unit_offers_no_merge_or_split(login, admin, tree):
    unit_deactivate(by=admin, unit=tree["a"], active_to=date(2025, 6, 30))
    html = login(admin).get(_url(tree["a"])).content.decode()
    assert reverse("units:merge", args=[tree["a"].pk]) not in html
    assert reverse("units:split", args=[tree["a"].pk]) not in html


def test_the_outsider_gets_404(login, bob, tree):
    assert login(bob).get(_url(tree["a"])).status_code == 404


def test_anonymous_is_sent_to_log_in(client, tree):
    assert_login_redirect(client.get(_url(tree["a"])))


def test_the_history_says_who_changed_what_from_what_to_what_newest_first(login, admin, alice, tree):
    unit_update(by=admin, unit=tree["a"], members_count=62, phone="0912345678")
    unit_move(by=admin, unit=tree["a"], new_parent=tree["province"])
    unit_deactivate(by=admin, unit=tree["a"], active_to=date(2025, 6, 30), reason="Sáp nhập theo Quyết định số 15")

    html = login(alice).get(_url(tree["a"])).content.decode()
    history = html[html.index('id="history"') :]

    assert history.index("Ngừng hoạt động") < history.index("Chuyển") < history.index("Sửa") < history.index("Tạo")
    assert "Nông Thị Quản Trị" in history
    assert "Số đoàn viên: 60 → 62" in history
    assert "Số điện thoại: — → 0912 345 678" in history
    assert "Đơn vị cấp trên: Công đoàn Viên chức tỉnh Cao Bằng → Liên đoàn Lao động tỉnh Cao Bằng" in history
    assert "Hoạt động đến: — → 30/06/2025" in history
    assert "Sáp nhập theo Quyết định số 15" in history
