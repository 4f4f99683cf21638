"""Exotel chosen for a channel without what it needs, a short webhook secret, or networks that are not
CIDRs stop Crisisline at start-up, with a message that names the variable and shows no secret."""

import os
import subprocess
import sys

import pytest

COMPLETE = {
    "CRISISLINE_EXOTEL_ACCOUNT_SID": "crisisline1",
    "CRISISLINE_EXOTEL_API_KEY": "key",
    "CRISISLINE_EXOTEL_API_TOKEN": "hunter2-token",
    "CRISISLINE_EXOTEL_FROM": "CRSLNE",
    "CRISISLINE_EXOTEL_WEBHOOK_SECRET": "hunter2" * 4,
    "CRISISLINE_EXOTEL_ALLOWED_NETWORKS": "203.0.113.0/24,2001:db8::/32",
}
VOICE = {
    "CRISISLINE_EXOTEL_CALLER_ID": "08047112233",
    "CRISISLINE_EXOTEL_FLOW_URL": "http://my.exotel.com/crisisline1/exoml/start_voice/123456",
}


def start(tmp_path, **variables) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRISISLINE_", "DATABASE_URL"))}
    env |= {"CRISISLINE_DATA": str(tmp_path), **variables}
    return subprocess.run(
        [sys.executable, "-m", "crisisline", "check"], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"CRISISLINE_SMS_PROVIDER": "exotel"}, "CRISISLINE_EXOTEL_ACCOUNT_SID must be set"),
        (
            {"CRISISLINE_SMS_PROVIDER": "exotel", **COMPLETE, "CRISISLINE_EXOTEL_ALLOWED_NETWORKS": ""},
            "CRISISLINE_EXOTEL_ALLOWED_NETWORKS must be set",
        ),
        ({"CRISISLINE_VOICE_PROVIDER": "exotel", **COMPLETE}, "CRISISLINE_EXOTEL_CALLER_ID must be set"),
        ({"CRISISLINE_EXOTEL_WEBHOOK_SECRET": "hunter2"}, "at least 24 random characters"),
        ({"CRISISLINE_EXOTEL_ALLOWED_NETWORKS": "exotel.com"}, "must be CIDRs"),
    ],
    ids=["nothing set", "no networks", "voice without its flow", "short secret", "not a network"],
)
def test_exotel_without_what_it_needs_does_not_start(tmp_path, variables, message):
    result = start(tmp_path, **variables)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert "hunter2" not in result.stderr


def test_exotel_with_what_it_needs_starts(tmp_path):
    result = start(
        tmp_path, CRISISLINE_SMS_PROVIDER="exotel", CRISISLINE_VOICE_PROVIDER="exotel", **COMPLETE, **VOICE
    )
    assert result.returncode == 0, result.stderr
