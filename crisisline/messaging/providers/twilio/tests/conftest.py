"""Twilio as Twilio would speak: webhooks signed with Twilio's own RequestValidator over the public URL
and the form, and a local HTTP server standing in for api.twilio.com, so the real client library sends
real requests."""

from __future__ import annotations

import json
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode

import pytest
from twilio.request_validator import RequestValidator

from crisisline.oncall.tests.conftest import call_receiver_on_call, recorder, world  # noqa: F401  (fixtures)

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "f" * 32
FROM = "+14155550100"
BASE_URL = "https://crisis.example.org"


@pytest.fixture
def twilio(settings):
    settings.BASE_URL = BASE_URL
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_API_KEY = ""
    settings.TWILIO_API_SECRET = ""
    settings.TWILIO_FROM = FROM
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    return settings


def signature(path: str, params: dict, *, token: str = AUTH_TOKEN) -> str:
    return RequestValidator(token).compute_signature(BASE_URL + path, params)


def post(client, path: str, params: dict, *, signed: bool = True, sign_with: dict | None = None):
    """POST a form as Twilio does (urlencoded), signed over `sign_with` (default: the form itself)."""
    headers = {"X-Twilio-Signature": signature(path, sign_with or params)} if signed else {}
    return client.post(
        path, urlencode(params), content_type="application/x-www-form-urlencoded", headers=headers
    )


def twiml(response) -> ET.Element:
    """The TwiML our webhook answered, parsed (our own output, so the standard parser will do)."""
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)  # noqa: S314


def sms_params(*, sid: str, sender: str, to: str, body: str) -> dict:
    """An inbound SMS webhook with Twilio's own parameter names."""
    return {
        "ToCountry": "GB",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "SmsSid": sid,
        "SmsStatus": "received",
        "Body": body,
        "To": to,
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": sender,
        "ApiVersion": "2010-04-01",
    }


def call_params(*, sid: str, caller: str, called: str, status: str, direction: str = "inbound") -> dict:
    return {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "CallSid": sid,
        "CallStatus": status,
        "Called": called,
        "Caller": caller,
        "Direction": direction,
        "From": caller,
        "To": called,
    }


@dataclass
class FakeTwilio:
    """What api.twilio.com was asked, and what it will answer next (status, JSON), in order."""

    url: str = ""
    requests: list = field(default_factory=list)
    answers: list = field(default_factory=list)


@pytest.fixture
def fake_twilio(twilio):
    state = FakeTwilio()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            form = {
                k: v if len(v) > 1 else v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()
            }
            state.requests.append(
                {"path": self.path, "form": form, "auth": self.headers.get("Authorization")}
            )
            kind = "CA" if self.path.endswith("/Calls.json") else "SM"
            status, answer = (
                state.answers.pop(0)
                if state.answers
                else (201, {"sid": f"{kind}{len(state.requests):032d}", "status": "queued"})
            )
            body = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # quiet: the form holds numbers
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    twilio.TWILIO_API_BASE = state.url
    yield state
    server.shutdown()
    server.server_close()
