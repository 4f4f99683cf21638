"""The Android gateway as the app speaks: webhooks in its JSON format signed the way its documentation
says (HMAC-SHA256 of the raw body followed by X-Timestamp, hex; the client library has no helper for it),
and a local HTTP server imitating the gateway's /messages API for the real client library to talk to."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

import pytest

from crisisline.messaging import transport as transports
from crisisline.messaging.providers.android import views
from crisisline.messaging.providers.http.tests.server import serve
from crisisline.oncall.tests.conftest import recorder, world  # noqa: F401  (fixtures)

LOGIN = "sms"
PASSWORD = "gateway-password-1"
SIGNING_KEY = "signing-key-from-the-app"
GATEWAY_NUMBER = "+442079460000"  # the first demo helpline of the `network` fixture (demo_number(0))


def sign(body: str, timestamp: str, key: str = SIGNING_KEY) -> str:
    """As the gateway's documentation verifies it: message = payload + timestamp."""
    return hmac.new(key.encode(), (body + timestamp).encode(), hashlib.sha256).hexdigest()


def event(kind: str, payload: dict, *, webhook_id: str | None = None) -> dict:
    """A webhook as the app sends it."""
    return {
        "deviceId": "ffffffffceb0b1db0000018e937c815b",
        "event": kind,
        "id": webhook_id or secrets.token_urlsafe(15),
        "payload": payload,
        "webhookId": "LreFUt-Z3sSq0JufY9uWB",
    }


def received(sender: str, text: str, **more) -> dict:
    return event(
        "sms:received",
        {
            "messageId": "abc123",
            "message": text,
            "phoneNumber": sender,
            "simNumber": 1,
            "receivedAt": "2024-06-22T15:46:11.000+05:30",
        },
        **more,
    )


def report(kind: str, message_id: str, phone: str, **more) -> dict:
    at = {"sms:sent": "sentAt", "sms:delivered": "deliveredAt", "sms:failed": "failedAt"}[kind]
    payload = {
        "messageId": message_id,
        "phoneNumber": phone,
        "simNumber": None,
        at: "2024-06-22T15:46:11+05:30",
    }
    if kind == "sms:failed":
        payload["reason"] = "RESULT_ERROR_GENERIC_FAILURE"
    return event(kind, payload, **more)


def post(client, data, *, timestamp: int | None = None, key: str = SIGNING_KEY, signed: bool = True):
    """POST a webhook the way the app does: the raw JSON body, X-Signature and X-Timestamp."""
    body = data if isinstance(data, str) else json.dumps(data)
    stamp = str(int(views.clock()) if timestamp is None else timestamp)
    headers = {"X-Signature": sign(body, stamp, key), "X-Timestamp": stamp} if signed else {}
    return client.post("/hooks/android/", body, content_type="application/json", headers=headers)


@pytest.fixture
def android(settings):
    settings.ANDROID_GATEWAY_LOGIN = LOGIN
    settings.ANDROID_GATEWAY_PASSWORD = PASSWORD
    settings.ANDROID_GATEWAY_NUMBER = GATEWAY_NUMBER
    settings.ANDROID_WEBHOOK_KEY = SIGNING_KEY
    settings.ANDROID_GATEWAY_URL = "http://127.0.0.1:9"  # replaced by `gateway`
    return settings


class Gateway:
    """The gateway's /messages API: keeps messages by id, refuses a known id (409) as the server does, and
    answers GET /messages/<id>. `status` makes it answer every POST with that status instead."""

    def __init__(self) -> None:
        self.messages: dict[str, dict] = {}
        self.status: int | None = None
        self.server = None

    @property
    def posts(self) -> list:
        return [seen for seen in self.server.seen if seen.method == "POST"]

    def __call__(self, request):
        prefix = "/3rdparty/v1" if request.path.startswith("/3rdparty/v1") else ""
        path = request.path.removeprefix(prefix)
        if request.method == "POST" and path == "/messages":
            if self.status is not None:
                return self.status, {"message": "refused"}
            body = request.json()
            ident = body.get("id") or secrets.token_urlsafe(15)
            if ident in self.messages:
                return 409, {"message": "message with the same ID already exists"}
            self.messages[ident] = {
                "id": ident,
                "deviceId": "yVULogr4Y1ksRfnos1Dsw",
                "state": "Pending",
                "isHashed": False,
                "isEncrypted": False,
                "recipients": [{"phoneNumber": n, "state": "Pending"} for n in body["phoneNumbers"]],
                "states": {"Pending": "2024-06-22T10:00:00Z"},
            }
            return 202, self.messages[ident]
        if request.method == "GET" and path.startswith("/messages/"):
            found = self.messages.get(path.removeprefix("/messages/"))
            return (200, found) if found else (404, {"message": "message not found"})
        return 404, {"message": "not found"}

    def mark(self, ident: str, state: str) -> None:
        self.messages[ident]["state"] = state
        for recipient in self.messages[ident]["recipients"]:
            recipient["state"] = state


@pytest.fixture
def gateway(android):
    imitation = Gateway()
    with serve(imitation) as server:
        imitation.server = server
        android.ANDROID_GATEWAY_URL = server.url
        transports.reset()
        yield imitation
    transports.reset()


@pytest.fixture
def sms_by_android(settings, gateway, monkeypatch):
    """SMS goes through the real Android transport to the local gateway, also where `recorder` (from the
    on-call fixtures) stands in for every other provider."""
    from crisisline.messaging.providers.android.transport import AndroidGatewayTransport

    settings.MESSAGING_PROVIDERS = {**settings.MESSAGING_PROVIDERS, "sms": "android"}
    monkeypatch.setitem(transports.OVERRIDES, "android", AndroidGatewayTransport())
    return gateway
