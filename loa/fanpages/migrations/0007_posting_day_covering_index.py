from django.db import migrations

# PostgreSQL only (SQLite has no INCLUDE; nothing to do there). The unique (fanpage, day) index of
# posting days also carries `posts`, so a unit's calendar of a year is read from the index alone
# (about 5 index pages) instead of one table page per day: the days of a Page are written one day at a
# time among every other Page's, so its 300-odd days of a year lie on 300-odd table pages. At five
# national years (≈ 200 million rows) a calendar not in memory took 21–26 ms to read, and about 1 ms
# from the index (docs/performance.md, "Growth"). The index keeps its size: `posts` fits in the
# padding of each entry. Built CONCURRENTLY (writes go on meanwhile), then it takes the constraint's
# place under the same name, which Django's state and the upserts' ON CONFLICT (fanpage_id, day) use.


def swap(include):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        columns = '("fanpage_id", "day")' + (' INCLUDE ("posts")' if include else "")
        with schema_editor.connection.cursor() as c:
            c.execute('DROP INDEX CONCURRENTLY IF EXISTS "fanpages_posting_day_new"')  # a run stopped half-way
            c.execute(f'CREATE UNIQUE INDEX CONCURRENTLY "fanpages_posting_day_new" ON "fanpages_postingday" {columns}')
            c.execute(
                'ALTER TABLE "fanpages_postingday" DROP CONSTRAINT "fanpages_posting_day_once",'
                ' ADD CONSTRAINT "fanpages_posting_day_once" UNIQUE USING INDEX "fanpages_posting_day_new"'
            )

    return run


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("fanpages", "0006_fanpage_key_indexes_once"),
    ]

    operations = [migrations.RunPython(swap(include=True), swap(include=False))]
