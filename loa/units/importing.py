"""Import units from an xlsx or csv file: check everything first, then write all or nothing.

The file is read in the sandbox (loa/core/readers.py: python-calamine or the csv module in a child
process, rows streamed to the worker a chunk at a time), each row checked in Python
against dicts loaded with a handful of queries, and written with bulk_create / bulk_update.
Paths, depths and the sort/search keys are computed in memory, so the number of queries does
not grow with the number of rows (apart from batches). A row that exists (same code) is
updated, and moved when its parent code changed.
"""

import datetime
import json
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.audit.log import search_text as audit_search_text
from loa.audit.models import AuditEntry
from loa.core.emails import EmailCheck
from loa.core.filekinds import CSV, XLSX
from loa.core.phones import normalize_phone
from loa.core.text import fold
from loa.imports import cells, sheets
from loa.imports.cells import CellError
from loa.imports.columns import Column, Columns, header_problems
from loa.imports.mappings import remembered_mappings
from loa.imports.problems import ImportProblem
from loa.jobs.registry import register
from loa.units import import_matching as matching
from loa.units import managers, path_copies, placements, search
from loa.units.models import Unit, UnitKind
from loa.units.signals import units_renamed
from loa.units.unit_updates import DATA_FIELDS, UnitUpdates, UpdatedUnit, copy_rows

# The columns: the template's title first, then the titles provinces write in their own lists.
COLUMNS = Columns(
    "units",
    [
        Column("code", "Mã đơn vị", ("Mã", "Mã CĐCS", "Mã số", "Mã công đoàn cơ sở"), required=True),
        Column("name", "Tên đơn vị", ("Tên", "Tên công đoàn cơ sở", "Tên CĐCS", "Tên công đoàn"), required=True),
        Column("short_name", "Tên viết tắt", ("Tên VT",)),
        Column("kind", "Loại", ("Loại đơn vị", "Cấp", "Loại hình")),
        Column(
            "parent_code",
            "Mã đơn vị cấp trên",
            (
                "Đơn vị cấp trên",
                "Công đoàn cấp trên",
                "Cấp trên",
                "Mã cấp trên",
                "Trực thuộc",
                "Công đoàn cấp trên trực tiếp",
            ),
            required=True,
        ),
        Column("members_count", "Số đoàn viên", ("Đoàn viên", "Tổng số đoàn viên")),
        Column("staff_count", "Số CCVCLĐ", ("Số công chức viên chức lao động", "Số CNVCLĐ", "Số lao động")),
        Column("address", "Địa chỉ"),
        Column("contact_name", "Người liên hệ", ("Chủ tịch", "Họ tên chủ tịch")),
        Column("phone", "Điện thoại", ("Số điện thoại", "ĐT", "SĐT")),
        Column("email", "Email", ("Thư điện tử", "E-mail")),
        Column("active_from", "Hoạt động từ", ("Ngày thành lập",)),
        Column("active_to", "Hoạt động đến", ("Ngày giải thể",)),
    ],
)
LABELS = {c.name: c.label for c in COLUMNS.columns}
MAX_LENGTHS = {"code": 40, "name": 255, "short_name": 120, "address": 255, "contact_name": 120, "email": 254}
MAX_STORED_ERRORS = 1000
MAX_SHOWN_DUPLICATES = 500
BATCH = 2000
COPY_UPDATES_FROM = 2000  # on PostgreSQL, this many updated units go through COPY and UPDATE … FROM
UPDATE_SLICE = 10_000  # updated units (and their audit entries) held at once before they are written

MAX_ROWS = 250_000  # the whole country has about 130,000 units


@dataclass
class Outcome:
    rows: int = 0
    errors: list = field(default_factory=list)
    created: int = 0
    updated: int = 0
    moved: int = 0
    unchanged: int = 0
    committed: bool = False
    common_unit_id: int | None = None
    sheet: str = ""
    header_row: int = 1
    titles: list = field(default_factory=list)  # the header's titles, by column
    mapping: dict = field(default_factory=dict)  # {column index: field}
    unknown: list = field(default_factory=list)  # titles of columns read past
    needs_mapping: bool = False  # a required column was not recognised: nothing else was checked
    kind_column: bool = False
    inferred_kinds: int = 0  # rows whose kind was taken from their parent
    duplicates: list = field(default_factory=list)  # new units named as an existing one under the same parent

    def as_dict(self):
        return {
            "rows": self.rows,
            "error_count": len(self.errors),
            "errors": [e.as_dict() for e in self.errors[:MAX_STORED_ERRORS]],
            "created": self.created,
            "updated": self.updated,
            "moved": self.moved,
            "unchanged": self.unchanged,
            "committed": self.committed,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "titles": self.titles,
            "columns": [
                (index, title, self.mapping.get(index, "")) for index, title in enumerate(self.titles) if title
            ],
            "unknown": self.unknown,
            "needs_mapping": self.needs_mapping,
            "kind_column": self.kind_column,
            "inferred_kinds": self.inferred_kinds,
            "duplicates": self.duplicates[:MAX_SHOWN_DUPLICATES],
            "duplicate_count": len(self.duplicates),
        }


def _problem(row, column, message):
    return ImportProblem(message, row=row, column=column)


# --- Reading the file ------------------------------------------------------------------------


def _fail(message):
    raise ValidationError(message, code="bad_file")


def open_sheet(upload, *, name=None, remembered=None, chosen=None):
    """The unit file (xlsx or csv, a file or bytes) read in the sandbox, its header found: an imports Sheet."""
    return sheets.open_sheet(
        upload, COLUMNS, max_rows=MAX_ROWS, kinds=(XLSX, CSV), name=name, remembered=remembered, chosen=chosen
    )


# --- Checking values -------------------------------------------------------------------------


_TEXT_FIELDS = ("code", "name", "short_name", "parent_code", "address", "contact_name")


class _Row:
    """The clean values of one file row. Slots rather than a dict: 130,000 rows take a third of the memory.

    Reads like a dict (row["name"], row.get("phone"), "phone" in row): a field whose column is not in
    the file, or whose value was refused, is absent.
    """

    __slots__ = (
        "active_from",
        "active_to",
        "address",
        "code",
        "contact_name",
        "duplicate",
        "email",
        "kind_id",
        "members_count",
        "name",
        "ok",
        "parent_code",
        "phone",
        "row",
        "short_name",
        "staff_count",
    )

    def __init__(self, number):
        self.row = number

    def get(self, name, default=None):
        return getattr(self, name, default)

    def __getitem__(self, name):
        try:
            return getattr(self, name)
        except AttributeError:
            raise KeyError(name) from None

    def __setitem__(self, name, value):
        setattr(self, name, value)

    def __contains__(self, name):
        return hasattr(self, name)


def _cell_text(row, index, width):
    """cells.text, with the common case first: the reader's text is already free of control characters."""
    value = row[index] if index < width else ""
    return value.strip() if type(value) is str else cells.text(value)


class _Checker:
    """Turns one file row into a _Row of clean values, collecting ImportProblems.

    The columns' positions are looked up once, not per row, and the common cell types (text, whole
    numbers as floats, dates) are taken before the general conversions: 130,000 rows go through here.
    """

    def __init__(self, mapping, kinds, *, labels, default_kind=None):
        columns = {name: index for index, name in mapping.items()}
        self.labels = labels
        self.default_kind = default_kind
        self.texts = [(name, columns[name], MAX_LENGTHS.get(name)) for name in _TEXT_FIELDS if name in columns]
        self.counts = [(name, columns[name]) for name in ("members_count", "staff_count") if name in columns]
        self.dates = [(name, columns[name]) for name in ("active_from", "active_to") if name in columns]
        self.kind_index, self.phone_index, self.email_index = (columns.get(n) for n in ("kind", "phone", "email"))
        self.kinds = kinds
        self.kind_ids = {}  # the cell's text -> kind id (or None)
        self.bad_phones = {}  # a cell's text -> its ValidationError: the same wrong text often fills a column
        self.email_check = EmailCheck()
        self.errors = []
        self.kind_names = ""

    def error(self, row, name, message):
        self.errors.append(_problem(row, self.labels.get(name, ""), message))

    def check(self, number, row):
        width = len(row)
        clean = _Row(number)
        ok = True
        for name, index, limit in self.texts:
            value = row[index] if index < width else ""
            text = value.strip() if type(value) is str else cells.text(value)
            if limit and len(text) > limit:
                self.error(
                    number, name, _("at most %(n)s characters (this has %(len)s).") % {"n": limit, "len": len(text)}
                )
                ok = False
            setattr(clean, name, text)
        if not getattr(clean, "code", ""):
            self.error(number, "code", _("the unit code is required."))
            ok = False
        if not getattr(clean, "name", ""):
            self.error(number, "name", _("the unit name is required."))
            ok = False
        index = self.kind_index
        kind_text = _cell_text(row, index, width) if index is not None else ""
        kind_id = self.kind_ids.get(kind_text, False)
        if kind_id is False:
            kind_id = self.kind_ids[kind_text] = self.kinds.get(fold(kind_text))
        if kind_id is None and kind_text:
            self.error(
                number,
                "kind",
                _("unknown unit kind “%(kind)s”; use one of: %(kinds)s.")
                % {"kind": kind_text, "kinds": self.kind_names},
            )
            ok = False
        # No kind written: the one chosen for the file, else the parent's usual kind of child (see _plan).
        clean.kind_id = kind_id or self.default_kind
        for name, index in self.counts:
            value = row[index] if index < width else ""
            try:
                count = value if type(value) is int and 0 <= value <= cells.LARGEST else cells.whole_number(value)
            except CellError as exc:
                self.error(number, name, exc.reason)
                ok = False
                continue
            setattr(clean, name, count)
        index = self.phone_index
        if index is not None:
            ok = self._check_phone(clean, _cell_text(row, index, width)) and ok
        index = self.email_index
        if index is not None:
            email = _cell_text(row, index, width)
            if email and not (len(email) <= 254 and self.email_check.is_valid(email)):
                self.error(number, "email", _("“%(value)s” is not a valid e-mail address.") % {"value": email})
                ok = False
            clean.email = email
        for name, index in self.dates:
            value = row[index] if index < width else ""
            try:
                setattr(clean, name, value if type(value) is datetime.date else cells.day(value))
            except CellError as exc:
                self.error(number, name, exc.reason)
                ok = False
        start, end = getattr(clean, "active_from", None), getattr(clean, "active_to", None)
        if start and end and end < start:
            self.error(number, "active_to", _("the end date is before the start date."))
            ok = False
        clean.ok = ok
        return clean

    def _check_phone(self, clean, raw):
        if raw and len(raw) < 11 and raw.isdigit() and not raw.startswith("0"):
            raw = "0" + raw  # Excel drops the leading zero of numbers typed as numbers
        problem = self.bad_phones.get(raw)
        if problem is None:
            try:
                clean.phone = normalize_phone(raw)
                return True
            except ValidationError as exc:
                problem = self.bad_phones[raw] = exc
        self.error(clean.row, "phone", problem.messages[0])
        return False


def _kind_lookup():
    lookup, names = {}, []
    for kind_id, code, name in UnitKind.objects.values_list("id", "code", "name"):
        lookup[fold(code)] = kind_id
        lookup.setdefault(fold(name), kind_id)
        names.append(f"{code} ({name})")
    return lookup, ", ".join(names)


# --- Planning: the tree as it will be -------------------------------------------------------


@dataclass(slots=True)
class _Existing:
    id: int
    parent_id: int | None
    path: str


def _manages(paths):
    if "/" in paths:
        return lambda path: True
    prefixes = tuple(paths)
    return lambda path: bool(prefixes) and path.startswith(prefixes)


def _load_existing():
    by_code, by_id = {}, {}
    for pk, code, parent_id, path in Unit.objects.values_list("id", "code", "parent_id", "path").iterator(
        chunk_size=5000
    ):
        unit = _Existing(pk, parent_id, path)
        by_code[code] = unit
        by_id[pk] = code
    return by_code, by_id


def _plan(rows, checker_errors, user, report, labels, outcome, choices=None):
    """Check the tree as a whole: duplicates, parents, kinds, units that may be the same, cycles, scope.
    -> (errors, in_file, existing, id_to_code, renames). `choices`: the commit's choices on the dry run's
    candidates of the same unit ({code: existing id or 0}); None in a dry run, which lists them."""
    errors = list(checker_errors)

    def refuse(row, field, message):
        """The row is not imported: `message`, about its column `field`."""
        errors.append(_problem(row["row"], labels[field], message))
        row["ok"] = False

    existing, id_to_code = _load_existing()
    in_file = {}
    for row in rows:
        code = row.get("code")
        if not code:
            continue
        first = in_file.get(code)
        if first is not None:
            refuse(
                row,
                "code",
                _("the code “%(code)s” is already used on row %(first)s.") % {"code": code, "first": first["row"]},
            )
            row["duplicate"] = True
            continue
        in_file[code] = row
    report(_("Checking parents and the tree…"))

    def final_parent(code):
        row = in_file.get(code)
        if row is not None:
            parent = row.get("parent_code", "")
            return parent if parent in in_file or parent in existing else ""
        unit = existing.get(code)
        return id_to_code.get(unit.parent_id, "") if unit and unit.parent_id else ""

    matching.resolve_parents(in_file, existing, errors, labels["parent_code"])
    candidates = matching.same_names(in_file, existing, id_to_code)
    renames = []
    if choices is None:
        outcome.duplicates = candidates
    else:
        renames = matching.apply_same_unit_choices(
            candidates, choices, in_file, existing, id_to_code, errors, labels["name"]
        )
    outcome.inferred_kinds = matching.infer_kinds(in_file, existing, errors, labels.get("kind", labels["code"]))
    # Cycles: walk up from each row; a walk that meets itself is a loop.
    state = {}
    for start in in_file:
        chain, code = [], start
        while code and state.get(code) is None:
            state[code] = "walking"
            chain.append(code)
            code = final_parent(code)
        if code and state.get(code) == "walking":
            loop = chain[chain.index(code) :]
            names = " → ".join([*loop, code])
            for member in loop:
                row = in_file.get(member)
                if row is not None:
                    refuse(row, "parent_code", _("the parents form a loop: %(loop)s.") % {"loop": names})
        for member in chain:
            state[member] = "done"
    # Scope: the user must manage every unit they change and every parent they place a unit under.
    manages = _manages(managers.managed_paths(user))
    for code, row in in_file.items():
        unit = existing.get(code)
        if unit is not None and not manages(unit.path):
            refuse(
                row, "code", _("a unit with the code “%(code)s” exists outside the units you manage.") % {"code": code}
            )
            continue
        parent = row.get("parent_code", "")
        current_parent = id_to_code.get(unit.parent_id, "") if unit and unit.parent_id else ""
        if unit is not None and parent == current_parent:
            continue
        if not parent:
            if not manages("/"):
                refuse(
                    row,
                    "parent_code",
                    _("the parent unit code is required: you may only add units under units you manage."),
                )
        elif parent in existing and not manages(existing[parent].path):
            refuse(
                row,
                "parent_code",
                _("you do not manage the unit “%(code)s”, so you cannot place units under it.") % {"code": parent},
            )
    errors.sort(key=lambda e: (e.row or 0, e.column))
    return errors, in_file, existing, id_to_code, renames


# --- Writing ---------------------------------------------------------------------------------


def _allocate_ids(count):
    """Ids for new units, taken before the insert so that paths are written in the same INSERT."""
    if not count:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [Unit._meta.db_table, count],
            )
            return [r[0] for r in cursor.fetchall()]
        if connection.vendor == "sqlite":
            # The write lock is held for the whole transaction (IMMEDIATE), so nobody takes these ids meanwhile.
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {Unit._meta.db_table}")
            top = cursor.fetchone()[0]
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [Unit._meta.db_table])
            row = cursor.fetchone()
            top = max(top, row[0] if row else 0)
            return list(range(top + 1, top + 1 + count))
    return [None] * count


def _current_values(in_file, existing, fields):
    """Tuples of `fields` for the units of the file that exist: all units in one streamed query when the
    file holds most of them, else in batches of codes."""
    codes = [c for c in in_file if c in existing]
    if len(codes) > len(existing) // 2:
        for values in Unit.objects.values_list(*fields).iterator(chunk_size=5000):
            if values[1] in in_file:
                yield values
        return
    for i in range(0, len(codes), BATCH):
        yield from Unit.objects.filter(code__in=codes[i : i + BATCH]).values_list(*fields)


def _snapshot(values, kind_names, parent_name):
    snap = {}
    for name in ("code", "name", "short_name"):
        snap[name] = values.get(name, "")
    snap["kind"] = kind_names.get(values.get("kind_id"))
    snap["parent"] = parent_name
    for name in ("members_count", "staff_count", "address", "contact_name", "phone", "email"):
        snap[name] = values.get(name)
    for name in ("active_from", "active_to"):
        value = values.get(name)
        snap[name] = value.isoformat() if value else None
    return snap


def _write(in_file, existing, id_to_code, user, outcome, report, note, *, dry=False):
    """Compute every change; unless dry, write them. Returns the id of the unit above them all."""
    now = timezone.now()
    kind_names = dict(UnitKind.objects.values_list("id", "name"))
    new_codes = [code for code in in_file if code not in existing]
    ids = [] if dry else _allocate_ids(len(new_codes))
    fallback = None in ids
    fast = connection.vendor == "postgresql" and not fallback and not dry
    code_to_id = {code: unit.id for code, unit in existing.items()}
    if not fallback:
        code_to_id.update(zip(new_codes, ids))

    fields = ("id", "code", "parent_id", "path", "depth", *DATA_FIELDS)
    data_fields = _file_fields(in_file)
    current, update_fields = _changed_units(in_file, existing, code_to_id, fields, data_fields)
    parent_of = {unit.id: unit.parent_id for unit in existing.values()}
    if not fallback and not dry:
        _place_file_rows(in_file, code_to_id, parent_of)
    paths = {}
    path_of = _path_finder(parent_of, paths)
    parent_name = _parent_namer(in_file, current, code_to_id, id_to_code)

    creates = []
    if not (dry or fast):
        creates = _new_units(new_codes, in_file, code_to_id, data_fields, None if fallback else path_of, now)
    outcome.created = len(new_codes)
    outcome.unchanged = sum(1 for code in in_file if code in existing and code not in current)
    if dry:
        for _unit, _before, changed, moved in _updated_units(in_file, current, fields, data_fields, code_to_id, now):
            outcome.updated += bool(changed)
            outcome.moved += moved
        return None

    report(_("Writing %(n)s new units…") % {"n": len(new_codes)})
    if fast:
        copy_rows(Unit, UNIT_COLUMNS, _new_unit_rows(new_codes, in_file, code_to_id, path_of, now))
        copy_rows(
            AuditEntry,
            AUDIT_COLUMNS,
            _created_audit_rows(new_codes, in_file, code_to_id, paths, user, kind_names, parent_name, note, now),
        )
    else:
        Unit.objects.bulk_create(creates, batch_size=BATCH)
    if fallback:
        _place_inserted_units(creates, in_file, code_to_id, parent_of, path_of)

    if current:
        report(_("Updating %(n)s units…") % {"n": len(current)})
    audit = _AuditContext(user, note, now, kind_names, parent_name)
    moves = list(_moves(in_file, current, code_to_id, path_of))  # before _update_units lets `current` go
    updated_ids, updated_paths = _update_units(
        in_file, current, fields, data_fields, update_fields, code_to_id, id_to_code, path_of, audit, outcome
    )
    if outcome.moved:
        _move_descendants(existing, updated_ids, path_of)
        # The copies of the paths and the areas' rollups follow, as after unit_move.
        path_copies.follow_moves(moves)
    if new_codes or outcome.moved:
        # Where the new and the moved units stand from today: a few statements over the whole tree.
        placements.follow_tree(timezone.localdate())

    report(_("Writing the audit log…"))
    if not fast:
        _audit_created_units(creates, in_file, audit)
    # The summary entry belongs to the deepest unit above everything imported.
    all_paths = [paths[code_to_id[c]] for c in new_codes] if fast else [u.path for u in creates]
    all_paths += updated_paths
    common = _common_unit(all_paths) or _common_unit([existing[c].path for c in in_file if c in existing])
    outcome.common_unit_id = common
    return common


@dataclass(slots=True)
class _AuditContext:
    """What every audit entry of one import shares."""

    user: object
    note: str
    now: datetime.datetime
    kind_names: dict
    parent_name: object  # parent code -> the name the audit entries show

    def entry(self, action, unit, before, after):
        return _audit(action, self.user, unit, before, after, self.note, self.now)


def _file_fields(in_file):
    """The data fields the file has columns for (every row has them, so the first row tells)."""
    first = next(iter(in_file.values()), None)
    return [k for k in DATA_FIELDS if first is not None and k in first]


def _changed_units(in_file, existing, code_to_id, fields, data_fields):
    """The current values of the units the file changes or moves (those it leaves as they are are not
    kept), and the columns the update must write: every field the file changes on some unit."""
    current = {}
    update_fields = set()
    positions = [(k, fields.index(k)) for k in data_fields]
    for values in _current_values(in_file, existing, fields):
        row = in_file[values[1]]
        parent_code = row.get("parent_code", "")
        new_parent = code_to_id.get(parent_code) if parent_code else None
        changed = [k for k, i in positions if values[i] != getattr(row, k)]
        if new_parent != values[2] or changed:
            # A tuple (a fifth of a dict's memory) in which what the file leaves as it is points at the file's
            # equal values and the unit's path at the one already loaded, so that the database's copies can go.
            kept = list(values)
            kept[1], kept[3] = row.code, existing[row.code].path
            for k, i in positions:
                if k not in changed:
                    kept[i] = getattr(row, k)
            current[row.code] = tuple(kept)
            update_fields.update(changed)
            if new_parent != values[2]:
                update_fields.add("parent_id")
    return current, update_fields


def _place_file_rows(in_file, code_to_id, parent_of):
    """Set the final parent of every unit of the file in `parent_of` (id -> parent id)."""
    for code, row in in_file.items():
        parent = row.get("parent_code", "")
        parent_of[code_to_id[code]] = code_to_id.get(parent) if parent else None


def _path_finder(parent_of, paths):
    """path_of(id): a unit's final path, built from the root down in memory and kept in `paths`."""

    def path_of(pk):
        chain = []
        while pk is not None and pk not in paths:
            chain.append(pk)
            pk = parent_of.get(pk)
        base = paths[pk] if pk is not None else "/"
        for node in reversed(chain):
            base = f"{base}{node}/"
            paths[node] = base
        return base

    return path_of


def _parent_namer(in_file, current, code_to_id, id_to_code):
    """parent_name(code): the name of a parent (old or new) for the audit entries; the names of parents
    that are not in the file are loaded in batches, once."""
    wanted = {row.get("parent_code") for row in in_file.values()}
    wanted = {code_to_id.get(code) for code in wanted if code and code not in in_file}
    wanted |= {values[2] for values in current.values() if id_to_code.get(values[2]) not in in_file}
    wanted = [pk for pk in wanted if pk is not None]
    names_by_id = {}
    for i in range(0, len(wanted), BATCH):
        names_by_id.update(Unit.objects.filter(pk__in=wanted[i : i + BATCH]).values_list("id", "name"))

    def parent_name(parent_code):
        if not parent_code:
            return None
        row = in_file.get(parent_code)
        if row is not None:
            return row.get("name")
        return names_by_id.get(code_to_id.get(parent_code), parent_code)

    return parent_name


def _new_units(new_codes, in_file, code_to_id, data_fields, path_of, now):
    """Unit instances for bulk_create. `path_of` None: the ids are not known yet, so the paths are
    placeholders until _place_inserted_units."""
    creates = []
    for code in new_codes:
        row = in_file[code]
        data = {k: row[k] for k in data_fields}
        parent_code = row.get("parent_code", "")
        pk = code_to_id.get(code)
        unit = Unit(id=pk, code=code, parent_id=code_to_id.get(parent_code) if parent_code else None, **data)
        if path_of is not None:
            path = path_of(pk)
            unit.path, unit.depth = path, path.count("/") - 2
        else:
            unit.path = f"/pending-{code}/"
        unit.refresh_derived()
        unit.created_at = unit.updated_at = now
        creates.append(unit)
    return creates


def _place_inserted_units(creates, in_file, code_to_id, parent_of, path_of):
    """Databases without a way to reserve ids: the units were inserted first, now they are placed."""
    code_to_id.update({u.code: u.pk for u in creates})
    _place_file_rows(in_file, code_to_id, parent_of)
    for unit in creates:
        path = path_of(unit.pk)
        unit.path, unit.depth = path, path.count("/") - 2
    Unit.objects.bulk_update(creates, ["path", "depth"], batch_size=BATCH)


def _update_units(
    in_file, current, fields, data_fields, update_fields, code_to_id, id_to_code, path_of, audit, outcome
):
    """Write the units the file changes, a slice at a time: their rows and audit entries are written and let
    go. Counts them in `outcome`; returns (their ids, their new paths)."""
    columns = sorted(update_fields | {"path", "depth", "name_sort", "search_text", "updated_at"})
    columns = ["parent" if c == "parent_id" else ("kind" if c == "kind_id" else c) for c in columns]
    writer = UnitUpdates(
        columns,
        copy=connection.vendor == "postgresql" and len(current) >= COPY_UPDATES_FROM,
        batch_size=500,
        bump_version=True,
    )
    updated_ids, updated_paths, renamed = set(), [], []
    updates, entries = [], []
    for unit, before, changed, moved in _updated_units(in_file, current, fields, data_fields, code_to_id, audit.now):
        if changed:
            outcome.updated += 1
            entries.append(_update_entry(unit, before, data_fields, audit))
        if moved:
            outcome.moved += 1
            old_parent = id_to_code.get(before["parent_id"], "")
            new_parent = in_file[unit.code].get("parent_code", "")
            entries.append(
                audit.entry(
                    "unit.moved",
                    unit,
                    {"parent": audit.parent_name(old_parent)},
                    {"parent": audit.parent_name(new_parent)},
                )
            )
        path = path_of(unit.id)  # after the audit entries, which name the unit where it was
        unit.path, unit.depth = path, path.count("/") - 2
        updates.append(unit)
        updated_ids.add(unit.id)
        updated_paths.append(path)
        if "name" in changed:
            renamed.append(unit.id)
        if len(updates) == UPDATE_SLICE:
            _write_slice(writer, updates, entries)
    _write_slice(writer, updates, entries)
    writer.finish()
    if renamed:
        units_renamed.send(sender=Unit, units=[Unit(id=pk) for pk in renamed])
    return updated_ids, updated_paths


def _update_entry(unit, before, data_fields, audit):
    """The unit.updated entry: only the fields whose shown value changed."""
    old = _snapshot(before, audit.kind_names, None)
    new = _snapshot({**before, **{k: getattr(unit, k) for k in data_fields}}, audit.kind_names, None)
    keys = [k for k in old if old[k] != new[k]]
    return audit.entry("unit.updated", unit, {k: old[k] for k in keys}, {k: new[k] for k in keys})


def _moves(in_file, current, code_to_id, path_of):
    """(unit, old path, new path) of each unit the file gives another parent."""
    for code, values in current.items():
        parent_code = in_file[code].get("parent_code", "")
        if (code_to_id.get(parent_code) if parent_code else None) != values[2]:
            yield Unit(id=values[0]), values[3], path_of(values[0])


def _move_descendants(existing, updated_ids, path_of):
    """The new paths of the units the file does not name that sit below a moved unit."""
    below = []
    for unit in existing.values():
        if unit.id in updated_ids:
            continue
        path = path_of(unit.id)
        if path != unit.path:
            below.append(UpdatedUnit(id=unit.id, path=path, depth=path.count("/") - 2))
    writer = UnitUpdates(
        ["path", "depth"],
        copy=connection.vendor == "postgresql" and len(below) >= COPY_UPDATES_FROM,
        batch_size=BATCH,
    )
    writer.write(below)
    writer.finish()


def _audit_created_units(creates, in_file, audit):
    """The unit.created entries of the units inserted as model instances (PostgreSQL COPYs its own)."""
    AuditEntry.objects.bulk_create(
        [
            audit.entry(
                "unit.created",
                unit,
                None,
                _snapshot(
                    unit.__dict__ | {"code": unit.code},
                    audit.kind_names,
                    audit.parent_name(in_file[unit.code].get("parent_code")),
                ),
            )
            for unit in creates
        ],
        batch_size=BATCH,
    )


def _updated_units(in_file, current, fields, data_fields, code_to_id, now):
    """(UpdatedUnit with the file's values, the database's values as a dict, changed fields, moved?) for each
    unit of `current`, in the file's order; each entry of `current` is let go once used."""
    for code, row in in_file.items():
        values = current.pop(code, None)
        if values is None:
            continue
        before = dict(zip(fields, values))
        data = {k: row[k] for k in data_fields}
        changed = [k for k, v in data.items() if before[k] != v]
        parent_code = row.get("parent_code", "")
        new_parent = code_to_id.get(parent_code) if parent_code else None
        unit = UpdatedUnit(**{**before, **data})  # the file's values (equal or new): the database's strings can go
        unit.parent_id = new_parent
        Unit.refresh_derived(unit)
        unit.updated_at = now
        yield unit, before, changed, new_parent != before["parent_id"]


def _write_slice(writer, updates, audit):
    writer.write(updates)
    if connection.vendor == "postgresql":
        copy_rows(AuditEntry, AUDIT_COLUMNS, audit)
    else:
        AuditEntry.objects.bulk_create(audit, batch_size=BATCH)
    updates.clear()
    audit.clear()


UNIT_COLUMNS = (
    "id",
    "parent_id",
    "path",
    "depth",
    "code",
    *DATA_FIELDS,
    "name_sort",
    "search_text",
    "created_at",
    "updated_at",
)
AUDIT_COLUMNS = (
    "at",
    "actor_id",
    "action",
    "unit_id",
    "unit_path",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "note",
    "search_text",
)


def _new_unit_rows(new_codes, in_file, code_to_id, path_of, now):
    """Rows for COPY, made one at a time: no model instance per row, little memory."""
    derived = SimpleNamespace()
    for code in new_codes:
        row = in_file[code]
        pk = code_to_id[code]
        parent = getattr(row, "parent_code", "")
        path = path_of(pk)
        derived.code, derived.name, derived.short_name = code, row.name, getattr(row, "short_name", "")
        Unit.refresh_derived(derived)  # the model's own name_sort / search_text rules
        yield (
            pk,
            code_to_id.get(parent) if parent else None,
            path,
            path.count("/") - 2,
            code,
            row.name,
            derived.short_name,
            row.kind_id,
            getattr(row, "members_count", 0),
            getattr(row, "staff_count", 0),
            getattr(row, "address", ""),
            getattr(row, "contact_name", ""),
            getattr(row, "phone", ""),
            getattr(row, "email", ""),
            getattr(row, "active_from", None),
            getattr(row, "active_to", None),
            derived.name_sort,
            derived.search_text,
            now,
            now,
        )


def _created_audit_rows(new_codes, in_file, code_to_id, paths, user, kind_names, parent_name, note, now):
    actor = user.pk if getattr(user, "pk", None) else None
    for code in new_codes:
        row = in_file[code]
        pk = code_to_id[code]
        after = _snapshot(row, kind_names, parent_name(row.get("parent_code")))
        after["short_name"] = row.get("short_name", "")
        name = row["name"][:255]
        yield (
            now,
            actor,
            "unit.created",
            pk,
            paths[pk],
            "units.unit",
            str(pk),
            name,
            None,
            json.dumps(after, ensure_ascii=False),
            note,
            audit_search_text("unit.created", name, note),
        )


def _audit(action, user, unit, before, after, note, now):
    """An audit entry: on PostgreSQL the row for COPY already (a tuple is a fraction of a model instance's
    memory, for an import that changes 100,000 units), elsewhere an AuditEntry for bulk_create."""
    name = str(unit.name)[:255]
    actor = user if getattr(user, "pk", None) else None
    search_text = audit_search_text(action, name, note)
    if connection.vendor == "postgresql":
        return (
            now,
            actor.pk if actor else None,
            action,
            unit.pk,
            unit.path,
            "units.unit",
            str(unit.pk),
            name,
            None if before is None else json.dumps(before, ensure_ascii=False),
            None if after is None else json.dumps(after, ensure_ascii=False),
            note,
            search_text,
        )
    return AuditEntry(
        at=now,
        action=action,
        actor=actor,
        unit_id=unit.pk,
        unit_path=unit.path,
        object_type="units.unit",
        object_id=str(unit.pk),
        object_repr=name,
        before=before,
        after=after,
        note=note,
        search_text=search_text,
    )


def _common_unit(paths):
    if not paths:
        return None
    first = min(paths)
    last = max(paths)
    parts = []
    for a, b in zip(first.strip("/").split("/"), last.strip("/").split("/")):
        if a != b:
            break
        parts.append(a)
    return int(parts[-1]) if parts and parts[-1].isdigit() else None


# --- The one entry point ---------------------------------------------------------------------


def mapping_scope(user):
    """Where a column mapping the user chooses is remembered: their province (the one unit at the top of
    what they manage), or everyone's when they manage several trees or the whole."""
    tops = managers.managed_tops(user)
    return tops[0] if len(tops) == 1 else None


def import_units(data, *, by, commit, filename="", job=None, mapping=None, default_kind="", same_unit=None):
    """Check (and with commit=True write) a unit file. Returns an Outcome; writes nothing if any row is bad.

    `mapping`: columns chosen by hand ({title key: field}); `default_kind`: the kind (code or name) of the
    rows that give none; `same_unit`: the choices on the dry run's units of the same name
    ({code: existing unit id, or 0 for a different unit}). File-level problems (type, size, zip bomb)
    raise ValidationError; a header without a required column gives an Outcome that needs a mapping.
    """

    def report(message, done=None, total=None, force=True):
        if job is not None:
            job.report(job.progress_done if done is None else done, total, message, force=force)

    kinds, kind_names = _kind_lookup()
    default_kind_id = kinds.get(fold(default_kind)) if default_kind else None
    if default_kind and default_kind_id is None:
        _fail(_("Unknown unit kind “%(kind)s”; use one of: %(kinds)s.") % {"kind": default_kind, "kinds": kind_names})
    remembered = remembered_mappings(COLUMNS.key, unit=mapping_scope(by))
    with open_sheet(data, name=filename, remembered=remembered, chosen=mapping) as sheet:
        header = sheet.header
        outcome = Outcome(
            sheet=sheet.name,
            header_row=header.number,
            titles=header.titles,
            mapping=header.mapping,
            unknown=[title for _index, title in header.unknown],
            kind_column="kind" in header.mapping.values(),
        )
        problems = header_problems(header, COLUMNS)
        if problems:
            if commit:
                raise ValidationError(problems, code="bad_columns")
            outcome.needs_mapping = True
            outcome.errors = [ImportProblem(problem, row=header.number) for problem in problems]
            return outcome
        labels = LABELS | {name: header.titles[index] for index, name in header.mapping.items()}
        checker = _Checker(header.mapping, kinds, labels=labels, default_kind=default_kind_id)
        checker.kind_names = kind_names
        total = sheet.data_rows
        report(_("Checking rows…"), 0, total)
        rows = []
        for number, cells_ in sheet.rows():
            rows.append(checker.check(number, cells_))
            if job is not None and number % 1000 == 0:
                job.report(number - header.number, total, _("Checking rows…"))
    del data  # the raw rows are gone before the tree is built
    outcome.rows = len(rows)
    if not rows:
        _fail(_("The file has no unit rows under the header."))
    errors, in_file, existing, id_to_code, renames = _plan(
        rows, checker.errors, by, report, labels, outcome, choices=(same_unit or {}) if commit else None
    )
    outcome.errors = errors
    if errors:
        return outcome
    if not commit:
        _write(in_file, existing, id_to_code, by, outcome, report, "", dry=True)
        return outcome
    note = _("Imported from the file “%(name)s”.") % {"name": filename} if filename else ""
    with transaction.atomic():
        _take_codes(renames, by, note)
        common = _write(in_file, existing, id_to_code, by, outcome, report, note)
        from loa.audit.log import log_action

        log_action(
            "unit.imported",
            actor=by,
            unit=Unit.objects.filter(pk=common).first() if common else None,
            after={
                "file": filename,
                "rows": outcome.rows,
                "created": outcome.created,
                "updated": outcome.updated,
                "moved": outcome.moved,
                "unchanged": outcome.unchanged,
                "same_units": len(renames),
            },
            note=note,
        )
        outcome.committed = True
        if job is not None:
            # Recorded in the import's own transaction: a run that takes the job up again after its worker
            # stopped knows that the units are written, and does not import them a second time.
            job.checkpoint(outcome.as_dict())
    return outcome


def _take_codes(renames, user, note):
    """Units the dry run's chooser said are the same as a new row take the row's code (the row then
    updates them)."""
    from loa.audit.log import log_action

    units = []
    for pk, old, new in renames:
        unit = Unit.objects.select_for_update().get(pk=pk)
        unit.code = new
        unit.save(update_fields=["code", "name_sort", "search_text", "updated_at"])
        log_action("unit.code_taken", actor=user, obj=unit, before={"code": old}, after={"code": new}, note=note)
        units.append(unit)
    if units:
        units_renamed.send(sender=Unit, units=units)


@register("units.import", result_template="units/import_result.html")
def run_import_job(
    job,
    *,
    commit=False,
    filename="",
    language="vi",
    rows=0,
    mapping=None,
    default_kind="",
    same_unit=None,
    check_job=None,
):
    from django.utils import translation

    with translation.override(language):
        if commit and (job.result or {}).get("committed"):
            # An earlier run committed the import, then its worker stopped: only what follows the commit is left.
            result = dict(job.result)
        else:
            with job.input_file.open("rb") as handle:
                data = handle.read()
            outcome = import_units(
                data,
                by=job.created_by,
                commit=commit,
                filename=filename,
                job=job,
                mapping=mapping,
                default_kind=default_kind,
                same_unit={code: int(pk) for code, pk in (same_unit or {}).items()},
            )
            if outcome.common_unit_id and job.unit_id is None:
                job.unit_id = outcome.common_unit_id
                job.save(update_fields=["unit"])
            result = outcome.as_dict()
        if result.get("committed"):
            # A big import leaves its units' search words to write, after its commit.
            search.write_due_words(lambda done, total: job.report(done, total, _("Updating the search…")))
        result["filename"] = filename
        # What the result page offers to choose from: the fields a column may hold, the kinds.
        result["fields"] = COLUMNS.choices()
        result["kinds"] = list(UnitKind.objects.values_list("code", "name"))
        result["default_kind"] = default_kind
        if commit and not result.get("committed") and check_job:
            _reopen_check(check_job, job.pk)
            result["check_job"] = check_job
        return result


def _reopen_check(check_job, commit_job):
    """A commit that found problems (a same-name question left unanswered, the tree changed since the
    check) wrote nothing: its check may be committed again, with other answers."""
    from loa.jobs.models import Job

    with transaction.atomic():
        checked = Job.objects.select_for_update().filter(pk=check_job).first()
        if checked is not None and (checked.result or {}).get("commit_job") == commit_job:
            del checked.result["commit_job"]
            checked.save(update_fields=["result"])
