"""The demo's dates (`loa.demo.calendar`), on every day of a common and of a leap year."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from loa.demo.calendar import NUMBER, PAST_NUMBER, DemoCalendar, at
from loa.directives.reminders import reminder_kind


def every_day(year):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def task_of(cycle):
    return SimpleNamespace(
        deadline=cycle.deadline,
        remind_days_before=cycle.remind_days_before,
        remind_on_day=True,
        remind_every_days_after=3,
        remind_stop_after_days=30,
    )


@pytest.mark.parametrize("year", [2027, 2028])
def test_on_every_day_of_the_year_the_letter_went_out_days_ago_and_is_due_within_the_week(year):
    for today in every_day(year):
        c = DemoCalendar.build(today=today).current
        assert c.year == today.year and c.live and c.number == NUMBER, today
        assert c.issued_on == today - timedelta(days=5), today
        # Ahead at any hour of today, within a week, and in this year: the year's rubric reads it.
        assert c.deadline >= at(today, 23, 59), today
        assert today <= c.last_report_day <= today + timedelta(days=7), today
        assert timezone.localtime(c.deadline - timedelta(microseconds=1)).year == year, today
        assert c.deadline.year == year, today
        # Today is one of the task's reminder days: `send_reminders` has work today.
        assert reminder_kind(task_of(c), today) in ("before", "today"), today
        # Activity runs up to yesterday; the year's quotas come from a notice already issued.
        assert c.last_day == today - timedelta(days=1), today
        assert c.notice_on < today and c.notice_on <= date(year, 2, 22), today


@pytest.mark.parametrize("year", [2027, 2028])
def test_last_year_is_the_letter_on_the_seeds_days_complete_and_frozen(year):
    for today in every_day(year):
        h = DemoCalendar.build(today=today).history
        assert (h.year, h.number, h.issued_on) == (year - 1, PAST_NUMBER, date(year - 1, 4, 5)), today
        assert h.deadline == at(date(year - 1, 4, 30)), today
        assert h.complete and h.frozen and h.adjusted and not h.live, today
        assert h.last_day == date(year - 1, 12, 31) and h.elapsed_share == 1, today


def test_the_letter_keeps_its_midnight_deadline_on_an_ordinary_day():
    c = DemoCalendar.build(today=date(2026, 12, 7)).current
    assert c.issued_on == date(2026, 12, 2)
    assert c.deadline == at(date(2026, 12, 15))  # "trước ngày 15/12/2026": the last day is the 14th
    assert c.deadline_words == "ngày 15/12/2026"
    assert c.remind_days_before == "7,2"  # the defaults: seven days before the 14th is today


def test_in_the_last_week_of_december_the_deadline_stops_at_23_59_on_31_december():
    c = DemoCalendar.build(today=date(2026, 12, 30)).current
    assert c.deadline == at(date(2026, 12, 31), 23, 59)
    assert c.deadline_words == "23 giờ 59 ngày 31/12/2026"
    assert c.remind_days_before == "7,2,1"  # tomorrow is the last day: a reminder goes out today


def test_early_in_january_the_letter_is_dated_late_december_and_due_this_january():
    cal = DemoCalendar.build(today=date(2027, 1, 3))
    c = cal.current
    assert c.year == 2027 and c.issued_on == date(2026, 12, 29)
    assert c.deadline == at(date(2027, 1, 11))
    assert c.notice_on == date(2026, 12, 31) and c.notice == "812/TB-CĐVC ngày 31/12/2026"
    assert c.elapsed_share == pytest.approx(2 / 365)  # 1 and 2 January
    assert cal.history.year == 2026 and cal.quarter_start == date(2027, 1, 1)


def test_on_29_february_2028_last_year_is_2027_and_the_share_of_the_year_counts_366_days():
    cal = DemoCalendar.build(today=date(2028, 2, 29))
    c = cal.current
    assert c.issued_on == date(2028, 2, 24) and c.deadline == at(date(2028, 3, 8))
    assert c.notice_on == date(2028, 2, 22)
    assert c.elapsed_share == pytest.approx(59 / 366)
    assert cal.history.year == 2027 and cal.spans({"X": ((2, 28), None)}) == {"X": (date(2027, 2, 28), None)}


def test_the_units_open_and_close_in_the_middle_of_last_year():
    from loa.demo.cao_bang import ACTIVE_SPANS

    spans = DemoCalendar.build(today=date(2026, 12, 7)).spans(ACTIVE_SPANS)
    assert spans == {"CDVC-38": (date(2025, 7, 1), None), "CDVC-31": (None, date(2025, 8, 31))}


def test_year_2021_replays_the_seed_letter_on_its_own_days():
    cal = DemoCalendar.build(today=date(2026, 12, 7), year=2021)
    assert not cal.live and len(cal.cycles) == 1
    c = cal.current
    assert (c.year, c.number, c.issued_on, c.notice_on) == (2021, NUMBER, date(2021, 4, 5), date(2021, 2, 22))
    assert c.deadline == at(date(2021, 4, 30)) and c.deadline_words == "ngày 30/4/2021"
    assert c.remind_days_before == "7,2" and not c.frozen and not c.complete and c.adjusted
    assert cal.spans({"CDVC-38": ((7, 1), None)}) == {"CDVC-38": (date(2021, 7, 1), None)}


@pytest.mark.parametrize("year", [2026, 2030, 1999])
def test_a_replay_is_of_a_past_year_only(year):
    with pytest.raises(ValueError):
        DemoCalendar.build(today=date(2026, 12, 7), year=year)


def test_the_same_day_gives_the_same_seeds_and_last_years_seed_does_not_depend_on_the_day():
    a, b = DemoCalendar.build(today=date(2026, 12, 7)), DemoCalendar.build(today=date(2026, 12, 8))
    assert a.current.seed == DemoCalendar.build(today=date(2026, 12, 7)).current.seed != b.current.seed
    assert a.history.seed == b.history.seed
