"""Only webhooks the app signed with our key, within five minutes, are taken; the rest are refused with 403,
kept sealed and audited."""

import json

import pytest

from crisisline.audit.models import AuditEntry
from crisisline.messaging.models import InboundEvent
from crisisline.messaging.providers.android import views

from .conftest import post, received, sign

REPLY = received("+442079460100", "1 C7K3P")
NOW = 1_750_000_000


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(views, "clock", lambda: float(NOW))


def refused() -> list[InboundEvent]:
    return list(InboundEvent.objects.filter(provider="android", kind=InboundEvent.Kind.REFUSED))


def audited_reasons() -> list[str]:
    entries = AuditEntry.objects.filter(action="messaging.webhook.refused")
    return [entry.details["reason"] for entry in entries]


@pytest.mark.parametrize("age", [0, 300, -300], ids=["now", "five minutes old", "five minutes ahead"])
def test_a_signed_webhook_is_taken(client, db, android, age):
    assert post(client, REPLY, timestamp=NOW - age).status_code == 200
    assert InboundEvent.objects.filter(provider="android", kind=InboundEvent.Kind.SMS).count() == 1
    assert refused() == []


@pytest.mark.parametrize(
    ("how", "reason"),
    [
        ({"signed": False}, "unsigned"),
        ({"key": "someone-elses-key"}, "bad signature"),
        ({"timestamp": NOW - 301}, "stale timestamp"),
        ({"timestamp": NOW + 301}, "stale timestamp"),
    ],
    ids=["unsigned", "wrong key", "replayed after five minutes", "from the future"],
)
def test_an_untrusted_webhook_is_refused_and_recorded(client, db, android, how, reason):
    response = post(client, REPLY, **how)
    assert response.status_code == 403
    assert len(refused()) == 1
    assert audited_reasons() == [reason]
    assert not InboundEvent.objects.filter(kind=InboundEvent.Kind.SMS).exists()


def test_a_body_changed_after_signing_is_refused(client, db, android):
    stamp = str(NOW)
    body = json.dumps(REPLY)
    forged = body.replace("1 C7K3P", "2 C7K3P")
    headers = {"X-Signature": sign(body, stamp), "X-Timestamp": stamp}
    response = client.post("/hooks/android/", forged, content_type="application/json", headers=headers)
    assert response.status_code == 403
    assert audited_reasons() == ["bad signature"]


def test_a_timestamp_that_is_no_number_is_refused(client, db, android):
    body = json.dumps(REPLY)
    headers = {"X-Signature": sign(body, "soon"), "X-Timestamp": "soon"}
    response = client.post("/hooks/android/", body, content_type="application/json", headers=headers)
    assert response.status_code == 403
    assert audited_reasons() == ["bad timestamp"]


def test_without_a_configured_key_everything_is_refused(client, db, android):
    android.ANDROID_WEBHOOK_KEY = ""
    assert post(client, REPLY, timestamp=NOW).status_code == 403
    assert audited_reasons() == ["no signing key is configured"]


def test_the_refusal_says_nothing_and_logs_no_number(client, db, android, caplog):
    response = post(client, REPLY, signed=False)
    assert response.content == b""
    assert "7946" not in caplog.text
