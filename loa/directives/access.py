"""Fetch-and-authorise for directives, tasks and assignments (404 for anything out of reach)."""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from loa.accounts import year_tree
from loa.accounts.capabilities import Capability
from loa.accounts.scope import can, get_unit_or_404, path_q, role_paths, top_units
from loa.directives.models import Assignment, Directive, Recipient, Rollup, Task


def visible_directives(user):
    """Directives issued within the user's units, or sent to a unit the user may see."""
    received = Recipient.objects.filter(directive=OuterRef("pk")).filter(
        path_q(user, Capability.VIEW, field="unit__path")
    )
    issued = path_q(user, Capability.VIEW, field="issuing_unit__path")
    return Directive.objects.filter(issued | (Q(status=Directive.Status.ISSUED) & Q(Exists(received))))


def reaches(user, directive):
    """Whether `user` may view `directive`, as visible_directives() decides, without scanning its
    recipients: a unit has a rollup row for a task exactly when recipients lie under it. Also, by
    a past year's tree, when recipients lay under the user's units that year (`reached_then`; the
    directives list does not widen so)."""
    if can(user, Capability.VIEW, directive.issuing_unit):
        return True
    if directive.status != Directive.Status.ISSUED:
        return False
    paths = role_paths(user, Capability.VIEW)
    role_units = [int(p.strip("/").rsplit("/", 1)[-1]) for p in paths if p != "/"]
    recipient_below = Rollup.objects.filter(task__directive=directive, unit_id__in=role_units).exists()
    # A role inside a recipient (a công đoàn bộ phận under a CĐCS) does not see its parent's mail.
    return recipient_below or (bool(role_units) and reached_then(user, directive))


def reached_then(user, directive):
    """Whether, by the tree of a past year of one of its tasks (`Task.year`), a recipient of the
    directive lay under one of the user's units: the union a CĐCS has left since still reads the
    figures of the years the CĐCS spent under it (`year_tree.figures_q`), as the tracking page
    shows them by that year's tree. One query, then two per past year of its tasks."""
    years = {timezone.localdate(deadline).year for deadline in directive.tasks.values_list("deadline", flat=True)}
    for year in sorted(years):
        if year_tree.past_day(year, year_tree.YEAR) is None:
            continue
        then = year_tree.figures_q(user, Capability.VIEW, year, year_tree.YEAR)
        if Assignment.objects.filter(task__directive=directive, task__deadline__year=year).filter(then).exists():
            return True
    return False


def get_directive(user, pk, capability=Capability.VIEW):
    directive = get_object_or_404(Directive.objects.select_related("issuing_unit", "issuing_unit__parent"), pk=pk)
    if capability == Capability.VIEW:
        if not reaches(user, directive):
            raise Http404
    elif not can(user, capability, directive.issuing_unit):
        raise Http404
    return directive


def get_task(user, pk, capability=Capability.VIEW):
    task = get_object_or_404(Task.objects.select_related("directive", "directive__issuing_unit"), pk=pk)
    get_directive(user, task.directive_id, capability)
    return task


def get_assignment(user, task_id, unit_id, capability):
    a = (
        Assignment.objects.select_related("task", "task__directive", "task__directive__issuing_unit", "unit")
        .filter(task_id=task_id, unit_id=unit_id)
        .first()
    )
    if a is None:
        raise Http404
    issuer = a.task.directive.issuing_unit
    if capability == Capability.ISSUE_DIRECTIVES:
        if not can(user, capability, issuer):
            raise Http404
    elif not can(user, capability, a.unit) and not (capability == Capability.VIEW and can(user, capability, issuer)):
        # Anyone sees a unit's work where the unit is today; an issuer always sees the replies to
        # its own directives, also from a unit moved from under it since.
        raise Http404
    return a


def can_issue(user, directive):
    return can(user, Capability.ISSUE_DIRECTIVES, directive.issuing_unit)


def tracking_node(user, task, unit_id=None):
    """The unit a task's figures are drilled to: the one asked for, or the issuer, or the user's
    own top unit under the issuer (an officer sees their unit). 404 when none is in reach."""
    if unit_id:
        return get_unit_or_404(user, Capability.VIEW, pk=unit_id)
    issuer = task.directive.issuing_unit
    if can(user, Capability.VIEW, issuer):
        return issuer
    tops = [u for u in top_units(user) if u.path.startswith(issuer.path)]
    if not tops:
        raise Http404
    return tops[0]
