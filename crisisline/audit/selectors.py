"""Reading and checking the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from crisisline.audit.models import AuditEntry, AuditHead
from crisisline.audit.services import GENESIS, entry_hash


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    broken_at: int | None = None  # the position of the first entry that is missing, changed or out of place
    problem: str = ""


def audit_head() -> AuditHead:
    return AuditHead.objects.get(pk=1)


def audit_verify(
    *, anchor: tuple[int, str] | None = None, progress: Callable[[int], None] | None = None
) -> Verification:
    """Walk the whole chain: every entry in its place, unchanged, linked to the one before; the head at
    its end; and, given an anchor (position and hash that `audit head` printed), that entry unchanged."""
    expected, prev, checked = 1, GENESIS, 0
    anchored = anchor is None
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=5000):
        if entry.seq != expected:
            return Verification(
                False, checked, expected, f"entry #{expected} is missing (the next one is #{entry.seq})"
            )
        if entry.prev_hash != prev:
            return Verification(
                False, checked, entry.seq, f"entry #{entry.seq} does not follow entry #{entry.seq - 1}"
            )
        recomputed = entry_hash(
            seq=entry.seq,
            at=entry.at,
            actor_id=entry.actor_id,
            actor=entry.actor,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            team_id=entry.team_id,
            address=entry.address,
            reason=entry.reason,
            details=entry.details,
            prev_hash=entry.prev_hash,
        )
        if recomputed != entry.hash:
            return Verification(
                False, checked, entry.seq, f"entry #{entry.seq} was changed after it was written"
            )
        if anchor is not None and entry.seq == anchor[0]:
            if entry.hash != anchor[1]:
                return Verification(False, checked, entry.seq, f"entry #{entry.seq} differs from the anchor")
            anchored = True
        prev, expected, checked = entry.hash, expected + 1, checked + 1
        if progress is not None:
            progress(1)
    head = audit_head()
    if head.seq != checked or head.hash != prev:
        return Verification(
            False,
            checked,
            checked + 1,
            f"the chain ends at entry #{checked} but its head says #{head.seq}: entries were removed",
        )
    if not anchored:
        return Verification(
            False, checked, anchor[0], f"entry #{anchor[0]} of the anchor is not in the chain"
        )
    return Verification(True, checked)
