"""Paging health for /healthz: work past due by more than the auditor's grace period means pages are not
going out on time (no worker, a worker stuck, a database problem): monitoring must hear of it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

from crisisline.messaging.models import Message
from crisisline.oncall.models import Alert, Escalation


def paging_health(*, now: datetime) -> dict:
    late_before = now - timedelta(seconds=settings.AUDITOR_GRACE_SECONDS)
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    escalations = Escalation.objects.filter(free, due_at__lt=late_before).count()
    messages = Message.objects.filter(
        free, state__in=[Message.State.QUEUED, Message.State.SENDING], due_at__lt=late_before
    ).count()
    unanswered = Alert.objects.filter(kind="unanswered", resolved_at__isnull=True).count()
    return {
        "ok": escalations == 0 and messages == 0,
        "late_escalations": escalations,
        "late_messages": messages,
        "unanswered_crises": unanswered,
    }
