from django.urls import reverse

from loa.audit.models import AuditEntry
from loa.units.models import Unit
from loa.units.services import unit_create
from loa.units.tests.conftest import assert_login_redirect


def _url(unit):
    return reverse("units:move", args=[unit.pk])


def test_a_manager_moves_a_unit_with_its_subtree(login, admin, tree, kinds):
    other = unit_create(by=None, parent=tree["province"], kind=kinds["upper"], code="CDYT", name="Công đoàn Ngành Y tế")
    section = unit_create(by=None, parent=tree["b"], kind=kinds["cdcs"], code="CS-B-1", name="Tổ công đoàn Khoa Nội")
    b_id, section_id = tree["b"].pk, section.pk

    response = login(admin).post(_url(tree["b"]), {"new_parent": other.pk, "version": tree["b"].version})

    assert response.status_code == 302
    b, section = Unit.objects.get(pk=b_id), Unit.objects.get(pk=section_id)
    assert b.parent == other
    assert b.path == f"{other.path}{b_id}/"
    assert section.path == f"{other.path}{b_id}/{section_id}/" and section.depth == b.depth + 1
    entry = AuditEntry.objects.get(action="unit.moved", object_id=str(b_id))
    assert entry.before == {"parent": "Công đoàn Viên chức tỉnh Cao Bằng"}
    assert entry.after == {"parent": "Công đoàn Ngành Y tế"}


def test_a_move_under_its_own_subtree_is_refused_and_nothing_changes(login, admin, tree):
    upper = tree["upper"]
    paths = dict(Unit.objects.values_list("pk", "path"))

    response = login(admin).post(_url(upper), {"new_parent": tree["a"].pk, "version": upper.version})

    assert response.status_code == 200
    assert "không thể chuyển vào dưới" in response.content.decode()
    assert dict(Unit.objects.values_list("pk", "path")) == paths
    assert not AuditEntry.objects.filter(action="unit.moved").exists()


def test_the_picker_does_not_offer_the_units_inside(login, admin, tree):
    response = login(admin).get(
        reverse("units:pick"),
        {"name": "new_parent", "purpose": "manage", "exclude": tree["upper"].pk, "new_parent_search": "cao bang"},
    )
    html = response.content.decode()
    assert "Liên đoàn Lao động" in html
    assert "Trường THPT" not in html and "Công đoàn Viên chức" not in html


def test_a_new_parent_the_manager_does_not_manage_is_refused(login, manager_of_b, tree, kinds):
    section = unit_create(by=None, parent=tree["b"], kind=kinds["cdcs"], code="CS-B-1", name="Tổ công đoàn Khoa Nội")
    response = login(manager_of_b).post(_url(section), {"new_parent": tree["a"].pk})
    assert response.status_code == 200
    section.refresh_from_db()
    assert section.parent == tree["b"]


def test_the_outsider_gets_404(login, bob, tree):
    assert login(bob).post(_url(tree["a"]), {"new_parent": tree["b"].pk}).status_code == 404
    assert login(bob).get(_url(tree["a"])).status_code == 404


def test_anonymous_is_sent_to_log_in(client, tree):
    assert_login_redirect(client.get(_url(tree["a"])))


def test_two_admins_moving_at_once_the_second_is_shown_where_the_unit_went_and_nothing_moves_twice(admin, tree, kinds):
    from loa.core.tests.editing import second_browser

    other = unit_create(by=None, parent=tree["province"], kind=kinds["upper"], code="CDYT", name="Công đoàn Ngành Y tế")
    first, second = second_browser(admin), second_browser(admin)
    version = tree["b"].version  # both pages opened here
    first.get(_url(tree["b"]))
    second.get(_url(tree["b"]))
    assert first.post(_url(tree["b"]), {"new_parent": other.pk, "version": version}).status_code == 302

    response = second.post(_url(tree["b"]), {"new_parent": tree["province"].pk, "version": version})

    assert response.status_code == 409
    rows = {row["name"]: (row["theirs"], row["yours"]) for row in response.context["form"].conflict.rows}
    assert rows == {"new_parent": ("Công đoàn Ngành Y tế", "Liên đoàn Lao động tỉnh Cao Bằng")}
    assert Unit.objects.get(pk=tree["b"].pk).parent == other
    assert AuditEntry.objects.filter(action="unit.moved").count() == 1
