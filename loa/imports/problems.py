"""One problem found in an imported file, said the same way by every importer."""

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass
class ImportProblem:
    """What is wrong (`reason`, in the user's language) and where: the file, its sheet, the row as Excel
    numbers it and the column's title as the file writes it. Any of the places may be unknown."""

    reason: str
    row: int | None = None
    column: str = ""
    sheet: str = ""
    file: str = ""

    def as_dict(self):
        return {"file": self.file, "sheet": self.sheet, "row": self.row, "column": self.column, "message": self.reason}

    def where(self):
        """'Row 5, column “Mã”' and the like; "" when the problem is the file's as a whole."""
        parts = []
        if self.file:
            parts.append(_("file “%(file)s”") % {"file": self.file})
        if self.sheet:
            parts.append(_("sheet “%(sheet)s”") % {"sheet": self.sheet})
        if self.row:
            parts.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            parts.append(_("column “%(column)s”") % {"column": self.column})
        text = ", ".join(parts)
        return text[:1].upper() + text[1:]

    def __str__(self):
        where = self.where()
        return f"{where}: {self.reason}" if where else self.reason
