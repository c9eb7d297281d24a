import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import _user
from loa.audit.log import log_action
from loa.audit.models import AuditEntry
from loa.units.services import unit_update

URL = reverse("audit:list")


@pytest.fixture
def upper_admin(tree):
    return _user("upper_admin", tree["upper"], "admin", full_name="Triệu Văn Cấp")


@pytest.fixture
def history(tree, admin, upper_admin):
    """Edits in A, in B, at the province, and one entry with no unit."""
    AuditEntry.objects.all().delete()
    unit_update(by=upper_admin, unit=tree["a"], members_count=61)
    unit_update(by=admin, unit=tree["b"], name="Công đoàn cơ sở Bệnh viện Đa khoa tỉnh Cao Bằng")
    unit_update(by=admin, unit=tree["province"], address="Số 1, Hoàng Đình Giong")
    log_action("system.settings_changed", actor=admin, note="Cấu hình chung")
    return tree


def _actions(response):
    return [(e.action, e.object_repr) for e in response.context["entries"]]


def test_anonymous_is_sent_to_log_in(client, db):
    assert reverse("accounts:login") in client.get(URL).url


@pytest.mark.parametrize("who", ["alice", "bob", "editor", "leader"])
def test_users_without_audit_rights_get_404(request, login, who):
    assert login(request.getfixturevalue(who)).get(URL).status_code == 404


def test_a_province_admin_sees_every_entry_readably(login, admin, history):
    response = login(admin).get(URL)
    assert response.status_code == 200
    assert len(response.context["entries"]) == 4
    text = response.content.decode()
    assert "Triệu Văn Cấp" in text
    assert "60 → 61" in text
    assert timezone.localdate().strftime("%d/%m/%Y") in text


def test_an_upper_admin_sees_only_entries_under_their_unit(login, upper_admin, history):
    response = login(upper_admin).get(URL)
    objects = {repr_ for _action, repr_ in _actions(response)}
    assert objects == {history["a"].name, "Công đoàn cơ sở Bệnh viện Đa khoa tỉnh Cao Bằng"}


def test_entries_without_a_unit_are_for_the_top_only(login, admin, upper_admin, history, django_user_model):
    assert "system.settings_changed" not in [a for a, _ in _actions(login(upper_admin).get(URL))]
    assert "system.settings_changed" in [a for a, _ in _actions(login(admin).get(URL))]
    root = django_user_model.objects.create_superuser("root", "root@example.vn", "x")
    assert "system.settings_changed" in [a for a, _ in _actions(login(root).get(URL))]


def test_filters_by_action_actor_unit_and_text(login, admin, history):
    client = login(admin)
    assert len(_actions(client.get(URL, {"action": "unit."}))) == 3
    assert len(_actions(client.get(URL, {"action": "system"}))) == 1
    assert [o for _, o in _actions(client.get(URL, {"actor": "trieu van"}))] == [history["a"].name]
    assert len(_actions(client.get(URL, {"unit": history["upper"].pk}))) == 2
    assert len(_actions(client.get(URL, {"unit": history["a"].pk}))) == 1
    assert [a for a, _ in _actions(client.get(URL, {"q": "cau hinh"}))] == ["system.settings_changed"]


def test_filters_by_date_range(login, admin, history):
    client = login(admin)
    old = AuditEntry.objects.get(action="system.settings_changed")
    AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=40))
    today = timezone.localdate()
    assert len(_actions(client.get(URL, {"from": today.isoformat()}))) == 3
    last_month = (today - datetime.timedelta(days=40)).strftime("%d/%m/%Y")
    assert [a for a, _ in _actions(client.get(URL, {"from": last_month, "to": last_month}))] == [
        "system.settings_changed"
    ]


def test_a_unit_filter_outside_the_scope_is_404(login, upper_admin, history):
    assert login(upper_admin).get(URL, {"unit": history["province"].pk}).status_code == 404


def test_the_page_takes_a_constant_number_of_queries(login, admin, tree, django_assert_max_num_queries):
    for i in range(80):
        unit_update(by=admin, unit=tree["a"] if i % 2 else tree["b"], members_count=100 + i)
    client = login(admin)
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert len(response.context["entries"]) == 50
    assert response.context["page"].has_next()


def test_htmx_gets_only_the_results(login, admin, history):
    text = login(admin).get(URL, {"q": "benh vien"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="results"' in text and "<html" not in text
