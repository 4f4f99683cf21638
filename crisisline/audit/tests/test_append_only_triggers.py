"""The database itself refuses to change or delete audit entries, through the ORM and through raw SQL, on
SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from crisisline.audit.models import AuditEntry
from crisisline.audit.selectors import audit_verify
from crisisline.audit.services import audit_record
from crisisline.audit.tests.support import sql


def save_a_changed_entry():
    entry = AuditEntry.objects.get(seq=2)
    entry.reason = "changed"
    entry.save()


def update_through_a_queryset():
    AuditEntry.objects.filter(seq=2).update(reason="changed")


def update_every_entry():
    AuditEntry.objects.update(details={})


def delete_an_entry():
    AuditEntry.objects.get(seq=2).delete()


def delete_through_a_queryset():
    AuditEntry.objects.filter(seq__gte=5).delete()


def update_with_raw_sql():
    sql("UPDATE audit_auditentry SET reason = %s WHERE seq = %s", ("changed", 2))


def delete_with_raw_sql():
    sql("DELETE FROM audit_auditentry WHERE seq = %s", (6,))


def delete_everything_with_raw_sql():
    sql("DELETE FROM audit_auditentry")


def empty_the_table_the_fast_way():
    # SQLite has no TRUNCATE; its own shortcut (DELETE without WHERE) is switched off by the triggers.
    sql("TRUNCATE audit_auditentry" if connection.vendor == "postgresql" else "DELETE FROM audit_auditentry")


CHANGES = [
    save_a_changed_entry,
    update_through_a_queryset,
    update_every_entry,
    delete_an_entry,
    delete_through_a_queryset,
    update_with_raw_sql,
    delete_with_raw_sql,
    delete_everything_with_raw_sql,
    empty_the_table_the_fast_way,
]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__ for c in CHANGES])
def test_changing_or_deleting_an_entry_is_refused(chain, change):
    before = list(AuditEntry.objects.order_by("seq").values())
    with pytest.raises(DatabaseError, match="audit entries are append-only"), transaction.atomic():
        change()
    assert list(AuditEntry.objects.order_by("seq").values()) == before
    assert audit_verify().ok


def test_appending_is_still_allowed(chain):
    audit_record(actor=None, action="test.more")
    assert AuditEntry.objects.count() == 7
    assert audit_verify().ok
