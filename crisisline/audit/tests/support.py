"""Shared by the audit trail's tests: a chain to work on, the command as an administrator runs it, and
what an attacker with access to the database does (drop the triggers with raw SQL, then change rows)."""

from __future__ import annotations

import sys
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.db import connection

from crisisline.audit.models import AuditEntry, AuditHead
from crisisline.audit.selectors import recompute_hash
from crisisline.audit.services import audit_record
from crisisline.audit.triggers import remove_triggers

CONSOLE_SCRIPT = Path(sys.executable).with_name("crisisline")


def write_chain(count: int) -> list[AuditEntry]:
    """`count` entries by the system, each with a reason and details to tamper with."""
    return [
        audit_record(
            actor=None,
            action="test.entry",
            object_type="team",
            object_id=number,
            reason=f"reason {number}",
            details={"code": f"KA-MYS-{number:02d}", "count": number},
        )
        for number in range(1, count + 1)
    ]


def run(*args: str) -> tuple[str, str]:
    """`crisisline audit ...` in this process; a refusal raises CommandError with its returncode."""
    stdout, stderr = StringIO(), StringIO()
    call_command("audit", *args, stdout=stdout, stderr=stderr, no_color=True)
    return stdout.getvalue(), stderr.getvalue()


# --- The attacker ------------------------------------------------------------------------------------------
def drop_triggers() -> None:
    """The DROP statements the triggers are removed with (audit/triggers.py), on this connection: inside a
    test's transaction they come back when it rolls back."""
    remove_triggers(connection)


def sql(statement: str, params: tuple = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def rehash(seq: int) -> None:
    """Recompute one entry's hash after changing it, as someone who knows the formula would."""
    entry = AuditEntry.objects.get(seq=seq)
    AuditEntry.objects.filter(pk=entry.pk).update(hash=recompute_hash(entry))


def rewrite_chain_from(seq: int) -> None:
    """Make the chain consistent again from `seq` on: every link and hash recomputed, the head moved."""
    prev = AuditEntry.objects.get(seq=seq - 1).hash if seq > 1 else "0" * 64
    last = None
    for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
        entry.prev_hash = prev
        entry.hash = prev = recompute_hash(entry)
        AuditEntry.objects.filter(pk=entry.pk).update(prev_hash=entry.prev_hash, hash=entry.hash)
        last = entry
    AuditHead.objects.filter(pk=1).update(seq=last.seq, hash=last.hash, at=last.at)
