"""How long raw posting data is kept: the retention rule for posts and posting days.

Posts and `PostingDay` rows grow by one row per Page and posting day (about 40 million a year at
national scale, docs/performance.md "Growth"). Every figure Loa shows for a year (compliance, the
scoring's posting days, the province tables, the API's list) is read from the `PostingYear`
rollups; the raw rows are read only by a unit's calendar of a year (and the API's list of its days),
and by a backfill that recounts a Page-year. So with `POSTING_DAYS_KEEP_YEARS` = N, `manage.py
prune_posting_days` deletes the posts and posting days of the years more than N years before the
current one and keeps every `PostingYear` row: those years keep their figures, their calendars
become empty. Posts dated before the horizon are then ignored when they arrive (an imported file of
old posts), because counting them again would recount a Page-year from days that are no longer there.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import connection, models, transaction
from django.utils import timezone

from loa.fanpages.models import Fanpage, Post, PostingDay

LEASE_KEY = "fanpages:prune-posting-days"
LEASE_SECONDS = 600  # renewed after every batch: a run that died frees the next one within this


class Busy(Exception):
    """Another run holds the lease."""


def horizon(today: date | None = None, keep_years: int | None = None) -> date | None:
    """The first day whose posts and posting days are kept (1 January of the current year − N), or
    None when everything is kept (N = 0)."""
    years = settings.POSTING_DAYS_KEEP_YEARS if keep_years is None else keep_years
    if years <= 0:
        return None
    return date((today or timezone.localdate()).year - years, 1, 1)


def days_kept(year: int, today: date | None = None) -> bool:
    """Whether the posting days of `year` are still kept (its calendar can be drawn)."""
    first = horizon(today)
    return first is None or year >= first.year


def prune(
    *, today: date | None = None, batch_pages: int = 1000, progress: Callable[[int, int, int], None] | None = None
) -> tuple[int, int]:
    """Delete the posts and posting days before the horizon; returns (posts, posting days) deleted.

    `batch_pages` Pages per transaction: each batch is a range of Page ids over the (fanpage, day)
    indexes of both tables, so a batch never scans the table and never holds its locks for long, and a
    run stopped half-way is simply run again. One run at a time (a lease in the cache, shared by every
    server): another run raises Busy."""
    first = horizon(today)
    if first is None:
        return 0, 0
    token = uuid.uuid4().hex
    if not cache.add(LEASE_KEY, token, LEASE_SECONDS):
        raise Busy
    try:
        ids = list(Fanpage.objects.order_by("pk").values_list("pk", flat=True))
        posts = days = 0
        for start in range(0, len(ids), batch_pages):
            low, high = ids[start], ids[min(start + batch_pages, len(ids)) - 1]
            with transaction.atomic():
                posts += _delete_before(Post, low, high, first)
                days += _delete_before(PostingDay, low, high, first)
            if cache.get(LEASE_KEY) != token:
                raise Busy  # the lease ran out and another run took over: leave the rest to it
            cache.set(LEASE_KEY, token, LEASE_SECONDS)
            if progress:
                progress(min(start + batch_pages, len(ids)), len(ids), posts + days)
        return posts, days
    finally:
        if cache.get(LEASE_KEY) == token:
            cache.delete(LEASE_KEY)


def _delete_before(model: type[models.Model], low: int, high: int, first: date) -> int:
    """One DELETE of the model's rows of Pages low..high dated before `first`. Rows that refer to them
    (a share's post) are let go first, as their SET_NULL says: Django's own delete would load every
    row into memory to do that."""
    table = model._meta.db_table
    key = model._meta.pk.column
    where = "fanpage_id BETWEEN %s AND %s AND day < %s"
    params = [low, high, first]
    # Any other kind of link (CASCADE, PROTECT) is left to the database's key check, which refuses the
    # DELETE: such a link needs thought before old posts can go.
    # Hidden links (related_name "+", as a share's post) included, as Django's own delete finds them.
    for relation in model._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)):
            continue
        if relation.on_delete is not models.SET_NULL:
            continue
        column = relation.field.column
        with connection.cursor() as c:
            c.execute(
                f"UPDATE {relation.related_model._meta.db_table} SET {column} = NULL"
                f" WHERE {column} IN (SELECT {key} FROM {table} WHERE {where})",
                params,
            )
    with connection.cursor() as c:
        c.execute(f"DELETE FROM {table} WHERE {where}", params)
        return c.rowcount
