"""The topics the 2021 letter names, as data an admin may change."""

from django.db import migrations

from loa.articles.topics import ensure_default_topics


def create(apps, schema_editor):
    ensure_default_topics(apps.get_model("articles", "Topic"))


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
