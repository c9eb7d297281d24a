"""The fast paths keep the meaning of the slow ones: compliance worked out in SQL, rollups updated
incrementally for many Pages at once, the sync on several threads sharing one Throttle."""

import random
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from loa.fanpages import compliance, posts, sync
from loa.fanpages.models import GraphLink, Post, PostingDay, PostingYear
from loa.integrations.facebook import Throttle, slow_down_seconds
from loa.units.models import Unit

pytestmark = pytest.mark.django_db


def reference(unit, fanpage, year, today):
    """Compliance of one unit by hand, as the issue defines it."""
    first, last = date(year, 1, 1), min(today, date(year, 12, 31))
    start = first
    days = (
        sorted(PostingDay.objects.filter(fanpage=fanpage, day__year=year, posts__gt=0).values_list("day", flat=True))
        if fanpage
        else []
    )
    if fanpage:
        if fanpage.set_up_on:
            start = max(start, fanpage.set_up_on)
        elif fanpage.registered_at >= timezone.make_aware(datetime(year, 1, 1)):
            start = timezone.localtime(fanpage.registered_at).date()
        if days and days[0] < start:
            start = days[0]
    if unit.active_from and unit.active_from > start:
        start = unit.active_from
    end = min(last, unit.active_to) if unit.active_to else last
    period = max(0, (end - start).days + 1)
    silent = None
    if fanpage:
        since = days[-1] if days else start - timedelta(days=1)
        silent = max(0, (min(today, end) - since).days)
    return len(days), period, silent


def at(day):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=9))


@pytest.mark.parametrize(
    "case",
    ["plain", "set_up_mid_year", "registered_mid_year", "first_post_before_set_up", "unit_closed", "unit_opened"],
)
def test_compliance_worked_out_in_sql_agrees_with_the_definition(case, pages, admin, tree):
    year, today = 2025, date(2025, 11, 20)
    a, b = pages["a"], pages["b"]
    days = [date(2025, 3, 1) + timedelta(days=i) for i in range(0, 200, 3)]
    posts.record_posts(
        fanpage=a, posts=[posts.IncomingPost(str(i), at(d)) for i, d in enumerate(days)], source=Post.Source.IMPORT
    )
    if case == "set_up_mid_year":
        a.set_up_on = date(2025, 2, 10)
    elif case == "registered_mid_year":
        a.registered_at = timezone.make_aware(datetime(2025, 4, 30, 23, 30))
    elif case == "first_post_before_set_up":
        a.set_up_on = date(2025, 6, 1)
    a.save()
    type(a).objects.filter(pk=a.pk).update(registered_at=a.registered_at)  # auto_now_add ignores the assignment
    if case == "unit_closed":
        tree["a"].active_to = date(2025, 8, 15)
        tree["a"].save()
    elif case == "unit_opened":
        tree["a"].active_from = date(2025, 5, 5)
        tree["a"].save()
    a.refresh_from_db()
    b.refresh_from_db()
    items = {i.unit_id: i for i in compliance.unit_compliance(user=admin, capability="view", year=year, today=today)}
    for unit, fanpage in ((tree["a"], a), (tree["b"], b)):
        unit.refresh_from_db()
        item = items[unit.pk]
        assert (item.posting_days, item.period_days, item.silent_days(today)) == reference(
            unit, fanpage, year, today
        ), case
    # The bulk figures of the annual scoring are the table's, for every unit at once.
    assert compliance.posting_figures(Unit.objects.all(), year=year, today=today) == {
        i.unit_id: (i.posting_days, i.period_days) for i in items.values()
    }, case
    groups = compliance.upper_unit_compliance(user=admin, capability="view", year=year, today=today, silent_days=5)
    (group,) = groups
    assert group.unit == tree["a"].parent
    assert (group.units, group.with_page) == (2, 2)
    assert group.posting_days == sum(i.posting_days for i in items.values())
    assert group.period_days == sum(i.period_days for i in items.values())
    assert group.silent == sum(1 for i in items.values() if (i.silent_days(today) or 0) >= 5)
    silent = compliance.silent_pages(user=admin, capability="view", today=today, days=5)
    assert [i.unit_id for _s, i in silent] == [
        i.unit_id
        for i in sorted(
            (i for i in items.values() if i.silent_days(today) >= 5), key=lambda i: (-i.silent_days(today), i.name_sort)
        )
    ]


def test_a_unit_without_a_page_counts_in_the_table_but_is_never_silent(pages, admin, tree):
    pages["b"].delete()
    type(pages["a"]).objects.filter(pk=pages["a"].pk).update(registered_at=timezone.make_aware(datetime(2024, 5, 1)))
    today = date(2025, 6, 30)
    items = {i.unit_id: i for i in compliance.unit_compliance(user=admin, capability="view", year=2025, today=today)}
    assert items[tree["b"].pk].fanpage_id is None and items[tree["b"].pk].period_days == 181
    (group,) = compliance.upper_unit_compliance(user=admin, capability="view", year=2025, today=today)
    assert (group.units, group.with_page, group.silent) == (2, 1, 1)
    assert [i.unit_id for _s, i in compliance.silent_pages(user=admin, capability="view", today=today)] == [
        tree["a"].pk
    ]


def test_an_officer_of_another_unit_counts_only_that_unit(pages, bob, tree):
    groups = compliance.upper_unit_compliance(user=bob, capability="view", year=2025, today=date(2025, 6, 1))
    assert [(g.unit, g.units) for g in groups] == [(tree["b"].parent, 1)]


def test_incremental_rollups_equal_a_recount_whatever_the_order_posts_arrive_in(pages):
    rng = random.Random(5)
    a, b = pages["a"], pages["b"]
    stream = [
        (page, f"{page.pk}-{i}", date(2025, 1, 1) + timedelta(days=rng.randrange(0, 120)))
        for page in (a, b)
        for i in range(150)
    ]
    stream += stream[:20]  # some arrive twice
    rng.shuffle(stream)
    for start in range(0, len(stream), 17):
        chunk = stream[start : start + 17]
        by_page = {}
        for page, key, day in chunk:
            by_page.setdefault(page.pk, []).append(posts.IncomingPost(key, at(day)))
        posts.record_posts_many(by_page, source=Post.Source.GRAPH)
    for page in (a, b):
        assert Post.objects.filter(fanpage=page).count() == len({k for p, k, _d in stream if p == page})
        days = sorted(PostingDay.objects.filter(fanpage=page).values_list("day", flat=True))
        for day in days:
            assert (
                PostingDay.objects.get(fanpage=page, day=day).posts
                == Post.objects.filter(fanpage=page, day=day).count()
            )
        expected = posts.year_rollup(page.pk, 2025, days)
        row = PostingYear.objects.get(fanpage=page, year=2025)
        fields = ("posting_days", "first_post_day", "last_post_day", "streak", "longest_streak")
        assert [getattr(row, f) for f in fields] == [getattr(expected, f) for f in fields]


def test_posts_arriving_day_after_day_extend_the_streak_in_a_few_queries(pages, django_assert_max_num_queries):
    a = pages["a"]
    for i in range(5):
        day = date(2025, 5, 1) + timedelta(days=i)
        with django_assert_max_num_queries(9):  # savepoint, lock, keys, insert, days ×2, years ×2, release
            posts.record_posts_many(
                {a.pk: [posts.IncomingPost(f"d{i}", at(day))], pages["b"].pk: [posts.IncomingPost(f"b{i}", at(day))]},
                source=Post.Source.GRAPH,
            )
    row = PostingYear.objects.get(fanpage=a, year=2025)
    assert (row.posting_days, row.first_post_day, row.last_post_day, row.streak, row.longest_streak) == (
        5,
        date(2025, 5, 1),
        date(2025, 5, 5),
        5,
        5,
    )


def test_a_year_boundary_keeps_two_rollups(pages):
    a = pages["a"]
    posts.record_posts(
        fanpage=a,
        posts=[posts.IncomingPost("x", at(date(2024, 12, 31))), posts.IncomingPost("y", at(date(2025, 1, 1)))],
        source=Post.Source.GRAPH,
    )
    assert dict(PostingYear.objects.filter(fanpage=a).values_list("year", "streak")) == {2024: 1, 2025: 1}


NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_the_sync_on_several_threads_stores_every_page_once(graph_standin, tree, admin, settings):
    from loa.fanpages.models import Fanpage
    from loa.units.services import unit_create

    settings.INTEGRATIONS_TIMEOUT = 2
    kind = tree["a"].kind
    created = [NOW - timedelta(days=d, hours=3) for d in range(0, 40, 2)]
    links = []
    for n in range(12):
        unit = unit_create(by=None, parent=tree["a"].parent, kind=kind, code=f"CS-T{n}", name=f"Công đoàn cơ sở {n}")
        fanpage = Fanpage.objects.create(
            unit=unit,
            name=f"Trang {n}",
            url=f"https://www.facebook.com/t{n}",
            url_key=f"t{n}",
            admin_name="A",
            admin_phone="+84912345678",
        )
        page = graph_standin.state.add_page(name=fanpage.name, posts=created)
        links.append(
            GraphLink.objects.create(
                fanpage=fanpage,
                page_id=page.id,
                token=graph_standin.state.add_token(pages={page.id}),
                synced_through=NOW - timedelta(days=60),
            )
        )
    graph_standin.state.fail_next(2, times=2)  # a transient error somewhere: retried
    report = sync.sync_all(links=links, now=NOW, throttle=Throttle(), sleep=lambda s: None, workers=4)
    assert (report.done, report.new_posts) == (12, 12 * 20)
    for link in links:
        link.refresh_from_db()
        assert link.synced_through == NOW and link.run_until is None
        assert PostingYear.objects.get(fanpage=link.fanpage, year=2026).posting_days == len(
            {(c + timedelta(hours=7)).date() for c in created if c.year == 2026}
        )
    again = sync.sync_all(
        links=[GraphLink.objects.get(pk=link.pk) for link in links],
        now=NOW + timedelta(hours=1),
        throttle=Throttle(),
        sleep=lambda s: None,
        workers=4,
    )
    assert (again.done, again.new_posts) == (12, 0)


def test_threads_stop_calling_once_graph_reports_the_limit(graph_standin, pages):
    created = [NOW - timedelta(hours=h) for h in range(5)]
    links = []
    for key in ("a", "b", "province"):
        page = graph_standin.state.add_page(name=key, posts=created)
        links.append(
            GraphLink.objects.create(
                fanpage=pages[key], page_id=page.id, token=graph_standin.state.add_token(pages={page.id})
            )
        )
    graph_standin.state.set_usage(app=100)
    report = sync.sync_all(links=links, now=NOW, throttle=Throttle(), sleep=lambda s: None, workers=1)
    assert report.rate_limited == 3 and len(graph_standin.requests) == 1  # the first answer blocks the others


def test_slowed_down_calls_on_several_threads_take_turns():
    clock = {"now": 100.0}
    lock = threading.Lock()
    waits = []

    def sleep(seconds):
        with lock:
            waits.append(round(seconds, 3))

    throttle = Throttle(clock=lambda: clock["now"])
    throttle.observe({"X-App-Usage": '{"call_count": 80, "total_time": 10, "total_cputime": 10}'}, None)
    threads = [threading.Thread(target=throttle.before_call, args=(f"p{i}", sleep)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    step = slow_down_seconds(80)
    assert sorted(waits) == [round(step * k, 3) for k in range(1, 5)]  # one call per step, not four at once
