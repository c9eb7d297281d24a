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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from loa.audit.log import audit_batch, log_action
from loa.audit.models import AuditEntry
from loa.core.filekinds import CSV, XLSX
from loa.core.text import fold
from loa.core.uploads import open_upload
from loa.imports import cells, sheets
from loa.imports.cells import CellError
from loa.imports.columns import Column, Columns, header_problems
from loa.imports.problems import ImportProblem
from loa.jobs.models import Job
from loa.jobs.progress import work_progress
from loa.jobs.registry import register
from loa.jobs.services import enqueue
from loa.units import batch_moves, managers, restructure, services
from loa.units.models import Restructuring, Unit, UnitKind

if TYPE_CHECKING:
    from loa.accounts.models import User

MAX_ROWS = 20_000  # a national reorganisation is about 10,000 rows; the upload size limit holds too
KIND = "units.restructuring"  # the background job that checks, then applies, a table

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
LENGTHS = {"old": 40, "new": 40, "action": 60, "new_name": 255, "new_kind": 120}

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
        # Optional: a merge into, or a split into, a unit that does not exist yet creates it first.
        Column("new_name", "Tên đơn vị mới", ("Tên mới",)),
        Column("new_kind", "Loại đơn vị mới", ("Loại mới",)),
    ],
)


@dataclass
class MapRow:
    row: int
    old: str
    new: str
    action: str
    on: date
    new_name: str = ""  # the name of a unit the row creates (merge into, split into)
    new_kind: str = ""  # its kind (code or name); empty: the old unit's

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "old": self.old,
            "new": self.new,
            "action": self.action,
            "on": self.on.isoformat(),
            "new_name": self.new_name,
            "new_kind": self.new_kind,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MapRow:
        return cls(
            data["row"],
            data["old"],
            data["new"],
            data["action"],
            date.fromisoformat(data["on"]),
            data.get("new_name", ""),
            data.get("new_kind", ""),
        )


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
            for column in ("old", "new", "action", "new_name", "new_kind"):
                try:
                    texts[column] = cells.text(cell(values, column))[: LENGTHS[column]]
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
                    MapRow(
                        number,
                        texts["old"],
                        texts["new"] if action != DISSOLVE else "",
                        action,
                        on,
                        texts["new_name"],
                        texts["new_kind"],
                    )
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
            if code and code not in units and code == row.new and row.new_name:
                continue  # a unit the table creates (_new_units)
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
    problems.extend(_new_units(rows, units, by=by)[0])
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
        if row.action in (MOVE, MERGE) and row.new in units:  # a unit the table creates makes no cycle
            parent[units[row.old].pk] = units[row.new].pk
    for row in rows:
        if row.action not in (MOVE, MERGE) or row.new not in units:
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


@dataclass
class NewUnit:
    code: str
    name: str
    kind: UnitKind
    parent: Unit
    on: date
    row: MapRow


def _new_units(
    rows: list[MapRow], units: dict[str, Unit], *, by: User
) -> tuple[list[ImportProblem], dict[str, NewUnit]]:
    """The units the table creates: a merge or split row whose new code is no unit's, with a name. Each
    goes under the old unit's upper unit, of the kind given (else the old unit's), from the earliest
    date of its rows."""
    problems: list[ImportProblem] = []
    new: dict[str, NewUnit] = {}
    kinds: dict[str, UnitKind] = {}
    for kind in UnitKind.objects.all():
        kinds[fold(kind.code)] = kind
        kinds.setdefault(fold(kind.name), kind)
    managed = tuple(managers.managed_paths(by))
    for row in rows:
        if not row.new or row.new in units or not row.new_name:
            continue
        if row.action not in (MERGE, SPLIT):
            problems.append(_problem(row, _("Only a merge or a split can create a new unit: create it first.")))
            continue
        old = units[row.old]
        kind = kinds.get(fold(row.new_kind).strip()) if row.new_kind else old.kind
        if kind is None:
            problems.append(_problem(row, _("Unknown unit kind “%(kind)s”.") % {"kind": row.new_kind}))
            continue
        seen = new.get(row.new)
        if seen is not None:
            if fold(seen.name) != fold(row.new_name):
                problems.append(
                    _problem(
                        row,
                        _("The new unit “%(code)s” has another name on row %(row)s.")
                        % {"code": row.new, "row": seen.row.row},
                    )
                )
            seen.on = min(seen.on, row.on)
            continue
        parent = Unit.objects.filter(pk=old.parent_id).first() if old.parent_id else None
        if parent is None or not parent.path.startswith(managed):
            problems.append(
                _problem(
                    row,
                    _("The new unit “%(code)s” would go under the upper unit of “%(unit)s”, which you do not manage.")
                    % {"code": row.new, "unit": old.name},
                )
            )
            continue
        new[row.new] = NewUnit(row.new, row.new_name, kind, parent, row.on, row)
    return problems, new


def _create_units(rows: list[MapRow], units: dict[str, Unit], *, by: User, lines: list[str]) -> None:
    """Create the units the table creates, before anything is merged or split into them."""
    problems, new = _new_units(rows, units, by=by)
    if problems:
        raise Refused(problems)
    for spec in new.values():
        try:
            unit = services.unit_create(
                by=by, parent=spec.parent, kind=spec.kind, code=spec.code, name=spec.name, active_from=spec.on
            )
        except ValidationError as exc:
            raise _RowError(spec.row, " ".join(exc.messages)) from exc
        units[spec.code] = unit
        lines.append(
            _("“%(unit)s” (%(code)s) is created under “%(parent)s” from %(on)s.")
            % {"unit": unit.name, "code": unit.code, "parent": spec.parent.name, "on": spec.on.strftime("%d/%m/%Y")}
        )


def _action_word(action: str) -> str:
    return {MOVE: _("move"), MERGE: _("merge"), SPLIT: _("split"), DISSOLVE: _("dissolution")}[action]


def _run(
    rows: list[MapRow],
    units: dict[str, Unit],
    *,
    by: User,
    lines: list[str],
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Run the table through the services, in date order: moves, then splits, merges, dissolutions;
    `progress(done_rows, total_rows)` after each group. The moves of one day go together
    (`batch_moves`): a national table's thousands of moves cost a few statements per chunk of units,
    not some thirty per row."""
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
    done = 0
    for (on, _order, _code), group in sorted(groups.items(), key=lambda item: item[0]):
        row = group[0]
        try:
            if row.action == MOVE:
                _move_rows(
                    group,
                    units,
                    by=by,
                    on=on,
                    lines=lines,
                    moved=lambda count, step=done: progress(step + count, len(rows)) if progress else None,
                )
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
        done += len(group)
        if progress is not None and row.action != MOVE:  # the moves told their own, part by part
            progress(done, len(rows))


MOVES_AT_ONCE = 2000  # a batch's share of a national table: about 4 s, so that progress moves


def _move_rows(
    group: list[MapRow], units: dict[str, Unit], *, by: User, on: date, lines: list[str], moved: Callable[[int], None]
) -> None:
    """The moves of one day, in batches of independent moves (`batch_moves.waves`), a few thousand
    at a time (any part of a batch is one too); `moved(rows done)` after each."""
    row_of = {units[r.old].pk: r for r in group}
    stored = {
        u.pk: u for u in batch_moves.moved_units([units[r.old].pk for r in group] + [units[r.new].pk for r in group])
    }
    moves = [batch_moves.Move(unit=stored[units[r.old].pk], parent=stored[units[r.new].pk]) for r in group]
    count = 0
    for wave in batch_moves.waves(moves):
        for start in range(0, len(wave), MOVES_AT_ONCE):
            part = wave[start : start + MOVES_AT_ONCE]
            try:
                done = batch_moves.move_many(by=by, moves=part, on=on)
            except batch_moves.UnitMoveError as exc:
                raise _RowError(row_of.get(exc.unit_id, group[0]), " ".join(exc.messages)) from exc
            lines.extend(
                _("“%(unit)s” moves under “%(parent)s” from %(on)s.")
                % {
                    "unit": move.unit.name,
                    "parent": move.parent.name if move.parent else "",
                    "on": on.strftime("%d/%m/%Y"),
                }
                for move in done
            )
            count += len(part)
            moved(count)


class _RowError(Exception):
    def __init__(self, row: MapRow, reason: str) -> None:
        super().__init__(reason)
        self.row, self.reason = row, reason


def check(rows: list[MapRow], *, by: User, progress: Callable[[int, int], None] | None = None) -> Outcome:
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
            _create_units(rows, units, by=by, lines=outcome.lines)
            _run(rows, units, by=by, lines=outcome.lines, progress=progress)
        except _RowError as exc:
            outcome.problems.append(_problem(exc.row, exc.reason))
        transaction.set_rollback(True)
    return outcome


class Refused(ValidationError):
    """The table does not apply (any more): its problems, row by row."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__([str(p) for p in problems])
        self.problems = problems


def _read_and_check(
    *, by: User, upload: Any, file_name: str, progress: Callable[[int, int], None] | None = None
) -> Outcome:
    try:
        outcome = read_mapping(upload, name=file_name)
    except ValidationError as exc:
        outcome = Outcome(problems=[ImportProblem(" ".join(exc.messages))])
    if outcome.ok:
        outcome = check(outcome.rows, by=by, progress=progress)
    return outcome


def _keep_check(record: Restructuring, outcome: Outcome, *, by: User) -> Restructuring:
    record.status = Restructuring.Status.PLANNED if outcome.ok else Restructuring.Status.REFUSED
    record.rows = [r.as_dict() for r in outcome.rows]
    record.plan = outcome.lines
    record.problems = [p.as_dict() for p in outcome.problems[:1000]]
    record.save()
    log_action(
        "unit.restructuring.checked",
        actor=by,
        obj=record,
        after={"file": record.file_name, "rows": len(outcome.rows), "problems": len(outcome.problems)},
    )
    return record


def restructuring_plan(*, by: User, upload: Any, file_name: str) -> Restructuring:
    """Read and check a mapping file at once (the demo, the bench); the Restructuring keeps the rows and
    the plan (or the problems). Pages and the API check it as a job: `restructuring_upload`."""
    outcome = _read_and_check(by=by, upload=upload, file_name=file_name)
    return _keep_check(Restructuring(created_by=by, file_name=file_name[:255]), outcome, by=by)


def restructuring_upload(*, by: User, upload: Any, file_name: str) -> Restructuring:
    """Keep the file and check it as a background job (`KIND`, step "check"): the Restructuring is
    `queued`, then `checking`, then `planned` or `refused`. A file too big, empty or of another kind
    is refused here (ValidationError), and nothing is kept."""
    data, kind = open_upload(upload, (XLSX, CSV), name=file_name)
    suffix = ".csv" if kind == CSV else ".xlsx"
    with transaction.atomic():
        record = Restructuring.objects.create(
            created_by=by, file_name=file_name[:255], status=Restructuring.Status.QUEUED
        )
        job = enqueue(
            KIND,
            by=by,
            input_file=ContentFile(data, name=f"restructuring-{record.pk}{suffix}"),
            step="check",
            restructuring=record.pk,
            file_name=file_name[:255],
            language=get_language() or "vi",
        )
        Restructuring.objects.filter(pk=record.pk).update(check_job=job)
    record.refresh_from_db()
    return record


# What Apply may start from: a checked table, or an apply that failed (and wrote nothing).
APPLICABLE = (Restructuring.Status.PLANNED, Restructuring.Status.FAILED)


def _refusal(record: Restructuring) -> str:
    if record.status == Restructuring.Status.APPLIED:
        return _("This restructuring was already applied, on %(at)s.") % {
            "at": timezone.localtime(record.applied_at).strftime("%d/%m/%Y %H:%M") if record.applied_at else ""
        }
    if record.status == Restructuring.Status.APPLYING:
        return _("This restructuring is already being applied.")
    return _("This restructuring is not waiting to be applied.")


def restructuring_apply_start(*, by: User, restructuring: Restructuring) -> Restructuring:
    """Apply a planned table as a background job (step "apply"): the Restructuring turns `applying` at
    once, under a lock, so that a second Apply, even at the same moment, is refused. A failed apply may
    be tried again (all or nothing: nothing of it was written; the table is checked again)."""
    with transaction.atomic():
        record = Restructuring.objects.select_for_update().get(pk=restructuring.pk)
        if record.current_status not in APPLICABLE or not record.rows:
            raise ValidationError(_refusal(record), code="not_planned")
        record.status, record.problems = Restructuring.Status.APPLYING, []
        record.save(update_fields=["status", "problems"])
        job = enqueue(KIND, by=by, step="apply", restructuring=record.pk, language=get_language() or "vi")
        Restructuring.objects.filter(pk=record.pk).update(apply_job=job)
    record.refresh_from_db()
    return record


@transaction.atomic
def _apply(pk: int, *, by: User, expect: str, progress: Callable[[int, int], None] | None = None) -> Restructuring:
    record = Restructuring.objects.select_for_update().get(pk=pk)
    if record.status != expect:
        raise ValidationError(_refusal(record), code="not_planned")
    rows = [MapRow.from_dict(r) for r in record.rows]
    problems, units = check_table(rows, by=by)
    if problems:
        raise Refused(problems)
    lines: list[str] = []
    with audit_batch(record.audit_key):
        try:
            _create_units(rows, units, by=by, lines=lines)
            _run(rows, units, by=by, lines=lines, progress=progress)
        except _RowError as exc:
            raise Refused([_problem(exc.row, exc.reason)]) from exc
        record.status = Restructuring.Status.APPLIED
        record.applied_by, record.applied_at, record.plan, record.problems = by, timezone.now(), lines, []
        log_action(
            "unit.restructuring.applied",
            actor=by,
            obj=record,
            after={"file": record.file_name, "rows": len(rows)},
            note=_("Restructuring #%(id)s") % {"id": record.pk},
        )
    record.save()
    return record


def restructuring_apply(*, by: User, restructuring: Restructuring) -> Restructuring:
    """Apply a checked table at once, all or nothing (the demo, the bench): checked again (the tree may
    have changed since), then run through the services; its audit entries carry its batch key."""
    return _apply(restructuring.pk, by=by, expect=Restructuring.Status.PLANNED)


def restructuring_entries(restructuring: Restructuring) -> Any:
    """The audit entries written by an applied restructuring, in order: by their batch key, so that
    nothing else is listed, not even the same person's entries from another transaction."""
    if restructuring.pk is None:
        return AuditEntry.objects.none()
    return AuditEntry.objects.filter(batch=restructuring.audit_key).order_by("pk")


# --- The background job -----------------------------------------------------------------------


@register(KIND)
def run_restructuring_job(
    job: Job, *, step: str, restructuring: int, file_name: str = "", language: str = "vi"
) -> dict[str, Any]:
    """Check (step "check") or apply (step "apply") one Restructuring; safe to run again after a crash:
    the check writes only its outcome, the apply is all or nothing and a run after its commit finds it
    applied."""
    with translation.override(language):
        record = Restructuring.objects.select_related("created_by").get(pk=restructuring)
        by = record.created_by
        if by is None:
            raise ValidationError(_("The person who uploaded this table no longer exists."))
        if step == "check":
            if record.status not in (Restructuring.Status.QUEUED, Restructuring.Status.CHECKING):
                return {"restructuring": record.pk, "status": record.status}  # an earlier run checked it
            Restructuring.objects.filter(pk=record.pk).update(status=Restructuring.Status.CHECKING)
            job.report(0, len(record.rows) or 0, _("Reading the file…"), force=True)
            with job.input_file.open("rb") as handle:
                data = handle.read()
            outcome = _read_and_check(
                by=by, upload=data, file_name=file_name, progress=work_progress(job, _("Checking the rows…"))
            )
            record = _keep_check(record, outcome, by=by)
            job.report(len(record.rows), len(record.rows), "", force=True)  # the dry run's were rolled back
            return {"restructuring": record.pk, "status": record.status, "problems": len(record.problems)}
        if record.status == Restructuring.Status.APPLIED:
            return {"restructuring": record.pk, "status": record.status}  # an earlier run applied it
        job.report(0, len(record.rows), _("Applying the table…"), force=True)
        try:
            record = _apply(
                record.pk,
                by=by,
                expect=Restructuring.Status.APPLYING,
                progress=work_progress(job, _("Applying the table…")),
            )
        except Refused as exc:
            Restructuring.objects.filter(pk=record.pk, status=Restructuring.Status.APPLYING).update(
                status=Restructuring.Status.FAILED, problems=[p.as_dict() for p in exc.problems[:1000]]
            )
            raise
        return {"restructuring": record.pk, "status": record.status, "rows": len(record.rows)}


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
