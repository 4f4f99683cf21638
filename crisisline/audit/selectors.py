"""Reading and checking the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from crisisline.audit.models import AuditEntry, AuditHead
from crisisline.audit.services import GENESIS, entry_hash


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int  # entries found intact before the first problem
    broken_at: int | None = None  # the position of the first entry that is missing, changed or out of place
    problem: str = ""
    head_seq: int = 0
    head_hash: str = ""


def audit_head() -> AuditHead | None:
    """The chain's end: its position, hash and time. None only if someone deleted the row."""
    return AuditHead.objects.filter(pk=1).first()


def recompute_hash(entry: AuditEntry) -> str:
    """The hash an entry should carry, from its fields as they are now."""
    return entry_hash(
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


def _entry_problem(entry: AuditEntry, expected: int, prev: str, prev_prev: str) -> tuple[int, str] | None:
    """What is wrong at position `expected`, and which position is the first broken one; None if nothing.

    Each entry is checked twice: against itself (its hash over its own fields) and against the chain (the
    hash it carries of the entry before). Which of the two fails tells a changed entry from a rewritten,
    inserted or moved one."""
    if entry.seq > expected:
        return expected, f"missing (the next entry is #{entry.seq}): it was deleted"
    if entry.seq < expected:
        return entry.seq, "there are two entries at this position"
    intact = recompute_hash(entry) == entry.hash
    linked = entry.prev_hash == prev
    if intact and linked:
        return None
    if linked:
        return expected, "changed after it was written: its hash does not match its contents"
    if intact:
        if expected == 1:
            return 1, "it does not start the chain: the entries before it were removed"
        # This entry is as it was written, after an entry whose hash is not the one in the chain now.
        return expected - 1, (
            f"rewritten after it was written: its hash was recomputed and no longer matches the one "
            f"entry #{expected} was chained to"
        )
    if expected > 1 and entry.prev_hash == prev_prev:
        return expected - 1, (
            f"inserted: entry #{expected} was written right after entry #{expected - 2} and renumbered"
        )
    return expected, "not the entry written at this position: entries were removed, inserted or swapped"


def audit_verify(
    *, anchor: tuple[int, str] | None = None, progress: Callable[[int], None] | None = None
) -> Verification:
    """Walk the whole chain and name the first position where it is broken: every entry in its place,
    unchanged, linked to the one before; the head at its end; and, given an anchor (the position and hash
    that `audit head` printed and someone kept outside the server), that entry unchanged.

    Only entries up to the head are walked, so that entries appended while this runs do not look like
    tampering (the head moves in the same transaction as the entry it points to)."""
    head = audit_head()
    entries = AuditEntry.objects.order_by("seq", "id")
    if head is not None:
        entries = entries.filter(seq__lte=head.seq)
    expected, prev, prev_prev, last_at = 1, GENESIS, GENESIS, None

    def broken(position: int, problem: str) -> Verification:
        return Verification(
            False, position - 1, position, problem, head.seq if head else 0, head.hash if head else ""
        )

    for entry in entries.iterator(chunk_size=2000):
        found = _entry_problem(entry, expected, prev, prev_prev)
        if found is not None:
            return broken(*found)
        if anchor is not None and entry.seq == anchor[0] and entry.hash != anchor[1]:
            return broken(
                entry.seq,
                f"its hash differs from the anchor {anchor[0]}:{anchor[1]}: "
                "the chain up to this entry was rewritten",
            )
        prev_prev, prev, last_at, expected = prev, entry.hash, entry.at, expected + 1
        if progress is not None:
            progress(1)
    last = expected - 1

    if head is None:
        return broken(
            expected, f"the head row, which records where the chain ends, is missing (after #{last})"
        )
    if head.seq > last:
        return broken(expected, f"missing: the chain ends at entry #{last} but the head says #{head.seq}")
    if head.hash != prev:
        return broken(
            max(last, 1), f"its hash is not the one the head holds ({head.hash}): the head or it was changed"
        )
    if head.at != last_at:
        return broken(max(last, 1), "its time is not the one the head holds: the head or it was changed")
    if AuditEntry.objects.filter(seq__gt=head.seq).exists():
        again = AuditHead.objects.filter(pk=1).values_list("seq", "hash").first()
        if again == (head.seq, head.hash):  # not an append that committed meanwhile
            return broken(
                head.seq + 1,
                f"beyond the head (#{head.seq}): added without moving the head, or the head was set back",
            )
    if anchor is not None and anchor[0] > last:
        return broken(
            expected,
            f"missing: the anchor is for entry #{anchor[0]} but the chain ends at #{last}: "
            "entries were removed",
        )
    return Verification(True, last, head_seq=head.seq, head_hash=head.hash)


def audit_entries(
    *, last: int = 20, object_type: str = "", object_id: str = "", actor: str = ""
) -> list[AuditEntry]:
    """The last entries, oldest first, optionally about one object or by one actor (the username they
    had then, or "system")."""
    entries = AuditEntry.objects.all()
    if object_type:
        entries = entries.filter(object_type=object_type, object_id=object_id)
    if actor:
        entries = entries.filter(actor=actor)
    return list(reversed(entries.order_by("-seq")[:last]))
