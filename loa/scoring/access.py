"""Fetch-and-authorise for the classification: a rubric is visible to whoever views a unit it scores
(or a unit above it); a unit's score to whoever views that unit; writes need MANAGE_UNITS at the
rubric's unit."""

from django.http import Http404

from loa.accounts.capabilities import Capability
from loa.accounts.scope import can, get_unit_or_404, role_paths
from loa.scoring.models import Rubric


def may_see_rubric(user, rubric):
    path = rubric.unit.path
    return any(p == "/" or p.startswith(path) or path.startswith(p) for p in role_paths(user, Capability.VIEW))


def get_rubric_or_404(user, year):
    rubric = Rubric.objects.select_related("unit", "frozen_by").filter(year=year).first()
    if rubric is None or not may_see_rubric(user, rubric):
        raise Http404
    return rubric


def get_admin_rubric_or_404(user, year):
    rubric = get_rubric_or_404(user, year)
    if not can(user, Capability.MANAGE_UNITS, rubric.unit):
        raise Http404
    return rubric


def may_manage(user, rubric):
    return can(user, Capability.MANAGE_UNITS, rubric.unit)


def get_scored_unit_or_404(user, rubric, unit_id, capability=Capability.VIEW):
    """A grassroots unit under the rubric's unit that the user may view."""
    unit = get_unit_or_404(user, capability, pk=unit_id)
    if not unit.kind.is_grassroots or not unit.path.startswith(rubric.unit.path):
        raise Http404
    return unit
