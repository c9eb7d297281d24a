"""The sharing figures: an upper unit's table of its children, one unit's share rate against the
tree's, one item's shares and readers; their xlsx/csv exports. Read from the monthly tallies (a
table is two indexed queries whatever the number of units) and, for one item, from its shares (paged).

The year's tree switch (`?tree=`, loa/accounts/year_tree.py) is not offered: the tallies are summed
up today's tree (a move shifts them, `tally.follow_moves`), and regrouping a past year by its own
tree would need each unit's own figures, which the tallies do not keep apart from its subtree's.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.accounts.capabilities import Capability
from loa.accounts.scope import can, get_unit_or_404, role_paths, top_units
from loa.core import addresses
from loa.core.years import requested_year
from loa.exports.tabular import Column, export_response
from loa.sharing import selectors
from loa.sharing.models import Item

SHARES_PER_PAGE = 50


def _period(request):
    """(year, month or None) from `?year=` (the latest with figures by default) and `?month=`."""
    year = requested_year(request, latest_with_data=selectors.latest_year)
    raw = request.GET.get("month") or ""
    if not raw:
        return year, None
    try:
        month = int(raw)
    except ValueError:
        raise Http404 from None
    if not 1 <= month <= 12:
        raise Http404
    return year, month


def _node(request):
    unit_id = request.GET.get("unit")
    if unit_id:
        return get_unit_or_404(request.user, Capability.VIEW, pk=unit_id)
    tops = top_units(request.user, Capability.VIEW)
    if not tops:
        raise Http404
    return min(tops, key=lambda u: (u.depth, u.pk))


def _years():
    today = timezone.localdate()
    return range(today.year, today.year - 6, -1)


def _table(request):
    node = _node(request)
    year, month = _period(request)
    total, own, rows = selectors.children_table(node, year, month)
    rows, sort = selectors.sort_rows(rows, request.GET.get("sort"))
    return node, year, month, total, own, rows, sort


@login_required
def figures(request):
    node, year, month, total, own, rows, sort = _table(request)
    unit_url = addresses.by_id("sharing:figures_unit")
    for r in rows:
        r.unit.figures_url = unit_url(r.unit.pk)
    return render(
        request,
        "sharing/figures_table.html",
        {
            "node": node,
            "year": year,
            "month": month,
            "total": total,
            "own": own,
            "rows": rows,
            "sort": sort,
            "period_q": f"&year={year}" + (f"&month={month}" if month else ""),
            "trail": [u for u in node.ancestors()[:-1] if can(request.user, Capability.VIEW, u)],
            "years": _years(),
            "months": range(1, 13),
        },
    )


def _columns():
    return [
        Column("unit", _("Unit")),
        Column("asked", _("Asked")),
        Column("shared", _("Shared")),
        Column("on_time", _("Shared on time")),
        Column("declared", _("Declared without a link")),
        Column("rate", _("Share rate (on time), %")),
        Column("rate_overall", _("Share rate (overall), %")),
        Column("clicks", _("Clicks")),
    ]


def _cells(name, f):
    return {
        "unit": name,
        "asked": f.asked,
        "shared": f.shared,
        "on_time": f.on_time,
        "declared": f.declared,
        "rate": f.percent,
        "rate_overall": f.percent_overall,
        "clicks": f.clicks,
    }


def _period_words(year, month):
    return _("month %(month)s/%(year)s") % {"month": month, "year": year} if month else _("year %s") % year


@login_required
def figures_export(request, fmt):
    node, year, month, total, own, rows, _sort = _table(request)
    out = [_cells(r.unit.name, r) for r in rows]
    out.append(_cells(_("%(unit)s (its own shares)") % {"unit": node.name}, own))
    out.append(_cells(_("Whole tree: %(unit)s") % {"unit": node.name}, total))
    title = _("Share rates %(period)s") % {"period": _period_words(year, month)}
    return export_response(fmt, title, _columns(), out, title_lines=[title, node.name])


@login_required
def figures_unit(request, unit_id):
    unit = get_unit_or_404(request.user, Capability.VIEW, pk=unit_id)
    year, month = _period(request)
    compared = selectors.unit_comparison(unit, year, month)
    mine, above = compared[0], compared[1:]
    return render(
        request,
        "sharing/figures_unit.html",
        {
            "unit": unit,
            "year": year,
            "month": month,
            "mine": mine,
            # The units above are named only to who may see them; their averages are shown to all.
            "above": [(f, f.unit is not None and can(request.user, Capability.VIEW, f.unit)) for f in above],
            "monthly": list(zip(range(1, 13), selectors.monthly(unit, year), strict=True)),
            "has_children": not unit.kind.is_grassroots,
            "period_q": f"&year={year}" + (f"&month={month}" if month else ""),
            "years": _years(),
            "months": range(1, 13),
        },
    )


def _item(request, item_id):
    """An item whose figures the user may read: curated by a unit above or in the user's units,
    or asked of a unit in them (the shares shown are those of the units the user may see)."""
    paths = role_paths(request.user, Capability.VIEW)
    try:
        item = get_object_or_404(Item.objects.select_related("unit"), pk=item_id)
    except (TypeError, ValueError):
        raise Http404 from None
    if not any(p == "/" or item.unit_path.startswith(p) or p.startswith(item.unit_path) for p in paths):
        raise Http404
    return item, paths


@login_required
def figures_item(request, item_id):
    item, paths = _item(request, item_id)
    page = Paginator(selectors.item_shares(item, paths), SHARES_PER_PAGE).get_page(request.GET.get("page"))
    clicks = selectors.item_clicks(item, [s.unit_id for s in page])
    shares = [(s, _delay(item, s), clicks.get(s.unit_id, 0)) for s in page]
    return render(
        request,
        "sharing/figures_item.html",
        {
            "item": item,
            "page": page,
            "shares": shares,
            "summary": selectors.item_summary(item, paths),
            "readers": selectors.item_readers(item, paths),
        },
    )


def _delay(item, share):
    """Days from being asked to the share (None when the item was never asked)."""
    if item.asked_on is None:
        return None
    return max((timezone.localdate(share.shared_at) - item.asked_on).days, 0)


@login_required
def figures_item_export(request, item_id, fmt):
    item, paths = _item(request, item_id)
    shares = selectors.item_shares(item, paths)

    def rows():
        # A bounded number of rows in memory at a time: the clicks are read page by page.
        paginator = Paginator(shares, 2000)
        for number in paginator.page_range:
            page = list(paginator.page(number))
            clicks = selectors.item_clicks(item, [s.unit_id for s in page])
            for s in page:
                yield {
                    "unit": s.unit.name,
                    "shared_at": s.shared_at,
                    "days": _delay(item, s),
                    "on_time": s.on_time,
                    "kind": s.get_kind_display(),
                    "post_url": s.post_url,
                    "clicks": clicks.get(s.unit_id, 0),
                }

    columns = [
        Column("unit", _("Unit")),
        Column("shared_at", _("Shared at")),
        Column("days", _("Days after being asked")),
        Column("on_time", _("On time")),
        Column("kind", _("How")),
        Column("post_url", _("Post link")),
        Column("clicks", _("Clicks")),
    ]
    title = _("Shares of “%(title)s”") % {"title": item.title}
    return export_response(fmt, _("Shares of an item"), columns, rows(), title_lines=[title])
