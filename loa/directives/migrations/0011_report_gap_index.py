"""On PostgreSQL, a partial index of the reports that say "no Page yet" or name a Page without its
address: the tracking page counts those (`selectors.page_gaps`) without reading every report of a
national task. Its condition is the one `page_gaps` filters on, so that the planner can use it."""

from django.db import migrations

GAPS = "(data -> 'no_page') = 'true'::jsonb OR ((data ->> 'url') = '' AND (data ->> 'name') > '')"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS directives_report_gap ON directives_report (assignment_id) WHERE {GAPS}"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS directives_report_gap")


class Migration(migrations.Migration):
    dependencies = [("directives", "0010_assignment_path_pattern_index")]
    operations = [migrations.RunPython(forwards, backwards)]
