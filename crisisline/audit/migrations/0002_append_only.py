"""The head row, and triggers that refuse UPDATE and DELETE on audit entries.

The SQL is written out here, not imported, so that this migration stays what it was when it ran;
audit/triggers.py holds the same statements for putting the triggers back after a test flush."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
    """CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
]
POSTGRES = [
    """CREATE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit entries are append-only'; END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_auditentry
       FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()""",
]
UNDO = {
    "sqlite": ["DROP TRIGGER audit_entry_no_update", "DROP TRIGGER audit_entry_no_delete"],
    "postgresql": [
        "DROP TRIGGER audit_entry_append_only ON audit_auditentry",
        "DROP FUNCTION audit_entry_append_only()",
    ],
}


def forwards(apps, schema_editor):
    apps.get_model("audit", "AuditHead").objects.create(id=1, seq=0, hash="0" * 64, at=None)
    for statement in POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    for statement in UNDO[schema_editor.connection.vendor]:
        schema_editor.execute(statement)
    apps.get_model("audit", "AuditHead").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
