from datetime import date, datetime

import pytest
from django.db import transaction
from django.utils import timezone

from loa.scoring import examples

YEAR = 2021


def set_articles(unit, *, news=(0, 0), articles=(0, 0), in_depth=0, exemplary=0, year=YEAR):
    """Put (counted, quota) figures into the articles' rollups, as their services do."""
    from loa.articles import rollups
    from loa.articles.models import Rollup

    for kind, (counted, target) in (("news", news), ("article", articles)):
        row = Rollup.objects.filter(unit=unit, year=year, kind=kind).first()
        own = (row.own_counted, row.own_in_depth, row.own_exemplary) if row else (0, 0, 0)
        extra_d, extra_e = (in_depth, exemplary) if kind == "article" else (0, 0)
        with transaction.atomic():  # as the articles' services call it (browser tests run outside a transaction)
            rollups.change(
                unit_path=unit.path,
                year=year,
                kind=kind,
                target=target,
                counted=counted - own[0],
                in_depth=extra_d - own[1],
                exemplary=extra_e - own[2],
            )


def set_posting(unit, days, year=YEAR):
    from loa.fanpages.models import Fanpage, PostingYear

    page, _ = Fanpage.objects.get_or_create(
        unit=unit,
        defaults={
            "name": unit.name,
            "url": f"https://facebook.com/{unit.code}",
            "url_key": f"facebook.com/{unit.code}",
            "admin_name": "Quản trị",
            "admin_phone": "+84912345678",
            "set_up_on": date(year - 1, 12, 1),
        },
    )
    PostingYear.objects.update_or_create(
        fanpage=page, year=year, defaults={"posting_days": days, "last_post_day": date(year, 12, 31)}
    )


def set_likes(unit, count, day=date(YEAR, 6, 1)):
    from loa.fanpages.models import LikeDeclaration

    LikeDeclaration.objects.create(unit=unit, day=day, count=count, members_count=unit.members_count)


def set_report(units, issuer, *, on_time=(), late=()):
    """A Fanpage report task of the year sent to `units`: some on time, some late, the rest missing."""
    from loa.directives.models import Assignment
    from loa.directives.tests.factories import fanpage_task_rows

    task = fanpage_task_rows(issuer, YEAR)
    for u in units:
        reported = u in on_time or u in late
        Assignment.objects.create(
            task=task,
            unit=u,
            unit_path=u.path,
            expected=True,
            state="on_time" if u in on_time else "late" if u in late else "pending",
            first_reported_at=timezone.make_aware(datetime(YEAR, 4, 20 if u in on_time else 28)) if reported else None,
            on_time=u in on_time,
        )
    return task


@pytest.fixture
def rubric(tree, admin):
    return examples.letter_2021(by=admin, unit=tree["province"], year=YEAR)


@pytest.fixture
def scored(rubric, tree):
    """A: a good year (on time, 300 posting days, quotas met, Likes 90 %); B: a poor one."""
    a, b = tree["a"], tree["b"]
    set_report([a, b], tree["upper"], on_time=[a])
    set_posting(a, 300)
    set_posting(b, 100)
    set_articles(a, news=(5, 4), articles=(3, 2), in_depth=1, exemplary=2)
    set_articles(b, news=(1, 4), articles=(0, 2))
    set_likes(a, 54)
    set_likes(b, 30)
    return rubric


@pytest.fixture
def classified(rubric, tree, kinds):
    """Seven units of every level under two upper unions, scored.

    CĐVC (the upper union): A excellent, B failing (as `scored`). Công đoàn ngành Y tế: C excellent,
    D good (a late report, no Likes), E done (no report, no article), F and G failing (G: nothing)."""
    from loa.scoring.engine import score_year
    from loa.units.services import unit_create

    health = unit_create(
        by=None, parent=tree["province"], kind=kinds["upper"], code="CDYT", name="Công đoàn ngành Y tế"
    )
    units = {"health": health, **tree}
    for code, name in (
        ("C", "Bệnh viện Y học cổ truyền"),
        ("D", "Trung tâm Kiểm soát bệnh tật"),
        ("E", "Bệnh viện Phục hồi chức năng"),
        ("F", "Trung tâm Pháp y"),
        ("G", "Chi cục Dân số"),
    ):
        units[code.lower()] = unit_create(
            by=None,
            parent=health,
            kind=kinds["cdcs"],
            code=f"CS-{code}",
            name=f"Công đoàn cơ sở {name}",
            members_count=60,
            staff_count=60,
        )
    a, b, c, d, e, f, _g = (units[k] for k in "abcdefg")
    set_report([a, b, c, d, e, f, units["g"]], tree["upper"], on_time=[a, c], late=[d])
    for unit, days, news, articles, likes in (
        (a, 300, (5, 4), (3, 2), 54),
        (b, 100, (1, 4), (0, 2), 30),
        (c, 300, (4, 4), (2, 2), 54),
        (d, 300, (4, 4), (2, 2), 0),
        (e, 300, (4, 4), (0, 2), 0),
        (f, 50, (1, 4), (0, 2), 0),
    ):
        set_posting(unit, days)
        set_articles(
            unit, news=news, articles=articles, in_depth=1 if unit is a else 0, exemplary=2 if unit is a else 0
        )
        if likes:
            set_likes(unit, likes)
    score_year(rubric)
    return units
