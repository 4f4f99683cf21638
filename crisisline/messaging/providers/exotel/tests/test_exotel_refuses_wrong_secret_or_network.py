"""Exotel cannot sign, so each webhook needs both the secret in its path (compared in constant time) and
an address in the allowed networks. Either missing: 403, kept (sealed) and audited, nothing else done."""

import pytest

from crisisline.audit.models import AuditEntry
from crisisline.crises.models import Crisis
from crisisline.lib.phones import demo_number
from crisisline.messaging.models import InboundEvent
from crisisline.messaging.providers.exotel.tests.conftest import (
    EXOTEL_ADDRESS,
    SECRET,
    get,
    hook,
    passthru,
    post,
)

CALLER = "09845012345"
HELPLINE = demo_number(0)

GETS = {
    "missed-call": lambda: passthru(sid="c" * 32, caller=CALLER, called=HELPLINE),
    "voice": lambda: {"CallSid": "c" * 32, "CustomField": "sometoken"},
    "voice/key": lambda: {"CallSid": "c" * 32, "CustomField": "sometoken", "digits": '"1"'},
    "sms": lambda: {
        "SmsSid": "s" * 32,
        "From": CALLER,
        "To": HELPLINE,
        "Date": "2025-03-03 10:15:00",
        "Body": "help",
    },
}


def refused_only(response, reason: str):
    assert response.status_code == 403
    assert response.content == b""
    assert not Crisis.objects.exists()
    event = InboundEvent.objects.get()
    assert event.kind == InboundEvent.Kind.REFUSED
    assert "9845012345" not in event.payload_sealed
    entry = AuditEntry.objects.filter(action="messaging.webhook.refused").get()
    assert entry.details == {"provider": "exotel", "reason": reason}


@pytest.mark.parametrize("name", list(GETS))
def test_a_wrong_secret_is_refused_and_recorded(client, exotel, db, name):
    refused_only(get(client, hook(name, secret=SECRET[:-1] + "x"), GETS[name]()), "wrong secret")


@pytest.mark.parametrize("name", list(GETS))
def test_an_address_outside_the_allowed_networks_is_refused_and_recorded(client, exotel, db, name):
    refused_only(get(client, hook(name), GETS[name](), address="198.51.100.9"), "address not allowed")


def test_the_status_callback_is_guarded_too(client, exotel, db):
    params = {"SmsSid": "s" * 32, "Status": "failed"}
    refused_only(post(client, hook("status", secret="guess"), params), "wrong secret")


def test_without_a_secret_configured_every_webhook_is_refused(client, exotel, db):
    exotel.EXOTEL_WEBHOOK_SECRET = ""
    refused_only(get(client, hook("missed-call"), GETS["missed-call"]()), "wrong secret")


def test_without_allowed_networks_every_webhook_is_refused(client, exotel, db):
    exotel.EXOTEL_ALLOWED_NETWORKS = []
    refused_only(get(client, hook("missed-call"), GETS["missed-call"]()), "address not allowed")


def test_an_ipv6_address_in_an_allowed_network_passes(client, exotel, db):
    response = get(client, hook("sms"), GETS["sms"](), address="2001:db8::15")
    assert response.status_code == 200
    assert InboundEvent.objects.get().kind == InboundEvent.Kind.SMS


def test_behind_a_trusted_proxy_the_address_the_proxy_saw_counts(client, exotel, db, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    path = hook("sms") + "?" + "&".join(f"{k}={v}" for k, v in GETS["sms"]().items())
    allowed = client.get(path, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"198.51.100.9, {EXOTEL_ADDRESS}")
    assert allowed.status_code == 200
    spoofed = client.get(path, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"{EXOTEL_ADDRESS}, 198.51.100.9")
    assert spoofed.status_code == 403
