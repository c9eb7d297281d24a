import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from loa.accounts.capabilities import Capability
from loa.accounts.scope import can, can_anywhere, get_unit_or_404, manages_whole_tree, path_q, top_units, units_for
from loa.accounts.services import top_unit_create
from loa.core import addresses
from loa.core.forms import add_service_errors
from loa.core.paging import CappedIdsPaginator
from loa.core.phones import display_phone
from loa.core.version_forms import conflict_status
from loa.exports.tabular import Column, export_response
from loa.units import search, selectors, services
from loa.units.forms import (
    PICKER_PURPOSES,
    UnitCreateForm,
    UnitDeactivateForm,
    UnitFilterForm,
    UnitForm,
    UnitMoveForm,
    UnitPicker,
    UnitReactivateForm,
)
from loa.units.history import unit_history
from loa.units.models import Unit, UnitKind

PAGE_SIZE = 50
PICK_LIMIT = 20
# Below this many units in scope, search checks rows one by one instead of using the index.
SMALL_SCOPE = 5000
# Over a bigger scope, the list's search walks this many units in name order before it turns to
# the index: enough for "cong doan" (nearly every unit) to fill the capped count at once.
SEARCH_WALK = 1500


def _list_filters(request):
    """The list's query string as Q objects on path, kind and active dates, which apply to units
    and to their search rows alike, with the filter form. A filter on a unit the user cannot see
    is a 404."""
    kinds = list(UnitKind.objects.all())
    form = UnitFilterForm(request.GET, user=request.user, kinds=kinds)
    form.is_valid()
    if "under" in form.errors:
        raise Http404
    data = form.cleaned_data
    filters = [path_q(request.user, Capability.VIEW)]
    if data.get("kind"):
        filters.append(Q(kind__code=data["kind"]))
    today = timezone.localdate()
    active_today = (Q(active_from__isnull=True) | Q(active_from__lte=today)) & (
        Q(active_to__isnull=True) | Q(active_to__gte=today)
    )
    if data.get("status") == "active":
        filters.append(active_today)
    elif data.get("status") == "inactive":
        filters.append(~active_today)
    if data.get("under"):
        filters.append(Q(path__startswith=data["under"].path))
    return filters, form


def _is_small(units):
    # In a scope of a few thousand units a row-by-row check beats the trigram index, whose
    # bitmap for a common word ("truong") covers a third of the country.
    return units.order_by().select_related(None)[:SMALL_SCOPE].count() < SMALL_SCOPE


def _filtered_units(request):
    """The units the user may view, filtered and searched as the list's query string says, in
    Vietnamese order; with the filter form."""
    filters, form = _list_filters(request)
    qs = Unit.objects.filter(*filters).select_related("kind", "parent")
    if form.cleaned_data.get("q"):
        qs = qs.search(form.cleaned_data["q"], use_index=not _is_small(qs))
    return qs.vi_ordered(), form


# Only what a row of the list shows: 50 units and their parents without their sort keys, search
# text, addresses and contacts.
LIST_COLUMNS = ("code", "name", "members_count", "active_from", "active_to", "kind__name", "parent__name")


def _listed(units):
    return units.select_related("kind", "parent").only(*LIST_COLUMNS)


@login_required
def unit_list(request):
    filters, form = _list_filters(request)
    q = form.cleaned_data.get("q", "")
    # One query (a few for a broad search over a big scope) finds the first 1,001 units in
    # order, searched or not: the capped count and every reachable page. On PostgreSQL they
    # come from the narrow search rows, walked in rank order.
    small = _is_small(Unit.objects.filter(*filters))
    ids = search.first_ids(filters, q, limit=CappedIdsPaginator.cap + 1, probe=SEARCH_WALK, row_by_row=small)
    paginator = CappedIdsPaginator(ids, PAGE_SIZE, rows=_listed(Unit.objects.all()))
    page = paginator.get_page(request.GET.get("page"))
    # Today and the units' address once per page, not once per row (a tenth of the page's time).
    today = timezone.localdate()
    detail = addresses.by_id("units:detail")
    for unit in page:
        unit.active_today = unit.is_active(today)
        unit.detail_url = detail(unit.pk)
    # Asked only if the page shows the managers' buttons (one query for a root-level admin).
    context = {"page": page, "form": form, "q": q, "manages_kinds": lambda: manages_whole_tree(request.user)}
    template = "units/unit_list.html#results" if request.htmx and not request.htmx.boosted else "units/unit_list.html"
    return render(request, template, context)


def export_columns():
    return [
        Column("code", _("Code")),
        Column("name", _("Name")),
        Column("short_name", _("Short name")),
        Column("kind", _("Kind")),
        Column("parent", _("Parent unit")),
        Column("members_count", _("Members")),
        Column("staff_count", _("Staff (CCVCLĐ)")),
        Column("address", _("Address")),
        Column("contact_name", _("Contact person")),
        Column("phone", _("Phone")),
        Column("email", _("E-mail")),
        Column("active_from", _("Active from")),
        Column("active_to", _("Active to")),
        Column("status", _("Status")),
    ]


def export_rows(qs):
    today = timezone.localdate()
    active, inactive = _("Active"), _("Inactive")
    for unit in qs.iterator(chunk_size=2000):
        yield {
            "code": unit.code,
            "name": unit.name,
            "short_name": unit.short_name,
            "kind": unit.kind.name,
            "parent": unit.parent.name if unit.parent else "",
            "members_count": unit.members_count,
            "staff_count": unit.staff_count,
            "address": unit.address,
            "contact_name": unit.contact_name,
            "phone": display_phone(unit.phone),
            "email": unit.email,
            "active_from": unit.active_from,
            "active_to": unit.active_to,
            "status": active if unit.is_active(today) else inactive,
        }


@login_required
@require_GET
def unit_export(request, fmt):
    """The list, with the same filters and order, as an xlsx or csv file."""
    if not can_anywhere(request.user, Capability.VIEW):
        raise Http404
    qs, _form = _filtered_units(request)
    filename = f"{_('Units')} {timezone.localdate():%d-%m-%Y}"
    return export_response(fmt, filename, export_columns(), export_rows(qs), sheet_title=_("Units"))


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
            "history": unit_history(unit),
            "parents_over_time": selectors.parent_history(unit),
            "names_over_time": selectors.name_history(unit),
            "phone_display": display_phone(unit.phone),
        },
    )


def _managed_unit_or_404(request, pk):
    return get_unit_or_404(request.user, Capability.MANAGE_UNITS, pk=pk)


@login_required
def unit_create(request):
    """A new unit under a parent the user manages (?parent= preselects it), or at the top for an
    administrator of the whole tree."""
    if not can_anywhere(request.user, Capability.MANAGE_UNITS):
        raise Http404
    initial = {}
    if request.GET.get("parent"):
        parent = _managed_unit_or_404(request, request.GET["parent"])
        initial["parent"] = parent.pk
        next_kind = UnitKind.objects.offered().filter(order__gt=parent.kind.order).order_by("order", "name").first()
        if next_kind:
            initial["kind"] = next_kind.pk
    form = UnitCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        parent = form.cleaned_data["parent"]
        try:
            if parent is None:  # the form allows it to an administrator of the whole tree only
                unit = top_unit_create(by=request.user, **form.unit_fields())
            else:
                unit = services.unit_create(by=request.user, parent=parent, **form.unit_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Unit “%(name)s” created.") % {"name": unit.name})
            return redirect("units:detail", pk=unit.pk)
    return render(request, "units/unit_form.html", {"form": form, "title": _("New unit")})


@login_required
def unit_edit(request, pk):
    unit = _managed_unit_or_404(request, pk)
    form = UnitForm(request.POST or None, instance=unit, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(
                by=request.user, unit=unit, expected_version=form.expected_version, **form.unit_fields()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("units:detail", pk=unit.pk)
    if form.is_bound:
        unit.refresh_from_db()  # the form wrote into it while validating
    return render(
        request,
        "units/unit_form.html",
        {"form": form, "unit": unit, "title": _("Edit %(name)s") % {"name": unit.name}},
        status=conflict_status(form),
    )


@login_required
def unit_move(request, pk):
    unit = _managed_unit_or_404(request, pk)
    form = UnitMoveForm(request.POST or None, user=request.user, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_move(
                by=request.user,
                unit=unit,
                new_parent=form.cleaned_data["new_parent"],
                expected_version=form.expected_version,
                on=form.cleaned_data["on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="new_parent")
        else:
            messages.success(
                request,
                _("“%(unit)s” now stands under “%(parent)s”.")
                % {"unit": unit.name, "parent": form.cleaned_data["new_parent"].name},
            )
            return redirect("units:detail", pk=unit.pk)
    return render(request, "units/unit_move.html", {"form": form, "unit": unit}, status=conflict_status(form))


@login_required
def unit_deactivate(request, pk):
    unit = _managed_unit_or_404(request, pk)
    form = UnitDeactivateForm(
        request.POST or None, initial={"active_to": unit.active_to or timezone.localdate()}, version=unit.version
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_deactivate(
                by=request.user,
                unit=unit,
                active_to=form.cleaned_data["active_to"],
                reason=form.cleaned_data["reason"],
                expected_version=form.expected_version,
            )
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="active_to")
        else:
            messages.success(
                request,
                _("“%(unit)s” is inactive after %(day)s.")
                % {"unit": unit.name, "day": form.cleaned_data["active_to"].strftime("%d/%m/%Y")},
            )
            return redirect("units:detail", pk=unit.pk)
    return render(request, "units/unit_deactivate.html", {"form": form, "unit": unit}, status=conflict_status(form))


@login_required
def unit_reactivate(request, pk):
    unit = _managed_unit_or_404(request, pk)
    form = UnitReactivateForm(request.POST or None, version=unit.version)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_reactivate(by=request.user, unit=unit, expected_version=form.expected_version)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(unit)s” is active again.") % {"unit": unit.name})
            return redirect("units:detail", pk=unit.pk)
        unit.refresh_from_db()
    return render(request, "units/unit_reactivate.html", {"unit": unit, "form": form}, status=conflict_status(form))


_FIELD_NAME = re.compile(r"^[a-z_]{1,40}$")


@login_required
@require_GET
def unit_pick(request):
    """The unit chooser's HTMX answers: search results, or the widget with a unit picked."""
    name = request.GET.get("name", "")
    purpose = request.GET.get("purpose", "manage")
    if not _FIELD_NAME.match(name) or purpose not in PICKER_PURPOSES:
        raise Http404
    capability = PICKER_PURPOSES[purpose]
    if not can_anywhere(request.user, capability):
        raise Http404
    exclude = request.GET.get("exclude") or None
    if "pick" in request.GET:
        picked = (
            get_unit_or_404(request.user, capability, pk=_int_or_404(request.GET["pick"]))
            if request.GET["pick"]
            else None
        )
        widget = UnitPicker(purpose=purpose, exclude=exclude, announce=True)
        # The id a form gives the field (auto_id "id_%s"): its label still points at the search box.
        return HttpResponse(widget.render(name, picked, attrs={"id": f"id_{name}"}))
    query = request.GET.get(f"{name}_search", "").strip()
    units = []
    if query:
        qs = units_for(request.user, capability).search(query).select_related("kind", "parent")
        if exclude:
            excluded = get_unit_or_404(request.user, Capability.VIEW, pk=_int_or_404(exclude))
            qs = qs.exclude(path__startswith=excluded.path)
        units = list(qs.vi_ordered()[: PICK_LIMIT + 1])
    return render(
        request,
        "units/widgets/unit_picker_results.html",
        {
            "units": units[:PICK_LIMIT],
            "more": len(units) > PICK_LIMIT,
            "query": query,
            "name": name,
            "purpose": purpose,
            "exclude": exclude or "",
        },
    )


def _int_or_404(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None
