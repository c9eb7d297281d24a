"""Pagination for lists that may hold a whole country's units."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts no further than `cap` rows. On a national tree an exact COUNT of a broad search
    ("cong doan", 40,000 matches) costs more than the page itself, and nobody pages that far:
    past the cap the list says "more than 1,000" and asks for a narrower search."""

    cap = 1000
    object_list: QuerySet[Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.capped = False

    @cached_property
    def count(self) -> int:
        n = self.object_list.order_by().select_related(None)[: self.cap + 1].count()
        self.capped = n > self.cap
        return min(n, self.cap)

    def page(self, number: int | str) -> Page[Any]:
        """Sort and slice the ids alone, then fetch the page's rows with their joins: the database
        sorts thousands of narrow rows instead of joining each of them first."""
        page = super().page(number)
        qs = self.object_list
        ids = list(page.object_list.values_list("pk", flat=True))  # type: ignore[attr-defined]  # a slice of qs
        rows = qs.model._default_manager.filter(pk__in=ids)
        rows.query.select_related = qs.query.select_related
        by_id = {row.pk: row for row in rows}
        page.object_list = [by_id[i] for i in ids]
        return page


class CappedIdsPaginator(Paginator):
    """Pages over a list of at most `cap + 1` ids already in the list's order (as
    `loa.units.search.first_ids` answers), fetching only the page's rows from `rows`: the count
    and the page come from one query instead of a capped COUNT and a page query that would
    each find the matches again."""

    cap = CappedPaginator.cap

    def __init__(self, ids: list[int], per_page: int, *, rows: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(ids, per_page, **kwargs)
        self.rows = rows
        self.capped = len(ids) > self.cap

    @cached_property
    def count(self) -> int:
        return min(len(self.object_list), self.cap)

    def page(self, number: int | str) -> Page[Any]:
        page = super().page(number)
        ids = list(page.object_list)
        by_id = {row.pk: row for row in self.rows.filter(pk__in=ids)}
        page.object_list = [by_id[i] for i in ids if i in by_id]
        return page


def query_without_page(request: HttpRequest) -> str:
    """The list's query string without its page number: what its page links add `page=` to."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
