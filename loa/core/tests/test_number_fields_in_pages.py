"""Every number a person can type on a page is refused, in Vietnamese, when its column cannot hold it:
the page answers with the form and its message (never a 500 on PostgreSQL, never a value SQLite would
keep and every later page would choke on), and nothing is stored."""

import pytest
from django.urls import reverse

from loa.articles.models import Channel, Quota
from loa.directives.models import Task
from loa.directives.tests.factories import fanpage_letter
from loa.fanpages.models import Fanpage, FollowerSnapshot, LikeDeclaration
from loa.scoring import examples
from loa.scoring.models import Adjustment, Criterion, Level, Rubric
from loa.units.models import Unit, UnitKind

INT = "Nhập một số từ 0 đến 2.147.483.647."
SMALL = "Nhập một số từ 0 đến 32.767."
POINTS = "Nhập một số từ -9.999,99 đến 9.999,99."


@pytest.fixture
def world(tree, admin):
    directive, _task = fanpage_letter(tree, by=admin, issue=False)
    rubric = examples.letter_2021(by=admin, unit=tree["province"], year=2021)
    Fanpage.objects.create(
        unit=tree["province"],
        name="Công đoàn Cao Bằng",
        url="https://www.facebook.com/congdoancaobang",
        url_key="facebook.com/congdoancaobang",
        admin_name="Quản trị",
        admin_phone="+84912345678",
    )
    return {"tree": tree, "directive": directive, "rubric": rubric}


def _unit(w):
    a = w["tree"]["a"]
    return {
        "name": a.name,
        "short_name": "",
        "code": a.code,
        "kind": a.kind_id,
        "members_count": 60,
        "staff_count": 65,
        "address": "",
        "contact_name": "",
        "phone": "",
        "email": "",
        "active_from": "",
    }


def _rule(w):
    kind = UnitKind.objects.get(code="cdcs").pk
    return {
        "notice": "812/TB-CĐVC",
        "unit_kind": kind,
        "news": 4,
        "articles": 2,
        "large_members": 200,
        "large_news": 8,
        "large_articles": 4,
    }


def _task(w):
    return {
        "title": "Báo cáo",
        "description": "",
        "deadline": "2021-04-30T00:00",
        "report_form": "",
        "remind_days_before": "3",
        "remind_on_day": "on",
        "remind_every_days_after": 3,
        "remind_stop_after_days": 30,
    }


def _criterion(w):
    return {
        "code": "X1",
        "name": "Tiêu chí thử",
        "group": "",
        "order": 9,
        "max_points": "5",
        "measure": "",
        "rule": "manual",
        "params": "{}",
    }


def _adjust(w):
    return {
        "criterion": w["rubric"].criteria.get(code="F2").pk,
        "mode": "override",
        "points": "5",
        "reason": "Kiểm tra",
    }


def _rubric_settings(w):
    return {"name": "Tiêu chí", "total_points": "100", "bonus_cap": "10", "group_caps": "{}", "note": ""}


A = lambda w: w["tree"]["a"].pk
CASES = [
    # (field, url, form data, wrong value, message, what must not change)
    (
        "members_count",
        lambda w: f"/units/{A(w)}/edit/",
        _unit,
        "2147483648",
        INT,
        lambda w: list(Unit.objects.values_list("members_count", "staff_count")),
    ),
    (
        "staff_count",
        lambda w: f"/units/{A(w)}/edit/",
        _unit,
        "99999999999999999999",
        INT,
        lambda w: list(Unit.objects.values_list("members_count", "staff_count")),
    ),
    (
        "order",
        lambda w: "/units/kinds/new/",
        lambda w: {"name": "Công đoàn bộ phận", "code": "cdbp"},
        "32768",
        "Thứ tự là một số nguyên từ 0 đến 32767.",
        lambda w: UnitKind.objects.count(),
    ),
    (
        "order",
        lambda w: reverse("articles:channel_new"),
        lambda w: {"name": "Kênh", "kind": "site", "domains": "", "is_active": "on"},
        "40000",
        SMALL,
        lambda w: Channel.objects.count(),
    ),
    (
        "target",
        lambda w: reverse("articles:quotas") + "?year=2021",
        lambda w: {"unit": "CS-A", "kind": "news", "notice": "812"},
        "2147483648",
        INT,
        lambda w: Quota.objects.count(),
    ),
    (
        "news",
        lambda w: reverse("articles:quotas_rule") + "?year=2021",
        _rule,
        "2147483648",
        INT,
        lambda w: Quota.objects.count(),
    ),
    (
        "articles",
        lambda w: reverse("articles:quotas_rule") + "?year=2021",
        _rule,
        "-1",
        INT,
        lambda w: Quota.objects.count(),
    ),
    (
        "large_members",
        lambda w: reverse("articles:quotas_rule") + "?year=2021",
        _rule,
        "3000000000",
        "Nhập một số từ 1 đến 2.147.483.647.",
        lambda w: Quota.objects.count(),
    ),
    (
        "large_news",
        lambda w: reverse("articles:quotas_rule") + "?year=2021",
        _rule,
        "99999999999",
        INT,
        lambda w: Quota.objects.count(),
    ),
    (
        "large_articles",
        lambda w: reverse("articles:quotas_rule") + "?year=2021",
        _rule,
        "2147483648",
        INT,
        lambda w: Quota.objects.count(),
    ),
    (
        "remind_every_days_after",
        lambda w: f"/directives/{w['directive'].pk}/tasks/new/",
        _task,
        "40000",
        SMALL,
        lambda w: Task.objects.count(),
    ),
    (
        "remind_stop_after_days",
        lambda w: f"/directives/{w['directive'].pk}/tasks/new/",
        _task,
        "-5",
        SMALL,
        lambda w: Task.objects.count(),
    ),
    (
        "count",
        lambda w: f"/fanpages/unit/{A(w)}/likes/",
        lambda w: {},
        "2147483648",
        INT,
        lambda w: LikeDeclaration.objects.count(),
    ),
    (
        "followers",
        lambda w: f"/fanpages/unit/{w['tree']['province'].pk}/followers/",
        lambda w: {"day": "2021-05-01"},
        "2147483648",
        INT,
        lambda w: FollowerSnapshot.objects.count(),
    ),
    (
        "total_points",
        lambda w: "/scoring/2021/rubric/",
        _rubric_settings,
        "12345678.5",
        POINTS,
        lambda w: list(Rubric.objects.values_list("total_points", "bonus_cap")),
    ),
    (
        "bonus_cap",
        lambda w: "/scoring/2021/rubric/",
        _rubric_settings,
        "-10000",
        POINTS,
        lambda w: list(Rubric.objects.values_list("total_points", "bonus_cap")),
    ),
    (
        "year",
        lambda w: "/scoring/new/",
        lambda w: {"name": "Năm sau"},
        "99999",
        "Nhập một số từ 2.000 đến 2.100.",
        lambda w: Rubric.objects.count(),
    ),
    (
        "max_points",
        lambda w: "/scoring/2021/rubric/criteria/new/",
        _criterion,
        "12345678.5",
        POINTS,
        lambda w: Criterion.objects.count(),
    ),
    (
        "order",
        lambda w: "/scoring/2021/rubric/criteria/new/",
        _criterion,
        "32768",
        SMALL,
        lambda w: Criterion.objects.count(),
    ),
    (
        "min_total",
        lambda w: "/scoring/2021/rubric/levels/new/",
        lambda w: {"name": "Mức thử"},
        "1e9",
        POINTS,
        lambda w: Level.objects.count(),
    ),
    (
        "min_share_each",
        lambda w: "/scoring/2021/rubric/levels/new/",
        lambda w: {"name": "Mức thử", "min_total": "50"},
        "123",
        "Nhập một số từ -99,99 đến 99,99.",
        lambda w: Level.objects.count(),
    ),
    (
        "points",
        lambda w: f"/scoring/2021/units/{A(w)}/adjust/",
        _adjust,
        "12345678.5",
        POINTS,
        lambda w: Adjustment.objects.count(),
    ),
]


@pytest.mark.parametrize(
    ("field", "url", "data", "wrong", "message", "stored"),
    CASES,
    ids=[f"{i:02d}-{case[0]}" for i, case in enumerate(CASES)],
)
def test_a_number_its_column_cannot_hold_is_refused_with_a_vietnamese_message(
    world, admin, login, field, url, data, wrong, message, stored
):
    client = login(admin)
    before = stored(world)
    response = client.post(url(world), {**data(world), field: wrong}, follow=True, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert stored(world) == before
