"""Database triggers that refuse UPDATE and DELETE on audit entries, on SQLite and PostgreSQL.

Someone with full access to the database can still drop them; `crisisline audit verify` then finds what
was changed. The triggers stop the accident and the careless script."""

from __future__ import annotations

GENESIS = "0" * 64

SQLITE = [
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
    """CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
]
SQLITE_UNDO = ["DROP TRIGGER audit_entry_no_update", "DROP TRIGGER audit_entry_no_delete"]
POSTGRES = [
    """CREATE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit entries are append-only'; END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_auditentry
       FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()""",
]
POSTGRES_UNDO = [
    "DROP TRIGGER audit_entry_append_only ON audit_auditentry",
    "DROP FUNCTION audit_entry_append_only()",
]


def triggers_present(connection) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = 'audit_entry_append_only'")
        else:
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_entry_no_update'"
            )
        return cursor.fetchone() is not None


def install_triggers(connection) -> None:
    if not triggers_present(connection):
        with connection.cursor() as cursor:
            for statement in POSTGRES if connection.vendor == "postgresql" else SQLITE:
                cursor.execute(statement)


def remove_triggers(connection) -> None:
    if triggers_present(connection):
        with connection.cursor() as cursor:
            for statement in POSTGRES_UNDO if connection.vendor == "postgresql" else SQLITE_UNDO:
                cursor.execute(statement)


def ensure_audit_ready(using: str = "default") -> None:
    """The head row and the triggers, after migrate and after a test database is flushed; nothing when the
    audit tables are not there (migrated back to zero)."""
    from django.db import connections

    from crisisline.audit.models import AuditEntry, AuditHead

    connection = connections[using]
    tables = set(connection.introspection.table_names())
    if not {AuditHead._meta.db_table, AuditEntry._meta.db_table} <= tables:
        return
    AuditHead.objects.using(using).get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS, "at": None})
    install_triggers(connection)
