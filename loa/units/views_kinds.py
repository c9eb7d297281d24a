"""The unit kinds page (/units/kinds/): kinds are shared by the whole tree, so only an
administrator of the whole tree sees it; anyone else gets 404."""

from itertools import pairwise

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loa.accounts.scope import require_whole_tree
from loa.core.forms import add_service_errors, flash_errors
from loa.units import kind_services
from loa.units.forms import UnitKindForm
from loa.units.models import UnitKind


def _kind_or_404(request, pk):
    require_whole_tree(request.user)
    return get_object_or_404(UnitKind, pk=pk)


@login_required
def kind_list(request):
    require_whole_tree(request.user)
    # One grouped query: every kind with the number of its units.
    kinds = list(UnitKind.objects.annotate(units_count=Count("units")).order_by("order", "name", "pk"))
    for kind, below in pairwise(kinds):
        kind.below, below.above = below, kind
    return render(request, "units/unit_kinds.html", {"kinds": kinds})


@login_required
def kind_create(request):
    require_whole_tree(request.user)
    form = UnitKindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kind = kind_services.kind_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Unit kind “%(kind)s” added.") % {"kind": kind.name})
            return redirect("units:kinds")
    return render(request, "units/unit_kind_form.html", {"form": form, "title": _("New unit kind")})


@login_required
def kind_edit(request, pk):
    kind = _kind_or_404(request, pk)
    units_count = kind_services.units_of(kind)
    form = UnitKindForm(request.POST or None, kind=kind, units_count=units_count)
    if request.method == "POST" and form.is_valid():
        try:
            kind_services.kind_update(by=request.user, kind=kind, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("units:kinds")
    return render(
        request,
        "units/unit_kind_form.html",
        {"form": form, "kind": kind, "units_count": units_count, "title": _("Edit %(name)s") % {"name": kind.name}},
    )


@login_required
@require_POST
def kind_move(request, pk):
    kind = _kind_or_404(request, pk)
    step = {"up": -1, "down": 1}.get(request.POST.get("direction"))
    if step is None:
        raise Http404
    kind_services.kind_move(by=request.user, kind=kind, step=step)
    return redirect("units:kinds")


@login_required
@require_POST
def kind_retire(request, pk):
    kind = _kind_or_404(request, pk)
    kind_services.kind_retire(by=request.user, kind=kind)
    messages.success(
        request,
        _("“%(kind)s” is retired: it is no longer offered for new units; the units that have it keep it.")
        % {"kind": kind.name},
    )
    return redirect("units:kinds")


@login_required
@require_POST
def kind_restore(request, pk):
    kind = _kind_or_404(request, pk)
    kind_services.kind_restore(by=request.user, kind=kind)
    messages.success(request, _("“%(kind)s” is offered for new units again.") % {"kind": kind.name})
    return redirect("units:kinds")


@login_required
def kind_delete(request, pk):
    kind = _kind_or_404(request, pk)
    units_count = kind_services.units_of(kind)
    if request.method == "POST":
        try:
            kind_services.kind_delete(by=request.user, kind=kind)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Unit kind “%(kind)s” deleted.") % {"kind": kind.name})
        return redirect("units:kinds")
    return render(request, "units/unit_kind_delete.html", {"kind": kind, "units_count": units_count})
