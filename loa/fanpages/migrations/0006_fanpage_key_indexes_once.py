import django.db.models.deletion
from django.db import migrations, models

# The Page key of posts and posting days had an index of its own besides the unique indexes that
# start with it. Only the index goes: AlterField would also drop and re-add the foreign key, which
# checks every row again (35 s at 200 million posting days, writes blocked meanwhile). The names are
# the ones Django gave the indexes (the same on PostgreSQL and SQLite).
INDEXES = [
    ("fanpages_post", "fanpages_post_fanpage_id_eb14916c"),
    ("fanpages_postingday", "fanpages_postingday_fanpage_id_4e22e5fc"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("fanpages", "0005_fanpage_version"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="post",
                    name="fanpage",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="posts",
                        to="fanpages.fanpage",
                    ),
                ),
                migrations.AlterField(
                    model_name="postingday",
                    name="fanpage",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="posting_days",
                        to="fanpages.fanpage",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"', reverse_sql=f'CREATE INDEX "{name}" ON "{table}" ("fanpage_id")'
                )
                for table, name in INDEXES
            ],
        ),
    ]
