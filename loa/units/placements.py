"""Writing the units' placements over time (`UnitPlacement`): where each unit stood from one day to
another. The tree (`Unit.parent`, `Unit.path`) is where units stand today; these rows remember
where they stood before. Read them through `loa.units.selectors`.

A move on day D closes on D - 1 the open placement of every unit of the moved subtree (their
paths changed, even where their parents did not) and opens one from D; a placement opened on D
itself (a second move the same day, or a unit whose first day is still to come) is corrected in
place instead. Every write is a few statements over the units concerned, whatever their number.
"""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import DateField, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from loa.core import generations
from loa.units.models import Unit, UnitPlacement

# The generation of the placements (`loa.core.generations`): figures grouped by a past day's tree
# and cached are keyed by it; every write below bumps it.
GENERATION = "units-placements"


def record_created(unit: Unit) -> None:
    """The first placement of a new unit: from its first day (`active_from`; empty: since it was
    registered)."""
    UnitPlacement.objects.create(unit=unit, parent_id=unit.parent_id, path=unit.path, valid_from=unit.active_from)
    generations.bump(GENERATION)


def check_move_day(unit: Unit, day: datetime.date) -> None:
    """A move is dated today or earlier, and not before a move already recorded in the subtree
    (that would rewrite a history written after it)."""
    if day > timezone.localdate():
        raise ValidationError({"on": _("A move cannot be dated in the future.")})
    last = UnitPlacement.objects.filter(unit__path__startswith=unit.path, valid_to__gte=day).aggregate(
        last=Max("valid_to")
    )["last"]
    if last is not None:
        raise ValidationError({"on": later_move_refusal(last)})


def later_move_refusal(last: datetime.date) -> str:
    """Why a move cannot be dated before a placement that ends on `last` (a later move's eve)."""
    return _("A move on %(day)s is already recorded in this part of the tree: date this move that day or later.") % {
        "day": date_format(last + datetime.timedelta(days=1), "d/m/Y")
    }


def follow_tree(day: datetime.date, *, under: str | None = None, unit_ids: Sequence[int] | None = None) -> None:
    """Make the open placements agree with the tree from `day`: each unit (under the path `under`,
    or of `unit_ids`, else everywhere) whose path is not its open placement's gets the placement
    closed on day - 1 and a new one from `day`; units without any placement get their first. Call
    after the tree was written, in the same transaction."""
    units = Unit.objects.order_by()
    placements = UnitPlacement.objects.order_by()
    if under is not None:
        units = units.filter(path__startswith=under)
        placements = placements.filter(unit__path__startswith=under)
    if unit_ids is not None:
        units = units.filter(pk__in=unit_ids)
        placements = placements.filter(unit_id__in=unit_ids)
    open_missing(units)
    generations.bump(GENERATION)
    moved = placements.filter(valid_to__isnull=True).exclude(path=F("unit__path"))
    unit_row = Unit.objects.filter(pk=OuterRef("unit_id"))
    moved.filter(valid_from__gte=day).update(
        parent_id=Subquery(unit_row.values("parent_id")[:1]), path=Subquery(unit_row.values("path")[:1])
    )
    moved.filter(Q(valid_from__lt=day) | Q(valid_from__isnull=True)).update(valid_to=day - datetime.timedelta(days=1))
    open_placement = UnitPlacement.objects.filter(unit=OuterRef("pk"), valid_to__isnull=True)
    _insert(units.filter(~Exists(open_placement)), Value(day, output_field=DateField()))


def open_missing(units: QuerySet[Unit] | None = None) -> None:
    """The first placement of every unit (of `units`, else of the tree) that has none: for units
    written without the services (the synthetic national tree's bulk insert). One statement."""
    units = Unit.objects.order_by() if units is None else units
    _insert(units.filter(~Exists(UnitPlacement.objects.filter(unit=OuterRef("pk")))), F("active_from"))


def follow_first_day(unit: Unit, old_first_day: datetime.date | None) -> None:
    """A unit's first day (`active_from`) was changed: its first placement starts then too, unless
    a move since makes that impossible."""
    first = UnitPlacement.objects.filter(unit=unit).order_by(F("valid_from").asc(nulls_first=True), "id").first()
    day = unit.active_from
    if first is None or first.valid_from != old_first_day:
        return
    if day is not None and first.valid_to is not None and day > first.valid_to:
        return
    first.valid_from = day
    first.save(update_fields=["valid_from"])
    generations.bump(GENERATION)


def _insert(units: QuerySet[Unit], valid_from: F | Value) -> None:
    """One INSERT … SELECT: an open placement for each of `units`, where it stands, from `valid_from`."""
    generations.bump(GENERATION)
    rows = units.annotate(placed_from=valid_from).values_list("id", "parent_id", "path", "placed_from")
    select, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    table = quote(UnitPlacement._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (unit_id, parent_id, path, valid_from) {select}", params)
