"""Writing many rows at once for the unit import: PostgreSQL's COPY, and updated units a slice at a time."""

from django.db import connection
from django.db.models import F

from loa.units.models import Unit
from loa.units.services import EDITABLE_FIELDS

# Fields an import writes (besides code and parent/path): the rest of the unit stays as it is.
DATA_FIELDS = tuple("kind_id" if f == "kind" else f for f in EDITABLE_FIELDS if f != "code")


class UpdatedUnit:
    """A unit the import changes: its columns without a model instance (a fifth of the memory)."""

    __slots__ = ("id", "code", "parent_id", "path", "depth", *DATA_FIELDS, "name_sort", "search_text", "updated_at")

    def __init__(self, **values):
        for name, value in values.items():
            setattr(self, name, value)

    @property
    def pk(self):
        return self.id

    def as_unit(self):
        return Unit(**{name: getattr(self, name) for name in self.__slots__ if hasattr(self, name)})


def copy_rows(model, columns, rows):
    """PostgreSQL's COPY: many times faster than INSERTs for the rows of a big file."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


class UnitUpdates:
    """Updated units, written a slice at a time so that a whole import's worth is never held at once.

    bulk_update in batches of `batch_size`; or (copy=True, PostgreSQL, for many units) each slice COPYed into
    a temporary table and one UPDATE … FROM it at the end: bulk_update's CASE WHEN statements grow slow with
    tens of thousands of rows. `fields` are the model fields written ("parent", "kind", "path", …).
    With bump_version, each unit's version is raised too (loa.core.versions): a unit edit form
    opened before the import is then refused instead of writing the old values back.
    """

    TABLE = "loa_import_update"

    def __init__(self, fields, *, copy, batch_size, bump_version=False):
        self.fields, self.copy, self.batch_size = list(fields), copy, batch_size
        self.bump_version = bump_version
        self.columns = [Unit._meta.get_field(f).column for f in self.fields]
        self.table_made = False

    def write(self, units):
        """Write (or with copy=True stage) one slice of UpdatedUnits."""
        if not units:
            return
        if not self.copy:
            fields = [*self.fields, "version"] if self.bump_version else self.fields
            for i in range(0, len(units), self.batch_size):
                Unit.objects.bulk_update(
                    [self._row(u) for u in units[i : i + self.batch_size]], fields, batch_size=self.batch_size
                )
            return
        quote = connection.ops.quote_name
        names = ", ".join(quote(c) for c in ["id", *self.columns])
        with connection.cursor() as cursor:
            if not self.table_made:
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {self.TABLE} AS SELECT {names} FROM {quote(Unit._meta.db_table)} WITH NO DATA"
                )
                self.table_made = True
            columns = self.columns
            with cursor.cursor.copy(f"COPY {self.TABLE} ({names}) FROM STDIN") as copy:
                for unit in units:
                    copy.write_row([unit.id, *(getattr(unit, c) for c in columns)])

    def _row(self, unit):
        row = unit.as_unit()
        if self.bump_version:
            row.version = F("version") + 1
        return row

    def finish(self):
        """The one UPDATE … FROM of what the slices staged."""
        if not self.table_made:
            return
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{quote(c)} = new.{quote(c)}" for c in self.columns)
        if self.bump_version:
            assignments += f", {quote('version')} = unit.{quote('version')} + 1"
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(Unit._meta.db_table)} AS unit SET {assignments} FROM {self.TABLE} AS new "
                "WHERE unit.id = new.id"
            )
            cursor.execute(f"DROP TABLE {self.TABLE}")
        self.table_made = False
