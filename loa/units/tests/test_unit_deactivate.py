from datetime import date

from django.urls import reverse

from loa.audit.models import AuditEntry
from loa.units.services import unit_update
from loa.units.tests.conftest import assert_login_redirect


def _url(unit):
    return reverse("units:deactivate", args=[unit.pk])


def test_a_manager_deactivates_a_unit_from_a_date_with_a_reason(login, admin, tree):
    response = login(admin).post(
        _url(tree["a"]), {"active_to": "30/06/2025", "reason": "Sáp nhập trường", "version": 1}
    )

    assert response.status_code == 302
    tree["a"].refresh_from_db()
    assert tree["a"].active_to == date(2025, 6, 30)
    entry = AuditEntry.objects.get(action="unit.deactivated", object_id=str(tree["a"].pk))
    assert entry.note == "Sáp nhập trường" and entry.actor == admin


def test_the_reason_is_required(login, admin, tree):
    response = login(admin).post(_url(tree["a"]), {"active_to": "30/06/2025", "reason": ""})
    assert response.status_code == 200
    tree["a"].refresh_from_db()
    assert tree["a"].active_to is None


def test_an_end_before_the_start_is_refused(login, admin, tree):
    unit_update(by=admin, unit=tree["a"], active_from=date(2024, 1, 1))
    response = login(admin).post(_url(tree["a"]), {"active_to": "2023-12-31", "reason": "Lỗi", "version": 2})
    assert response.status_code == 200
    assert "Ngày kết thúc không được trước ngày bắt đầu" in response.content.decode()


def test_an_officer_of_the_unit_gets_404(login, alice, tree):
    assert login(alice).post(_url(tree["a"]), {"active_to": "30/06/2025", "reason": "x"}).status_code == 404


def test_the_outsider_gets_404(login, bob, tree):
    assert login(bob).get(_url(tree["a"])).status_code == 404


def test_anonymous_is_sent_to_log_in(client, tree):
    assert_login_redirect(client.get(_url(tree["a"])))


def test_a_unit_already_closed_shows_its_end_date_to_change(login, admin, tree):
    from loa.units.services import unit_deactivate

    unit_deactivate(by=admin, unit=tree["a"], active_to=date(2025, 6, 30), reason="Sáp nhập")
    assert 'value="2025-06-30"' in login(admin).get(_url(tree["a"])).content.decode()


def test_a_closing_page_opened_before_an_edit_is_refused_with_the_newer_end_date_shown(admin, tree):
    from loa.core.tests.editing import second_browser

    first, second = second_browser(admin), second_browser(admin)
    assert (
        first.post(_url(tree["a"]), {"active_to": "30/06/2025", "reason": "Sáp nhập", "version": 1}).status_code == 302
    )

    response = second.post(_url(tree["a"]), {"active_to": "31/12/2025", "reason": "Giải thể", "version": 1})

    assert response.status_code == 409
    assert 'data-testid="conflict"' in response.content.decode()
    rows = {row["name"]: (row["theirs"], row["yours"]) for row in response.context["form"].conflict.rows}
    assert rows == {"active_to": ("30/06/2025", "31/12/2025")}
    tree["a"].refresh_from_db()
    assert tree["a"].active_to == date(2025, 6, 30)
    assert AuditEntry.objects.filter(action="unit.deactivated").count() == 1
