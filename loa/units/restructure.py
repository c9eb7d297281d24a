"""Merge and split units from a date, with a dry run that shows what goes where.

The unit tree's part is done here: the target of a merge (an existing unit, or a new one created
under the sources' parent) takes the summed member and staff counts (or those given), the sources'
children move under it (`unit_move`), and the sources close on the day before the date
(`unit_deactivate`): they stay in the tree with their history, readable under their own names.
A split does the same the other way round: the source closes, its parts (existing or new units)
take the counts given.

What other areas hold (Fanpages, assignments, submissions, quotas) is carried over by each area
from the `units_merged` and `unit_split` signals: the units app imports no area.

A dry run does all of this in a transaction that is then rolled back: the plan it returns is
exactly what applying would do, with nothing written.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from loa.audit.log import log_action
from loa.units import services
from loa.units.models import Unit, UnitSuccession
from loa.units.signals import unit_split, units_merged


@dataclass
class Plan:
    """What a merge or split does (or did), per area: [(area, text)] in Vietnamese, for people."""

    kind: str  # "merge" or "split"
    on: object
    dry_run: bool
    sources: list = field(default_factory=list)  # [{"id", "code", "name"}]
    targets: list = field(default_factory=list)  # [{"id", "code", "name", "new", "members_count", "staff_count"}]
    lines: list = field(default_factory=list)

    def add(self, area, text):
        self.lines.append((area, str(text)))

    def by_area(self):
        grouped = {}
        for area, text in self.lines:
            grouped.setdefault(area, []).append(text)
        return grouped

    def as_dict(self):
        return {
            "kind": self.kind,
            "on": self.on.isoformat(),
            "dry_run": self.dry_run,
            "sources": self.sources,
            "targets": self.targets,
            "areas": [{"area": area, "lines": lines} for area, lines in self.by_area().items()],
        }


def _ref(unit, **extra):
    return {"id": unit.pk, "code": unit.code, "name": unit.name, **extra}


def _check_source(unit, on):
    """A source must be active on the date and have started before it."""
    if unit.active_from and on <= unit.active_from:
        raise ValidationError(
            _("“%(unit)s” starts on %(start)s: the date must come after its start.")
            % {"unit": unit.name, "start": unit.active_from.strftime("%d/%m/%Y")}
        )
    if unit.active_to and unit.active_to < on:
        raise ValidationError(_("“%(unit)s” is already closed on that date.") % {"unit": unit.name})


def _check_target(unit, on):
    if not unit.is_active(on):
        raise ValidationError(_("“%(unit)s” is not active on that date.") % {"unit": unit.name})


def _lock_all(units, expected_versions):
    """Lock every unit involved (in id order, so two restructurings never deadlock) and check the
    versions the caller read, if given: {unit id: version}."""
    from loa.core import versions

    expected_versions = expected_versions or {}
    locked = {}
    for unit in sorted(units, key=lambda u: u.pk):
        locked[unit.pk] = versions.lock(Unit.objects.all(), expected_versions.get(unit.pk), pk=unit.pk)
    return locked


def _move_children(by, unit, new_parent, on):
    """The children of a closing unit still active on the date go under `new_parent`."""
    moved = []
    for child in Unit.objects.filter(parent=unit).active_on(on).vi_ordered():
        services.unit_move(by=by, unit=child, new_parent=new_parent)
        moved.append(child)
    return moved


def _run(dry_run, work):
    """`work()` in a transaction, rolled back when `dry_run`."""
    with transaction.atomic():
        result = work()
        if dry_run:
            transaction.set_rollback(True)
    return result


# --- Merge -------------------------------------------------------------------------------------


def merge(
    *,
    by,
    sources,
    on,
    target=None,
    new_target=None,
    members_count=None,
    staff_count=None,
    primary_page=None,
    expected_versions=None,
    dry_run=False,
):
    """Merge `sources` into `target` (an existing unit) or into a new unit (`new_target`: the
    fields of `unit_create`, the parent by default the first source's), from the date `on`.

    The members and staff counts are the sources' (and the existing target's) sums unless given.
    `primary_page`: the source whose Fanpage the target takes when it has none (by default the first
    source with one). Returns the Plan; with dry_run nothing is written."""
    sources = list(sources)
    if not sources:
        raise ValidationError(_("Choose at least one unit to merge."))
    if len({u.pk for u in sources}) != len(sources):
        raise ValidationError(_("A unit is listed twice."))
    if (target is None) == (new_target is None):
        raise ValueError("give either target or new_target")
    if target is not None:
        if target.pk in {u.pk for u in sources}:
            raise ValidationError(_("A unit cannot be merged into itself."))
        for unit in sources:
            if target.path.startswith(unit.path):
                raise ValidationError(
                    _("“%(target)s” is inside “%(unit)s”: it cannot take it over.")
                    % {"target": target.name, "unit": unit.name}
                )

    def work():
        locked = _lock_all([*sources, *([target] if target else [])], expected_versions)
        srcs = [locked[u.pk] for u in sources]
        for unit in srcs:
            _check_source(unit, on)
        members = sum(u.members_count for u in srcs)
        staff = sum(u.staff_count for u in srcs)
        plan = Plan(kind="merge", on=on, dry_run=dry_run, sources=[_ref(u) for u in srcs])
        if target is not None:
            tgt = locked[target.pk]
            _check_target(tgt, on)
            members += tgt.members_count
            staff += tgt.staff_count
            new = False
        else:
            fields = dict(new_target)
            parent = fields.pop("parent", srcs[0].parent)
            fields.setdefault("kind", srcs[0].kind)
            fields.setdefault("active_from", on)
            tgt = services.unit_create(by=by, parent=parent, **fields)
            new = True
            plan.add("units", _("New unit “%(unit)s” created from %(on)s.") % {"unit": tgt.name, "on": _day(on)})
        members = members if members_count is None else members_count
        staff = staff if staff_count is None else staff_count
        tgt = services.unit_update(by=by, unit=tgt, members_count=members, staff_count=staff)
        plan.add(
            "units",
            _("“%(unit)s” has %(members)s members and %(staff)s staff.")
            % {"unit": tgt.name, "members": members, "staff": staff},
        )
        for unit in srcs:
            for child in _move_children(by, unit, tgt, on):
                plan.add("units", _("“%(child)s” moves from “%(unit)s” to “%(target)s”.") % _names(child, unit, tgt))
        for unit in srcs:
            services.unit_deactivate(by=by, unit=unit, active_to=on - timedelta(days=1), reason=_merged_note(tgt))
            log_action("unit.merged_into", actor=by, obj=unit, after={"unit": tgt.name, "on": on.isoformat()})
            UnitSuccession.objects.create(source=unit, successor=tgt, on=on, kind=UnitSuccession.Kind.MERGE)
            plan.add(
                "units",
                _("“%(unit)s” closes on %(day)s; its history stays under its own name.")
                % {"unit": unit.name, "day": _day(on - timedelta(days=1))},
            )
        # The areas come last: they see the sources closed (a quota keeps the part of the year a
        # source was open) and the target as it now is.
        closed = Unit.objects.in_bulk([u.pk for u in srcs])
        srcs = [closed[u.pk] for u in srcs]
        units_merged.send(
            sender=Unit, sources=srcs, target=tgt, on=on, by=by, dry_run=dry_run, plan=plan, primary_page=primary_page
        )
        log_action(
            "unit.merged",
            actor=by,
            obj=tgt,
            after={"units": [u.name for u in srcs], "on": on.isoformat(), "members_count": members},
        )
        plan.targets = [_ref(tgt, new=new, members_count=members, staff_count=staff)]
        if dry_run and new:
            plan.targets[0]["id"] = None
        return plan

    return _run(dry_run, work)


def plan_merge(**kwargs):
    """The dry run of `merge`: its Plan, nothing written."""
    return merge(**kwargs, dry_run=True)


# --- Split -------------------------------------------------------------------------------------


def split(*, by, source, on, parts, choices=None, expected_versions=None, dry_run=False):
    """Split `source` into `parts` from the date `on`: each part is {"unit": an existing unit} or
    {"new": the fields of `unit_create`}, with the "members_count" and "staff_count" it takes
    (by default the source's divided evenly). `choices`: {area: index of the part} that takes the
    area's items ("fanpages": the Page; "directives", "articles": open work and quotas); the first
    part by default. The source closes on the day before `on`. Returns the Plan."""
    parts = list(parts)
    if len(parts) < 2:
        raise ValidationError(_("A split needs at least two parts."))
    existing = [p["unit"] for p in parts if p.get("unit") is not None]
    if len({u.pk for u in existing}) != len(existing):
        raise ValidationError(_("A unit is listed twice."))
    for unit in existing:
        if unit.pk == source.pk:
            raise ValidationError(_("A unit cannot be split into itself."))
        if unit.path.startswith(source.path):
            raise ValidationError(
                _("“%(target)s” is inside “%(unit)s”: it cannot take it over.")
                % {"target": unit.name, "unit": source.name}
            )
    choices = dict(choices or {})
    for index in choices.values():
        if not isinstance(index, int) or not 0 <= index < len(parts):
            raise ValidationError(_("Choose one of the parts for every area."))

    def work():
        locked = _lock_all([source, *existing], expected_versions)
        src = locked[source.pk]
        _check_source(src, on)
        plan = Plan(kind="split", on=on, dry_run=dry_run, sources=[_ref(src)])
        given = [p for p in parts if p.get("members_count") is not None]
        if given and len(given) != len(parts):
            raise ValidationError(_("Give the members of every part, or of none."))
        targets, taken = [], []
        for i, part in enumerate(parts):
            members = part.get("members_count")
            if members is None:
                members = src.members_count // len(parts) + (1 if i < src.members_count % len(parts) else 0)
            staff = part.get("staff_count")
            if staff is None:
                staff = src.staff_count // len(parts) + (1 if i < src.staff_count % len(parts) else 0)
            if part.get("unit") is not None:
                unit = locked[part["unit"].pk]
                _check_target(unit, on)
                new = False
                members_after, staff_after = unit.members_count + members, unit.staff_count + staff
            else:
                fields = dict(part["new"])
                parent = fields.pop("parent", src.parent)
                fields.setdefault("kind", src.kind)
                fields.setdefault("active_from", on)
                unit = services.unit_create(by=by, parent=parent, **fields)
                new = True
                members_after, staff_after = members, staff
                plan.add("units", _("New unit “%(unit)s” created from %(on)s.") % {"unit": unit.name, "on": _day(on)})
            unit = services.unit_update(by=by, unit=unit, members_count=members_after, staff_count=staff_after)
            plan.add(
                "units",
                _("“%(unit)s” takes %(members)s members and %(staff)s staff of “%(source)s”.")
                % {"unit": unit.name, "members": members, "staff": staff, "source": src.name},
            )
            targets.append(unit)
            taken.append(members)
            plan.targets.append(
                _ref(unit, new=new, members_count=members_after, staff_count=staff_after)
                | ({"id": None} if dry_run and new else {})
            )
        first = targets[0]
        for child in _move_children(by, src, first, on):
            plan.add("units", _("“%(child)s” moves from “%(unit)s” to “%(target)s”.") % _names(child, src, first))
        area_targets = {area: targets[index] for area, index in choices.items()}
        for area in ("fanpages", "directives", "articles"):
            area_targets.setdefault(area, first)
        src = services.unit_deactivate(by=by, unit=src, active_to=on - timedelta(days=1), reason=_split_note(targets))
        unit_split.send(
            sender=Unit, source=src, targets=targets, choices=area_targets, on=on, by=by, dry_run=dry_run, plan=plan
        )
        log_action("unit.split", actor=by, obj=src, after={"units": [u.name for u in targets], "on": on.isoformat()})
        for unit, members in zip(targets, taken):
            log_action("unit.split_from", actor=by, obj=unit, after={"unit": src.name, "on": on.isoformat()})
            UnitSuccession.objects.create(
                source=src,
                successor=unit,
                on=on,
                kind=UnitSuccession.Kind.SPLIT,
                share=_share(members, src, len(targets)),
            )
        plan.add(
            "units",
            _("“%(unit)s” closes on %(day)s; its history stays under its own name.")
            % {"unit": src.name, "day": _day(on - timedelta(days=1))},
        )
        return plan

    return _run(dry_run, work)


def plan_split(**kwargs):
    """The dry run of `split`: its Plan, nothing written."""
    return split(**kwargs, dry_run=True)


def _share(members, source, parts):
    """The share of the source's members a part took (4 decimals), or an even share when it had none."""
    if not source.members_count:
        return (Decimal(1) / parts).quantize(Decimal("0.0001"))
    return min(Decimal(1), Decimal(members) / source.members_count).quantize(Decimal("0.0001"))


# --- Words -------------------------------------------------------------------------------------


def _day(day):
    return day.strftime("%d/%m/%Y")


def _names(child, unit, target):
    return {"child": child.name, "unit": unit.name, "target": target.name}


def _merged_note(target):
    return _("Merged into “%(unit)s”.") % {"unit": target.name}


def _split_note(targets):
    return _("Split into %(units)s.") % {"units": ", ".join(f"“{u.name}”" for u in targets)}
