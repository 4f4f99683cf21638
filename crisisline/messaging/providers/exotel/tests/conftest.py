"""Exotel as Exotel would speak: Passthru GETs and form POSTs with Exotel's own field names, from an
allowed network, to URLs that carry the webhook secret; and a local HTTP server standing in for
api.exotel.com."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode

import pytest

from crisisline.oncall.tests.conftest import call_receiver_on_call, recorder, world  # noqa: F401  (fixtures)

ACCOUNT_SID = "crisisline1"
API_KEY = "k" * 20
API_TOKEN = "t" * 40
SECRET = "s3cret-path-segment-0123456789"
EXOPHONE = "08047112233"
BASE_URL = "https://crisis.example.org"
EXOTEL_ADDRESS = "203.0.113.7"  # inside the allowed network below (TEST-NET-3)


@pytest.fixture
def exotel(settings):
    settings.BASE_URL = BASE_URL
    settings.EXOTEL_ACCOUNT_SID = ACCOUNT_SID
    settings.EXOTEL_API_KEY = API_KEY
    settings.EXOTEL_API_TOKEN = API_TOKEN
    settings.EXOTEL_FROM = "CRSLNE"
    settings.EXOTEL_CALLER_ID = EXOPHONE
    settings.EXOTEL_FLOW_URL = f"http://my.exotel.com/{ACCOUNT_SID}/exoml/start_voice/123456"
    settings.EXOTEL_DLT_ENTITY_ID = "1101234567890123456"
    settings.EXOTEL_WEBHOOK_SECRET = SECRET
    settings.EXOTEL_ALLOWED_NETWORKS = ["203.0.113.0/24", "2001:db8::/32"]
    return settings


def hook(name: str, secret: str = SECRET) -> str:
    return f"/hooks/exotel/{secret}/{name}/"


def get(client, path: str, params: dict, *, address: str = EXOTEL_ADDRESS):
    """A GET as Exotel's Passthru makes it: the call's details in the query string."""
    return client.get(f"{path}?{urlencode(params)}", REMOTE_ADDR=address)


def post(client, path: str, params: dict, *, address: str = EXOTEL_ADDRESS):
    """A form POST as Exotel's status callbacks make it."""
    return client.post(
        path, urlencode(params), content_type="application/x-www-form-urlencoded", REMOTE_ADDR=address
    )


def passthru(*, sid: str, caller: str, called: str, **more) -> dict:
    """A Passthru request's query, as Exotel sends it for an incoming call."""
    return {
        "CallSid": sid,
        "CallFrom": caller,
        "CallTo": called,
        "CallStatus": "",
        "Direction": "incoming",
        "Created": "Mon, 03 Mar 2025 10:15:00",
        "DialCallDuration": "0",
        "StartTime": "2025-03-03 10:15:00",
        "EndTime": "1970-01-01 05:30:00",
        "CallType": "call-attempt",
        "DialWhomNumber": "",
        "flow_id": "123456",
        "tenant_id": "7890",
        "From": caller,
        "To": called,
        "CurrentTime": "2025-03-03 10:15:20",
        **more,
    }


@dataclass
class FakeExotel:
    """What api.exotel.com was asked, and what it will answer next (status, JSON), in order."""

    url: str = ""
    requests: list = field(default_factory=list)
    answers: list = field(default_factory=list)


@pytest.fixture
def fake_exotel(exotel):
    state = FakeExotel()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
            state.requests.append(
                {"path": self.path, "form": form, "auth": self.headers.get("Authorization")}
            )
            sid = f"{len(state.requests):032x}"
            if state.answers:
                status, answer = state.answers.pop(0)
            elif self.path.endswith("/Calls/connect.json"):
                status, answer = (
                    200,
                    {"Call": {"Sid": sid, "Status": "in-progress", "Direction": "outbound-api"}},
                )
            else:
                status, answer = (
                    200,
                    {"SMSMessage": {"Sid": sid, "Status": "queued", "DetailedStatus": "PENDING"}},
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
    exotel.EXOTEL_API_BASE = state.url
    yield state
    server.shutdown()
    server.server_close()
