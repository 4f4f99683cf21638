"""Settings from the environment: strict, clear, and never echoing a secret."""

import os
import subprocess
import sys

import pytest

from crisisline.lib.env import ConfigError, env_bool, env_choice, env_int, env_list, env_time_zone, env_url


def test_booleans_accept_the_usual_words_and_refuse_the_rest():
    assert env_bool("X", False, environ={"X": "yes"}) is True
    assert env_bool("X", True, environ={"X": "0"}) is False
    assert env_bool("X", True, environ={}) is True
    with pytest.raises(ConfigError, match=r"X must be true or false .* not 'maybe'"):
        env_bool("X", False, environ={"X": "maybe"})


def test_numbers_are_whole_and_within_bounds():
    assert env_int("PORT", 8000, environ={"PORT": "8080"}) == 8080
    with pytest.raises(ConfigError, match="PORT must be a whole number, not 'eighty'"):
        env_int("PORT", 8000, environ={"PORT": "eighty"})
    with pytest.raises(ConfigError, match="PORT must be at most 65535, not 70000"):
        env_int("PORT", 8000, maximum=65535, environ={"PORT": "70000"})
    with pytest.raises(ConfigError, match="at least 1"):
        env_int("PORT", 8000, minimum=1, environ={"PORT": "0"})


def test_lists_choices_and_time_zones():
    assert env_list("H", ["a"], environ={"H": "x.org, y.org"}) == ["x.org", "y.org"]
    with pytest.raises(ConfigError, match="no empty items"):
        env_list("H", [], environ={"H": "x.org,,y.org"})
    with pytest.raises(ConfigError, match="one of DEBUG, INFO"):
        env_choice("L", "INFO", ["DEBUG", "INFO"], environ={"L": "LOUD"})
    assert env_time_zone("TZ", "Asia/Kolkata", environ={}) == "Asia/Kolkata"
    with pytest.raises(ConfigError, match="IANA time zone"):
        env_time_zone("TZ", "Asia/Kolkata", environ={"TZ": "India/Mumbai"})


def test_a_url_with_a_password_is_never_echoed_in_the_error():
    with pytest.raises(ConfigError) as refused:
        env_url(
            "DATABASE_URL", None, schemes=("postgres",), environ={"DATABASE_URL": "mysql://u:s3cret@h/db"}
        )
    assert "s3cret" not in str(refused.value)
    assert "postgres://" in str(refused.value) and "mysql" in str(refused.value)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("CRISISLINE_DEBUG", "perhaps", "CRISISLINE_DEBUG must be true or false"),
        ("DATABASE_URL", "mysql://root:hunter2@db/crisis", "DATABASE_URL must start with one of"),
        ("CRISISLINE_WORKER_STALE_SECONDS", "1", "CRISISLINE_WORKER_STALE_SECONDS must be at least 5"),
        ("CRISISLINE_TIME_ZONE", "Mars/Olympus", "CRISISLINE_TIME_ZONE must be an IANA time zone"),
        ("CRISISLINE_PRODUCTION", "true", "CRISISLINE_SECRET_KEY must be set"),
    ],
)
def test_the_command_stops_with_a_clear_message_and_exit_code_2(tmp_path, variable, value, message):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRISISLINE_", "DATABASE_URL"))}
    env |= {"CRISISLINE_DATA": str(tmp_path), variable: value}
    result = subprocess.run(
        [sys.executable, "-m", "crisisline", "check"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert "hunter2" not in result.stderr
