"""A restructuring from a mapping table (old unit → new unit or new upper unit, with dates).

One row per old unit: "chuyển" moves it under a new upper unit, "sáp nhập" merges it into another
unit, "chia tách" splits it into two units or more (one row per part, the first part takes the
areas' open work), "giải thể" closes it. `read_mapping` reads the file through the import framework;
`check` checks the whole table (codes, duplicates, a unit both merged and moved, cycles, dates,
scope, every child of a closed unit accounted for) and then runs it in a transaction rolled back,
so that the services' own checks speak too; `apply` runs it for good, all or nothing, audited as
one `Restructuring` (docs/restructuring.md).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.audit.log import log_action
from loa.audit.models import AuditEntry
from loa.core.filekinds import CSV, XLSX
from loa.core.text import fold
from loa.imports import cells, sheets
from loa.imports.cells import CellError
from loa.imports.columns import Column, Columns, header_problems
from loa.imports.problems import ImportProblem
from loa.units import batch_moves, managers, restructure, services
from loa.units.models import Restructuring, Unit

if TYPE_CHECKING:
    from loa.accounts.models import User

MAX_ROWS = 5000  # a province's reorganisation is a few hundred rows

MOVE, MERGE, SPLIT, DISSOLVE = "move", "merge", "split", "dissolve"
# The words people write in "Hình thức", folded (no accents, lower case).
ACTIONS = {
    "chuyen": MOVE,
    "chuyen cap tren": MOVE,
    "dieu chuyen": MOVE,
    "sap nhap": MERGE,
    "hop nhat": MERGE,
    "nhap": MERGE,
    "chia tach": SPLIT,
    "tach": SPLIT,
    "giai the": DISSOLVE,
}
ORDER = {MOVE: 0, SPLIT: 1, MERGE: 2, DISSOLVE: 3}

COLUMNS = Columns(
    "units.restructuring",
    [
        Column("old", "Mã đơn vị cũ", ("Mã cũ", "Đơn vị cũ", "Mã đơn vị"), required=True),
        Column(
            "new",
            "Mã đơn vị mới / cấp trên mới",
            ("Mã đơn vị mới", "Mã cấp trên mới", "Cấp trên mới", "Đơn vị mới", "Mã mới"),
        ),
        Column("action", "Hình thức", ("Hình thức sắp xếp", "Hình thức tổ chức lại"), required=True),
        Column("on", "Từ ngày", ("Ngày", "Ngày hiệu lực", "Thời điểm"), required=True),
    ],
)


@dataclass
class MapRow:
    row: int
    old: str
    new: str
    action: str
    on: date

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "old": self.old, "new": self.new, "action": self.action, "on": self.on.isoformat()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MapRow:
        return cls(data["row"], data["old"], data["new"], data["action"], date.fromisoformat(data["on"]))


@dataclass
class Outcome:
    rows: list[MapRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_mapping(upload: Any, *, name: str | None = None) -> Outcome:
    """The table's rows, each cell checked; problems by row and column. The framework refuses a file
    that is not a sheet, too big or without titles (ValidationError)."""
    outcome = Outcome()
    with sheets.open_sheet(upload, COLUMNS, max_rows=MAX_ROWS, kinds=(XLSX, CSV), name=name) as sheet:
        header = sheet.header
        for problem in header_problems(header, COLUMNS):
            outcome.problems.append(ImportProblem(problem, row=header.number))
        if outcome.problems:
            return outcome
        index = {field_: i for i, field_ in header.mapping.items()}

        def cell(values: list[Any], name: str) -> Any:
            i = index.get(name)
            return values[i] if i is not None and i < len(values) else None

        for number, values in sheet.rows():
            problems = len(outcome.problems)

            def problem(reason: str, column: str, number: int = number) -> None:
                outcome.problems.append(ImportProblem(reason, row=number, column=header.titled(column, COLUMNS)))

            texts = {}
            for column in ("old", "new", "action"):
                try:
                    texts[column] = cells.text(cell(values, column))[: 40 if column != "action" else 60]
                except CellError as exc:
                    problem(exc.reason, column)
                    texts[column] = ""
            try:
                on = cells.day(cell(values, "on"))
            except CellError as exc:
                problem(exc.reason, "on")
                on = None
            if not texts["old"]:
                problem(_("The old unit's code is missing."), "old")
            action = ACTIONS.get(fold(texts["action"]).strip())
            if action is None:
                problem(
                    _("Unknown form “%(value)s”: write chuyển, sáp nhập, chia tách or giải thể.")
                    % {"value": texts["action"]},
                    "action",
                )
            elif action != DISSOLVE and not texts["new"]:
                problem(_("The new unit's or new upper unit's code is missing."), "new")
            if on is None and not any(
                p.row == number and p.column == header.titled("on", COLUMNS) for p in outcome.problems
            ):
                problem(_("The date is missing."), "on")
            if len(outcome.problems) == problems and action and on:
                outcome.rows.append(
                    MapRow(number, texts["old"], texts["new"] if action != DISSOLVE else "", action, on)
                )
    return outcome


def _problem(row: MapRow, reason: str) -> ImportProblem:
    return ImportProblem(reason, row=row.row)


def check_table(rows: list[MapRow], *, by: User) -> tuple[list[ImportProblem], dict[str, Unit]]:
    """Everything that can be told from the table and the tree before running it."""
    problems: list[ImportProblem] = []
    codes = {r.old for r in rows} | {r.new for r in rows if r.new}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes).select_related("kind")}
    today = timezone.localdate()
    managed = tuple(managers.managed_paths(by))
    seen: dict[tuple[str, str, str], MapRow] = {}
    actions: dict[str, set[str]] = {}
    for row in rows:
        key = (row.old, row.action, row.new)
        if key in seen:
            problems.append(_problem(row, _("The same line as row %(row)s.") % {"row": seen[key].row}))
            continue
        seen[key] = row
        actions.setdefault(row.old, set()).add(row.action)
        for code in (row.old, row.new):
            if code and code not in units:
                problems.append(_problem(row, _("No unit has the code “%(code)s”.") % {"code": code}))
            elif code and not units[code].path.startswith(managed):
                # Out of reach reads as unknown: the table tells nothing about units one cannot see.
                problems.append(_problem(row, _("No unit has the code “%(code)s”.") % {"code": code}))
        if row.old and row.old == row.new:
            problems.append(_problem(row, _("A unit cannot be mapped onto itself.")))
        if row.on > today:
            problems.append(_problem(row, _("The date is in the future.")))
        old = units.get(row.old)
        if old and old.active_to and old.active_to < row.on:
            problems.append(_problem(row, _("“%(unit)s” is already closed on that date.") % {"unit": old.name}))
    if problems:
        return problems, units
    by_old: dict[str, list[MapRow]] = {}
    for row in rows:
        by_old.setdefault(row.old, []).append(row)
    closed = {code for code, acts in actions.items() if acts & {MERGE, SPLIT, DISSOLVE}}
    for code, acts in actions.items():
        first = by_old[code][0]
        if len(acts) > 1:
            names = ", ".join(sorted(_action_word(a) for a in acts))
            problems.append(
                _problem(
                    first, _("The unit appears in several forms (%(forms)s): one form per unit.") % {"forms": names}
                )
            )
        elif acts == {SPLIT} and len(by_old[code]) < 2:
            problems.append(_problem(first, _("A split needs at least two rows, one per part.")))
        elif acts <= {MOVE, MERGE, DISSOLVE} and len(by_old[code]) > 1:
            problems.append(_problem(by_old[code][1], _("The unit is listed twice.")))
        if len({r.on for r in by_old[code]}) > 1:
            problems.append(_problem(by_old[code][1], _("The rows of one unit must have the same date.")))
    for row in rows:
        if row.new and row.new in closed:
            target = units[row.new]
            problems.append(
                _problem(
                    row, _("“%(unit)s” is itself closed by this table: it cannot take a unit.") % {"unit": target.name}
                )
            )
    if problems:
        return problems, units
    problems.extend(_cycles(rows, units))
    # Every unit accounted for: the children of a dissolved unit must be mapped somewhere.
    dissolved = [r for r in rows if r.action == DISSOLVE]
    if dissolved:
        mapped = {r.old for r in rows}
        for row in dissolved:
            unit = units[row.old]
            # Units opened after the date count too: nothing may stay under a closed unit.
            children = Unit.objects.filter(parent=unit).filter(Q(active_to__isnull=True) | Q(active_to__gte=row.on))
            left = [c for c in children if c.code not in mapped]
            if left:
                problems.append(
                    _problem(
                        row,
                        _("“%(unit)s” is dissolved but these units under it are not in the table: %(units)s.")
                        % {"unit": unit.name, "units": ", ".join(f"{c.code} {c.name}" for c in left[:20])},
                    )
                )
    return problems, units


def _cycles(rows: list[MapRow], units: dict[str, Unit]) -> list[ImportProblem]:
    """The tree after the moves and merges must have no unit above itself."""
    parent: dict[int, int | None] = {}
    ids = {u.pk for u in units.values()}
    # Every unit's ancestors, by path, give today's parents of the units named and of their ancestors.
    paths = {u.pk: u.path for u in units.values()}
    ancestor_ids: set[int] = set()
    for path in paths.values():
        ancestor_ids.update(int(p) for p in path.strip("/").split("/") if p.isdigit())
    for pk, parent_id in Unit.objects.filter(pk__in=ancestor_ids | ids).values_list("pk", "parent_id"):
        parent[pk] = parent_id
    problems = []
    for row in rows:
        if row.action in (MOVE, MERGE):
            parent[units[row.old].pk] = units[row.new].pk
    for row in rows:
        if row.action not in (MOVE, MERGE):
            continue
        start = units[row.old].pk
        node, steps = parent.get(start), 0
        while node is not None and steps <= len(parent):
            if node == start:
                problems.append(
                    _problem(row, _("A cycle: “%(unit)s” would end up under itself.") % {"unit": units[row.old].name})
                )
                break
            node, steps = parent.get(node), steps + 1
    return problems


def _action_word(action: str) -> str:
    return {MOVE: _("move"), MERGE: _("merge"), SPLIT: _("split"), DISSOLVE: _("dissolution")}[action]


def _run(rows: list[MapRow], units: dict[str, Unit], *, by: User, lines: list[str]) -> None:
    """Run the table through the services, in date order: moves, then splits, merges, dissolutions.
    The moves of one day go together (`batch_moves`): a national table's thousands of moves cost a
    few statements per chunk of units, not some thirty per row."""
    groups: dict[tuple[date, int, str], list[MapRow]] = {}
    merges: dict[tuple[date, str], list[MapRow]] = {}
    for row in rows:
        if row.action == MERGE:
            merges.setdefault((row.on, row.new), []).append(row)
        elif row.action == MOVE:
            groups.setdefault((row.on, ORDER[MOVE], ""), []).append(row)
        else:
            groups.setdefault((row.on, ORDER[row.action], row.old), []).append(row)
    for (on, new), group in merges.items():
        groups[(on, ORDER[MERGE], new)] = group
    for (on, _order, _code), group in sorted(groups.items(), key=lambda item: item[0]):
        row = group[0]
        try:
            if row.action == MOVE:
                _move_rows(group, units, by=by, on=on, lines=lines)
            elif row.action == MERGE:
                sources = list(Unit.objects.filter(pk__in=[units[r.old].pk for r in group]))
                target = Unit.objects.get(pk=units[row.new].pk)
                plan = restructure.merge(by=by, sources=sources, target=target, on=on)
                lines.extend(text for _area, text in plan.lines)
            elif row.action == SPLIT:
                source = Unit.objects.get(pk=units[row.old].pk)
                parts = [{"unit": Unit.objects.get(pk=units[r.new].pk)} for r in group]
                plan = restructure.split(by=by, source=source, on=on, parts=parts)
                lines.extend(text for _area, text in plan.lines)
            else:
                unit = Unit.objects.get(pk=units[row.old].pk)
                services.unit_deactivate(by=by, unit=unit, active_to=on - timedelta(days=1), reason=_("Dissolved."))
                lines.append(
                    _("“%(unit)s” is dissolved: it closes on %(day)s.")
                    % {"unit": unit.name, "day": (on - timedelta(days=1)).strftime("%d/%m/%Y")}
                )
        except ValidationError as exc:
            raise _RowError(row, " ".join(exc.messages)) from exc


def _move_rows(group: list[MapRow], units: dict[str, Unit], *, by: User, on: date, lines: list[str]) -> None:
    """The moves of one day, in batches of independent moves (`batch_moves.waves`)."""
    row_of = {units[r.old].pk: r for r in group}
    stored = {
        u.pk: u for u in batch_moves.moved_units([units[r.old].pk for r in group] + [units[r.new].pk for r in group])
    }
    moves = [batch_moves.Move(unit=stored[units[r.old].pk], parent=stored[units[r.new].pk]) for r in group]
    for wave in batch_moves.waves(moves):
        try:
            done = batch_moves.move_many(by=by, moves=wave, on=on)
        except batch_moves.UnitMoveError as exc:
            raise _RowError(row_of.get(exc.unit_id, group[0]), " ".join(exc.messages)) from exc
        for move in done:
            lines.append(
                _("“%(unit)s” moves under “%(parent)s” from %(on)s.")
                % {
                    "unit": move.unit.name,
                    "parent": move.parent.name if move.parent else "",
                    "on": on.strftime("%d/%m/%Y"),
                }
            )


class _RowError(Exception):
    def __init__(self, row: MapRow, reason: str) -> None:
        super().__init__(reason)
        self.row, self.reason = row, reason


def check(rows: list[MapRow], *, by: User) -> Outcome:
    """The dry run: the table's checks, then the whole plan run in a transaction rolled back."""
    outcome = Outcome(rows=rows)
    if not rows:
        outcome.problems.append(ImportProblem(_("The table has no row.")))
        return outcome
    outcome.problems, units = check_table(rows, by=by)
    if outcome.problems:
        return outcome
    with transaction.atomic():
        try:
            _run(rows, units, by=by, lines=outcome.lines)
        except _RowError as exc:
            outcome.problems.append(_problem(exc.row, exc.reason))
        transaction.set_rollback(True)
    return outcome


def restructuring_plan(*, by: User, upload: Any, file_name: str) -> Restructuring:
    """Read and check a mapping file; the Restructuring keeps the rows and the plan (or the problems)."""
    try:
        outcome = read_mapping(upload, name=file_name)
    except ValidationError as exc:
        outcome = Outcome(problems=[ImportProblem(" ".join(exc.messages))])
    if outcome.ok:
        outcome = check(outcome.rows, by=by)
    record = Restructuring.objects.create(
        created_by=by,
        file_name=file_name[:255],
        status=Restructuring.Status.PLANNED if outcome.ok else Restructuring.Status.REFUSED,
        rows=[r.as_dict() for r in outcome.rows],
        plan=outcome.lines,
        problems=[p.as_dict() for p in outcome.problems[:1000]],
    )
    log_action(
        "unit.restructuring.checked",
        actor=by,
        obj=record,
        after={"file": record.file_name, "rows": len(outcome.rows), "problems": len(outcome.problems)},
    )
    return record


@transaction.atomic
def restructuring_apply(*, by: User, restructuring: Restructuring) -> Restructuring:
    """Apply a checked table, all or nothing: checked again (the tree may have changed since), then
    run through the services; the audit entries it writes are the Restructuring's."""
    record = Restructuring.objects.select_for_update().get(pk=restructuring.pk)
    if record.status != Restructuring.Status.PLANNED:
        raise ValidationError(_("This restructuring is not waiting to be applied."))
    rows = [MapRow.from_dict(r) for r in record.rows]
    problems, units = check_table(rows, by=by)
    if problems:
        raise ValidationError([str(p) for p in problems])
    first = (AuditEntry.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    lines: list[str] = []
    try:
        _run(rows, units, by=by, lines=lines)
    except _RowError as exc:
        raise ValidationError(str(_problem(exc.row, exc.reason))) from exc
    record.status = Restructuring.Status.APPLIED
    record.applied_by, record.applied_at, record.plan = by, timezone.now(), lines
    log_action(
        "unit.restructuring.applied",
        actor=by,
        obj=record,
        after={"file": record.file_name, "rows": len(rows)},
        note=_("Restructuring #%(id)s") % {"id": record.pk},
    )
    record.first_entry_id = first
    record.last_entry_id = AuditEntry.objects.aggregate(m=Max("pk"))["m"]
    record.save()
    return record


def restructuring_entries(restructuring: Restructuring) -> Any:
    """The audit entries written by an applied restructuring, in order."""
    if restructuring.first_entry_id is None:
        return AuditEntry.objects.none()
    # Its own transaction wrote them, by the one who applied it: the actor keeps out another
    # transaction's entries that a database may number inside the range.
    return AuditEntry.objects.filter(
        pk__gte=restructuring.first_entry_id,
        pk__lte=restructuring.last_entry_id,
        actor_id=restructuring.applied_by_id,
    ).order_by("pk")


def mapping_csv(rows: list[tuple[str, str, str, date]], *, title: str = "") -> bytes:
    """A mapping table as a csv (UTF-8 with BOM, as Excel writes it), the template's titles under an
    optional title line: the sample of docs/restructuring.md, and the demo's 2025 table."""
    out = io.StringIO()
    writer = csv.writer(out)
    if title:
        writer.writerow([title])
        writer.writerow([])
    writer.writerow(["STT", *(COLUMNS.label(name) for name in ("old", "new", "action", "on"))])
    for number, (old, new, action, on) in enumerate(rows, start=1):
        writer.writerow([number, old, new, action, on.strftime("%d/%m/%Y")])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
