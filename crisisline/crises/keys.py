"""Master key rotation while the system runs.

Put the new key first in CRISISLINE_MASTER_KEYS (keep the old ones after it), restart, then run
`crisisline keys rotate`: every data key and second-factor secret still under an old master key is
re-wrapped under the new one, a batch at a time, each row changed only if nobody changed it meanwhile. When
`keys status` shows nothing left under an old key, and backups made before the rotation have aged out, the
old key can be removed: data erased before then becomes unrecoverable in those backups too."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from django.db import transaction

from crisisline.audit.services import audit_record
from crisisline.crises.models import Client, Crisis
from crisisline.lib.crypto import current_key_id, rewrap, seal, unseal
from crisisline.people.models import Person

BATCH = 500


def _key_of(token: str) -> str:
    return token.split(".", 2)[1] if token.count(".") >= 2 else ""


def _pending(model, field: str):
    current = current_key_id()
    return model.objects.exclude(**{field: ""}).exclude(**{f"{field}__contains": f".{current}."})


SEALED = ((Client, "data_key_wrapped"), (Crisis, "data_key_wrapped"), (Person, "totp_secret_sealed"))
KINDS = {Client: "client data keys", Crisis: "crisis data keys", Person: "second-factor secrets"}


def keys_status() -> dict[str, Counter]:
    """How many sealed values each master key holds, per kind."""
    return {
        KINDS[model]: Counter(
            _key_of(t) for t in model.objects.exclude(**{field: ""}).values_list(field, flat=True)
        )
        for model, field in SEALED
    }


def keys_rotate(*, progress: Callable[[int], None] | None = None) -> int:
    """Re-wrap everything under the current master key. Returns how many values it re-wrapped."""
    done = 0
    for model, field, change in (
        (Client, "data_key_wrapped", rewrap),
        (Crisis, "data_key_wrapped", rewrap),
        (Person, "totp_secret_sealed", lambda token: seal(unseal(token, purpose="totp"), purpose="totp")),
    ):
        while True:
            rows = list(_pending(model, field).values_list("pk", field)[:BATCH])
            if not rows:
                break
            with transaction.atomic():
                for pk, old in rows:
                    # Conditional: a row erased or changed since it was read is left as it now is.
                    done += model.objects.filter(pk=pk, **{field: old}).update(**{field: change(old)})
            if progress:
                progress(len(rows))
    if done:
        audit_record(actor=None, action="keys.rotate", details={"rewrapped": done, "key": current_key_id()})
    return done


def keys_pending() -> int:
    return sum(
        _pending(m, f).count()
        for m, f in (
            (Client, "data_key_wrapped"),
            (Crisis, "data_key_wrapped"),
            (Person, "totp_secret_sealed"),
        )
    )
