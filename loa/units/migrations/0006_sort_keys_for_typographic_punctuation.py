"""Units whose names hold typographic quotes, dashes or other symbols Loa's sort key now weighs as
ICU does ("Ea H’leo" before "Ea Hiao"): their stored keys are computed again. On PostgreSQL the
unit table's triggers move their search rows to the new place in the order."""

from functools import reduce
from operator import or_

from django.db import migrations
from django.db.models import Q


def recompute(apps, schema_editor):
    from loa.core.text import PUNCTUATION_ADDED_2026, sort_key

    Unit = apps.get_model("units", "Unit")
    holding = reduce(or_, (Q(name__contains=ch) for ch in PUNCTUATION_ADDED_2026))
    changed = []
    for unit in Unit.objects.filter(holding).only("id", "name", "name_sort").iterator(chunk_size=2000):
        key = sort_key(unit.name)
        if key != unit.name_sort:
            unit.name_sort = key
            changed.append(unit)
    Unit.objects.bulk_update(changed, ["name_sort"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("units", "0005_unit_version")]
    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
