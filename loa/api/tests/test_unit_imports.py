"""The unit-list import through the API: upload, read the check, choose, commit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from loa.imports.models import ColumnMapping
from loa.jobs.models import Job
from loa.units.models import Unit
from loa.units.tests.test_import_province_lists import CAO_BANG, UNKNOWN_TITLES, province_list

pytestmark = pytest.mark.django_db
URL = "/api/v1/units/imports"


@pytest.fixture
def stored_cd_vc(tree):
    Unit.objects.filter(pk=tree["upper"].pk).update(code="CD-VC")
    return tree


@pytest.fixture
def manager_of_b(tree):
    """Manages units, but only CĐCS B: an outsider to the province's import."""
    from conftest import _user

    return _user("manager_b", tree["b"], "admin")


def _upload(client, data, name="danh-sach.xlsx"):
    return client.post(URL, {"file": SimpleUploadedFile(name, data)})


def test_an_integrator_uploads_a_province_list_answers_the_same_name_question_and_commits(
    api_client, admin, stored_cd_vc
):
    client = api_client(admin)
    answer = _upload(client, province_list(CAO_BANG))
    assert answer.status_code == 201
    check = answer.json()
    assert check["step"] == "check" and check["status"] == "done"
    result = check["result"]
    assert (result["rows"], result["created"], result["error_count"], result["header_row"]) == (3, 3, 0, 4)
    assert [c["field"] for c in result["columns"]] == ["", "code", "name", "parent_code"]
    [same] = result["same_names"]
    assert same["code"] == "CS-M2" and same["existing"]["code"] == "CS-B"
    assert client.get(f"{URL}/{check['id']}").json() == check

    done = client.post(f"{URL}/{check['id']}/commit", {"same_unit": {"CS-M2": 0}}, content_type="application/json")
    assert done.status_code == 201 and done.json()["step"] == "commit" and done.json()["result"]["committed"]
    assert Unit.objects.filter(name="Công đoàn cơ sở Bệnh viện Đa khoa tỉnh").count() == 2
    # Sent twice, the commit is the first one.
    again = client.post(f"{URL}/{check['id']}/commit", {"same_unit": {"CS-M2": 0}}, content_type="application/json")
    assert again.json()["id"] == done.json()["id"] and Unit.objects.filter(code__startswith="CS-M").count() == 3


def test_columns_are_mapped_through_the_api_and_remembered(api_client, admin, stored_cd_vc):
    client = api_client(admin)
    check = _upload(client, province_list(CAO_BANG[:1], titles=UNKNOWN_TITLES)).json()
    assert check["result"]["needs_mapping"] and "Thiếu cột" in check["result"]["problems"][0]["message"]
    assert client.post(f"{URL}/{check['id']}/commit", {}, content_type="application/json").status_code == 422
    mapped = client.post(
        f"{URL}/{check['id']}/check",
        {"mapping": {"1": "code", "Đơn vị": "name", "3": "parent_code"}},
        content_type="application/json",
    )
    assert mapped.status_code == 201 and mapped.json()["result"]["created"] == 1
    assert ColumnMapping.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "says"),
    [
        ({"mapping": {"1": "colour"}}, "không phải là một cột"),
        ({"mapping": {"9": "code"}}, "Tệp không có cột thứ 10"),
        ({"mapping": {"Màu": "code"}}, "Tệp không có cột “Màu”"),
        ({"default_kind": "hoi"}, "Hãy chọn một trong các loại đơn vị"),
        ({"mapping": {"1": "code"}, "extra": 1}, ""),
    ],
)
def test_a_bad_choice_is_refused_with_a_vietnamese_422(api_client, admin, stored_cd_vc, payload, says):
    client = api_client(admin)
    check = _upload(client, province_list(CAO_BANG[:1], titles=UNKNOWN_TITLES)).json()
    answer = client.post(f"{URL}/{check['id']}/check", payload, content_type="application/json")
    assert answer.status_code == 422 and says in str(answer.json())
    assert Job.objects.count() == 1


def test_a_bad_same_unit_answer_is_refused(api_client, admin, stored_cd_vc):
    client = api_client(admin)
    check = _upload(client, province_list(CAO_BANG)).json()
    answer = client.post(
        f"{URL}/{check['id']}/commit", {"same_unit": {"CS-M2": 10**30}}, content_type="application/json"
    )
    assert answer.status_code == 422 and answer.json()["code"] == "invalid"
    assert not Unit.objects.filter(code__startswith="CS-M").exists()


def test_a_file_that_is_not_a_list_is_refused_in_vietnamese(api_client, admin, stored_cd_vc):
    answer = _upload(api_client(admin), b"%PDF-1.7\n" + bytes(range(256)), name="danh-sach.xlsx")
    assert answer.status_code == 422 and "Tệp “danh-sach.xlsx”" in answer.json()["detail"] + str(
        answer.json()["errors"]
    )
    assert not Job.objects.exists()


def test_an_outsider_cannot_read_or_commit_anothers_check(api_client, admin, manager_of_b, bob, stored_cd_vc):
    check = _upload(api_client(admin), province_list(CAO_BANG)).json()
    outsider = api_client(manager_of_b)
    assert outsider.get(f"{URL}/{check['id']}").status_code == 404
    assert outsider.post(f"{URL}/{check['id']}/commit", {}, content_type="application/json").status_code == 404
    assert outsider.post(f"{URL}/{check['id']}/check", {}, content_type="application/json").status_code == 404
    assert _upload(api_client(bob), province_list(CAO_BANG)).status_code == 404
    assert Job.objects.count() == 1 and not Unit.objects.filter(code__startswith="CS-M").exists()
