"""A past year's task tracked by that year's tree (the default) or today's (`tree=today`): after a
move, a merge and a split dated after the year, the drill-down, the list, its export, the consolidated
report and the API group the recipients under the parents they had that year, and who may see them
is today's tree widened to the units then under one's own (docs/architecture.md, "The tree as of a
date")."""

import io
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from loa.accounts.models import Role, User
from loa.directives import documents
from loa.directives.models import Assignment
from loa.directives.tests.factories import DEADLINE
from loa.directives.tests.test_unit_moves import _report, province_letter
from loa.units import restructure
from loa.units.services import unit_create, unit_move

AFTER = date(2022, 1, 1)  # the restructurings: the day after the task's year (2021) ended


@pytest.fixture
def units(tree, other, kinds):
    """A, B and C under the upper union (CDVC), D under the other one (CDYT)."""
    c = unit_create(by=None, parent=tree["upper"], kind=kinds["cdcs"], code="CS-C", name="Công đoàn cơ sở Sở Xây dựng")
    d = unit_create(by=None, parent=other["unit"], kind=kinds["cdcs"], code="CS-D", name="Công đoàn cơ sở Trạm Y tế")
    return {**tree, "c": c, "d": d, "other": other["unit"]}


@pytest.fixture
def task(units, alice):
    """The province's 2021 task to A, B, C and D; A has reported."""
    _, task = province_letter(units, recipients=[units[k] for k in "abcd"])
    _report(task, units["a"], alice)
    return task


def _groups(client, task, **params):
    """{code: (expected, reported)} of the drill-down's rows below the node, from the page."""
    response = client.get(reverse("directives:tracking", args=[task.pk]), params)
    assert response.status_code == 200
    return {r.unit.code: (r.expected, r.reported) for r in response.context["children"]}


def _api(client, task, **params):
    answer = client.get(f"/api/v1/directives/tasks/{task.pk}", params)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    totals = body["totals"] and (body["totals"]["expected"], body["totals"]["reported"])
    return body["tree"], totals, {c["unit"]["code"]: (c["expected"], c["reported"]) for c in body["children"]}


def _listed(client, task, **params):
    answer = client.get(f"/api/v1/directives/tasks/{task.pk}/assignments", params)
    assert answer.status_code == 200, answer.content
    return {row["unit"]["code"]: row["parent"]["code"] for row in answer.json()["items"]}


def _sheet(content):
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] in ("Mã đơn vị", "Stt"))
    return [r[0] for r in rows[:header] if r[0]], rows[header + 1 :]


def _get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- A move ------------------------------------------------------------------------------------


def test_a_unit_moved_after_the_year_counts_under_its_old_union_by_the_years_tree(
    units, task, admin, login, api_client
):
    unit_move(by=None, unit=units["a"], new_parent=units["other"], on=AFTER)

    client = login(admin)  # the province: the issuer
    # 2021's tree (the default): A, B, C under CDVC (D alone under CDYT: a single unit is no group).
    assert _groups(client, task) == {"CDVC": (3, 1)}
    assert _groups(client, task, tree="year") == {"CDVC": (3, 1)}
    # Today's: A has gone to CDYT with its report.
    assert _groups(client, task, tree="today") == {"CDVC": (2, 0), "CDYT": (2, 1)}

    api = api_client(admin)
    assert _api(api, task) == ("year", (4, 1), {"CDVC": (3, 1)})
    assert _api(api, task, tree="today") == ("today", (4, 1), {"CDVC": (2, 0), "CDYT": (2, 1)})
    # The list names the parent of each unit's year.
    assert _listed(api, task)["CS-A"] == "CDVC"
    assert _listed(api, task, tree="today")["CS-A"] == "CDYT"
    assert set(_listed(api, task, unit=units["upper"].pk)) == {"CS-A", "CS-B", "CS-C"}
    assert set(_listed(api, task, unit=units["upper"].pk, tree="today")) == {"CS-B", "CS-C"}


def test_the_tracking_export_names_the_tree_and_the_parents_of_that_tree(units, task, admin, login):
    unit_move(by=None, unit=units["a"], new_parent=units["other"], on=AFTER)
    client = login(admin)
    url = reverse("directives:tracking_export", args=[task.pk, "xlsx"])

    lines, rows = _sheet(_get(client, url))
    assert "Cây đơn vị: năm 2021" in lines
    parents = {r[0]: r[2] for r in rows}
    assert parents["CS-A"] == units["upper"].name

    lines, rows = _sheet(_get(client, url, tree="today"))
    assert "Cây đơn vị: hiện nay" in lines
    assert {r[0]: r[2] for r in rows}["CS-A"] == "Công đoàn Ngành Y tế"


def test_the_union_a_unit_left_still_reads_its_years_figures_and_report(units, task, upper_admin, login):
    unit_move(by=None, unit=units["a"], new_parent=units["other"], on=AFTER)
    client = login(upper_admin)

    page = client.get(reverse("directives:tracking", args=[task.pk]))
    assert {a.unit.code for a in page.context["page"]} == {"CS-A", "CS-B", "CS-C"}
    assert (page.context["totals"].expected, page.context["totals"].reported) == (3, 1)
    html = page.content.decode()
    assert 'data-testid="tree-switch"' in html
    assert {a.unit.code: a.shown_parent.code for a in page.context["page"]}["CS-A"] == "CDVC"
    # A's row, listed by 2021's tree only, opens no report (its page follows today's tree); B's does.
    assert reverse("directives:assignment", args=[task.pk, units["a"].pk]) not in html
    assert reverse("directives:assignment", args=[task.pk, units["b"].pk]) in html
    today = client.get(reverse("directives:tracking", args=[task.pk]), {"tree": "today"})
    assert {a.unit.code for a in today.context["page"]} == {"CS-B", "CS-C"}

    consolidated = reverse("directives:consolidated", args=[task.pk, "xlsx"])
    lines, rows = _sheet(_get(client, consolidated))
    assert "Cây đơn vị: năm 2021" in lines
    assert [r[1] for r in rows if r[1]] == [units["a"].name]  # A's report, of 2021
    lines, rows = _sheet(_get(client, consolidated, tree="today"))
    assert "Cây đơn vị: hiện nay" in lines and not [r for r in rows if r[1]]

    report = documents.consolidated_document(upper_admin, task, units["upper"])
    assert [row[1] for row in report.rows] == [units["a"].name]
    assert "Cây đơn vị: năm 2021" in report.notes
    assert documents.consolidated_document(upper_admin, task, units["upper"], tree="today").rows == []
    word = client.get(reverse("directives:consolidated", args=[task.pk, "docx"]), {"tree": "today"})
    assert word.status_code == 200
    options = client.get(reverse("directives:consolidated_export", args=[task.pk]), {"tree": "today"})
    assert '<input type="hidden" name="tree" value="today">' in options.content.decode()


def test_the_new_union_reads_the_unit_by_todays_tree(units, task, other, login):
    unit_move(by=None, unit=units["a"], new_parent=units["other"], on=AFTER)
    client = login(other["admin"])

    year = client.get(reverse("directives:tracking", args=[task.pk]))
    assert {a.unit.code for a in year.context["page"]} == {"CS-D"}  # A joined it after 2021
    today = client.get(reverse("directives:tracking", args=[task.pk]), {"tree": "today"})
    assert {a.unit.code for a in today.context["page"]} == {"CS-A", "CS-D"}
    assert client.get(reverse("directives:assignment", args=[task.pk, units["a"].pk])).status_code == 200


def test_a_current_years_task_reads_the_same_by_both_trees(units, admin, login, alice):
    this_year = datetime(timezone.localdate().year, 12, 31, tzinfo=DEADLINE.tzinfo)
    _, task = province_letter(units, recipients=[units[k] for k in "abcd"], deadline=this_year)
    unit_move(by=None, unit=units["b"], new_parent=units["other"])  # today
    client = login(admin)
    assert _groups(client, task) == _groups(client, task, tree="today") == {"CDVC": (2, 0), "CDYT": (2, 0)}


# --- A merge and a split -----------------------------------------------------------------------


def test_after_a_merge_of_unions_the_years_tree_keeps_the_closed_union(
    units, task, admin, upper_admin, login, api_client
):
    restructure.merge(by=admin, sources=[units["upper"]], target=units["other"], on=AFTER)

    client = login(admin)
    assert _groups(client, task) == {"CDVC": (3, 1)}  # the closed union, as in 2021
    assert _groups(client, task, tree="today") == {"CDYT": (4, 1)}
    assert _api(api_client(admin), task, unit=units["upper"].pk)[1:] == ((3, 1), {})
    # The closed union's admin still reads its 2021 units; by today's tree there are none under it.
    own = login(upper_admin)
    page = own.get(reverse("directives:tracking", args=[task.pk]))
    assert {a.unit.code for a in page.context["page"]} == {"CS-A", "CS-B", "CS-C"}
    today = own.get(reverse("directives:tracking", args=[task.pk]), {"tree": "today"})
    assert not list(today.context["page"])


def test_after_a_split_of_a_union_the_years_tree_keeps_the_union_it_had(units, task, admin, login, api_client):
    restructure.split(
        by=admin,
        source=units["upper"],
        on=AFTER,
        parts=[
            {"new": {"code": "CDVC-1", "name": "Công đoàn Viên chức khu vực 1"}},
            {"new": {"code": "CDVC-2", "name": "Công đoàn Viên chức khu vực 2"}},
        ],
    )

    client = login(admin)
    assert _groups(client, task) == {"CDVC": (3, 1)}
    assert _groups(client, task, tree="today") == {"CDVC-1": (3, 1)}
    api = api_client(admin)
    assert _listed(api, task)["CS-B"] == "CDVC"
    assert _listed(api, task, tree="today")["CS-B"] == "CDVC-1"


def test_a_split_cdcs_open_work_counts_where_its_heir_stands(units, task, admin, upper_admin, login, api_client):
    """B2, created by the split after 2021, had no place in 2021's tree: its carried-over task counts
    where it stands today (under B's union), not nowhere."""
    restructure.split(
        by=admin,
        source=units["b"],
        on=AFTER,
        parts=[{"new": {"code": "CS-B1", "name": "Bệnh viện 1"}}, {"new": {"code": "CS-B2", "name": "Bệnh viện 2"}}],
        choices={"directives": 1},
    )
    assert Assignment.objects.filter(task=task, unit__code="CS-B2").exists()

    client = login(admin)
    assert _groups(client, task) == _groups(client, task, tree="today") == {"CDVC": (3, 1)}
    assert _listed(api_client(upper_admin), task)["CS-B2"] == "CDVC"


# --- Who may see, how many queries, what the switch takes ----------------------------------------


def test_an_outsider_gets_404_by_either_tree(units, task, kinds, login, api_client):
    stranger_unit = unit_create(by=None, parent=None, kind=kinds["province"], code="LDLD-X", name="LĐLĐ tỉnh khác")
    stranger = User.objects.create_user("stranger", password="x")
    Role.objects.create(user=stranger, unit=stranger_unit, role="admin")
    unit_move(by=None, unit=units["a"], new_parent=units["other"], on=AFTER)
    client, api = login(stranger), api_client(stranger)
    for tree in ("year", "today"):
        for url in (
            reverse("directives:tracking", args=[task.pk]),
            reverse("directives:tracking_export", args=[task.pk, "xlsx"]),
            reverse("directives:consolidated", args=[task.pk, "xlsx"]),
            reverse("directives:consolidated_export", args=[task.pk]),
        ):
            assert client.get(url, {"tree": tree}).status_code == 404, url
        assert api.get(f"/api/v1/directives/tasks/{task.pk}", {"tree": tree}).status_code == 404
        assert api.get(f"/api/v1/directives/tasks/{task.pk}/assignments", {"tree": tree}).status_code == 404


def test_an_officer_sees_only_their_own_unit_by_either_tree(units, task, bob, login):
    unit_move(by=None, unit=units["b"], new_parent=units["other"], on=AFTER)
    for tree in ("year", "today"):
        page = login(bob).get(reverse("directives:tracking", args=[task.pk]), {"tree": tree})
        assert {a.unit.code for a in page.context["page"]} == {"CS-B"}


def _letter_to(n, tree, kinds, other):
    """A 2021 province task to `n` new CĐCS under the upper union, half of them moved after 2021."""
    made = [
        unit_create(
            by=None, parent=tree["upper"], kind=kinds["cdcs"], code=f"N{n}-{i}", name=f"Công đoàn cơ sở {n}-{i}"
        )
        for i in range(n)
    ]
    _, task = province_letter(tree, recipients=made, number=f"{n}/CV-LĐLĐ")
    for unit in made[: n // 2]:
        unit_move(by=None, unit=unit, new_parent=other["unit"], on=AFTER)
    return task


@pytest.mark.parametrize("tree_name", ["year", "today"])
def test_the_pages_take_the_same_number_of_queries_for_4_or_30_units(
    tree, other, kinds, admin, login, api_client, django_assert_max_num_queries, tree_name
):
    client, api = login(admin), api_client(admin)
    api.get("/api/v1/directives")  # the token's first use is written down once

    def queries(task):
        counts = []
        for get, url in (
            (client.get, reverse("directives:tracking", args=[task.pk])),
            (client.get, reverse("directives:tracking_export", args=[task.pk, "xlsx"])),
            (client.get, reverse("directives:consolidated", args=[task.pk, "xlsx"])),
            (api.get, f"/api/v1/directives/tasks/{task.pk}"),
            (api.get, f"/api/v1/directives/tasks/{task.pk}/assignments"),
        ):
            with CaptureQueriesContext(connection) as ctx:
                response = get(url, {"tree": tree_name, "unit": tree["upper"].pk})
                if getattr(response, "streaming", False):
                    b"".join(response.streaming_content)
            assert response.status_code == 200, url
            counts.append(len(ctx))
        return counts

    few = queries(_letter_to(4, tree, kinds, other))
    many = queries(_letter_to(30, tree, kinds, other))
    assert few == many
    twelve = _letter_to(12, tree, kinds, other)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("directives:tracking", args=[twelve.pk]), {"tree": tree_name}).status_code == 200


@pytest.mark.parametrize("hostile", ["TODAY", "<script>", "'; drop table", "today ", "", "year\x00"])
def test_a_hostile_tree_reads_as_the_years(units, task, admin, login, hostile):
    unit_move(by=None, unit=units["a"], new_parent=units["other"], on=AFTER)
    client = login(admin)
    assert _groups(client, task, tree=hostile) == {"CDVC": (3, 1)}
    for url in (
        reverse("directives:tracking_export", args=[task.pk, "xlsx"]),
        reverse("directives:consolidated", args=[task.pk, "xlsx"]),
    ):
        lines, _rows = _sheet(_get(client, url, tree=hostile))
        assert "Cây đơn vị: năm 2021" in lines


def test_the_api_answers_a_bad_tree_with_a_422(units, task, admin, api_client):
    api = api_client(admin)
    assert api.get(f"/api/v1/directives/tasks/{task.pk}", {"tree": "yesterday"}).status_code == 422
    assert api.get(f"/api/v1/directives/tasks/{task.pk}/assignments", {"tree": "<x>"}).status_code == 422
