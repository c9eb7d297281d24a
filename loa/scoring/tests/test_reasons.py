"""The reason of a score, in one short Vietnamese sentence: what holds the unit back, or what lifts it.

The letter's rubric: F1 Fanpage report (15), F2 posting days (30, full at 80 %), T1 news items (20),
T2 articles (20), L1 Likes (15, thresholds 90/70/50/30 %), bonus B1–B3."""

from decimal import Decimal

import pytest

from loa.scoring import engine
from loa.scoring.models import Score
from loa.scoring.reasons import Reasons, reason
from loa.scoring.tests.conftest import YEAR

pytestmark = pytest.mark.django_db

# Every criterion at its full points, no bonus: the readings of a unit with nothing lacking.
FULL = {
    "fanpage_report": ("on_time", None),
    "posting_days": (300, 365),
    "news_quota": (4, 4),
    "article_quota": (2, 2),
    "like_rate": (54, 60),
    "over_quota": (0, None),
    "in_depth": (0, None),
    "exemplary": (0, None),
}


def _reason(rubric, adjustments=None, **readings):
    book = engine.Book(rubric)
    return reason(book, book.score(1, {**FULL, **readings}, adjustments))


def test_missing_articles_are_counted_in_articles_short(rubric):
    assert _reason(rubric, article_quota=(0, 3)) == "Thiếu 3 bài."
    assert _reason(rubric, news_quota=(3, 4)) == "Thiếu 1 tin."


def test_a_silent_page_says_how_many_days_went_without_a_post(rubric):
    assert _reason(rubric, posting_days=(100, 140)) == "40 ngày không đăng bài."


def test_a_report_not_filed_or_filed_late_is_said_as_such(rubric):
    assert _reason(rubric, fanpage_report=("missing", None)) == "Chưa báo cáo Fanpage."
    assert _reason(rubric, fanpage_report=("late", None)) == "Báo cáo Fanpage muộn."


def test_likes_short_of_the_full_points_are_counted_in_members(rubric):
    # 90 % of 60 members for the full 15 points: 54; 40 have Liked.
    assert _reason(rubric, like_rate=(40, 60)) == "Thiếu 14 đoàn viên bấm Thích Trang tỉnh."


def test_the_criteria_that_lose_most_come_first_and_the_rest_are_counted(rubric):
    text = _reason(
        rubric, article_quota=(0, 3), posting_days=(100, 140), fanpage_report=("missing", None), news_quota=(3, 4)
    )
    # T2 loses 20 points, F1 15, F2 (100/140 of the 80 % target) 3.2, T1 5.
    assert text == "Thiếu 3 bài, chưa báo cáo Fanpage và 2 tiêu chí khác."


def test_the_top_scorer_is_told_what_lifts_it(rubric):
    assert (
        _reason(rubric, in_depth=(2, None), exemplary=(1, None))
        == "Đạt điểm tối đa mọi tiêu chí; cộng điểm: 2 bài chuyên sâu."
    )
    assert _reason(rubric) == "Đạt điểm tối đa mọi tiêu chí."
    assert (
        _reason(rubric, article_quota=(1, 2), over_quota=(3, None))
        == "Thiếu 1 bài; cộng điểm: 3 tin bài vượt chỉ tiêu."
    )


def test_points_taken_by_an_adjustment_are_said_by_the_points_left(rubric):
    # The report came on time, but 2.5 points were taken from it by hand: the reading shows no lack.
    text = _reason(rubric, adjustments={"F1": ("delta", -250)})
    assert text == f"{rubric.criteria.get(code='F1').name}: 12.5/15 điểm."


def test_a_stored_row_and_the_running_score_say_the_same(scored, tree):
    engine.score_year(scored)
    book = engine.Book(scored)
    explain = Reasons(book)
    for unit in (tree["a"], tree["b"]):
        _book, running, _by_measure, _adjustments = engine.running_score(scored, unit)
        assert explain.of_score(Score.objects.get(unit=unit, year=YEAR)) == reason(book, running)
    assert explain.of_score(Score.objects.get(unit=tree["b"], year=YEAR)).startswith("Thiếu 2 bài")


def test_a_damaged_stored_row_is_said_by_its_points_and_never_fails(scored, tree):
    engine.score_year(scored)
    row = Score.objects.get(unit=tree["b"], year=YEAR)
    row.readings = {"T2": [[1], {"x": 2}], "F2": ["many", None], "T1": "nonsense", "F1": [None, None, None]}
    row.points = {**row.points, "L1": "NaN"}
    text = Reasons(engine.Book(scored)).of_score(row)
    assert text.endswith(".") and "Bài" not in text[:1]
    assert "/20 điểm" in text  # T2 without a readable reading: said by its points


def test_numbers_as_stored_by_postgresql_read_the_same(scored, tree):
    engine.score_year(scored)
    row = Score.objects.get(unit=tree["b"], year=YEAR)
    row.points = {code: Decimal(str(value)) for code, value in row.points.items()}
    assert Reasons(engine.Book(scored)).of_score(row) == Reasons(engine.Book(scored)).of_score(
        Score.objects.get(unit=tree["b"], year=YEAR)
    )
