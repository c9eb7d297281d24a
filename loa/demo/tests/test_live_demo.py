"""The demo lives in the present: opened on any day, every role finds work due this week.

The scenario is loaded for a given day (`demo --today`); the pages are then read with the clock on
that day at 10:00 (`clock_at`)."""

import html
import re
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Max, Sum
from django.utils import timezone

from loa.accounts.models import User
from loa.articles.models import Quota, Submission
from loa.demo.calendar import NUMBER, PAST_NUMBER, DemoCalendar, at
from loa.demo.tests.conftest import clock_at
from loa.directives.models import Assignment, Directive, Task
from loa.fanpages.models import LikeDeclaration, PostingYear
from loa.scoring.models import Adjustment, Rubric, Score
from loa.units.models import Unit

pytestmark = pytest.mark.django_db

# An ordinary day, the first days of a year, the last days of one, a leap day.
DAYS = [date(2026, 6, 17), date(2027, 1, 3), date(2026, 12, 30), date(2028, 2, 29)]


def run(*args):
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def text_of(response):
    assert response.status_code == 200, response.status_code
    body = re.sub(r"(?s)<(script|style|svg)\b.*?</\1>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def read(client, username, url):
    client.force_login(User.objects.get(username=username))
    return text_of(client.get(url))


def this_week(instant, today):
    return today - timedelta(days=6) <= timezone.localdate(instant) < today


def the_officer_has_the_report_due_in_the_coming_days_and_a_returned_piece(client, cal):
    home = read(client, "canbo1", "/")
    assert "Báo cáo kết quả thành lập Trang Fanpage Công đoàn cơ sở" in home
    left = re.search(r"còn (\d+) (ngày|giờ)", home)
    assert left and (left[2] == "giờ" or 1 <= int(left[1]) <= 7), home
    returned = Submission.objects.get(unit__code="CDVC-01", state="returned")
    assert this_week(returned.decided_at, cal.today)
    mine = read(client, "canbo1", "/articles/?state=returned")
    assert returned.title in mine and "Bị trả lại" in mine
    assert returned.reason in read(client, "canbo1", f"/articles/{returned.pk}/")
    drafts = read(client, "canbo1", "/articles/?state=draft")
    assert "Bản nháp" in drafts
    return [home, mine, drafts]


def the_editor_has_pieces_sent_this_week_waiting_in_the_queue(client, cal):
    client.force_login(User.objects.get(username="bientap"))
    response = client.get("/articles/review/")
    queue = text_of(response)
    shown = [int(pk) for pk in re.findall(r'data-piece="(\d+)"', response.content.decode())]
    waiting = Submission.objects.filter(pk__in=shown, state__in=["submitted", "in_review"])
    assert waiting.count() == len(shown) > 0
    assert any(this_week(s.submitted_at, cal.today) for s in waiting), [s.submitted_at for s in waiting]
    return [queue]


def the_admin_tracks_the_letter_with_units_reported_and_missing(client, cal):
    task = Task.objects.get(directive__number=NUMBER)
    home = read(client, "admin", "/")
    counts = re.search(rf"{re.escape(NUMBER)} · LĐLĐ tỉnh .*? \d+% \((\d+)/(\d+)\)", home)
    assert counts and 0 < int(counts[1]) < int(counts[2]), home
    tracking = read(client, "admin", f"/directives/tasks/{task.pk}/tracking/")
    assert "Chưa báo cáo" in tracking and "Đúng hạn" in tracking and "Trả lại để sửa" in tracking
    states = set(Assignment.objects.filter(task=task, expected=True).values_list("state", flat=True))
    assert {"pending", "on_time", "returned", "corrected"} <= states
    return [home, tracking]


def the_leader_reads_last_years_frozen_ranking_and_this_years_running_one(client, cal):
    last, this = cal.previous_year, cal.year
    index = read(client, "lanhdao", "/scoring/")
    assert re.search(rf"{this}\b.*?Đang chạy.*?{last}\b.*?Đã chốt", index), index
    frozen = read(client, "lanhdao", f"/scoring/{last}/")
    assert "Đã chốt" in frozen and "Công đoàn cơ sở" in frozen
    running = read(client, "lanhdao", f"/scoring/{this}/")
    assert "Đang chạy" in running and f"Năm {last}:" in running
    assert Rubric.objects.get(year=last).frozen and not Rubric.objects.get(year=this).frozen
    assert Score.objects.filter(year=this).count() > 40 and Score.objects.filter(year=last).count() > 40
    return [index, frozen, running]


def this_years_figures_follow_the_days_gone_by(cal):
    today, this, last = cal.today, cal.year, cal.previous_year
    units = Unit.objects.filter(kind__is_grassroots=True).active_during(date(this, 1, 1), date(this, 12, 31))
    assert Quota.objects.filter(year=this).count() == 2 * units.count()
    counted = {y: Submission.objects.filter(counted_year=y).count() for y in (last, this)}
    share = cal.current.elapsed_share
    assert counted[this] <= counted[last] * (share + 0.15) + 5, counted
    assert counted[this] >= counted[last] * (share - 0.2), counted
    posts = PostingYear.objects.filter(year=this).aggregate(last=Max("last_post_day"), days=Sum("posting_days"))
    assert posts["last"] is None or posts["last"] < today
    if today.timetuple().tm_yday > 3:
        assert posts["last"] == today - timedelta(days=1) and posts["days"] > 0
    # A few Pages have gone quiet for two to six weeks.
    quiet = [
        py
        for py in PostingYear.objects.filter(last_post_day__isnull=False).order_by("fanpage_id", "-year").distinct()
        if 14 <= (today - py.last_post_day).days <= 42
    ]
    assert len({py.fanpage_id for py in quiet}) >= 2
    # Like declarations this quarter for some units and not for others.
    declared = set(
        LikeDeclaration.objects.filter(day__gte=cal.quarter_start, day__lte=today).values_list("unit_id", flat=True)
    )
    with_pages = set(Unit.objects.filter(fanpage__isnull=False, kind__is_grassroots=True).values_list("id", flat=True))
    assert declared and with_pages - declared


def reminders_go_out_today(cal):
    from loa.directives.reminders import send_reminders

    assert send_reminders(day=cal.today) > 0


@pytest.mark.parametrize("today", DAYS, ids=lambda d: d.isoformat())
def test_on_any_day_every_role_finds_this_weeks_work_on_its_pages(client, today):
    run("--today", today.isoformat())
    cal = DemoCalendar.build(today=today)
    with clock_at(today):
        pages = [
            *the_officer_has_the_report_due_in_the_coming_days_and_a_returned_piece(client, cal),
            *the_editor_has_pieces_sent_this_week_waiting_in_the_queue(client, cal),
            *the_admin_tracks_the_letter_with_units_reported_and_missing(client, cal),
            *the_leader_reads_last_years_frozen_ranking_and_this_years_running_one(client, cal),
        ]
        this_years_figures_follow_the_days_gone_by(cal)
        reminders_go_out_today(cal)
    for page in pages:
        assert "quá hạn" not in page


def test_the_letter_went_out_five_days_ago_and_last_years_went_out_on_the_seeds_days():
    run("--today", "2026-12-07")
    current = Directive.objects.get(number=NUMBER)
    past = Directive.objects.get(number=PAST_NUMBER)
    assert current.issued_on == date(2026, 12, 2) and timezone.localdate(current.issued_at) == date(2026, 12, 2)
    assert current.tasks.get().deadline == at(date(2026, 12, 15))
    assert "trước ngày 15/12/2026" in current.body and "năm 2026" in current.body and "2021" not in current.body
    assert past.issued_on == date(2025, 4, 5) and past.tasks.get().deadline == at(date(2025, 4, 30))
    # Last year every report came in, some late; one was returned and corrected.
    states = Assignment.objects.filter(task__directive=past, expected=True).values_list("state", flat=True)
    assert "pending" not in states and "returned" not in states and {"late", "corrected"} <= set(states)
    # This week: canbo1's unit has not reported, canbo2's report waits for its correction.
    assert Assignment.objects.get(task__directive=current, unit__code="CDVC-01").state == "pending"
    assert Assignment.objects.get(task__directive=current, unit__code="CDVC-02").state == "returned"
    reported = Assignment.objects.filter(task__directive=current, first_reported_at__isnull=False)
    assert all(date(2026, 12, 2) <= timezone.localdate(a.first_reported_at) < date(2026, 12, 7) for a in reported)
    # Last year's scores are frozen with the two adjustments; this year's are not adjusted.
    assert (
        Adjustment.objects.filter(rubric__year=2025).count() == 2
        and not Adjustment.objects.filter(rubric__year=2026).exists()
    )
    assert Rubric.objects.get(year=2025).frozen_at == at(date(2026, 1, 15), 16)


def test_without_today_the_demo_lives_on_todays_date():
    out = run()
    today = timezone.localdate()
    assert Directive.objects.get(number=NUMBER).issued_on == today - timedelta(days=5)
    assert Rubric.objects.filter(year=today.year - 1, frozen_at__isnull=False).exists()
    assert today.strftime("%d/%m/%Y") in out


def test_a_union_opened_and_one_closed_in_the_middle_of_last_year():
    run("--today", "2026-12-07")
    assert Unit.objects.get(code="CDVC-38").active_from == date(2025, 7, 1)
    assert Unit.objects.get(code="CDVC-31").active_to == date(2025, 8, 31)
    # The closed one is not asked for this year's report, and has no quota this year.
    assert not Assignment.objects.get(task__directive__number=NUMBER, unit__code="CDVC-31").expected
    assert not Quota.objects.filter(unit__code="CDVC-31", year=2026).exists()


def _world():
    """What the demo holds, as comparable rows."""
    return {
        "assignments": sorted(
            Assignment.objects.values_list("task__directive__number", "unit__code", "state", "first_reported_at")
        ),
        "pieces": sorted(Submission.objects.values_list("unit__code", "title", "state", "submitted_at", "decided_at")),
        "posting": sorted(
            PostingYear.objects.values_list("fanpage__unit__code", "year", "posting_days", "last_post_day")
        ),
        "likes": sorted(LikeDeclaration.objects.values_list("unit__code", "day", "count")),
        "scores": sorted(Score.objects.values_list("year", "unit__code", "total")),
    }


@pytest.mark.django_db(transaction=True)  # --reset truncates, as flush does
def test_the_same_day_gives_the_same_demo():
    run("--today", "2027-01-03")
    first = _world()
    run("--reset", "--today", "2027-01-03")
    assert _world() == first


def test_year_must_be_a_past_year_and_today_a_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        run("--year", str(timezone.localdate().year))
    with pytest.raises(CommandError):
        run("--today", "7/12/2026")
    assert not Unit.objects.exists()
