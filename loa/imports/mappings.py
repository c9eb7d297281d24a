"""Column mappings chosen by hand, remembered for the next file with the same header."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from loa.audit.log import log_action
from loa.imports.columns import SKIP, title_key
from loa.imports.models import ColumnMapping


def remembered_mappings(importer, *, unit):
    """{titles key: {title key: field}} for an importer: the unit's own mappings over everyone's. One query."""
    found = {}
    scope = Q(unit__isnull=True) | Q(unit=unit) if unit is not None else Q(unit__isnull=True)
    rows = ColumnMapping.objects.filter(scope, importer=importer)
    for titles_key, mapping, unit_id in rows.values_list("titles_key", "mapping", "unit_id"):
        if unit_id is not None or titles_key not in found:
            found[titles_key] = mapping
    return found


def clean_mapping(columns, header, chosen):
    """{title key: field or SKIP} from a form's or an API call's choice ({column index or title: field}).

    Every field may be chosen once; a field the importer does not have is refused (ValidationError)."""
    names = {c.name for c in columns.columns}
    mapping, used = {}, {}
    for where, name in chosen.items():
        index = int(where) if str(where).isdigit() else None
        if index is not None:
            if index >= len(header.titles) or not header.titles[index]:
                raise ValidationError(_("The file has no column number %(n)s.") % {"n": index + 1}, code="bad_mapping")
            title = header.titles[index]
        else:
            title = next((t for t in header.titles if t and title_key(t) == title_key(where)), None)
            if title is None:
                raise ValidationError(
                    _("The file has no column “%(title)s”.") % {"title": str(where)[:100]}, code="bad_mapping"
                )
        name = name or SKIP
        if name != SKIP and name not in names:
            raise ValidationError(
                _("“%(field)s” is not a column of this import.") % {"field": str(name)[:60]}, code="bad_mapping"
            )
        if name != SKIP and name in used:
            raise ValidationError(
                _("Column “%(column)s” is chosen for two of the file's columns (“%(a)s” and “%(b)s”).")
                % {"column": columns.label(name), "a": used[name], "b": title},
                code="bad_mapping",
            )
        if name != SKIP:
            used[name] = title
        mapping[title_key(title)] = name
    return mapping


def mapping_remember(*, importer, header, mapping, unit, by):
    """Keep the mapping chosen for this header, for the unit's people (everyone's when unit is None)."""
    with transaction.atomic():
        saved = (
            ColumnMapping.objects.select_for_update()
            .filter(importer=importer, titles_key=header.key, unit=unit)
            .first()
        )
        before = saved.mapping if saved else None
        if saved is None:
            saved = ColumnMapping(importer=importer, titles_key=header.key, unit=unit)
        saved.mapping, saved.chosen_by = mapping, by if getattr(by, "pk", None) else None
        try:
            with transaction.atomic():
                saved.save()
        except IntegrityError:  # chosen at the same moment by someone else: the later choice wins
            ColumnMapping.objects.filter(importer=importer, titles_key=header.key, unit=unit).update(mapping=mapping)
        if before != mapping:
            log_action(
                "import.mapping.remembered",
                actor=by,
                unit=unit,
                before=before,
                after={"importer": importer, "titles": header.titles, "mapping": mapping},
            )
    return saved
