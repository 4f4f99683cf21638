"""Writing to the audit trail. Call `audit_record` inside the transaction of the change it records: both
are saved, or neither."""

from __future__ import annotations

import hashlib
import json
import math
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from crisisline.audit.models import AuditEntry, AuditHead
from crisisline.audit.triggers import GENESIS
from crisisline.lib.http import client_address
from crisisline.lib.logs import scrub

__all__ = ["GENESIS", "audit_record", "entry_hash"]


def entry_hash(*, seq: int, at: datetime, actor_id, actor: str, action: str, object_type: str, object_id: str,
               team_id, address: str, reason: str, details: dict, prev_hash: str) -> str:  # fmt: skip
    """SHA-256 of the entry's fields in a canonical JSON form (keys sorted, no spaces, UTF-8, the time in
    UTC to the microsecond), chained to the entry before it by that entry's hash."""
    canonical = json.dumps(
        {
            "seq": seq,
            # In UTC: PostgreSQL hands times back in the connection's zone, not the one they were written in.
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
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


def _check_text(text: str, where: str) -> None:
    # PostgreSQL cannot store NUL in text or JSON, and a lone surrogate cannot be hashed as UTF-8: refused
    # here, the same on both databases, instead of failing later on one of them.
    if "\x00" in text:
        raise ValueError(f"audit {where} must not contain NUL characters")
    try:
        text.encode()
    except UnicodeEncodeError:
        raise ValueError(f"audit {where} must be valid Unicode text") from None


# PostgreSQL keeps JSON numbers as decimals and writes them without an exponent: 1e+16 comes back as the
# integer 10000000000000000. Python writes floats below this without an exponent, or with a negative one
# that comes back as the same float.
_LARGEST_FLOAT = 1e16


def _clean(value: Any, path: str = "details") -> Any:
    """Details are for what changed and how (ids, counts, codes), never for identities; text that looks
    like a phone number is refused outright, so that a mistake shows in the tests instead of in the trail.

    Only values that come back from both databases exactly as they went in, so that the hash still
    matches: text, whole numbers, floats below 1e16, true/false, null, lists, and objects with text keys.
    No dates or objects: write their id or ISO text."""
    if value is None or isinstance(value, bool | int):
        # Numbers are not checked for phone numbers: ids and counts pass seven digits in a few years, and
        # Crisisline holds phone numbers as text (E.164) everywhere.
        return value
    if isinstance(value, float):
        if not math.isfinite(value) or abs(value) >= _LARGEST_FLOAT:
            raise ValueError(f"audit {path} must be a finite float below 1e16 (write it as text): {value!r}")
        return value + 0.0  # -0.0 comes back from PostgreSQL as 0.0
    if isinstance(value, str):
        _check_text(value, path)
        if scrub(value) != value:
            raise ValueError(f"audit {path} must not hold phone numbers or other identifying values")
        return value
    if isinstance(value, list | tuple):
        return [_clean(item, f"{path}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, dict):
        clean = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"audit {path} keys must be text, not {type(key).__name__}")
            clean[_clean(key, f"{path} key")] = _clean(item, f"{path}.{key}")
        return clean
    raise ValueError(f"audit {path} must be text, a number, true/false or null, not {type(value).__name__}")


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
    """Append one entry. `actor` is a Person, or None for the system. A phone number typed into the
    reason is replaced by "[number removed]"; one in `details` is a programming error and refused."""
    if at is not None and timezone.is_naive(at):
        raise ValueError("audit times must be aware datetimes")
    if not isinstance(details or {}, dict):
        raise ValueError("audit details must be a dict")
    _check_text(reason, "reason")
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    fields = {
        "actor_id": actor.pk if signed_in else None,
        "actor": actor.get_username() if signed_in else "system",
        "action": action,
        "object_type": object_type or (obj._meta.model_name if obj is not None else ""),
        "object_id": str(object_id or (obj.pk if obj is not None else "")),
        "team_id": _team_id_of(obj, team),
        "address": client_address(request),
        "reason": scrub(reason),
        "details": _clean(details or {}),
    }
    with transaction.atomic():
        # Locking the head puts concurrent appends in turn: each takes the next position, none is lost.
        head = AuditHead.objects.select_for_update().get(pk=1)
        moment = (at or timezone.now()).astimezone(UTC)
        if head.at is not None:
            moment = max(moment, head.at)  # never before the entry it follows, even if the clock stepped back
        seq = head.seq + 1
        digest = entry_hash(seq=seq, at=moment, prev_hash=head.hash, **fields)
        entry = AuditEntry.objects.create(seq=seq, at=moment, prev_hash=head.hash, hash=digest, **fields)
        AuditHead.objects.filter(pk=1).update(seq=seq, hash=digest, at=moment)
    return entry
