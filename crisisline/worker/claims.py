"""Claiming due rows so that each is worked by one worker at a time, on either database.

A row is claimable when it is due and nobody holds a live lease on it. On PostgreSQL the batch is taken
with `SELECT ... FOR UPDATE SKIP LOCKED`, so several workers take disjoint batches without waiting on each
other; on SQLite the read and the update run in one IMMEDIATE transaction, which holds the database's
only write lock. Either way the lease is written in the claiming statement, and a worker
that dies leaves a lease that runs out, after which the row is claimable again."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q, QuerySet


def claimable(queryset: QuerySet, now: datetime, *, due_field: str = "due_at") -> QuerySet:
    return queryset.filter(**{f"{due_field}__lte": now}).filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    )


def claim(
    queryset: QuerySet,
    *,
    now: datetime,
    worker_id: str,
    lease: timedelta,
    limit: int,
    due_field: str = "due_at",
) -> list[int]:
    """Claim up to `limit` due rows of `queryset` (oldest due first) for `worker_id`; their primary keys."""
    candidates = claimable(queryset, now, due_field=due_field).order_by(due_field)
    fields = {"claimed_by": worker_id, "lease_until": now + lease}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        # On SQLite the transaction begins IMMEDIATE: it holds the one write lock from the first statement,
        # so no other worker can claim between the read and the update.
        pks = list(candidates.values_list("pk", flat=True)[:limit])
        if pks:
            queryset.model.objects.filter(pk__in=pks).update(**fields)
    return pks


def release(model, pk: int, worker_id: str, **changes) -> bool:
    """Write the outcome of a claimed row and drop the lease, only if the lease is still ours."""
    return (
        model.objects.filter(pk=pk, claimed_by=worker_id).update(claimed_by="", lease_until=None, **changes)
        == 1
    )
