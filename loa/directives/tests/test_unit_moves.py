"""A CĐCS moved from one upper union to another: its assignments, the figures of both unions, who sees
its work (the issuer of a directive always sees the replies to it)."""

from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone

from loa.directives import rollups, services
from loa.directives.models import Assignment, ReportForm, Rollup
from loa.directives.tests.factories import DEADLINE, GOOD_PAGE, fanpage_letter
from loa.units.services import unit_create, unit_move


def province_letter(tree, *, by=None, recipients=None, number="12/CV-LĐLĐ", deadline=DEADLINE):
    """A directive of the province itself, to the CĐCS (by default A and B)."""
    directive = services.directive_create(
        by=by,
        issuing_unit=tree["province"],
        number=number,
        kind="CV",
        issued_on=date(2021, 4, 5),
        summary="V/v báo cáo Trang Fanpage",
        salutation="Công đoàn cơ sở",
        body="Báo cáo Trang Fanpage.",
        distribution="Như kính gửi;\nLưu: LĐLĐ.",
        signer_name="Nông Văn Ký",
    )
    services.directive_set_recipients(by=by, directive=directive, units=recipients or [tree["a"], tree["b"]])
    task = services.task_add(
        by=by, directive=directive, title="Báo cáo Trang Fanpage", deadline=deadline, report_form=ReportForm.FANPAGE
    )
    services.directive_issue(by=by, directive=directive)
    return directive, task


def _report(task, unit, by):
    assignment = Assignment.objects.get(task=task, unit=unit)
    data = {**GOOD_PAGE, "name": unit.name, "url": f"fb.com/cdcs.{unit.code.lower()}"}
    services.report_submit(by=by, assignment=assignment, data=data, at=DEADLINE)


def _figures(task):
    return {
        r.unit_id: (r.parent_unit_id, r.expected, r.reported, r.on_time, r.late, r.returned)
        for r in Rollup.objects.filter(task=task)
    }


def _move(unit, new_parent):
    unit.refresh_from_db()
    return unit_move(by=None, unit=unit, new_parent=new_parent)


def test_the_assignments_and_both_unions_figures_follow_the_move(tree, other, alice):
    _, task = province_letter(tree)
    _report(task, tree["a"], alice)

    _move(tree["a"], other["unit"])

    a = Assignment.objects.get(task=task, unit=tree["a"])
    assert a.unit_path == f"{other['unit'].path}{tree['a'].pk}/"
    figures = _figures(task)
    province, upper, new = tree["province"].pk, tree["upper"].pk, other["unit"].pk
    assert figures[upper][1:3] == (1, 0)  # B alone, not reported
    assert figures[new] == (province, 1, 1, 1, 0, 0)
    assert figures[tree["a"].pk][0] == new
    assert figures[province][1:3] == (2, 1)  # the province above both: unchanged
    # What the move left is what a recount from scratch finds.
    rollups.rebuild(task)
    assert _figures(task) == figures


def test_a_union_left_with_no_recipient_loses_the_directive_of_this_year(tree, other, upper_admin, login):
    this_year = datetime(timezone.localdate().year, 12, 31, tzinfo=DEADLINE.tzinfo)
    directive, task = province_letter(tree, recipients=[tree["a"]], deadline=this_year)
    assert login(upper_admin).get(reverse("directives:detail", args=[directive.pk])).status_code == 200

    _move(tree["a"], other["unit"])

    assert not Rollup.objects.filter(task=task, unit=tree["upper"]).exists()
    assert login(upper_admin).get(reverse("directives:detail", args=[directive.pk])).status_code == 404
    assert login(other["admin"]).get(reverse("directives:detail", args=[directive.pk])).status_code == 200


def test_a_union_left_keeps_reading_a_past_years_directive_by_that_years_tree(tree, other, upper_admin, login):
    directive, task = province_letter(tree, recipients=[tree["a"]])  # of 2021, a past year

    _move(tree["a"], other["unit"])  # today

    client = login(upper_admin)
    assert client.get(reverse("directives:detail", args=[directive.pk])).status_code == 200
    tracking = reverse("directives:tracking", args=[task.pk])
    page = client.get(tracking).content.decode()  # at its own union, by 2021's tree: A was there
    assert "Trường THPT Thành phố" in page
    # By today's tree nothing of it is under the union; A's own report page follows today's tree.
    assert "Trường THPT Thành phố" not in client.get(tracking, {"tree": "today"}).content.decode()
    assert client.get(reverse("directives:assignment", args=[task.pk, tree["a"].pk])).status_code == 404
    assert login(other["admin"]).get(reverse("directives:detail", args=[directive.pk])).status_code == 200


def test_the_new_unions_admin_sees_the_work_and_the_old_ones_gets_404(tree, other, upper_admin, alice, login):
    _, task = province_letter(tree)
    _report(task, tree["a"], alice)

    _move(tree["a"], other["unit"])

    report_url = reverse("directives:assignment", args=[task.pk, tree["a"].pk])
    assert login(upper_admin).get(report_url).status_code == 404
    tracking = reverse("directives:tracking", args=[task.pk])
    assert login(upper_admin).get(tracking, {"unit": tree["a"].pk}).status_code == 404
    assert login(other["admin"]).get(report_url).status_code == 200
    # The 2021 task by today's tree: A under its new union (by 2021's tree, the default, it was not).
    page = login(other["admin"]).get(tracking, {"unit": other["unit"].pk, "tree": "today"}).content.decode()
    assert "Trường THPT Thành phố" in page


def test_the_issuer_still_sees_the_reply_of_a_unit_moved_away(tree, other, upper_admin, alice, login):
    _, task = fanpage_letter(tree)  # issued by the upper union itself
    _report(task, tree["a"], alice)

    _move(tree["a"], other["unit"])

    report_url = reverse("directives:assignment", args=[task.pk, tree["a"].pk])
    assert login(upper_admin).get(report_url).status_code == 200
    page = login(upper_admin).get(reverse("directives:tracking", args=[task.pk])).content.decode()
    assert "Trường THPT Thành phố" in page and "Bệnh viện Đa khoa" in page
    # Its new union sees it too; the issuer may still return it.
    assert login(other["admin"]).get(report_url).status_code == 200


def test_the_issuers_totals_keep_counting_a_unit_moved_away_as_its_list_shows_it(tree, other, alice, bob):
    _, task = fanpage_letter(tree)  # issued by the upper union to A and B
    upper = tree["upper"].pk

    _move(tree["a"], other["unit"])
    figures = _figures(task)
    assert figures[upper][1:3] == (2, 0)  # A moved away, still one of the two replies it waits for
    assert figures[other["unit"].pk][1:3] == (1, 0)  # and counted by its new union too

    _report(task, tree["a"], alice)  # the moved unit's report reaches the issuer's totals
    reported = _figures(task)
    assert reported[upper][1:3] == (2, 1)
    rollups.rebuild(task)  # what a recount from scratch finds
    assert _figures(task) == reported

    _move(tree["a"], tree["upper"])  # back home: counted once
    assert _figures(task)[upper][1:3] == (2, 1)
    assert other["unit"].pk not in _figures(task)
    after = _figures(task)
    rollups.rebuild(task)
    assert _figures(task) == after


def test_remind_now_at_the_issuer_reaches_a_unit_moved_away_that_still_owes_its_report(tree, other, upper_admin):
    from loa.directives.reminders import pending_assignments

    _, task = fanpage_letter(tree)  # issued by the upper union to A and B
    _move(tree["a"], other["unit"])
    pending = pending_assignments(task, user=upper_admin, node=tree["upper"])
    assert {a.unit_id for a in pending} == {tree["a"].pk, tree["b"].pk}
    # Its new union reaches it under its own node, and not B.
    new_admin = other["admin"]
    assert {a.unit_id for a in pending_assignments(task, user=new_admin, node=other["unit"])} == {tree["a"].pk}


def test_through_the_api_the_new_parent_lists_the_assignments(tree, other, admin, alice, api_client):
    _, task = province_letter(tree)
    _report(task, tree["a"], alice)
    client = api_client(admin)
    before = client.get(f"/api/v1/directives/tasks/{task.pk}", {"unit": tree["upper"].pk}).json()

    moved = client.post(
        f"/api/v1/units/{tree['a'].pk}/move", {"parent": other["unit"].pk}, content_type="application/json"
    )

    assert moved.status_code == 200
    # The task is of 2021, a past year: by today's tree (`tree=today`) A is under its new union…
    today = {"tree": "today"}
    listed = client.get(f"/api/v1/directives/tasks/{task.pk}/assignments", {"unit": other["unit"].pk, **today}).json()
    assert [row["unit"]["code"] for row in listed["items"]] == ["CS-A"]
    old = client.get(f"/api/v1/directives/tasks/{task.pk}/assignments", {"unit": tree["upper"].pk, **today}).json()
    assert [row["unit"]["code"] for row in old["items"]] == ["CS-B"]
    after = client.get(f"/api/v1/directives/tasks/{task.pk}", {"unit": tree["upper"].pk, **today}).json()
    assert before["totals"]["expected"] == 2 and after["totals"]["expected"] == 1
    assert before["totals"]["reported"] == 1 and after["totals"]["reported"] == 0
    new = client.get(f"/api/v1/directives/tasks/{task.pk}", {"unit": other["unit"].pk, **today}).json()
    assert new["totals"]["expected"] == 1 and new["totals"]["reported"] == 1
    # … and by 2021's tree (the default), moved today, it was still under the union it left.
    year = client.get(f"/api/v1/directives/tasks/{task.pk}", {"unit": tree["upper"].pk}).json()
    assert (year["tree"], year["totals"]["expected"], year["totals"]["reported"]) == ("year", 2, 1)
    assert client.get(f"/api/v1/directives/tasks/{task.pk}", {"unit": other["unit"].pk}).json()["totals"] is None


def _union_of(n, tree, kinds, code):
    """An upper union under the province with `n` CĐCS, each sent a province directive of two tasks
    and given a 2021 quota, one of them reporting."""
    from loa.articles.services import quota_set

    union = unit_create(by=None, parent=tree["province"], kind=kinds["upper"], code=code, name=f"Công đoàn {code}")
    units = [
        unit_create(by=None, parent=union, kind=kinds["cdcs"], code=f"{code}-{i}", name=f"Công đoàn cơ sở {code} {i}")
        for i in range(n)
    ]
    _, task = province_letter(tree, recipients=units, number=f"{code}/CV-LĐLĐ")
    services.task_add(by=None, directive=task.directive, title="Báo cáo lần hai", deadline=DEADLINE)
    for unit in units:
        quota_set(by=None, unit=unit, year=2021, kind="news", target=2)
    _report(task, units[0], None)
    return union


def _queries_to_move(union, new_parent):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    union.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        unit_move(by=None, unit=union, new_parent=new_parent)
    return len(queries)


def test_moving_a_big_union_is_a_handful_of_statements_whatever_its_size(tree, kinds, other, settings):
    settings.ISSUE_INLINE_MAX_RECIPIENTS = 1000

    # Each under a new union of its own: a parent that has no rollup rows yet costs two statements
    # more (its rows are created) than one that has them, whatever the size of what moves.
    def new_parent(code):
        return unit_create(by=None, parent=other["unit"], kind=kinds["upper"], code=code, name=f"Công đoàn {code}")

    small = _queries_to_move(_union_of(5, tree, kinds, "NHO"), new_parent("MOI-1"))
    big = _queries_to_move(_union_of(50, tree, kinds, "LON"), new_parent("MOI-2"))
    assert big == small
    # 31 today: the lock, the tree, seven copies, the two areas' rollups (read the moved rows, the
    # ancestors' rows, create the missing ones, add the differences, repoint, drop the emptied rows),
    # five for the placements, the audit entry
    assert big <= 32


def test_a_unit_list_import_that_moves_units_keeps_the_copies_and_figures_right(tree, admin, alice):
    from loa.units.importing import import_units
    from loa.units.models import Unit
    from loa.units.tests.import_helpers import row, xlsx

    _, task = province_letter(tree)
    _report(task, tree["a"], alice)

    # A goes under a new upper union, and B under A (moved along with it, in the same file).
    outcome = import_units(
        xlsx(
            [
                row("UP-2", "Ngành Y tế", "LDLD", kind="cd-cap-tren"),
                row("CS-A", "Công đoàn cơ sở Trường THPT Thành phố Cao Bằng", "UP-2", members=60, staff=65),
                row("CS-B", "Công đoàn cơ sở Bệnh viện Đa khoa tỉnh", "CS-A", members=300, staff=320),
            ]
        ),
        by=admin,
        commit=True,
    )

    assert outcome.errors == [] and outcome.moved == 2
    paths = dict(Unit.objects.values_list("id", "path"))
    assert {a.unit_id: a.unit_path for a in Assignment.objects.filter(task=task)} == {
        tree["a"].pk: paths[tree["a"].pk],
        tree["b"].pk: paths[tree["b"].pk],
    }
    up2 = Unit.objects.get(code="UP-2").pk
    figures = _figures(task)
    assert figures[up2][1:3] == (2, 1) and figures[tree["a"].pk][1:3] == (2, 1)
    assert tree["upper"].pk not in figures
    rollups.rebuild(task)
    assert _figures(task) == figures


def test_an_import_that_turns_a_branch_upside_down_keeps_the_figures_right(tree, admin, alice):
    from loa.units.importing import import_units
    from loa.units.models import Unit
    from loa.units.tests.import_helpers import row, xlsx

    _, task = province_letter(tree)
    _report(task, tree["a"], alice)

    # A leaves the upper union for the province, and the upper union (with B) goes under A.
    outcome = import_units(
        xlsx(
            [
                row("CS-A", "Công đoàn cơ sở Trường THPT Thành phố Cao Bằng", "LDLD", members=60, staff=65),
                row("CDVC", "Công đoàn Viên chức tỉnh Cao Bằng", "CS-A", kind="cd-cap-tren"),
            ]
        ),
        by=admin,
        commit=True,
    )

    assert outcome.errors == [] and outcome.moved == 2
    paths = dict(Unit.objects.values_list("id", "path"))
    assert {a.unit_id: a.unit_path for a in Assignment.objects.filter(task=task)} == {
        u.pk: paths[u.pk] for u in (tree["a"], tree["b"])
    }
    figures = _figures(task)
    assert figures[tree["a"].pk][1:3] == (2, 1) and figures[tree["upper"].pk][1:3] == (1, 0)
    rollups.rebuild(task)
    assert _figures(task) == figures
