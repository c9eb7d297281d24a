import pytest
from django.urls import reverse

from loa.audit.models import AuditEntry
from loa.units.models import Unit
from loa.units.tests.conftest import assert_login_redirect

URL = reverse("units:create")


def _data(parent, **extra):
    data = {
        "parent": parent.pk,
        "name": "Công đoàn cơ sở Trường Tiểu học Hợp Giang",
        "short_name": "",
        "code": "CS-HG",
        "kind": parent.kind.pk,
        "members_count": 25,
        "staff_count": 27,
        "address": "",
        "contact_name": "",
        "phone": "0912 345 678",
        "email": "",
        "active_from": "",
    }
    data.update(extra)
    return data


def test_a_manager_opens_the_form_with_the_parent_chosen(login, admin, tree, kinds):
    html = login(admin).get(URL, {"parent": tree["upper"].pk}).content.decode()
    assert 'data-testid="picked-parent"' in html
    assert "Công đoàn Viên chức tỉnh Cao Bằng" in html
    # The kind below the parent's is offered first.
    assert f'<option value="{kinds["cdcs"].pk}" selected>' in html


def test_a_manager_creates_a_unit_under_a_parent(login, admin, tree, kinds):
    response = login(admin).post(URL, _data(tree["upper"], kind=kinds["cdcs"].pk))

    unit = Unit.objects.get(code="CS-HG")
    assert response.status_code == 302 and response["Location"] == reverse("units:detail", args=[unit.pk])
    assert unit.parent == tree["upper"]
    assert unit.path == f"{tree['upper'].path}{unit.pk}/"
    assert unit.phone == "+84912345678"
    entry = AuditEntry.objects.get(action="unit.created", object_id=str(unit.pk))
    assert entry.actor == admin


def test_a_wrong_phone_number_is_refused_in_vietnamese(login, admin, tree):
    response = login(admin).post(URL, _data(tree["upper"], phone="12345"))

    assert response.status_code == 200
    assert "“12345” không phải là số điện thoại Việt Nam hợp lệ" in response.content.decode()
    assert not Unit.objects.filter(code="CS-HG").exists()


def test_a_code_already_taken_is_refused(login, admin, tree):
    response = login(admin).post(URL, _data(tree["upper"], code="CS-A"))
    assert "Đã có đơn vị khác mang mã “CS-A”" in response.content.decode()


def test_a_parent_outside_the_managers_units_is_refused(login, manager_of_b, tree):
    client = login(manager_of_b)
    assert client.get(URL, {"parent": tree["a"].pk}).status_code == 404
    response = client.post(URL, _data(tree["a"]))
    assert response.status_code == 200
    assert not Unit.objects.filter(code="CS-HG").exists()


def test_a_manager_of_a_unit_creates_below_it(login, manager_of_b, tree, kinds):
    response = login(manager_of_b).post(URL, _data(tree["b"], kind=kinds["cdcs"].pk))
    assert response.status_code == 302
    assert Unit.objects.get(code="CS-HG").parent == tree["b"]


def test_an_officer_without_the_capability_gets_404(login, alice, tree):
    assert login(alice).get(URL, {"parent": tree["a"].pk}).status_code == 404


def test_the_outsider_gets_404(login, bob, tree):
    client = login(bob)
    assert client.get(URL).status_code == 404
    assert client.post(URL, _data(tree["upper"])).status_code == 404


def test_anonymous_is_sent_to_log_in(client, tree):
    assert_login_redirect(client.get(URL))


def test_the_service_refuses_a_code_longer_than_its_column_whoever_calls_it(kinds, tree):
    """Not only the form: an import or the API calling the service gets a Vietnamese error, not a 500."""
    from django.core.exceptions import ValidationError

    from loa.units.services import unit_create

    with pytest.raises(ValidationError) as refused:
        unit_create(by=None, parent=tree["upper"], kind=kinds["cdcs"], code="X" * 41, name="Công đoàn cơ sở mới")
    assert "code" in refused.value.message_dict
    assert not Unit.objects.filter(name="Công đoàn cơ sở mới").exists()
