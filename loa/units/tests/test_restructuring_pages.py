"""The restructuring pages: upload → plan → apply; readable later; outsiders get 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from loa.units.models import Restructuring, Unit
from loa.units.services import unit_create
from loa.units.tests.test_remap import ON, _csv


@pytest.fixture
def more(tree, kinds):
    return unit_create(by=None, parent=tree["province"], kind=kinds["upper"], code="CDGD", name="Công đoàn Giáo dục")


def _upload(client, data):
    return client.post(reverse("units:restructurings"), {"file": SimpleUploadedFile("bang.csv", data)})


def test_it_checks_then_applies_a_table(client, tree, more, admin):
    client.force_login(admin)
    response = _upload(client, _csv(("CS-A", "CDGD", "chuyển", ON)))
    record = Restructuring.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("units:restructuring", args=[record.pk])).content.decode()
    assert "CDGD" in page or "Công đoàn Giáo dục" in page
    assert f"restructurings/{record.pk}/apply" in page

    response = client.post(reverse("units:restructuring_apply", args=[record.pk]))

    assert response.status_code == 302
    assert Unit.objects.get(code="CS-A").parent_id == more.pk
    page = client.get(reverse("units:restructuring", args=[record.pk])).content.decode()
    assert "Đã áp dụng" in page
    assert client.get(reverse("units:restructurings")).status_code == 200


def test_it_shows_problems_row_by_row(client, tree, more, admin):
    client.force_login(admin)
    _upload(client, _csv(("CS-X", "CDGD", "chuyển", ON)))
    record = Restructuring.objects.get()
    page = client.get(reverse("units:restructuring", args=[record.pk])).content.decode()
    assert "CS-X" in page
    assert f"restructurings/{record.pk}/apply" not in page


def test_it_checks_ownership(client, tree, more, admin, alice, manager_of_b):
    client.force_login(admin)
    _upload(client, _csv(("CS-A", "CDGD", "chuyển", ON)))
    record = Restructuring.objects.get()
    client.force_login(alice)  # an officer: manages no unit
    assert client.get(reverse("units:restructurings")).status_code == 404
    assert client.get(reverse("units:restructuring", args=[record.pk])).status_code == 404
    client.force_login(manager_of_b)  # manages units, not this restructuring
    assert client.get(reverse("units:restructuring", args=[record.pk])).status_code == 404
    assert client.post(reverse("units:restructuring_apply", args=[record.pk])).status_code == 404
    assert Unit.objects.get(code="CS-A").parent_id == tree["upper"].pk
