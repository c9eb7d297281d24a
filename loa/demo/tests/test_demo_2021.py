"""`demo --year 2021`: the world of the seed letter on its own days, exactly as the demo held it
before it lived in the present (the figures below are those of that demo)."""

from collections import Counter
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Max, Sum

from loa.articles.models import Publication, Quota, Submission
from loa.demo.calendar import at
from loa.directives.models import Assignment, Directive, Report
from loa.fanpages.models import Fanpage, FollowerSnapshot, LikeDeclaration, Post, PostingYear
from loa.scoring.models import Adjustment, Rubric, Score

pytestmark = pytest.mark.django_db


@pytest.fixture
def world_2021():
    out = StringIO()
    call_command("demo", "--year", "2021", stdout=out)
    return out.getvalue()


def test_the_letter_is_of_5_april_2021_and_due_before_30_april_2021(world_2021):
    directive = Directive.objects.get()
    assert (directive.number, directive.issued_on) == ("45/CĐVC", date(2021, 4, 5))
    assert directive.tasks.get().deadline == at(date(2021, 4, 30))
    assert "trước ngày 30/4/2021" in directive.body and "ngày 22/02/2021" in directive.body
    assert "05/04/2021" in world_2021


def test_its_reports_are_the_2021_spread(world_2021):
    states = Counter(Assignment.objects.filter(expected=True).values_list("state", flat=True))
    assert states == {"on_time": 21, "late": 8, "pending": 11, "corrected": 1, "returned": 1}
    assert Report.objects.count() == 31
    assert Assignment.objects.get(unit__code="CDVC-01").state == "pending"  # canbo1: overdue since 2021
    assert Assignment.objects.get(unit__code="CDVC-02").state == "returned"


def test_its_articles_posts_and_likes_are_the_2021_figures(world_2021):
    assert Quota.objects.filter(year=2021, notice="812/TB-CĐVC ngày 22/02/2021").aggregate(n=Sum("target"))["n"] == 462
    assert Quota.objects.count() == 144
    assert Counter(Submission.objects.values_list("state", flat=True)) == {
        "published": 295,
        "draft": 42,
        "accepted": 34,
        "submitted": 34,
        "in_review": 31,
        "returned": 21,
        "rejected": 15,
    }
    assert Publication.objects.count() == 435
    assert set(Submission.objects.exclude(counted_year=None).values_list("counted_year", flat=True)) == {2021}
    assert PostingYear.objects.filter(year=2021).aggregate(d=Sum("posting_days"))["d"] == 4587
    assert Post.objects.count() == 5706 and Fanpage.objects.count() == 32
    assert (
        FollowerSnapshot.objects.count() == 25 and FollowerSnapshot.objects.aggregate(m=Max("followers"))["m"] == 3331
    )
    assert LikeDeclaration.objects.count() == 155 and LikeDeclaration.objects.aggregate(n=Sum("count"))["n"] == 3433
    assert not PostingYear.objects.exclude(year=2021).exists()


def test_its_2021_scores_run_unfrozen_with_the_two_adjustments(world_2021):
    rubric = Rubric.objects.get()
    assert rubric.year == 2021 and not rubric.frozen
    assert "trước 30/4/2021" in rubric.criteria.get(code="F1").name
    assert Score.objects.count() == 43 and Score.objects.aggregate(t=Sum("total"))["t"] == Decimal("2344.37")
    best = Score.objects.select_related("unit").get(rank=1)
    assert (best.unit.code, best.total, best.level_name) == ("CDVC-30", Decimal("87.57"), "Hoàn thành tốt nhiệm vụ")
    assert sorted(Adjustment.objects.values_list("unit__code", "criterion__code")) == [
        ("CDVC-20", "L1"),
        ("CDVC-21", "F1"),
    ]
