"""Every directive page: who may, who may not (outsiders get 404, strangers the log-in page)."""

import pytest
from django.urls import reverse

from loa.directives.models import Assignment
from loa.directives.tests.factories import fanpage_letter


@pytest.fixture
def letter(tree, admin):
    return fanpage_letter(tree, by=admin)


def urls(directive, task, tree):
    a, d, t = tree["a"].pk, directive.pk, task.pk
    return {
        "detail": reverse("directives:detail", args=[d]),
        "edit": reverse("directives:edit", args=[d]),
        "recipients": reverse("directives:recipients", args=[d]),
        "task_create": reverse("directives:task_create", args=[d]),
        "task_edit": reverse("directives:task_edit", args=[t]),
        "tracking": reverse("directives:tracking", args=[t]),
        "assignment": reverse("directives:assignment", args=[t, a]),
        "report": reverse("directives:report", args=[t, a]),
    }


# Who may open which page of A's directive and A's report: the issuer's admin everything, the
# leader (read-only at the issuer) the read pages, alice her unit's pages, bob nothing of A's.
MAY = {
    "admin": {"detail", "edit", "recipients", "task_create", "task_edit", "tracking", "assignment", "report"},
    "leader": {"detail", "tracking", "assignment"},
    "alice": {"detail", "tracking", "assignment", "report"},
    "bob": {"detail", "tracking"},  # bob received the directive too, but sees only his own unit's rows
}


@pytest.mark.parametrize("who", ["admin", "leader", "alice", "bob"])
def test_each_page_answers_by_role(who, request, letter, tree, login):
    user = request.getfixturevalue(who)
    client = login(user)
    for name, url in urls(*letter, tree).items():
        status = client.get(url).status_code
        expected = 200 if name in MAY[who] else 404
        assert status == expected, f"{who} {name}: {status}"


def test_strangers_are_sent_to_log_in(letter, tree, client):
    for url in urls(*letter, tree).values():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_bob_sees_only_his_own_row_in_the_tracking_list(letter, tree, bob, login):
    _, task = letter
    page = login(bob).get(reverse("directives:tracking", args=[task.pk])).content.decode()
    assert "Bệnh viện Đa khoa" in page
    assert "Trường THPT Thành phố" not in page


def test_an_outsider_cannot_return_a_report(letter, tree, bob, alice, login):
    from loa.directives import services
    from loa.directives.tests.factories import GOOD_PAGE

    _, task = letter
    services.report_submit(by=alice, assignment=Assignment.objects.get(task=task, unit=tree["a"]), data=GOOD_PAGE)
    response = login(bob).post(reverse("directives:return", args=[task.pk, tree["a"].pk]), {"reason": "x"})
    assert response.status_code == 404
    assert Assignment.objects.get(task=task, unit=tree["a"]).state == "late"  # not "returned"


def test_an_outsider_cannot_issue_or_attach(letter, tree, bob, login):
    directive, _ = letter
    client = login(bob)
    assert client.post(reverse("directives:issue", args=[directive.pk])).status_code == 404
    assert client.post(reverse("directives:attachment_upload", args=[directive.pk])).status_code == 404


def test_a_directive_list_shows_only_what_the_user_may_see(letter, tree, login, kinds):
    from loa.accounts.models import Role, User
    from loa.units.services import unit_create

    other = unit_create(
        by=None, parent=tree["province"], kind=kinds["upper"], code="CD-YTE", name="Công đoàn ngành Y tế"
    )
    stranger = User.objects.create_user("stranger", password="x")
    Role.objects.create(user=stranger, unit=other, role="admin")
    assert "45/CV-CĐVC" not in login(stranger).get(reverse("directives:list")).content.decode()
    assert login(stranger).get(reverse("directives:detail", args=[letter[0].pk])).status_code == 404


def test_an_officers_home_shows_what_is_due_with_a_link_to_the_form(letter, tree, alice, login):
    page = login(alice).get(reverse("home")).content.decode()
    assert "Báo cáo kết quả thành lập Trang Fanpage" in page
    assert reverse("directives:report", args=[letter[1].pk, tree["a"].pk]) in page


def test_an_admins_home_shows_the_collection_under_way(letter, tree, admin, login):
    page = login(admin).get(reverse("home")).content.decode()
    assert "Báo cáo kết quả thành lập Trang Fanpage" in page
    assert reverse("directives:tracking", args=[letter[1].pk]) in page


def test_the_tracking_page_counts_the_units_not_yet_reported(letter, tree, admin, login):
    _, task = letter
    page = login(admin).get(reverse("directives:tracking", args=[task.pk])).content.decode()
    assert "0%" in page
    assert f'?unit={tree["upper"].pk}&state=missing">2</a>' in page


def test_a_renamed_unit_moves_to_its_new_place_in_the_tracking_list(letter, tree, admin, login):
    from loa.units.services import unit_update

    _, task = letter
    url = reverse("directives:tracking", args=[task.pk])
    before = login(admin).get(url).content.decode()
    assert before.index("Bệnh viện Đa khoa") < before.index("Trường THPT Thành phố")
    unit_update(by=admin, unit=tree["b"], name="Công đoàn cơ sở Ủy ban nhân dân xã Hưng Đạo")
    after = login(admin).get(url).content.decode()
    assert after.index("Trường THPT Thành phố") < after.index("Ủy ban nhân dân xã Hưng Đạo")


def test_the_filtered_list_alone_keeps_its_labels(letter, tree, admin, login):
    _, task = letter
    response = login(admin).get(
        reverse("directives:tracking", args=[task.pk]) + "?state=missing",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="assignments",
    )
    page = response.content.decode()
    assert "<html" not in page
    assert 'data-label="Đơn vị"' in page and 'data-label="Tình trạng"' in page


def test_a_directive_to_many_units_is_issued_in_the_background(tree, admin, login, settings):
    settings.ISSUE_INLINE_MAX_RECIPIENTS = 1
    directive, task = fanpage_letter(tree, by=admin, issue=False)
    response = login(admin).post(reverse("directives:issue", args=[directive.pk]))
    assert "/jobs/" in response["Location"]
    job_page = login(admin).get(response["Location"]).content.decode()  # JOBS_BACKEND is inline in tests
    assert "2 đơn vị" in job_page
    assert Assignment.objects.filter(task=task).count() == 2


def test_an_unready_directive_says_why_instead_of_starting_a_job(tree, admin, login, settings):
    settings.ISSUE_INLINE_MAX_RECIPIENTS = 0
    directive, _ = fanpage_letter(tree, by=admin, issue=False, recipients=[tree["a"]])
    directive.number = ""
    directive.save()
    response = login(admin).post(reverse("directives:issue", args=[directive.pk]), follow=True)
    assert "số, ký hiệu" in response.content.decode()
