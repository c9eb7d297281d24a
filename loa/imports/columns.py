"""The columns an importer declares, and the header row found among a sheet's first rows.

People's sheets put a title block above the table (the union's name, the list's title, a date,
merged cells, blank rows) and write the column titles their own way. Each importer declares its
columns with the titles people use (`Column.aliases`); titles are compared by `title_key`: folded
(no accents, Đ→d, lower case) with everything but letters and digits dropped, a note in brackets
ignored. The header is the row among the first HEADER_ROWS that names the most of the importer's
columns.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from loa.core.text import fold

HEADER_ROWS = 30
SKIP = ""  # a column mapped to nothing: read past

_JUNK = re.compile(r"[^a-z0-9]")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def title_key(title):
    """'Mã đơn vị (*)' -> 'madonvi': what titles are compared by."""
    return _JUNK.sub("", fold(_BRACKETS.sub(" ", str(title or ""))))


@dataclass(frozen=True)
class Column:
    name: str  # the importer's field
    label: str  # the title in Loa's own template
    aliases: tuple = ()  # other titles people write (as they write them: folded here)
    required: bool = False


class Columns:
    """An importer's columns: `key` names the importer (remembered mappings are kept under it);
    `ignored`: titles that are never data (a row number, a note)."""

    def __init__(self, key, columns, *, ignored=("STT", "Số thứ tự", "TT", "Ghi chú")):
        self.key = key
        self.columns = tuple(columns)
        self.by_name = {c.name: c for c in self.columns}
        self.ignored = {title_key(t) for t in ignored}
        self._fields = {}
        for column in self.columns:
            for title in (column.label, *column.aliases):
                self._fields.setdefault(title_key(title), column.name)

    def label(self, name):
        column = self.by_name.get(name)
        return column.label if column else name

    def choices(self):
        """(field, label) for a select: the fields a title may be mapped to."""
        return [(c.name, c.label) for c in self.columns]

    def field_of(self, title):
        """The field a title names, SKIP for a title that is never data, None when unknown."""
        key = title_key(title)
        if not key or key in self.ignored:
            return SKIP
        return self._fields.get(key)


@dataclass
class Header:
    """The header row found: `number` as Excel numbers rows, `position` among the rows searched,
    `titles` by column index, `mapping` {column index: field}."""

    number: int
    position: int
    titles: list
    mapping: dict
    unknown: list = field(default_factory=list)  # [(column index, title)]
    missing: list = field(default_factory=list)  # required fields no column holds
    repeated: list = field(default_factory=list)  # fields two columns claim
    key: str = ""  # the titles as a mapping is remembered under

    def column_of(self, name):
        return next((index for index, field_ in self.mapping.items() if field_ == name), None)

    def titled(self, name, columns):
        """The column's title as the file writes it, else as the template does."""
        index = self.column_of(name)
        return self.titles[index] if index is not None and self.titles[index] else columns.label(name)


def titles_key(titles):
    """The header's titles as one key: what a remembered mapping is looked up by."""
    return "|".join(title_key(t) for t in titles if str(t or "").strip())[:1000]


def _title_cells(cells):
    return [str(c).strip() if c not in (None, "") else "" for c in cells]


def _read(titles, columns, chosen):
    """{index: field} for one row of titles, `chosen` ({title key: field or SKIP}) before the aliases."""
    mapping, unknown = {}, []
    for index, title in enumerate(titles):
        if not title:
            continue
        key = title_key(title)
        name = chosen.get(key) if key in chosen else columns.field_of(title)
        if name is None:
            unknown.append((index, title))
        elif name:
            mapping[index] = name
    return mapping, unknown


def find_header(rows, columns, *, remembered=None, chosen=None):
    """The Header among `rows` ([(row number, cells)], the sheet's first rows), or None if none of
    them holds two titles. `remembered`: {titles key: {title key: field}}, mappings chosen before;
    `chosen`: a mapping chosen now, for whichever row it fits.

    A row scores the number of distinct fields it names; a mapping that fits the row's titles
    (chosen now, or remembered) counts before aliases. Ties go to the upper row.
    """
    remembered = remembered or {}
    best, best_score = None, (0, 0)
    for position, (number, cells) in enumerate(rows[:HEADER_ROWS]):
        titles = _title_cells(cells)
        filled = sum(1 for t in titles if t and not t.replace(".", "").isdigit())
        if filled < 2:
            continue  # a title line, a blank or a data row of numbers
        key = titles_key(titles)
        saved = chosen if chosen and all(k in {title_key(t) for t in titles} for k in chosen) else remembered.get(key)
        mapping, _unknown = _read(titles, columns, saved or {})
        # Nothing recognised anywhere: the row with the most titles is the header, to be mapped by hand.
        score = (1 if saved else 0, len(set(mapping.values())), filled)
        if score > best_score:
            best, best_score = (position, number, titles, key, saved or {}), score
    if best is None:
        return None
    position, number, titles, key, saved = best
    mapping, unknown = _read(titles, columns, saved)
    seen, repeated = set(), []
    for index in sorted(mapping):
        name = mapping[index]
        if name in seen:
            repeated.append(name)
            del mapping[index]
        seen.add(name)
    missing = [c.name for c in columns.columns if c.required and c.name not in seen]
    return Header(
        number=number,
        position=position,
        titles=titles,
        mapping=mapping,
        unknown=unknown,
        missing=missing,
        repeated=repeated,
        key=key,
    )


def header_problems(header, columns):
    """Vietnamese sentences about a header that cannot be imported as it is (missing or repeated columns)."""
    problems = []
    if header.missing:
        problems.append(
            _(
                "Missing column(s): %(columns)s. Choose which of the file's columns holds each, or download the "
                "template to see the expected columns."
            )
            % {"columns": ", ".join(f"“{columns.label(n)}”" for n in header.missing)}
        )
    for name in dict.fromkeys(header.repeated):
        problems.append(_("Column “%(column)s” appears twice.") % {"column": columns.label(name)})
    return problems
