from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.functional import cached_property

from loa.accounts.capabilities import Capability
from loa.accounts.scope import can, get_unit_or_404, top_units, units_for
from loa.units.models import Unit

PAGE_SIZE = 50
SMALL_SCOPE = 5000


class CappedPaginator(Paginator):
    """Counts no further than `cap` rows. On a national tree an exact COUNT of a broad search
    ("cong doan", 40,000 matches) costs more than the page itself, and nobody pages that far:
    past the cap the list says "more than 1,000" and asks for a narrower search."""

    cap = 1000

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.capped = False

    @cached_property
    def count(self):
        n = self.object_list.order_by().select_related(None)[: self.cap + 1].count()
        self.capped = n > self.cap
        return min(n, self.cap)

    def page(self, number):
        """Sort and slice the ids alone, then fetch the page's rows with their joins: the database
        sorts thousands of narrow rows instead of joining each of them first."""
        page = super().page(number)
        qs = self.object_list
        ids = list(page.object_list.values_list("pk", flat=True))
        rows = qs.model._default_manager.filter(pk__in=ids)
        rows.query.select_related = qs.query.select_related
        by_id = {row.pk: row for row in rows}
        page.object_list = [by_id[i] for i in ids]
        return page


def _listed_units(request):
    """The units the user may view, filtered by the list's query string; Vietnamese order."""
    qs = units_for(request.user, Capability.VIEW).select_related("kind", "parent")
    q = request.GET.get("q", "").strip()
    if q:
        # In a subtree of a few thousand units a row-by-row check beats the trigram index,
        # whose bitmap for a common word ("truong") covers a third of the country.
        small = qs.order_by().select_related(None)[:SMALL_SCOPE].count() < SMALL_SCOPE
        qs = qs.search(q, use_index=not small)
    kind = request.GET.get("kind")
    if kind:
        qs = qs.filter(kind__code=kind)
    return qs.vi_ordered(), q


@login_required
def unit_list(request):
    qs, q = _listed_units(request)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "q": q}
    template = "units/unit_list.html#results" if request.htmx else "units/unit_list.html"
    return render(request, template, context)


@login_required
def unit_tree(request):
    """The tree, one level at a time: the top units, and children loaded by HTMX on demand."""
    parent_id = request.GET.get("parent")
    if parent_id:
        parent = get_unit_or_404(request.user, Capability.VIEW, pk=parent_id)
        children = list(parent.children.select_related("kind").vi_ordered())
        return render(request, "units/unit_tree.html#branch", {"units": _with_child_flags(children)})
    tops = sorted(top_units(request.user, Capability.VIEW), key=lambda u: u.name_sort)
    return render(request, "units/unit_tree.html", {"units": _with_child_flags(tops)})


def _with_child_flags(units):
    ids_with_children = set(
        Unit.objects.filter(parent_id__in=[u.pk for u in units]).values_list("parent_id", flat=True).distinct()
    )
    for u in units:
        u.has_children = u.pk in ids_with_children
    return units


@login_required
def unit_detail(request, pk):
    unit = get_unit_or_404(request.user, Capability.VIEW, pk=pk)
    children = list(unit.children.select_related("kind").vi_ordered()[:200])
    return render(
        request,
        "units/unit_detail.html",
        {
            "unit": unit,
            "ancestors": unit.ancestors(),
            "children": children,
            "can_manage": can(request.user, Capability.MANAGE_UNITS, unit),
        },
    )
