"""The directives' part of a merge or split (`units_merged`, `unit_split`): the open assignments
(not reported yet, or returned for correction) go to the unit that carries on, with their reports;
what was reported stays with the closed unit, under its own name."""

from django.db import transaction
from django.utils.translation import gettext as _

from loa.audit.log import log_action
from loa.directives import rollups
from loa.directives.models import Assignment, Directive, Recipient

AREA = "directives"
OPEN = (Assignment.State.PENDING, Assignment.State.RETURNED)


@transaction.atomic
def assignments_carry_over(*, by, sources, target):
    """Give the open assignments of `sources` to `target`, where it has none for the task.
    Returns (moved, kept): the assignments moved, and those left because the target has its own."""
    open_work = (
        Assignment.objects.filter(unit__in=sources, state__in=OPEN, task__directive__status=Directive.Status.ISSUED)
        .select_related("task__directive", "unit")
        .order_by("task_id", "unit__path")
    )
    taken = set(Assignment.objects.filter(unit=target).values_list("task_id", flat=True))
    moved, kept = [], []
    for assignment in open_work:
        if assignment.task_id in taken:
            kept.append(assignment)
            continue
        taken.add(assignment.task_id)
        old_unit = assignment.unit
        Assignment.objects.filter(pk=assignment.pk).update(
            unit=target, unit_path=target.path, unit_sort=target.name_sort, expected=True
        )
        Recipient.objects.get_or_create(directive=assignment.task.directive, unit=target)
        log_action(
            "directive.assignment.carried_over",
            actor=by,
            obj=assignment.task,
            unit=target,
            before={"unit": old_unit.name},
            after={"unit": target.name},
        )
        moved.append(assignment)
    for task in {a.task for a in moved}:
        rollups.rebuild(task)
    return moved, kept


def _describe(plan, moved, kept, target):
    for a in moved:
        plan.add(
            AREA,
            _("Task “%(task)s” (%(directive)s) of “%(unit)s” goes to “%(target)s”.")
            % {"task": a.task.title, "directive": a.task.directive, "unit": a.unit.name, "target": target.name},
        )
    for a in kept:
        plan.add(
            AREA,
            _("Task “%(task)s” of “%(unit)s” stays with it: “%(target)s” has the same task.")
            % {"task": a.task.title, "unit": a.unit.name, "target": target.name},
        )
    if not moved and not kept:
        plan.add(AREA, _("No open task to carry over."))


def follow_merge(sender, *, sources, target, by, plan, **kwargs):
    moved, kept = assignments_carry_over(by=by, sources=sources, target=target)
    _describe(plan, moved, kept, target)


def follow_split(sender, *, source, choices, by, plan, **kwargs):
    target = choices[AREA]
    moved, kept = assignments_carry_over(by=by, sources=[source], target=target)
    _describe(plan, moved, kept, target)
