"""The demo's dates, worked out once from the day the demo is loaded, so that every step agrees.

**Live** (the default, `DemoCalendar.live(today)`): the demo lives in the present. The letter is
replayed in the current year, relative to `today`:

- this year's letter (the seed's number, 45/CĐVC) was issued `ISSUED_DAYS_AGO` days ago; its last
  day to report is `LAST_DAY_AHEAD` days ahead ("trước ngày" the day after), so the first of the
  default reminders (7 and 2 days before) goes out today. Late in December the deadline stops at
  23:59 on 31 December: a task belongs to the year of its deadline (the scoring reads it so), and
  the year's rubric must see it. Early in January the letter may carry a date of late December
  (issued five days ago is issued last year): its deadline is in January, so it is this year's;
- this year's quotas come from a notice of 22 February, or of a few days ago before that (in early
  January a notice of late December): there are always quotas for the year;
- activity (reports, posts, pieces) runs up to yesterday, never into today: the demo may be loaded
  at any hour;
- last year is complete: the letter on the seed's own days (05/04, deadline 30/4) with another
  number (`PAST_NUMBER`: a unit's numbers are unique in Loa whatever the year), every report in,
  a full year of posts and pieces, its rubric scored with the two adjustments, and frozen;
- the units that open and close in the scenario do so in the middle of last year.

**Replay** (`DemoCalendar.replay(2021)`, `demo --year 2021`): the world of the seed, exactly as the
demo was built before it came to life: one year, the letter of 05/04/2021 due 30/4/2021, some
reports late or missing, the year scored but not frozen.

Every date is a plain `date`; `at(day, hour, minute)` makes the aware local instant.
"""

import calendar as _calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

SEED_YEAR = 2021
NUMBER = "45/CĐVC"  # the seed letter's number (documents.samples.seed_letter)
PAST_NUMBER = "39/CĐVC"  # last year's letter in the live demo
LETTER_DAY = (4, 5)  # the letter's date in the seed's year: 05/04
DEADLINE_DAY = (4, 30)  # "trước ngày 30/4/2021": 30/4 00:00 local
NOTICE_DAY = (2, 22)  # Thông báo 812/TB-CĐVC ngày 22/02/2021: the year's quotas

ISSUED_DAYS_AGO = 5
LAST_DAY_AHEAD = 7
NOTICE_DAYS_AGO = 3
DEFAULT_REMINDERS = (7, 2)

REPLAY, HISTORY, LIVE = "replay", "history", "live"


def at(day, hour=0, minute=0):
    """The aware instant of `day` at hour:minute, local time."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def days_in_year(year):
    return 366 if _calendar.isleap(year) else 365


def short_date(day):
    """30/4/2021: the seed letter's way of writing its deadline."""
    return f"{day.day}/{day.month}/{day.year}"


@dataclass(frozen=True)
class Cycle:
    """One year of the letter: its directive's number and days, the days that hold activity, and what
    happened in it (`kind`: REPLAY the seed's year as it was, HISTORY last year complete and frozen,
    LIVE this year, relative to today)."""

    kind: str
    year: int
    number: str
    issued_on: date
    deadline: datetime
    notice_on: date
    last_day: date  # the last day with activity
    today: date

    @property
    def first_day(self):
        return date(self.year, 1, 1)

    @property
    def live(self):
        return self.kind == LIVE

    @property
    def complete(self):
        """Every expected report came in (late ones marked late)."""
        return self.kind == HISTORY

    @property
    def frozen(self):
        return self.kind == HISTORY

    @property
    def adjusted(self):
        """The year that holds the demo's two score adjustments."""
        return self.kind in (REPLAY, HISTORY)

    @property
    def seed(self):
        """What seeds the random choices of the cycle: the year, and for this year also the day."""
        return f"loa-demo {self.kind} {self.year}" + (f" {self.today.isoformat()}" if self.live else "")

    @property
    def last_report_day(self):
        """The last local day on which a report is on time."""
        return timezone.localtime(self.deadline - timedelta(microseconds=1)).date()

    @property
    def deadline_words(self):
        """The deadline as the letter says it after "trước": "ngày 30/4/2021", or "23 giờ 59 ngày 31/12/2026"."""
        local = timezone.localtime(self.deadline)
        if local.hour == 0 and local.minute == 0:
            return f"ngày {short_date(local.date())}"
        return f"{local.hour} giờ {local.minute:02d} ngày {short_date(local.date())}"

    @property
    def notice(self):
        return f"812/TB-CĐVC ngày {self.notice_on:%d/%m/%Y}"

    @property
    def remind_days_before(self):
        """The task's reminder days: the defaults, and in the live year also today's distance to the
        last day, so that today is a reminder day."""
        days = set(DEFAULT_REMINDERS)
        if self.live:
            offset = (self.last_report_day - self.today).days
            if offset > 0:
                days.add(offset)
        return ",".join(str(d) for d in sorted(days, reverse=True))

    @property
    def elapsed_share(self):
        """The share of the year that has activity: 1 for a past year, days so far / days in the year."""
        days = (self.last_day - self.first_day).days + 1
        return max(0, min(days, days_in_year(self.year))) / days_in_year(self.year)


@dataclass(frozen=True)
class DemoCalendar:
    today: date
    year: int  # the year of the demo's current work
    live: bool = True

    at = staticmethod(at)  # for the areas' demo steps, which reach the calendar through the context

    @classmethod
    def build(cls, *, today=None, year=None):
        """The calendar for `today` (default: today's local date): live, or the seed's days in `year`."""
        today = today or timezone.localdate()
        if year is None:
            return cls(today=today, year=today.year, live=True)
        if not 2000 <= year < today.year:
            raise ValueError(f"--year replays the letter in a past year (2000 to {today.year - 1}), not {year}")
        return cls(today=today, year=year, live=False)

    @property
    def yesterday(self):
        return self.today - timedelta(days=1)

    @property
    def previous_year(self):
        return self.year - 1

    def _seed_cycle(self, kind, year, number):
        return Cycle(
            kind=kind,
            year=year,
            number=number,
            issued_on=date(year, *LETTER_DAY),
            deadline=at(date(year, *DEADLINE_DAY)),
            notice_on=date(year, *NOTICE_DAY),
            last_day=date(year, 12, 31),
            today=self.today,
        )

    def _live_cycle(self):
        year, today = self.year, self.today
        last_day = today + timedelta(days=LAST_DAY_AHEAD)
        if last_day.year == year:
            deadline = at(last_day + timedelta(days=1))  # "trước ngày …": midnight after the last day
            if deadline.year != year:  # the last day is 31/12: its midnight is next year's
                deadline = at(last_day, 23, 59)
        else:
            deadline = at(date(year, 12, 31), 23, 59)
        return Cycle(
            kind=LIVE,
            year=year,
            number=NUMBER,
            issued_on=today - timedelta(days=ISSUED_DAYS_AGO),
            deadline=deadline,
            notice_on=min(date(year, *NOTICE_DAY), today - timedelta(days=NOTICE_DAYS_AGO)),
            last_day=self.yesterday,
            today=today,
        )

    @property
    def cycles(self):
        """The years the demo holds, oldest first."""
        if not self.live:
            return (self._seed_cycle(REPLAY, self.year, NUMBER),)
        return (self._seed_cycle(HISTORY, self.previous_year, PAST_NUMBER), self._live_cycle())

    @property
    def current(self):
        return self.cycles[-1]

    @property
    def history(self):
        """The cycle that holds the units opening and closing and the score adjustments."""
        return self.cycles[0]

    @property
    def first_day(self):
        return self.cycles[0].first_day

    @property
    def last_day(self):
        """The last day with activity in the demo."""
        return self.cycles[-1].last_day

    def spans(self, month_days):
        """{code: (active_from, active_to)} from {code: ((month, day) or None, (month, day) or None)},
        in the history year."""
        year = self.history.year
        return {code: tuple(date(year, *md) if md else None for md in span) for code, span in month_days.items()}

    @property
    def quarter_start(self):
        return date(self.today.year, 3 * ((self.today.month - 1) // 3) + 1, 1)

    def describe(self):
        """One line for the command's output."""
        from loa.directives.deadlines import deadline_text

        c = self.current
        values = {
            "number": c.number,
            "issued": c.issued_on.strftime("%d/%m/%Y"),
            "deadline": deadline_text(c.deadline),
            "year": c.year,
            "today": self.today.strftime("%d/%m/%Y"),
            "last_year": self.previous_year,
        }
        if not self.live:
            return _("The year %(year)s as in the letter: %(number)s of %(issued)s, reports due %(deadline)s.") % values
        return (
            _(
                "The demo lives on %(today)s: %(number)s of %(issued)s, reports due %(deadline)s; "
                "%(last_year)s scored and frozen."
            )
            % values
        )
