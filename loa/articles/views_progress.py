"""Progress against the quotas: one unit's page, the table by unit below, the monthly chart."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.accounts import year_tree
from loa.accounts.capabilities import Capability
from loa.accounts.scope import can, get_unit_or_404, top_units
from loa.articles import selectors
from loa.articles.models import Quota, Submission
from loa.core.years import latest_year, requested_year
from loa.exports.tabular import Column, export_response


def _year(request):
    return requested_year(request, latest_with_data=latest_year(Quota.objects.all()))


def _node(request):
    unit_id = request.GET.get("unit")
    if unit_id:
        return get_unit_or_404(request.user, Capability.VIEW, pk=unit_id)
    tops = top_units(request.user, Capability.VIEW)
    if not tops:
        raise Http404
    return min(tops, key=lambda u: u.depth)


def _table(request):
    """The table of one level: a past year's by its own tree unless `?tree=today` (year_tree)."""
    node, year = _node(request), _year(request)
    tree = year_tree.tree_choice(request.GET.get("tree"))
    day = year_tree.past_day(year, tree)
    total, rows = selectors.level_rows(node, year) if day is None else selectors.level_rows_then(node, year, day)
    rows, sort = selectors.sort_rows(rows, request.GET.get("sort", "name"))
    return node, year, total, rows, sort, tree


@login_required
def progress(request):
    node, year, total, rows, sort, tree = _table(request)
    trail = [u for u in node.ancestors() if can(request.user, Capability.VIEW, u)]
    return render(
        request,
        "articles/progress.html",
        {
            "node": node,
            "year": year,
            "total": total,
            "rows": rows,
            "sort": sort,
            "tree": tree,
            # Kept in the page's own links (year_tree): the switch's choice of tree.
            "tree_q": "&tree=today" if tree == year_tree.TODAY else "",
            "trail": trail,
            "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
        },
    )


@login_required
def progress_export(request, fmt):
    node, year, total, rows, _sort, tree = _table(request)
    columns = [
        Column("unit", _("Unit")),
        Column("news_target", _("News items: quota")),
        Column("news_counted", _("News items: counted")),
        Column("article_target", _("Articles: quota")),
        Column("article_counted", _("Articles: counted")),
        Column("over", _("Beyond quota")),
        Column("in_depth", _("In-depth")),
        Column("exemplary", _("Exemplary")),
        Column("news_with_quota", _("Units with a news quota")),
        Column("news_met", _("Units that met their news quota")),
        Column("article_with_quota", _("Units with an article quota")),
        Column("article_met", _("Units that met their article quota")),
    ]
    out = ({**r, "unit": r["unit"].name} for r in [*rows, {**total, "unit": total["unit"]}])
    out = list(out)
    out[-1]["unit"] = _("Total: %(unit)s") % {"unit": node.name}
    title = _("Articles progress %(year)s") % {"year": year}
    return export_response(fmt, title, columns, out, title_lines=[title, year_tree.tree_line(year, tree)])


@login_required
def unit_progress(request, unit_id):
    unit = get_unit_or_404(request.user, Capability.VIEW, pk=unit_id)
    year = _year(request)
    own, subtree = selectors.unit_figures(unit, year)
    figures = [(fig, *selectors.warning(fig, year)) for fig in own.values()]
    qs = (
        Submission.objects.filter(unit=unit).filter(counted_year=year)
        if request.GET.get("show") == "counted"
        else Submission.objects.filter(unit=unit)
    )
    page = Paginator(qs.order_by("-updated_at", "-id").prefetch_related("publications__channel"), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "articles/unit_progress.html",
        {
            "unit": unit,
            "year": year,
            "figures": figures,
            "subtree": subtree,
            "page": page,
            "has_children": any(r.target != r.own_target or r.counted != r.own_counted for r in subtree.values()),
            "may_write": can(request.user, Capability.REPORT_FOR_UNIT, unit),
            "show": request.GET.get("show", ""),
            "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
        },
    )


@login_required
def chart(request):
    node, year = _node(request), _year(request)
    series = selectors.monthly_by_channel(node, year)
    top = max([max(m) for _c, m, _t in series] + [1])
    bars = [(c, [(i + 1, n, round(100 * n / top)) for i, n in enumerate(m)], t) for c, m, t in series]
    return render(
        request,
        "articles/chart.html",
        {
            "node": node,
            "year": year,
            "bars": bars,
            "top": top,
            "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
        },
    )
