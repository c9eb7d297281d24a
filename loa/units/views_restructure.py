"""The staff pages that merge units and split one: choose the units, the date and the unit that carries on; see the
dry run's plan (what goes where, per area); confirm. Every unit named must be the user's to manage
(an outsider's unit answers 404: the picker offers only managed units)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from loa.accounts.capabilities import Capability
from loa.accounts.scope import get_unit_or_404
from loa.core.forms import add_service_errors
from loa.core.versions import StaleVersion
from loa.units import restructure
from loa.units.forms import UnitMergeForm, UnitSplitForm


@login_required
def unit_merge(request, pk):
    unit = get_unit_or_404(request.user, Capability.MANAGE_UNITS, pk=pk)
    form = UnitMergeForm(request.POST or None, user=request.user, unit=unit)
    plan = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sources = [unit, data["other"], *([data["other_2"]] if data.get("other_2") else [])]
        apply = "confirm" in request.POST
        try:
            plan = restructure.merge(
                by=request.user,
                sources=sources,
                target=data.get("target"),
                new_target=None
                if data.get("target")
                else {"code": data["new_code"], "name": data["new_name"], "parent": unit.parent},
                on=data["on"],
                members_count=data.get("members_count"),
                staff_count=data.get("staff_count"),
                dry_run=not apply,
            )
        except (ValidationError, StaleVersion) as exc:
            add_service_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(exc.messages))
            plan = None
        else:
            if apply:
                messages.success(
                    request, _("The units were merged into “%(unit)s”.") % {"unit": plan.targets[0]["name"]}
                )
                return redirect("units:detail", pk=plan.targets[0]["id"])
    return render(
        request,
        "units/unit_merge.html",
        {"form": form, "unit": unit, "plan": plan, "sections": _sections(plan)},
    )


@login_required
def unit_split(request, pk):
    unit = get_unit_or_404(request.user, Capability.MANAGE_UNITS, pk=pk)
    form = UnitSplitForm(request.POST or None, user=request.user, unit=unit)
    plan = None
    if request.method == "POST" and form.is_valid():
        apply = "confirm" in request.POST
        try:
            plan = restructure.split(
                by=request.user,
                source=unit,
                on=form.cleaned_data["on"],
                parts=form.parts(unit.parent),
                choices=form.choices(),
                dry_run=not apply,
            )
        except (ValidationError, StaleVersion) as exc:
            add_service_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(exc.messages))
            plan = None
        else:
            if apply:
                messages.success(request, _("“%(unit)s” was split.") % {"unit": unit.name})
                return redirect("units:detail", pk=unit.pk)
    return render(
        request, "units/unit_split.html", {"form": form, "unit": unit, "plan": plan, "sections": _sections(plan)}
    )


def _sections(plan):
    """The plan's lines per area, under the area's name: [(name, lines)]."""
    if plan is None:
        return []
    names = {
        "units": _("Units"),
        "fanpages": _("Fanpages"),
        "directives": _("Directives and reports"),
        "articles": _("News and articles"),
    }
    return [(names.get(area, area), lines) for area, lines in plan.by_area().items()]
