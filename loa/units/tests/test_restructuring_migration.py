"""Migration units.0011: the audit entries of a table applied before the batch key take its key, from
their recorded id range and the one who applied it; another person's entry in the range does not."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("units", "0010_unitsuccession_backfill"), ("audit", "0003_auditentry_batch")]
AFTER = [("units", "0011_restructuring_jobs"), ("audit", "0003_auditentry_batch")]


@pytest.mark.django_db(transaction=True)
def test_applied_tables_key_their_entries():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    AuditEntry = apps.get_model("audit", "AuditEntry")
    Restructuring = apps.get_model("units", "Restructuring")
    from loa.accounts.models import User  # its table is not migrated back

    admin = User.objects.create_user(username="qt", password="pass-for-tests")
    other = User.objects.create_user(username="khac", password="pass-for-tests")
    before = AuditEntry.objects.create(action="unit.updated", actor_id=admin.pk)
    moved = AuditEntry.objects.create(action="unit.moved", actor_id=admin.pk)
    someone = AuditEntry.objects.create(action="unit.updated", actor_id=other.pk)
    applied = AuditEntry.objects.create(action="unit.restructuring.applied", actor_id=admin.pk)
    record = Restructuring.objects.create(
        status="applied", applied_by_id=admin.pk, first_entry_id=moved.pk, last_entry_id=applied.pk
    )
    planned = Restructuring.objects.create(status="planned")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    keyed = dict(
        executor.loader.project_state(AFTER).apps.get_model("audit", "AuditEntry").objects.values_list("pk", "batch")
    )
    key = f"units.restructuring:{record.pk}"
    assert keyed == {before.pk: "", moved.pk: key, someone.pk: "", applied.pk: key}
    assert planned.pk
