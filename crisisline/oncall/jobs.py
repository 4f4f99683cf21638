"""On call's work for the worker: moving escalations on when they come due, and the auditor that makes sure
nothing accepted is ever silently stuck."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from crisisline.crises.models import Crisis
from crisisline.messaging.models import Message
from crisisline.oncall.models import Escalation
from crisisline.oncall.services import (
    alert_raise,
    escalation_advance,
    escalation_start,
    escalation_stop,
)
from crisisline.worker.claims import claim
from crisisline.worker.registry import periodic, poller

log = logging.getLogger("crisisline.oncall")


def lease() -> timedelta:
    return timedelta(seconds=settings.WORKER_LEASE_SECONDS)


BATCH = 50
CLOSED = (Crisis.Status.RESOLVED, Crisis.Status.CLOSED)


@poller("escalations")
def escalations(now: datetime, worker_id: str) -> int:
    due = Escalation.objects.filter(due_at__isnull=False)
    pks = claim(due, now=now, worker_id=worker_id, lease=lease(), limit=BATCH)
    for pk in pks:
        escalation_step(pk, worker_id=worker_id, now=now)
    return len(pks)


def escalation_step(pk: int, *, worker_id: str, now: datetime) -> None:
    """One claimed escalation, in one transaction: the step and the lease release commit together, so a
    worker killed half-way leaves the row as it was (still due) for the next one."""
    with transaction.atomic():
        escalation = Escalation.objects.select_related("crisis").filter(pk=pk, claimed_by=worker_id).first()
        if escalation is None:
            return  # the lease ran out and another worker took it
        if escalation.crisis.status in CLOSED:
            escalation_stop(escalation.crisis, now)
        elif escalation.due_at is not None and escalation.due_at <= now:
            escalation_advance(escalation, now=now)
        Escalation.objects.filter(pk=pk, claimed_by=worker_id).update(claimed_by="", lease_until=None)


@periodic("auditor", every=timedelta(seconds=15))
def auditor(now: datetime) -> dict:
    """Find what is past due by more than the grace period (a worker that died holding a lease, a bug, a
    database restored from backup) and drive it again; tell the administrators. Also: any crisis that is
    open without an escalation (one opened before on call existed, or by a path that missed the hook)."""
    grace = timedelta(seconds=settings.AUDITOR_GRACE_SECONDS)
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    late_escalations = list(
        Escalation.objects.filter(free, due_at__lt=now - grace).values_list("pk", flat=True)[:500]
    )
    late_messages = list(
        Message.objects.filter(
            free, state__in=[Message.State.QUEUED, Message.State.SENDING], due_at__lt=now - grace
        ).values_list("pk", flat=True)[:500]
    )
    orphans = list(
        Crisis.objects.filter(escalation__isnull=True, acknowledged_at__isnull=True)
        .exclude(status__in=CLOSED)
        .values_list("pk", flat=True)[:500]
    )
    for pk in late_escalations:
        Escalation.objects.filter(pk=pk).update(claimed_by="", lease_until=None)
        escalation_step_now(pk, now)
    if late_messages:
        from crisisline.messaging.services import deliver

        for message in Message.objects.filter(pk__in=late_messages).select_related("page"):
            Message.objects.filter(pk=message.pk).update(claimed_by="auditor", lease_until=now + lease())
            message.claimed_by = "auditor"
            deliver(message, worker_id="auditor", now=now)
    for pk in orphans:
        with transaction.atomic():
            escalation_start(Crisis.objects.get(pk=pk), now=now)
    count = len(late_escalations) + len(late_messages) + len(orphans)
    if count:
        log.warning("auditor drove %d late items again", count)
        alert_raise(
            key=f"late:{now:%Y-%m-%dT%H}",
            kind="late_work",
            now=now,
            detail={
                "count": count,
                "escalations": len(late_escalations),
                "messages": len(late_messages),
                "crises_without_escalation": len(orphans),
            },
        )
    return {"late": count}


def escalation_step_now(pk: int, now: datetime) -> None:
    Escalation.objects.filter(pk=pk).update(claimed_by="auditor", lease_until=now + lease())
    escalation_step(pk, worker_id="auditor", now=now)
