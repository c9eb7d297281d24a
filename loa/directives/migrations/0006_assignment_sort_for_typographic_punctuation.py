"""Assignments keep a copy of their unit's sort key (the tracking list's order): copied again for
the units whose keys units/0006 computed again."""

from functools import reduce
from operator import or_

from django.db import migrations
from django.db.models import OuterRef, Q, Subquery


def recopy(apps, schema_editor):
    from loa.core.text import PUNCTUATION_ADDED_2026

    Unit = apps.get_model("units", "Unit")
    Assignment = apps.get_model("directives", "Assignment")
    holding = reduce(or_, (Q(name__contains=ch) for ch in PUNCTUATION_ADDED_2026))
    units = Unit.objects.filter(holding).values("id")
    Assignment.objects.filter(unit_id__in=units).update(
        unit_sort=Subquery(Unit.objects.filter(pk=OuterRef("unit_id")).values("name_sort")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("directives", "0005_directive_and_task_version"),
        ("units", "0006_sort_keys_for_typographic_punctuation"),
    ]
    operations = [migrations.RunPython(recopy, migrations.RunPython.noop)]
