"""The retention rule: old posts and posting days go, the yearly figures stay."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from loa.fanpages import posts, retention
from loa.fanpages.models import Post, PostingDay, PostingYear

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
OLD, KEPT = THIS_YEAR - 3, THIS_YEAR - 2


def record(page, year, days, prefix="p"):
    return posts.record_posts(
        fanpage=page,
        posts=[posts.IncomingPost(f"{prefix}{year}-{d}", datetime(year, 3, d, 3, tzinfo=UTC)) for d in days],
        source=Post.Source.IMPORT,
    )


def prune():
    out = StringIO()
    call_command("prune_posting_days", "--batch-pages", "1", stdout=out)
    return out.getvalue()


@pytest.fixture
def history(pages):
    for page in (pages["a"], pages["b"]):
        record(page, OLD, [1, 2, 3, 5])
        record(page, KEPT, [1, 2])
    return pages


def test_pruning_deletes_the_old_years_days_and_posts_and_keeps_their_figures(history, settings):
    settings.POSTING_DAYS_KEEP_YEARS = 2
    before = {(y.fanpage_id, y.year): (y.posting_days, y.longest_streak) for y in PostingYear.objects.all()}

    out = prune()

    assert f"8 post(s) and 8 posting day(s) before 01/01/{KEPT}" in out
    assert not PostingDay.objects.filter(day__year=OLD).exists() and not Post.objects.filter(day__year=OLD).exists()
    assert PostingDay.objects.filter(day__year=KEPT).count() == 4 and Post.objects.filter(day__year=KEPT).count() == 4
    after = {(y.fanpage_id, y.year): (y.posting_days, y.longest_streak) for y in PostingYear.objects.all()}
    assert after == before and after[(history["a"].pk, OLD)] == (4, 3)
    assert "0 post(s) and 0 posting day(s)" in prune()  # a second run finds nothing left


def test_old_posts_arriving_after_the_pruning_leave_the_years_figures_alone(history, settings):
    settings.POSTING_DAYS_KEEP_YEARS = 2
    prune()
    # A file with a post of the pruned year, before its last posting day: counting it would recount
    # the year from the one day left.
    assert record(history["a"], OLD, [4], prefix="late") == 0
    assert PostingYear.objects.get(fanpage=history["a"], year=OLD).posting_days == 4
    assert not PostingDay.objects.filter(day__year=OLD).exists()
    assert record(history["a"], KEPT, [3], prefix="late") == 1  # a kept year still takes late posts


def test_the_unit_page_says_when_a_years_days_are_no_longer_kept(history, settings, login, admin, tree):
    settings.POSTING_DAYS_KEEP_YEARS = 2
    prune()
    client = login(admin)
    url = reverse("fanpages:unit", args=[tree["a"].pk])
    old = client.get(url, {"year": OLD}).content.decode()
    assert 'id="days-pruned"' in old and "không còn được lưu" in old
    assert 'id="days-pruned"' not in client.get(url, {"year": KEPT}).content.decode()


def test_nothing_is_deleted_while_keep_years_is_0(history, settings):
    settings.POSTING_DAYS_KEEP_YEARS = 0
    assert "every post and posting day is kept" in prune()
    assert PostingDay.objects.count() == 12 and retention.days_kept(1990)


def test_one_run_at_a_time(history, settings):
    settings.POSTING_DAYS_KEEP_YEARS = 2
    cache.add(retention.LEASE_KEY, "another run", 60)
    try:
        with pytest.raises(CommandError, match="Another run"):
            prune()
        assert PostingDay.objects.filter(day__year=OLD).count() == 8
    finally:
        cache.delete(retention.LEASE_KEY)


def test_a_share_found_on_an_old_post_stays_counted_without_its_post(history, settings, tree):
    from loa.sharing import services
    from loa.sharing.models import Share

    settings.POSTING_DAYS_KEEP_YEARS = 2
    item = services.item_create(
        by=None,
        unit=tree["province"],
        title="Nghị quyết",
        url="https://ldld.example.vn/nq",
        starts_on=datetime(OLD, 3, 1),
        ends_on=datetime(OLD, 3, 9),
    )
    old_post = Post.objects.filter(fanpage=history["a"], day__year=OLD).first()
    share = Share.objects.create(
        item=item,
        unit=tree["a"],
        kind=Share.Kind.GRAPH,
        post=old_post,
        post_key=old_post.post_key,
        shared_at=old_post.posted_at,
    )
    prune()
    share.refresh_from_db()
    assert share.post is None and share.post_key == old_post.post_key
