"""Writing to the audit trail. Call `audit_record` inside the transaction of the change it records: both
are saved, or neither."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from crisisline.audit.models import AuditEntry, AuditHead
from crisisline.lib.http import client_address
from crisisline.lib.logs import scrub

GENESIS = "0" * 64


def entry_hash(*, seq: int, at: datetime, actor_id, actor: str, action: str, object_type: str, object_id: str,
               team_id, address: str, reason: str, details: dict, prev_hash: str) -> str:  # fmt: skip
    """SHA-256 of the entry's fields in a canonical JSON form, chained to the entry before it."""
    canonical = json.dumps(
        {
            "seq": seq,
            "at": at.isoformat(timespec="microseconds"),
            "actor_id": actor_id,
            "actor": actor,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "team_id": team_id,
            "address": address,
            "reason": reason,
            "details": details,
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _team_id_of(obj: Any, team: Any) -> int | None:
    if team is not None:
        return team if isinstance(team, int) else team.pk
    if obj is None:
        return None
    if obj._meta.model_name == "team":
        return obj.pk
    return getattr(obj, "team_id", None)


def _clean(details: dict) -> dict:
    """Details are for what changed and how, never for identities; anything that looks like a phone
    number is refused outright, so that a mistake shows in the tests instead of in the trail."""
    text = json.dumps(details, sort_keys=True, default=str)
    if scrub(text) != text:
        raise ValueError("audit details must not hold phone numbers or other identifying values")
    return json.loads(text)


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    team: Any = None,
    reason: str = "",
    details: dict | None = None,
    request: HttpRequest | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Append one entry. `actor` is a Person, or None for the system."""
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    fields = {
        "actor_id": actor.pk if signed_in else None,
        "actor": actor.get_username() if signed_in else "system",
        "action": action,
        "object_type": object_type or (obj._meta.model_name if obj is not None else ""),
        "object_id": str(object_id or (obj.pk if obj is not None else "")),
        "team_id": _team_id_of(obj, team),
        "address": client_address(request),
        "reason": reason,
        "details": _clean(details or {}),
    }
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().get(pk=1)
        # Never before the entry it follows, even if the clock stepped back.
        moment = max(at or timezone.now(), head.at) if head.at else (at or timezone.now())
        seq = head.seq + 1
        digest = entry_hash(seq=seq, at=moment, prev_hash=head.hash, **fields)
        entry = AuditEntry.objects.create(seq=seq, at=moment, prev_hash=head.hash, hash=digest, **fields)
        AuditHead.objects.filter(pk=1).update(seq=seq, hash=digest, at=moment)
    return entry
