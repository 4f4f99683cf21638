from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.utils import timezone

from crisisline.worker.models import Heartbeat

pytestmark = pytest.mark.django_db


def test_ok_when_the_database_answers_and_a_worker_beat_recently(client):
    Heartbeat.objects.create(worker_id="w1", beat_at=timezone.now() - timedelta(seconds=3))
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == {"ok": True}
    assert body["worker"]["running"] == 1 and 2 <= body["worker"]["last_heartbeat_age_seconds"] <= 60
    assert "no-store" in response.headers["Cache-Control"]


def test_failing_when_no_worker_ever_ran(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"] == {
        "ok": False,
        "running": 0,
        "last_heartbeat_age_seconds": None,
        "stale_after_seconds": 30,
    }


def test_failing_when_the_last_heartbeat_is_stale_or_the_worker_stopped(client, settings):
    stale = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS + 5)
    Heartbeat.objects.create(worker_id="hung", beat_at=stale)
    Heartbeat.objects.create(worker_id="stopped", beat_at=timezone.now(), stopped_at=timezone.now())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"]["running"] == 0
    assert response.json()["worker"]["last_heartbeat_age_seconds"] >= settings.WORKER_STALE_SECONDS


def test_failing_when_the_database_does_not_answer(client, monkeypatch):
    def down(*, now):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("crisisline.web.views.worker_health", down)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "error": "DatabaseError"}


def test_healthz_needs_no_sign_in_and_refuses_writes(client):
    assert client.get("/healthz").status_code in (200, 503)
    assert client.post("/healthz").status_code == 405
