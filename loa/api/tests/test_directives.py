"""/api/v1/directives: the same rules as the directive pages, through the same services."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from loa.audit.models import AuditEntry
from loa.directives import services
from loa.directives.models import Assignment, Directive, ReportVersion, Rollup
from loa.directives.tests.factories import DEADLINE, GOOD_PAGE, HCM, fanpage_letter
from loa.units.services import unit_create

pytestmark = pytest.mark.django_db
BASE = "/api/v1/directives"
JSON = "application/json"


@pytest.fixture
def letter(tree, admin):
    return fanpage_letter(tree, by=admin)


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type=JSON)


def _report_url(task, unit):
    return f"{BASE}/tasks/{task.pk}/units/{unit.pk}/report"


# --- the admin's side: draft, recipients, task, issue ------------------------------------------


def test_an_admin_drafts_chooses_recipients_adds_a_task_and_issues(api_client, admin, tree):
    client = api_client(admin)
    response = _post(
        client,
        BASE,
        {
            "issuing_unit": tree["upper"].pk,
            "number": "812/TB-CĐVC",
            "kind": "TB",
            "issued_on": "2021-04-05",
            "summary": "V/v đẩy mạnh công tác truyền thông",
            "body": "Mỗi CĐCS lập 01 Trang Fanpage.",
            "signer_name": "Ngọc Văn Phán",
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    directive = Directive.objects.get(pk=data["id"])
    assert data["status"] == "draft" and data["place"] == "Cao Bằng" and data["recipient_count"] == 0
    assert data["superior_body"] == "LIÊN ĐOÀN LAO ĐỘNG TỈNH CAO BẰNG"

    response = client.put(f"{BASE}/{directive.pk}/recipients", {"mode": "all"}, content_type=JSON)
    assert response.status_code == 200, response.content
    assert response.json()["recipient_count"] == 2

    response = _post(
        client,
        f"{BASE}/{directive.pk}/tasks",
        {
            "title": "Báo cáo kết quả thành lập Trang Fanpage",
            "deadline": "2021-04-30T00:00:00",
            "report_form": "fanpage",
        },
    )
    assert response.status_code == 201, response.content
    task = response.json()
    assert task["deadline"] == "2021-04-30T00:00:00+07:00"  # a time without an offset is local
    assert "29/04/2021" in task["deadline_text"]  # "before 30/04/2021, that is by 23:59 on 29/04/2021"

    response = _post(client, f"{BASE}/{directive.pk}/issue")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == "issued"
    assert data["tasks"][0]["totals"]["expected"] == 2
    assert Assignment.objects.filter(task_id=task["id"]).count() == 2
    actions = set(AuditEntry.objects.filter(actor=admin).values_list("action", flat=True))
    assert {"directive.created", "directive.recipients_set", "directive.task.added", "directive.issued"} <= actions


def test_recipients_by_kind_and_by_hand(api_client, admin, tree, kinds):
    directive, _ = fanpage_letter(tree, by=admin, issue=False, recipients=[tree["a"]])
    client = api_client(admin)
    url = f"{BASE}/{directive.pk}/recipients"
    assert client.put(url, {"mode": "kind", "kind": "cdcs"}, content_type=JSON).json()["recipient_count"] == 2
    assert client.put(url, {"mode": "units", "units": [tree["b"].pk]}, content_type=JSON).json()["recipient_count"] == 1
    assert list(directive.recipients.all()) == [tree["b"]]


def test_bad_recipient_choices_are_named_in_vietnamese(api_client, admin, tree, kinds):
    directive, _ = fanpage_letter(tree, by=admin, issue=False)
    client = api_client(admin)
    url = f"{BASE}/{directive.pk}/recipients"
    response = client.put(url, {"mode": "kind"}, content_type=JSON)
    assert response.status_code == 422 and response.json()["errors"] == {"kind": ["Hãy chọn loại đơn vị."]}
    response = client.put(url, {"mode": "kind", "kind": "nope"}, content_type=JSON)
    assert response.status_code == 422 and "nope" in response.json()["errors"]["kind"][0]
    outside = unit_create(by=None, parent=tree["province"], kind=kinds["cdcs"], code="CS-X", name="Công đoàn X")
    response = client.put(url, {"mode": "units", "units": [tree["a"].pk, outside.pk]}, content_type=JSON)
    assert response.status_code == 422
    assert str(outside.pk) in response.json()["errors"]["units"][0]
    assert directive.recipient_rows.count() == 2  # unchanged


def test_a_draft_may_lose_its_number_but_is_issued_only_with_one_and_only_once(api_client, admin, tree):
    directive, _ = fanpage_letter(tree, by=admin, issue=False)
    client = api_client(admin)
    response = client.patch(f"{BASE}/{directive.pk}", {"number": "", "version": 1}, content_type=JSON)
    assert response.status_code == 200 and response.json()["number"] == ""
    response = _post(client, f"{BASE}/{directive.pk}/issue")
    assert response.status_code == 422 and list(response.json()["errors"]) == ["number"]
    response = client.patch(
        f"{BASE}/{directive.pk}", {"number": "46/CV-CĐVC", "summary": "V/v khác", "version": 2}, content_type=JSON
    )
    assert response.status_code == 200 and response.json()["number"] == "46/CV-CĐVC"
    assert AuditEntry.objects.filter(action="directive.updated", actor=admin).exists()
    assert _post(client, f"{BASE}/{directive.pk}/issue").status_code == 200
    response = _post(client, f"{BASE}/{directive.pk}/issue")
    assert response.status_code == 422
    assert response.json()["detail"] == "Văn bản này đã được ban hành."


def test_an_admin_changes_a_task_deadline_and_the_states_follow(api_client, admin, alice, letter, tree):
    _, task = letter
    services.report_submit(
        by=alice,
        assignment=Assignment.objects.get(task=task, unit=tree["a"]),
        data=GOOD_PAGE,
        at=datetime(2021, 5, 2, 9, 0, tzinfo=HCM),
    )
    response = api_client(admin).patch(
        f"{BASE}/tasks/{task.pk}", {"deadline": "2021-05-05T00:00:00+07:00", "version": 1}, content_type=JSON
    )
    assert response.status_code == 200, response.content
    assert Assignment.objects.get(task=task, unit=tree["a"]).state == "on_time"


# --- versions: every change names the version it read -----------------------------------------


def test_two_changes_of_a_directive_from_the_same_version_the_second_gets_409_with_the_current_one(
    api_client, admin, tree
):
    directive, _task = fanpage_letter(tree, by=admin, issue=False)
    client, url = api_client(admin), f"{BASE}/{directive.pk}"
    read = client.get(url).json()["version"]
    first = client.patch(url, {"summary": "V/v truyền thông trên Fanpage", "version": read}, content_type=JSON)
    assert first.status_code == 200 and first.json()["version"] == read + 1

    second = client.patch(
        url, {"summary": "V/v khác hẳn", "signer_name": "Người Khác", "version": read}, content_type=JSON
    )

    assert second.status_code == 409
    body = second.json()
    assert body["code"] == "stale" and body["current"]["summary"] == "V/v truyền thông trên Fanpage"
    assert body["current"]["tasks"] and body["current"]["version"] == read + 1  # the same shape as GET
    directive.refresh_from_db()
    assert (directive.summary, directive.signer_name) == ("V/v truyền thông trên Fanpage", "Ngọc Văn Phán")
    assert AuditEntry.objects.filter(action="directive.updated").count() == 1


def test_a_task_changed_meanwhile_refuses_the_older_change_with_409(api_client, admin, letter):
    _directive, task = letter
    client, url = api_client(admin), f"{BASE}/tasks/{task.pk}"
    assert client.patch(url, {"title": "Báo cáo Fanpage (sửa)", "version": 1}, content_type=JSON).status_code == 200
    response = client.patch(url, {"deadline": "2021-06-01T00:00:00+07:00", "version": 1}, content_type=JSON)
    assert response.status_code == 409
    assert response.json()["current"]["title"] == "Báo cáo Fanpage (sửa)" and response.json()["current"]["version"] == 2
    task.refresh_from_db()
    assert task.deadline == DEADLINE


def test_a_directive_or_task_change_without_a_version_is_refused_with_428(api_client, admin, letter):
    directive, task = letter
    client = api_client(admin)
    responses = [
        client.patch(f"{BASE}/{directive.pk}", {"summary": "X"}, content_type=JSON),
        client.patch(f"{BASE}/tasks/{task.pk}", {"title": "X"}, content_type=JSON),
    ]
    assert [r.status_code for r in responses] == [428, 428]
    assert {r.json()["code"] for r in responses} == {"version_required"}
    directive.refresh_from_db()
    task.refresh_from_db()
    assert directive.summary != "X" and task.title != "X"


# --- reading -------------------------------------------------------------------------------


def test_the_list_shows_only_what_the_caller_may_see(api_client, admin, bob, tree, kinds, letter):
    other = unit_create(by=None, parent=tree["province"], kind=kinds["upper"], code="CDYT", name="Công đoàn Ngành Y tế")
    services.directive_create(
        by=admin,
        issuing_unit=other,
        number="1/CV-CĐYT",
        kind="CV",
        issued_on=letter[0].issued_on,
        summary="Việc của ngành Y tế",
        body="…",
        signer_name="X",
    )
    assert api_client(admin).get(BASE).json()["count"] == 2
    assert api_client(admin).get(BASE, {"status": "draft"}).json()["items"][0]["number"] == "1/CV-CĐYT"
    assert api_client(admin).get(BASE, {"q": "Fanpage"}).json()["count"] == 0
    assert api_client(admin).get(BASE, {"q": "truyền thông"}).json()["count"] == 1
    items = api_client(bob).get(BASE).json()["items"]  # bob received the letter; not the other draft
    assert [d["number"] for d in items] == ["45/CV-CĐVC"]
    assert items[0]["task_count"] == 1


def test_a_recipient_reads_the_directive_with_its_tasks_and_attachments(api_client, bob, admin, letter, tree):
    from django.core.files.base import ContentFile

    from loa.directives.models import Attachment

    directive, task = letter
    attachment = Attachment(directive=directive, name="Biểu mẫu.pdf", content_type="application/pdf", size=4)
    attachment.file.save("bieu-mau.pdf", ContentFile(b"%PDF"), save=False)
    attachment.save()
    data = api_client(bob).get(f"{BASE}/{directive.pk}").json()
    assert data["recipient_count"] == 2 and data["can_issue"] is False
    assert [t["title"] for t in data["tasks"]] == [task.title]
    assert data["attachments"][0]["name"] == "Biểu mẫu.pdf" and data["attachments"][0]["size"] == 4
    download = api_client(bob).get(data["attachments"][0]["url"].replace("http://testserver", ""))
    assert download.status_code == 200  # with the same token
    assert b"".join(download.streaming_content) == b"%PDF"
    assert data["documents"]["pdf"].endswith(f"/{directive.pk}/document.pdf")


def test_an_outsider_gets_404_for_a_draft_they_did_not_receive(api_client, bob, admin, tree):
    directive, task = fanpage_letter(tree, by=admin, issue=False)
    client = api_client(bob)
    assert client.get(f"{BASE}/{directive.pk}").status_code == 404
    assert client.get(f"{BASE}/tasks/{task.pk}").status_code == 404
    assert client.patch(f"{BASE}/{directive.pk}", {"summary": "x"}, content_type=JSON).status_code == 404
    assert _post(client, f"{BASE}/{directive.pk}/issue").status_code == 404
    assert client.get(f"{BASE}/{directive.pk}").json() == {"detail": "Không tìm thấy.", "code": "not_found"}


# --- completeness figures --------------------------------------------------------------------


def test_the_figures_match_the_rollups(api_client, admin, alice, bob, letter, tree):
    _, task = letter
    services.report_submit(
        by=alice,
        assignment=Assignment.objects.get(task=task, unit=tree["a"]),
        data=GOOD_PAGE,
        at=datetime(2021, 4, 20, 9, 0, tzinfo=HCM),
    )
    data = api_client(admin).get(f"{BASE}/tasks/{task.pk}").json()
    rollup = Rollup.objects.get(task=task, unit=tree["upper"])
    assert data["node"]["id"] == tree["upper"].pk
    totals = data["totals"]
    assert (
        (totals["expected"], totals["reported"], totals["on_time"], totals["late"], totals["missing"])
        == (rollup.expected, rollup.reported, rollup.on_time, rollup.late, 1)
        == (2, 1, 1, 0, 1)
    )
    assert totals["completeness"] == 0.5 and totals["timeliness"] == 0.5
    # From the province, the upper union is a child row with the same figures.
    data = api_client(admin).get(f"{BASE}/tasks/{task.pk}", {"unit": tree["province"].pk}).json()
    assert [(c["unit"]["code"], c["completeness"]) for c in data["children"]] == [("CDVC", 0.5)]


def test_an_officer_sees_the_figures_of_their_own_unit(api_client, bob, letter, tree):
    _, task = letter
    data = api_client(bob).get(f"{BASE}/tasks/{task.pk}").json()
    assert data["node"]["code"] == "CS-B"
    assert data["totals"]["expected"] == 1 and data["children"] == []
    assert api_client(bob).get(f"{BASE}/tasks/{task.pk}", {"unit": tree["a"].pk}).status_code == 404


def test_the_assignments_list_filters_searches_and_sorts(api_client, admin, alice, letter, tree):
    _, task = letter
    services.report_submit(
        by=alice,
        assignment=Assignment.objects.get(task=task, unit=tree["a"]),
        data=GOOD_PAGE,
        at=datetime(2021, 5, 3, 9, 0, tzinfo=HCM),
    )
    client = api_client(admin)
    url = f"{BASE}/tasks/{task.pk}/assignments"
    data = client.get(url).json()
    assert [(a["unit"]["code"], a["state"]) for a in data["items"]] == [("CS-B", "pending"), ("CS-A", "late")]
    assert data["items"][1]["state_label"] == "Muộn"
    assert [a["unit"]["code"] for a in client.get(url, {"state": "missing"}).json()["items"]] == ["CS-B"]
    assert [a["unit"]["code"] for a in client.get(url, {"state": "late"}).json()["items"]] == ["CS-A"]
    assert [a["unit"]["code"] for a in client.get(url, {"q": "thanh pho cao bang"}).json()["items"]] == ["CS-A"]
    assert [a["unit"]["code"] for a in client.get(url, {"sort": "-reported"}).json()["items"]] == ["CS-A", "CS-B"]
    assert [a["unit"]["code"] for a in client.get(url, {"sort": "reported"}).json()["items"]] == ["CS-A", "CS-B"]
    response = client.get(url, {"state": "nonsense"})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["state"]


def test_bob_sees_only_his_own_row_in_the_assignments_list(api_client, bob, letter, tree):
    _, task = letter
    data = api_client(bob).get(f"{BASE}/tasks/{task.pk}/assignments").json()
    assert [a["unit"]["code"] for a in data["items"]] == ["CS-B"] and data["count"] == 1
    data = api_client(bob).get(f"{BASE}/tasks/{task.pk}/assignments", {"unit": tree["upper"].pk})
    assert data.status_code == 404


def test_the_assignments_list_takes_the_same_number_of_queries_for_many_units(
    api_client, admin, tree, kinds, django_assert_max_num_queries
):
    few = [
        unit_create(by=None, parent=tree["upper"], kind=kinds["cdcs"], code=f"F{i}", name=f"Công đoàn F{i}")
        for i in range(3)
    ]
    _, small = fanpage_letter(tree, by=admin, recipients=[tree["a"], tree["b"], *few])
    many = few + [
        unit_create(by=None, parent=tree["upper"], kind=kinds["cdcs"], code=f"M{i}", name=f"Công đoàn M{i}")
        for i in range(25)
    ]
    directive = services.directive_create(
        by=admin,
        issuing_unit=tree["upper"],
        number="2/CV-CĐVC",
        kind="CV",
        issued_on=small.directive.issued_on,
        summary="Lần hai",
        body="…",
        signer_name="X",
    )
    services.directive_set_recipients(by=admin, directive=directive, units=[tree["a"], tree["b"], *many])
    big = services.task_add(by=admin, directive=directive, title="Việc", deadline=small.deadline)
    services.directive_issue(by=admin, directive=directive)
    client = api_client(admin)
    client.get(f"{BASE}/tasks/{small.pk}/assignments")  # the token's last use is written once
    with django_assert_max_num_queries(8) as small_run:
        assert client.get(f"{BASE}/tasks/{small.pk}/assignments").json()["count"] == 5
    with django_assert_max_num_queries(8) as big_run:
        assert client.get(f"{BASE}/tasks/{big.pk}/assignments").json()["count"] == 30
    assert len(small_run.captured_queries) == len(big_run.captured_queries)


# --- reports ---------------------------------------------------------------------------------


def test_alice_submits_with_a_token_and_a_bad_phone_reads_a_vietnamese_message(api_client, alice, letter, tree):
    _, task = letter
    client = api_client(alice)
    response = _post(client, _report_url(task, tree["a"]), {**GOOD_PAGE, "admin_phone": "12345"})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert list(errors) == ["admin_phone"]
    assert "số điện thoại" in errors["admin_phone"][0].lower()
    assert not ReportVersion.objects.exists()

    response = _post(client, _report_url(task, tree["a"]), GOOD_PAGE)
    assert response.status_code == 201, response.content
    receipt = response.json()
    assert receipt["state"] == "late" and receipt["on_time"] is False and receipt["duplicate"] is False
    assert receipt["version"] == 1 and receipt["unit"]["code"] == "CS-A"
    version = ReportVersion.objects.get()
    assert version.source == "api" and version.submitted_by == alice
    assert version.data["admin_phone"] == "+84912345678"
    assert AuditEntry.objects.filter(action="directive.report.submitted", actor=alice).exists()


def test_a_report_before_the_deadline_is_on_time(api_client, alice, admin, tree):
    _, task = fanpage_letter(tree, by=admin)
    services.task_update(by=admin, task=task, deadline=timezone.now() + timedelta(days=3))
    response = _post(api_client(alice), _report_url(task, tree["a"]), GOOD_PAGE)
    assert response.status_code == 201 and response.json()["state"] == "on_time"


def test_a_double_submit_returns_the_first_receipt(api_client, alice, letter, tree):
    _, task = letter
    client = api_client(alice)
    first = _post(client, _report_url(task, tree["a"]), GOOD_PAGE).json()
    response = _post(client, _report_url(task, tree["a"]), GOOD_PAGE)
    assert response.status_code == 200
    again = response.json()
    assert again["duplicate"] is True and again["version"] == first["version"] == 1
    assert again["received_at"] == first["received_at"]
    assert ReportVersion.objects.count() == 1


def test_a_unit_reads_its_report_with_every_version(api_client, alice, admin, letter, tree):
    _, task = letter
    _post(api_client(alice), _report_url(task, tree["a"]), GOOD_PAGE)
    data = api_client(admin).get(_report_url(task, tree["a"])).json()
    assert data["state"] == "late" and data["data"]["url"] == "https://www.facebook.com/cdcs.thpt.tpcb"
    assert data["version"] == 1 and [v["source"] for v in data["versions"]] == ["api"]
    assert data["versions"][0]["submitted_by"] == "Hoàng Thị An"
    assert data["can_return"] is True
    empty = api_client(admin).get(_report_url(task, tree["b"])).json()
    assert empty["data"] is None and empty["versions"] == [] and empty["state"] == "pending"


def test_bob_gets_404_for_as_report(api_client, bob, alice, letter, tree):
    _, task = letter
    _post(api_client(alice), _report_url(task, tree["a"]), GOOD_PAGE)
    client = api_client(bob)
    assert client.get(_report_url(task, tree["a"])).status_code == 404
    assert _post(client, _report_url(task, tree["a"]), GOOD_PAGE).status_code == 404
    assert _post(client, f"{BASE}/tasks/{task.pk}/units/{tree['a'].pk}/return", {"reason": "x"}).status_code == 404
    assert Assignment.objects.get(task=task, unit=tree["a"]).state == "late"


def test_the_leader_reads_but_does_not_write(api_client, leader, alice, letter, tree):
    directive, task = letter
    _post(api_client(alice), _report_url(task, tree["a"]), GOOD_PAGE)
    client = api_client(leader)
    assert client.get(f"{BASE}/{directive.pk}").json()["can_issue"] is False
    assert client.get(f"{BASE}/tasks/{task.pk}").status_code == 200
    assert client.get(_report_url(task, tree["a"])).status_code == 200
    refused = [
        client.patch(f"{BASE}/{directive.pk}", {"summary": "Khác"}, content_type=JSON),
        client.put(f"{BASE}/{directive.pk}/recipients", {"mode": "all"}, content_type=JSON),
        _post(client, f"{BASE}/{directive.pk}/tasks", {"title": "X", "deadline": "2021-05-01T00:00:00"}),
        client.patch(f"{BASE}/tasks/{task.pk}", {"title": "Khác"}, content_type=JSON),
        _post(client, f"{BASE}/{directive.pk}/issue"),
        _post(client, _report_url(task, tree["a"]), GOOD_PAGE),
        _post(client, f"{BASE}/tasks/{task.pk}/units/{tree['a'].pk}/return", {"reason": "Sai địa chỉ"}),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert refused[0].json()["detail"] == "Bạn được xem văn bản này nhưng không được sửa đổi."
    assert refused[5].json()["detail"] == "Bạn được xem báo cáo của đơn vị này nhưng không được gửi báo cáo."
    response = _post(
        client,
        BASE,
        {
            "issuing_unit": tree["upper"].pk,
            "number": "9/CV-CĐVC",
            "issued_on": "2021-04-05",
            "summary": "X",
            "body": "X",
            "signer_name": "X",
        },
    )
    assert response.status_code == 403
    directive.refresh_from_db()
    assert directive.summary.startswith("V/v") and Directive.objects.count() == 1
    assert Assignment.objects.get(task=task, unit=tree["a"]).state == "late"


def test_returning_needs_a_reason_and_the_unit_corrects(api_client, admin, alice, letter, tree, mailoutbox):
    _, task = letter
    _post(api_client(alice), _report_url(task, tree["a"]), GOOD_PAGE)
    url = f"{BASE}/tasks/{task.pk}/units/{tree['a'].pk}/return"
    response = _post(api_client(admin), url, {"reason": "  "})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["reason"]
    assert "lý do" in response.json()["errors"]["reason"][0].lower()
    assert Assignment.objects.get(task=task, unit=tree["a"]).state == "late"

    response = _post(api_client(admin), url, {"reason": "Địa chỉ Trang chưa đúng"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["state"] == "returned" and data["return_reason"] == "Địa chỉ Trang chưa đúng"
    assert AuditEntry.objects.filter(action="directive.report.returned", actor=admin).exists()

    corrected = _post(api_client(alice), _report_url(task, tree["a"]), {**GOOD_PAGE, "note": "Đã sửa"})
    assert corrected.status_code == 201 and corrected.json()["state"] == "corrected"
    assert corrected.json()["version"] == 2


def test_the_schema_lists_the_directive_endpoints(api_client, admin):
    paths = api_client(admin).get("/api/v1/openapi.json").json()["paths"]
    for path in [
        BASE,
        f"{BASE}/{{directive_id}}/recipients",
        f"{BASE}/tasks/{{task_id}}/assignments",
        f"{BASE}/tasks/{{task_id}}/units/{{unit_id}}/report",
        f"{BASE}/tasks/{{task_id}}/units/{{unit_id}}/return",
    ]:
        assert path in paths
