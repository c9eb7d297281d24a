"""Writes to the unit kinds: keyword-only, validating, atomic, audited (unit_kind.*).

Kinds are shared by the whole tree, so only an administrator of the whole tree changes them
(the pages check it; `manage.py loa_init` and the demo call these with by=None, the system).
"""

import re
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loa.audit.log import log_action, snapshot
from loa.core.validators import has_control_characters
from loa.units.kinds import STANDARD_KINDS
from loa.units.models import Unit, UnitKind

AUDITED_FIELDS = ("code", "name", "is_grassroots", "order")
EDITABLE_FIELDS = AUDITED_FIELDS
NAME_MAX = UnitKind._meta.get_field("name").max_length
CODE_MAX = UnitKind._meta.get_field("code").max_length
ORDER_MAX = 32767  # PositiveSmallIntegerField on every database
CODE_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


def clean_kind_code(value):
    """The code as stored (trimmed, lower case) or a ValidationError in plain words."""
    code = str(value or "").strip().lower()
    if not code:
        raise ValidationError(_("Enter a code, e.g. cd-nganh."), code="required")
    if len(code) > CODE_MAX:
        raise ValidationError(
            _("The code is too long (at most %(max)d characters).") % {"max": CODE_MAX}, code="max_length"
        )
    if has_control_characters(code) or not CODE_RE.match(code):
        raise ValidationError(
            _("A code holds only Latin letters without accents, digits and hyphens, e.g. cd-nganh."), code="invalid"
        )
    return code


def clean_kind_name(value):
    name = str(value or "").strip()
    if has_control_characters(name):
        raise ValidationError(
            _("Remove the invisible control characters (tab, line break…) from this text."), code="control_characters"
        )
    if not name:
        raise ValidationError(_("Enter the name of the kind."), code="required")
    if len(name) > NAME_MAX:
        raise ValidationError(
            _("The name is too long (at most %(max)d characters).") % {"max": NAME_MAX}, code="max_length"
        )
    return name


def clean_kind_order(value):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= ORDER_MAX:
        raise ValidationError(
            _("The order is a whole number from 0 to %(max)d.") % {"max": ORDER_MAX}, code="out_of_range"
        )
    return value


def units_of(kind):
    return Unit.objects.filter(kind=kind).count()


def _clean(kind, *, units_count=0, old_code=None):
    errors = {}
    for field, check in (("name", clean_kind_name), ("code", clean_kind_code), ("order", clean_kind_order)):
        try:
            setattr(kind, field, check(getattr(kind, field)))
        except ValidationError as exc:
            errors[field] = exc.messages
    kind.is_grassroots = bool(kind.is_grassroots)
    if "code" not in errors:
        if old_code is not None and kind.code != old_code and units_count:
            errors["code"] = [
                ngettext(
                    "%(count)d unit has this kind: its code can no longer change.",
                    "%(count)d units have this kind: its code can no longer change.",
                    units_count,
                )
                % {"count": units_count}
            ]
        elif UnitKind.objects.filter(code__iexact=kind.code).exclude(pk=kind.pk).exists():
            errors["code"] = [_("Another kind already has the code “%(code)s”.") % {"code": kind.code}]
    if errors:
        raise ValidationError(errors)


def _next_order():
    highest = UnitKind.objects.aggregate(top=Max("order"))["top"]
    return 0 if highest is None else min(highest + 1, ORDER_MAX)


@transaction.atomic
def kind_create(*, by, code, name, is_grassroots=False, order=None):
    """A new kind; without an order it comes last."""
    kind = UnitKind(code=code, name=name, is_grassroots=is_grassroots, order=_next_order() if order is None else order)
    _clean(kind)
    kind.save()
    log_action("unit_kind.created", actor=by, obj=kind, after=snapshot(kind, AUDITED_FIELDS))
    return kind


@transaction.atomic
def kind_update(*, by, kind, **fields):
    """Change name, code (only while no unit has the kind), grassroots flag or order."""
    kind = UnitKind.objects.select_for_update().get(pk=kind.pk)
    before = snapshot(kind, AUDITED_FIELDS)
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"{name} cannot be changed here")
        setattr(kind, name, value)
    _clean(kind, units_count=units_of(kind) if "code" in fields else 0, old_code=before["code"])
    after = snapshot(kind, AUDITED_FIELDS)
    if after != before:
        kind.save()
        changed = [k for k in AUDITED_FIELDS if after[k] != before[k]]
        log_action(
            "unit_kind.updated",
            actor=by,
            obj=kind,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return kind


@transaction.atomic
def kind_retire(*, by, kind):
    """No longer offer the kind for new units; the units that have it keep it."""
    kind = UnitKind.objects.select_for_update().get(pk=kind.pk)
    if kind.retired_on is None:
        kind.retired_on = timezone.localdate()
        kind.save(update_fields=["retired_on"])
        log_action(
            "unit_kind.retired", actor=by, obj=kind, before={"retired_on": None}, after=snapshot(kind, ("retired_on",))
        )
    return kind


@transaction.atomic
def kind_restore(*, by, kind):
    kind = UnitKind.objects.select_for_update().get(pk=kind.pk)
    if kind.retired_on is not None:
        before = snapshot(kind, ("retired_on",))
        kind.retired_on = None
        kind.save(update_fields=["retired_on"])
        log_action("unit_kind.restored", actor=by, obj=kind, before=before, after={"retired_on": None})
    return kind


@transaction.atomic
def kind_delete(*, by, kind):
    """Delete a kind that no unit has; one in use can only be retired."""
    kind = UnitKind.objects.select_for_update().get(pk=kind.pk)
    count = units_of(kind)
    if count:
        raise ValidationError(
            ngettext(
                "“%(kind)s” cannot be deleted: %(count)d unit has this kind. Retire it instead, "
                "so that it is no longer offered for new units.",
                "“%(kind)s” cannot be deleted: %(count)d units have this kind. Retire it instead, "
                "so that it is no longer offered for new units.",
                count,
            )
            % {"kind": kind.name, "count": count},
            code="in_use",
        )
    before = snapshot(kind, (*AUDITED_FIELDS, "retired_on"))
    log_action("unit_kind.deleted", actor=by, obj=kind, before=before)
    kind.delete()


@transaction.atomic
def kind_move(*, by, kind, step):
    """Move a kind one place up (step=-1) or down (step=1) in the list: the order in which forms
    offer kinds and a new unit's kind is proposed (the one after its parent's)."""
    if step not in (-1, 1):
        raise ValueError("step is -1 or 1")
    kinds = list(UnitKind.objects.select_for_update().order_by("order", "name", "pk"))
    index = next(i for i, k in enumerate(kinds) if k.pk == kind.pk)
    target = index + step
    if not 0 <= target < len(kinds):
        return kinds[index]
    old = {k.pk: k.order for k in kinds}
    values = sorted(old.values())
    if len(set(values)) < len(values):  # ties (sorted by name): number them all afresh
        values = list(range(len(values)))
    kinds[index], kinds[target] = kinds[target], kinds[index]
    changed = []
    for k, value in zip(kinds, values):
        if k.order != value:
            k.order = value
            changed.append(k)
    UnitKind.objects.bulk_update(changed, ["order"])
    moved = next(k for k in kinds if k.pk == kind.pk)
    log_action(
        "unit_kind.reordered",
        actor=by,
        obj=moved,
        before={k.code: old[k.pk] for k in changed},
        after={k.code: k.order for k in changed},
    )
    return moved


class EnsuredKinds(NamedTuple):
    by_code: dict
    created: list


@transaction.atomic
def kinds_ensure(*, by=None, kinds=STANDARD_KINDS):
    """Make sure each of `kinds` (standard ones by default) exists, by code: the missing ones are
    created (audited), the existing ones are left exactly as they are (an administrator may have
    renamed or retired them)."""
    by_code = {k.code: k for k in UnitKind.objects.filter(code__in=[k.code for k in kinds])}
    created = []
    for std in kinds:
        if std.code not in by_code:
            by_code[std.code] = kind_create(
                by=by, code=std.code, name=std.name, is_grassroots=std.is_grassroots, order=std.order
            )
            created.append(by_code[std.code])
    return EnsuredKinds(by_code, created)
