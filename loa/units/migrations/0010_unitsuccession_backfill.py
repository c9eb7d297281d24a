"""The merges and splits applied before successions were recorded (0009), read back from the audit
entries they wrote in their transaction: a merge wrote `unit.merged_into` on each source, then
`unit.merged` on the target; a split `unit.split` on the source, then `unit.split_from` on each part,
all with the same date (`after["on"]`). A split's share of members was not logged: left empty."""

from datetime import date

from django.db import migrations

UNIT = "units.unit"


def backfill(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    Unit = apps.get_model("units", "Unit")
    UnitSuccession = apps.get_model("units", "UnitSuccession")
    actions = ("unit.merged_into", "unit.merged", "unit.split", "unit.split_from")
    entries = list(
        AuditEntry.objects.filter(object_type=UNIT, action__in=actions).order_by("id").values_list(
            "id", "action", "object_id", "after"
        )
    )
    pairs = set()
    # One pass each way (a national mapping writes tens of thousands of entries): the last
    # `unit.split` seen going forward, the last `unit.merged` seen going backward, per date.
    last_split = {}
    for _pk, action, object_id, after in entries:
        on = (after or {}).get("on")
        if action == "unit.split":
            last_split[on] = object_id
        elif action == "unit.split_from" and on in last_split:
            pairs.add((last_split[on], object_id, on, "split"))
    next_merged = {}
    for _pk, action, object_id, after in reversed(entries):
        on = (after or {}).get("on")
        if action == "unit.merged":
            next_merged[on] = object_id
        elif action == "unit.merged_into" and on in next_merged:
            pairs.add((object_id, next_merged[on], on, "merge"))
    ids = {int(x) for source, successor, _on, _kind in pairs for x in (source, successor) if str(x).isdigit()}
    existing = set(Unit.objects.filter(pk__in=ids).values_list("pk", flat=True))
    rows = []
    for source, successor, on, kind in sorted(pairs):
        try:
            source, successor, day = int(source), int(successor), date.fromisoformat(on)
        except (TypeError, ValueError):
            continue
        if source in existing and successor in existing and source != successor:
            rows.append(UnitSuccession(source_id=source, successor_id=successor, on=day, kind=kind))
    UnitSuccession.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0009_unitsuccession"),
        ("audit", "0002_auditentry_search_text"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
