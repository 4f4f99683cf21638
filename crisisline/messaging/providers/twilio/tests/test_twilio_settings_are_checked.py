"""Twilio chosen for a channel without what it needs stops Crisisline at start-up, with a message that names
the variable and shows no secret."""

import os
import subprocess
import sys

import pytest

COMPLETE = {
    "CRISISLINE_TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "CRISISLINE_TWILIO_AUTH_TOKEN": "hunter2-token",
    "CRISISLINE_TWILIO_FROM": "+14155550100",
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
        ({"CRISISLINE_SMS_PROVIDER": "twilio"}, "CRISISLINE_TWILIO_ACCOUNT_SID must be set"),
        (
            {"CRISISLINE_VOICE_PROVIDER": "twilio", **COMPLETE, "CRISISLINE_TWILIO_AUTH_TOKEN": ""},
            "CRISISLINE_TWILIO_AUTH_TOKEN must be set",
        ),
        (
            {
                "CRISISLINE_VOICE_PROVIDER": "twilio",
                **COMPLETE,
                "CRISISLINE_TWILIO_FROM": "",
                "CRISISLINE_TWILIO_MESSAGING_SERVICE_SID": "MG" + "1" * 32,
            },
            "CRISISLINE_TWILIO_FROM must be set",
        ),
        (
            {"CRISISLINE_TWILIO_API_BASE": "ftp://hunter2@example.org"},
            "CRISISLINE_TWILIO_API_BASE must start with",
        ),
    ],
    ids=["nothing set", "no auth token", "a call needs a number to come from", "bad api base"],
)
def test_twilio_without_what_it_needs_does_not_start(tmp_path, variables, message):
    result = start(tmp_path, **variables)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert "hunter2" not in result.stderr


def test_twilio_with_what_it_needs_starts(tmp_path):
    sms_by_service = {
        **COMPLETE,
        "CRISISLINE_TWILIO_FROM": "",
        "CRISISLINE_TWILIO_MESSAGING_SERVICE_SID": "MG1",
    }
    assert start(tmp_path, CRISISLINE_SMS_PROVIDER="twilio", **sms_by_service).returncode == 0
    result = start(tmp_path, CRISISLINE_SMS_PROVIDER="twilio", CRISISLINE_VOICE_PROVIDER="twilio", **COMPLETE)
    assert result.returncode == 0, result.stderr
