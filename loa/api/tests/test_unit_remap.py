"""/api/v1/units/restructurings: upload a mapping table (dry run), read it, apply it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from loa.units.models import Unit
from loa.units.services import unit_create
from loa.units.tests.conftest import manager_of_b  # noqa: F401 (a fixture)
from loa.units.tests.test_remap import ON, _csv

URL = "/api/v1/units/restructurings"


@pytest.fixture
def gd(tree, kinds):
    return unit_create(by=None, parent=tree["province"], kind=kinds["upper"], code="CDGD", name="Công đoàn Giáo dục")


def _upload(client, data):
    return client.post(URL, {"file": SimpleUploadedFile("bang.csv", data)})


def test_an_integrator_checks_and_applies_a_table(api_client, admin, tree, gd):
    client = api_client(admin)
    answer = _upload(client, _csv(("CS-A", "CDGD", "chuyển", ON)))
    assert answer.status_code == 202, answer.content
    body = answer.json()
    assert body["status"] == "planned" and body["plan"] and body["rows"][0]["action"] == "move"
    assert Unit.objects.get(code="CS-A").parent_id == tree["upper"].pk

    applied = client.post(f"{URL}/{body['id']}/apply")

    assert applied.status_code == 202, applied.content
    assert applied.json()["status"] == "applied" and applied.json()["audit_entries"]
    assert Unit.objects.get(code="CS-A").parent_id == gd.pk
    assert client.get(f"{URL}/{body['id']}").json()["status"] == "applied"
    assert client.post(f"{URL}/{body['id']}/apply").status_code == 422


def test_problems_come_row_by_row_in_vietnamese(api_client, admin, tree, gd):
    body = _upload(api_client(admin), _csv(("CS-A", "CS-Z", "chuyển", ON))).json()
    assert body["status"] == "refused"
    assert body["problems"] == [{"row": 4, "column": "", "message": "Không có đơn vị nào mang mã “CS-Z”."}]


def test_it_checks_ownership(api_client, admin, alice, manager_of_b, tree, gd):  # noqa: F811
    body = _upload(api_client(admin), _csv(("CS-A", "CDGD", "chuyển", ON))).json()
    assert _upload(api_client(alice), _csv(("CS-A", "CDGD", "chuyển", ON))).status_code == 404
    outsider = api_client(manager_of_b)
    assert outsider.get(f"{URL}/{body['id']}").status_code == 404
    assert outsider.post(f"{URL}/{body['id']}/apply").status_code == 404
    assert Unit.objects.get(code="CS-A").parent_id == tree["upper"].pk
