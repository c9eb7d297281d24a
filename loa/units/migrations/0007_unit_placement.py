import django.db.models.deletion
from django.db import migrations, models


def open_placements(apps, schema_editor):
    """Every unit stands where it stands today, since its first day (`active_from`; empty: since it
    was registered). One INSERT … SELECT, whatever the size of the tree."""
    Unit = apps.get_model("units", "Unit")
    UnitPlacement = apps.get_model("units", "UnitPlacement")
    quote = schema_editor.connection.ops.quote_name
    schema_editor.execute(
        f"INSERT INTO {quote(UnitPlacement._meta.db_table)} (unit_id, parent_id, path, valid_from, valid_to) "
        f"SELECT id, parent_id, path, active_from, NULL FROM {quote(Unit._meta.db_table)}"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('units', '0006_sort_keys_for_typographic_punctuation'),
    ]

    operations = [
        migrations.CreateModel(
            name='UnitPlacement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('path', models.CharField(db_index=True, max_length=255)),
                ('valid_from', models.DateField(blank=True, null=True, verbose_name='from')),
                ('valid_to', models.DateField(blank=True, null=True, verbose_name='to')),
                ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.unit')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='placements', to='units.unit')),
            ],
            options={
                'verbose_name': 'unit placement',
                'verbose_name_plural': 'unit placements',
                'ordering': ['unit', models.OrderBy(models.F('valid_from'), nulls_first=True)],
                'indexes': [models.Index(fields=['unit', 'valid_from'], name='units_placement_unit_from')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('valid_to__isnull', True)), fields=('unit',), name='units_one_open_placement')],
            },
        ),
        migrations.RunPython(open_placements, migrations.RunPython.noop),
    ]
