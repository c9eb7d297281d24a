"""What the unit import works out from a province's own list: parents written another way, the kind
a list without a kind column leaves out, and new units that may be ones Loa already has.

Each step runs only for the rows that need it (a parent not found as written, a row without a kind,
a new unit under an existing parent), with a few batched queries: a list in Loa's own template
goes through none of it.
"""

import difflib
import re
from collections import Counter

from django.db.models import Count
from django.utils.translation import gettext as _

from loa.core.text import fold
from loa.imports.problems import ImportProblem
from loa.units.kinds import CHILD_KINDS
from loa.units.models import Unit, UnitKind

BATCH = 2000
MAX_SUGGESTED = 50  # rows given a "did you mean" (each compares against every unit)
_CODE_JUNK = re.compile(r"[\s\-_./]")


def code_key(code):
    """'CĐ-VC' and 'cd vc' -> 'cdvc': codes compared without accents, case, spaces or dashes."""
    return _CODE_JUNK.sub("", fold(code))


def name_key(name):
    return fold(name)


class ParentFinder:
    """Finds the unit a parent cell means when it is not a code as written: the same code folded,
    else a unit of that exact (folded) name. Loads every unit's code and name once, on first use."""

    def __init__(self, in_file, existing):
        self.in_file, self.existing = in_file, existing
        self._codes = self._names = None
        self._suggested = 0

    def _load(self):
        codes, names = {}, {}
        pairs = list(Unit.objects.values_list("code", "name").iterator(chunk_size=5000))
        pairs += [(code, row.get("name", "")) for code, row in self.in_file.items()]
        self.names_by_code = dict(pairs)
        for code, name in pairs:
            codes.setdefault(code_key(code), set()).add(code)
            names.setdefault(name_key(name), set()).add(code)
        self._codes, self._names = codes, names

    def find(self, written):
        """(code, None) when found; (None, reason) otherwise."""
        if self._codes is None:
            self._load()
        for index in (self._codes.get(code_key(written)), self._names.get(name_key(written))):
            if index and len(index) == 1:
                return next(iter(index)), None
            if index:
                units = ", ".join(self.describe(c) for c in sorted(index)[:5])
                return None, _("“%(parent)s” may be any of %(units)s: write the parent's code.") % {
                    "parent": written,
                    "units": units,
                }
        reason = _("no unit has the code “%(code)s”, neither in the file nor in Loa.") % {"code": written}
        guess = self.suggest(written)
        if guess:
            reason += " " + _("Did you mean %(unit)s?") % {"unit": self.describe(guess)}
        return None, reason

    def describe(self, code):
        return _("“%(name)s” (code %(code)s)") % {"name": self.names_by_code.get(code, ""), "code": code}

    def suggest(self, written):
        if self._suggested >= MAX_SUGGESTED:
            return None
        self._suggested += 1
        for index, key in ((self._codes, code_key(written)), (self._names, name_key(written))):
            close = difflib.get_close_matches(key, index.keys(), n=1, cutoff=0.7)
            if close:
                return min(index[close[0]])
        return None


def resolve_parents(in_file, existing, errors, column):
    """Rewrite each parent cell that is not a code as written into the code it means; a problem for
    those that mean no unit, or several."""
    finder = None
    for code, row in in_file.items():
        parent = row.get("parent_code", "")
        if not parent or parent in in_file or parent in existing:
            continue
        finder = finder or ParentFinder(in_file, existing)
        found, reason = finder.find(parent)
        if found is None:
            errors.append(ImportProblem(reason, row=row["row"], column=column))
            row["ok"] = False
        elif found != code:
            row["parent_code"] = found


def _kinds_of(ids):
    kinds = {}
    for i in range(0, len(ids), BATCH):
        kinds.update(Unit.objects.filter(pk__in=ids[i : i + BATCH]).values_list("id", "kind_id"))
    return kinds


def _usual_child_kinds(parent_ids):
    """{parent id: the most common kind among its children}: one grouped query per batch."""
    counts = {}
    for i in range(0, len(parent_ids), BATCH):
        rows = (
            Unit.objects.filter(parent_id__in=parent_ids[i : i + BATCH])
            .values_list("parent_id", "kind_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        for parent_id, kind_id, n in rows:
            counts.setdefault(parent_id, Counter())[kind_id] = n
    return {parent_id: counter.most_common(1)[0][0] for parent_id, counter in counts.items()}


def infer_kinds(in_file, existing, errors, column):
    """Give each row without a kind one: an existing unit keeps its own; a new unit takes the usual
    kind of its parent's children, else the standard child kind of its parent's kind
    (loa.units.kinds.CHILD_KINDS). Returns the number of new units given a kind so."""
    without = [row for row in in_file.values() if row.get("kind_id") is None]
    if not without:
        return 0
    current = _kinds_of([existing[row["code"]].id for row in without if row["code"] in existing])
    parents = list({existing[p].id for row in without if (p := row.get("parent_code", "")) in existing})
    usual = _usual_child_kinds(parents)
    parent_kinds = _kinds_of(parents)
    standard = dict(UnitKind.objects.values_list("code", "id"))
    child_of = {standard[p]: standard[c] for p, c in CHILD_KINDS.items() if p in standard and c in standard}
    inferred, walking = 0, set()

    def kind_of(code):
        """The kind the unit of this code will have (None if unknown)."""
        row = in_file.get(code)
        if row is None:
            unit = existing.get(code)
            return parent_kinds.get(unit.id) if unit else None
        if row.get("kind_id") is None and code not in walking:
            walking.add(code)  # a loop of parents (reported elsewhere) must not recurse for ever
            row["kind_id"] = guess(row)
        return row.get("kind_id")

    def guess(row):
        if row["code"] in existing:
            return current.get(existing[row["code"]].id)
        parent = row.get("parent_code", "")
        unit = existing.get(parent)
        if unit is not None and unit.id in usual:
            return usual[unit.id]
        return child_of.get(kind_of(parent)) if parent else None

    for row in without:
        kind_id = kind_of(row["code"])
        if kind_id is None and row.get("ok", True):  # a row whose parent is wrong says that instead
            errors.append(
                ImportProblem(
                    _(
                        "the unit kind is required: the file has none for this unit and its parent gives "
                        "no hint; choose a default kind for the file."
                    ),
                    row=row["row"],
                    column=column,
                )
            )
            row["ok"] = False
        elif row["code"] not in existing:
            inferred += 1
    return inferred


def same_names(in_file, existing, id_to_code):
    """New units named (folded) as an existing unit under the same existing parent: [{row, code, name,
    parent, existing: {id, code, name}}]. An existing unit that the file lists under its own code is
    not a candidate: the file says they are two."""
    new = [row for code, row in in_file.items() if code not in existing and row.get("parent_code", "") in existing]
    if not new:
        return []
    parents = list({existing[row["parent_code"]].id for row in new})
    siblings = {}
    for i in range(0, len(parents), BATCH):
        for pk, code, name, parent_id in Unit.objects.filter(parent_id__in=parents[i : i + BATCH]).values_list(
            "id", "code", "name", "parent_id"
        ):
            if code not in in_file:
                siblings.setdefault((parent_id, name_key(name)), []).append({"id": pk, "code": code, "name": name})
    found = []
    for row in new:
        for unit in siblings.get((existing[row["parent_code"]].id, name_key(row.get("name", ""))), ()):
            found.append(
                {
                    "row": row["row"],
                    "code": row["code"],
                    "name": row.get("name", ""),
                    "parent": row["parent_code"],
                    "existing": unit,
                }
            )
    return found


def apply_same_unit_choices(candidates, choices, in_file, existing, id_to_code, errors, column):
    """Carry out the choices made on the dry run's candidates ({code: existing unit id, or 0 for "a
    different unit"}): a unit said to be the same takes the file's code (returned as [(id, old code,
    new code)], written by the caller) and is updated from the row. A candidate without a choice is a
    problem: Loa does not guess whether two units of one name under one parent are one."""
    renames, by_code = [], {}
    for candidate in candidates:
        by_code.setdefault(candidate["code"], []).append(candidate)
    for code, group in by_code.items():
        choice = choices.get(code)
        chosen = next((c["existing"] for c in group if c["existing"]["id"] == choice), None)
        if choice is None or (choice and chosen is None):
            first = group[0]
            unit = _("“%(name)s” (code %(code)s)") % {
                "name": first["existing"]["name"],
                "code": first["existing"]["code"],
            }
            errors.append(
                ImportProblem(
                    _(
                        "“%(name)s” is also the name of %(unit)s under the same parent: choose whether it is the same unit or "
                        "a different one."
                    )
                    % {"name": first["name"], "unit": unit},
                    row=first["row"],
                    column=column,
                )
            )
            in_file[code]["ok"] = False
        elif chosen is not None and chosen["code"] in existing:
            existing[code] = existing.pop(chosen["code"])
            id_to_code[chosen["id"]] = code
            renames.append((chosen["id"], chosen["code"], code))
    return renames
