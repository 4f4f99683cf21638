"""A session ends after 30 minutes without a request and 12 hours after sign-in whatever happens, at once
when its account is disabled, and when the password changes elsewhere. The clock is injected by patching
django.utils.timezone.now; nothing sleeps."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_person, sign_in
from crisisline.people.models import Person


class Clock:
    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(timezone, "now", clock)
    return clock


def _signed_out(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/accounts/login/")


def test_the_defaults_are_thirty_minutes_and_twelve_hours(settings):
    assert settings.SESSION_IDLE_MINUTES == 30
    assert settings.SESSION_HOURS == 12
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60


def test_thirty_minutes_without_a_request_end_the_session(client, person, network, clock):
    sign_in(client, person)
    assert client.get("/").status_code == 200

    clock.advance(minutes=29, seconds=59)
    assert client.get("/").status_code == 200
    clock.advance(minutes=30)
    response = client.get("/states/KA/")

    assert _signed_out(response)
    assert response.headers["Location"] == "/accounts/login/?next=%2Fstates%2FKA%2F"
    assert "_auth_user_id" not in client.session
    page = client.get(response.headers["Location"])
    assert "You were signed out after 30 minutes without activity." in page.content.decode()


def test_activity_keeps_the_session_alive(client, person, network, clock):
    sign_in(client, person)
    for _ in range(6):  # two hours, a page every twenty minutes
        clock.advance(minutes=20)
        assert client.get("/").status_code == 200


def test_twelve_hours_after_sign_in_the_session_ends_however_busy(client, person, network, clock):
    sign_in(client, person)
    client.get("/")
    for _ in range(28):  # 11 h 40 min
        clock.advance(minutes=25)
        assert client.get("/").status_code == 200
    clock.advance(minutes=19, seconds=59)
    assert client.get("/").status_code == 200

    clock.advance(seconds=1)
    response = client.get("/")

    assert _signed_out(response)
    page = client.get(response.headers["Location"])
    assert "a session lasts at most 12 hours" in page.content.decode()


def test_the_limits_come_from_the_settings(client, person, network, clock, settings):
    settings.SESSION_IDLE_MINUTES = 5
    sign_in(client, person)
    client.get("/")
    clock.advance(minutes=5)
    assert _signed_out(client.get("/"))


def test_a_half_finished_sign_in_times_out_too(client, person, network, clock):
    client.post("/accounts/login/", {"username": "meena", "password": "long-enough-password-1"})
    assert client.get("/accounts/second-factor/").status_code == 200

    clock.advance(minutes=31)

    response = client.get("/accounts/second-factor/")
    assert _signed_out(response)
    assert "_auth_user_id" not in client.session


def test_quick_exit_still_works_on_a_timed_out_session(client, person, network, clock):
    sign_in(client, person)
    client.get("/")
    clock.advance(hours=1)

    response = client.post("/exit")

    assert response.status_code == 303  # to the neutral page, not to sign-in
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'


def test_a_timed_out_session_does_not_come_back(client, person, network, clock):
    sign_in(client, person)
    client.get("/")
    clock.advance(minutes=31)
    client.get("/")

    clock.now -= timedelta(minutes=31)  # even if the clock went back
    assert _signed_out(client.get("/"))


def test_disabling_an_account_ends_its_sessions_at_once(person, network, administrator):
    phone = sign_in(Client(), person)
    assert phone.get("/").status_code == 200

    Person.objects.filter(pk=person.pk).update(is_active=False)

    assert _signed_out(phone.get("/"))
    Person.objects.filter(pk=person.pk).update(is_active=True)
    assert _signed_out(phone.get("/")), "enabling the account again brought the old session back"


def test_a_password_change_ends_the_other_sessions(person, network):
    phone = sign_in(Client(), person)
    laptop = sign_in(Client(), person)
    assert phone.get("/").status_code == laptop.get("/").status_code == 200

    person.set_password("another-long-password-7")
    person.save(update_fields=["password"])

    assert _signed_out(phone.get("/"))
    assert _signed_out(laptop.get("/"))


def test_a_session_without_its_times_is_refused(client, person, network):
    sign_in(client, person)
    session = client.session
    session["signed_in_at"] = "yesterday"
    session.save()
    assert _signed_out(client.get("/"))


def test_a_person_without_roles_needing_it_also_times_out(client, network, clock):
    manager = make_person("manager", ("programme_manager", network["states"]["KA"]))
    client.force_login(manager)
    client.get("/")
    clock.advance(minutes=30)
    assert _signed_out(client.get("/"))


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("CRISISLINE_IDLE_MINUTES", "10", "SESSION_IDLE_MINUTES=10"),
        ("CRISISLINE_SESSION_HOURS", "8", "SESSION_COOKIE_AGE=28800"),
        ("CRISISLINE_IDLE_MINUTES", "0", "CRISISLINE_IDLE_MINUTES must be at least 1"),
        ("CRISISLINE_SESSION_HOURS", "half a day", "CRISISLINE_SESSION_HOURS must be a whole number"),
    ],
)
def test_the_limits_are_read_strictly_from_the_environment(tmp_path, variable, value, expected):
    script = (
        "import crisisline.settings as s; "
        "print(f'SESSION_IDLE_MINUTES={s.SESSION_IDLE_MINUTES} SESSION_COOKIE_AGE={s.SESSION_COOKIE_AGE}')"
    )
    env = {"PATH": "/usr/bin:/bin", "CRISISLINE_DATA": str(tmp_path), variable: value}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert expected in result.stdout + result.stderr
