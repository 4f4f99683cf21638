"""The gateway's settings are read strictly: a bad value stops Crisisline at start-up with a message that
names the variable and never shows a secret."""

import os
import subprocess
import sys

import pytest

from crisisline.lib.env import ConfigError
from crisisline.messaging.providers.http.config import field_names, headers, networks

OURS = ("to", "text", "sender", "template_id", "key")


def test_field_names_map_ours_to_the_providers():
    environ = {"F": "to=mobile, text=message,key=data.reference"}
    assert field_names("F", OURS, environ=environ) == {
        "to": "mobile",
        "text": "message",
        "key": "data.reference",
    }
    assert field_names("F", OURS, environ={}) == {}


@pytest.mark.parametrize("value", ["to", "to=", "phone=mobile", "to=mobile,,text=m"])
def test_field_names_refuse_what_they_cannot_read(value):
    with pytest.raises(ConfigError) as refused:
        field_names("F", OURS, environ={"F": value})
    assert "F must be" in str(refused.value)


def test_headers_are_read_and_never_echoed():
    environ = {"H": "Authorization: Bearer abc:def|X-Api-Key: k3y"}
    assert headers("H", environ=environ) == {"Authorization": "Bearer abc:def", "X-Api-Key": "k3y"}
    with pytest.raises(ConfigError) as refused:
        headers("H", environ={"H": "Authorization Bearer t0psecret"})
    assert "t0psecret" not in str(refused.value)
    assert "entry 1" in str(refused.value)


def test_networks_are_cidrs():
    assert [str(n) for n in networks("N", ["203.0.113.0/24", "2001:db8::/32"])] == [
        "203.0.113.0/24",
        "2001:db8::/32",
    ]
    with pytest.raises(ConfigError):
        networks("N", ["exotel"])


def start(tmp_path, **variables) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRISISLINE_", "DATABASE_URL"))}
    env |= {"CRISISLINE_DATA": str(tmp_path), **variables}
    return subprocess.run(
        [sys.executable, "-m", "crisisline", "check"], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"CRISISLINE_SMS_PROVIDER": "http"}, "CRISISLINE_HTTP_SMS_URL must be set"),
        (
            {"CRISISLINE_SMS_PROVIDER": "http", "CRISISLINE_HTTP_SMS_URL": "https://gw.example/send?to={to}"},
            "must say where the text goes",
        ),
        (
            {"CRISISLINE_HTTP_SMS_HEADERS": "Authorization=Bearer hunter2"},
            "CRISISLINE_HTTP_SMS_HEADERS must be",
        ),
        ({"CRISISLINE_HTTP_INBOUND_SECRET": "hunter2"}, "at least 24 random characters"),
        ({"CRISISLINE_SMS_PROVIDER": "android"}, "CRISISLINE_ANDROID_GATEWAY_URL must be set"),
        ({"CRISISLINE_EMAIL_PROVIDER": "smtp"}, "CRISISLINE_SMTP_HOST must be set"),
    ],
    ids=["no url", "no place for the text", "bad headers", "short secret", "android unset", "smtp unset"],
)
def test_a_provider_without_what_it_needs_does_not_start(tmp_path, variables, message):
    result = start(tmp_path, **variables)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert "hunter2" not in result.stderr


def test_providers_with_what_they_need_start(tmp_path):
    result = start(
        tmp_path,
        CRISISLINE_SMS_PROVIDER="http",
        CRISISLINE_HTTP_SMS_URL="https://gw.example/send",
        CRISISLINE_HTTP_SMS_FIELDS="to=mobile,text=message",
        CRISISLINE_HTTP_SMS_HEADERS="Authorization: Bearer abc",
        CRISISLINE_EMAIL_PROVIDER="smtp",
        CRISISLINE_SMTP_HOST="mail.example.org",
        CRISISLINE_SMTP_FROM="pages@example.org",
    )
    assert result.returncode == 0, result.stderr
