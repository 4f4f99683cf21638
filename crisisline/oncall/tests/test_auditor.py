"""The auditor finds work past due by more than the grace period, drives it again, and tells the
administrators; an open crisis without an escalation gets one."""

from datetime import timedelta

from django.utils import timezone

from crisisline.messaging.models import Message
from crisisline.messaging.services import contact_point_add
from crisisline.oncall.jobs import auditor
from crisisline.oncall.models import Alert, Escalation, Page
from crisisline.oncall.tests.test_escalation_on_timeout import open_crisis, paged


def test_a_late_escalation_is_driven_and_reported(world, recorder, administrator, settings):
    contact_point_add(person=administrator, channel="console", address="admin")
    crisis = open_crisis(world)
    now = timezone.now()
    # A worker died holding it long ago, and the next level was due minutes ago.
    Escalation.objects.filter(crisis=crisis).update(
        due_at=now - timedelta(minutes=5), claimed_by="dead", lease_until=now - timedelta(minutes=4)
    )
    Message.objects.filter(page__crisis=crisis).update(due_at=now - timedelta(minutes=5))
    assert auditor(now) == {"late": 2}  # the escalation and its first message, never sent
    assert recorder.sent[0].to == "rekha"
    assert paged(crisis) == ["rekha", "lead"]
    alert = Alert.objects.get(kind="late_work")
    assert alert.detail["escalations"] == 1
    assert Message.objects.filter(template="alert", person=administrator).exists()


def test_nothing_late_nothing_done(world, recorder):
    open_crisis(world)
    assert auditor(timezone.now()) == {"late": 0}
    assert not Alert.objects.exists()


def test_a_crisis_without_an_escalation_gets_one(world, recorder):
    crisis = open_crisis(world)
    Page.objects.filter(crisis=crisis).delete()
    Escalation.objects.filter(crisis=crisis).delete()
    assert auditor(timezone.now())["late"] == 1
    assert Escalation.objects.filter(crisis=crisis).exists()
    assert paged(crisis) == ["rekha"]


def test_healthz_fails_while_pages_are_late(world, client):
    from crisisline.worker.models import Heartbeat

    Heartbeat.objects.create(worker_id="w1")
    crisis = open_crisis(world)
    assert client.get("/healthz").json()["paging"]["ok"] is True
    Message.objects.filter(page__crisis=crisis).update(due_at=timezone.now() - timedelta(minutes=5))
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["paging"] == {
        "ok": False,
        "late_escalations": 0,
        "late_messages": 1,
        "unanswered_crises": 0,
    }
