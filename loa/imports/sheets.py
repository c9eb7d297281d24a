"""A sheet read in the sandbox with its header found: what an importer iterates over."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from loa.core.readers import read_table
from loa.imports.columns import HEADER_ROWS, find_header


class Sheet:
    """The rows of a csv, or of the first sheet of an xlsx, under the header found among its first
    HEADER_ROWS rows. `header`: the Header (None when no row holds two titles); `rows()`: (row number as
    Excel numbers it, cells) of every non-blank row below it, streamed from the sandbox; `height`: the
    sheet's rows; `name`: the sheet's name ("" for a csv); `kind`: xlsx or csv."""

    def __init__(self, table, columns, *, remembered=None, chosen=None):
        self._table = table
        self.kind, self.height, self.name = table.kind, table.height, table.sheet
        self._iter = iter(table)
        self._top = []
        for number, cells in enumerate(self._iter, start=1):
            self._top.append((number, cells))
            if number == HEADER_ROWS:
                break
        self.header = find_header(self._top, columns, remembered=remembered, chosen=chosen)

    @property
    def data_rows(self):
        """Rows below the header, blanks included: what a progress bar counts to."""
        return max(self.height - (self.header.number if self.header else 0), 0)

    def rows(self):
        start = self.header.position + 1 if self.header else len(self._top)
        number = len(self._top)
        for number, cells in self._top[start:]:
            if any(c not in ("", None) for c in cells):
                yield number, cells
        self._top = []
        for cells in self._iter:
            number += 1
            for cell in cells:  # most rows are filled: no generator per row
                if cell != "" and cell is not None:
                    yield number, cells
                    break

    def close(self):
        self._table.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_sheet(upload, columns, *, max_rows, kinds, name=None, remembered=None, chosen=None):
    """A Sheet of an upload (a file or bytes), read in the sandbox. ValidationError in Vietnamese for a
    file that is not a sheet, too big, or empty."""
    table = read_table(upload, max_rows=max_rows, kinds=kinds, name=name)
    try:
        sheet = Sheet(table, columns, remembered=remembered, chosen=chosen)
    except BaseException:
        table.close()
        raise
    if sheet.header is None:
        sheet.close()
        raise ValidationError(
            _("No row among the first %(n)s of the file holds column titles: the file is empty or is not a list.")
            % {"n": HEADER_ROWS},
            code="no_header",
        )
    return sheet
