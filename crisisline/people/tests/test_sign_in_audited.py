"""Every sign-in goes into the audit trail, failed ones too: who, when, from where. Never a password or a
code, and never the username someone typed for an account that does not exist."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from conftest import TEST_TOTP_SECRET, make_person
from crisisline.audit.models import AuditEntry
from crisisline.lib.totp import code_at
from crisisline.people.models import Person, SignInAttempt

PASSWORD = "long-enough-password-1"
ADDRESS = "203.0.113.44"


def _client() -> Client:
    return Client(REMOTE_ADDR=ADDRESS)


def _password(client: Client, username: str = "meena", password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def _entries() -> list[AuditEntry]:
    return list(AuditEntry.objects.order_by("seq"))


def _everything_written(entry: AuditEntry) -> str:
    return json.dumps(
        [entry.actor, entry.action, entry.object_type, entry.object_id, entry.reason, entry.details]
    )


def test_a_sign_in_with_both_steps_is_recorded_with_who_when_and_where(person, network):
    client = _client()
    before = timezone.now()
    _password(client)
    client.post("/accounts/second-factor/", {"code": code_at(TEST_TOTP_SECRET, timezone.now())})

    first, done = _entries()
    assert (first.action, done.action) == ("sign_in.first_factor", "sign_in")
    for entry in (first, done):
        assert (entry.actor_id, entry.actor, entry.address) == (person.pk, "meena", ADDRESS)
        assert (entry.object_type, entry.object_id) == ("person", str(person.pk))
        assert entry.at >= before
    assert done.details == {"second_factor": "totp", "trusted_device": False}


def test_a_sign_in_without_a_second_step_is_recorded(network):
    make_person("manager", ("programme_manager", network["states"]["KA"]))
    _password(_client(), username="manager")

    (entry,) = _entries()
    assert (entry.action, entry.actor, entry.address) == ("sign_in", "manager", ADDRESS)
    assert entry.details == {"second_factor": "none", "trusted_device": False}


def test_a_wrong_password_is_recorded_against_the_account(person):
    _password(_client(), password="not-the-password")

    (entry,) = _entries()
    assert (entry.action, entry.actor_id, entry.address) == ("sign_in.failed", person.pk, ADDRESS)
    assert entry.details == {"trusted_device": False, "lock_started": False}
    assert "not-the-password" not in _everything_written(entry)


def test_an_unknown_username_is_recorded_without_keeping_what_was_typed(db):
    _password(_client(), username="priya.real.name", password="her-password-maybe")

    (entry,) = _entries()
    assert entry.action == "sign_in.failed"
    assert entry.actor_id is None and entry.object_id == ""
    assert entry.details == {"username_known": False, "trusted_device": False}
    assert entry.address == ADDRESS
    written = _everything_written(entry)
    assert "priya" not in written and "her-password" not in written


def test_a_disabled_account_with_the_right_password_is_recorded_as_such(person):
    Person.objects.filter(pk=person.pk).update(is_active=False)
    _password(_client())

    (entry,) = _entries()
    assert entry.action == "sign_in.failed" and entry.details["reason"] == "disabled"


def test_the_lock_and_attempts_during_it_are_recorded(person):
    client = _client()
    for _ in range(6):
        _password(client, password="wrong")

    actions = [entry.action for entry in _entries()]
    assert actions == ["sign_in.failed"] * 5 + ["sign_in.locked"]
    assert _entries()[4].details["lock_started"] is True


def test_throttled_attempts_are_recorded(person):
    SignInAttempt.objects.bulk_create([SignInAttempt(address=ADDRESS) for _ in range(30)])
    _password(_client())
    _password(_client(), username="nobody")

    known, unknown = _entries()
    assert (known.action, known.actor_id) == ("sign_in.throttled", person.pk)
    assert (unknown.action, unknown.actor_id, unknown.details) == (
        "sign_in.throttled",
        None,
        {"username_known": False},
    )


def test_a_wrong_code_is_recorded_without_the_code(person, network):
    client = _client()
    _password(client)
    client.post("/accounts/second-factor/", {"code": "246813"})
    client.post("/accounts/second-factor/", {"code": "zzzz-9999"})

    wrong_totp, wrong_backup = _entries()[1:]
    assert (wrong_totp.action, wrong_totp.actor_id) == ("second_factor.failed", person.pk)
    assert wrong_totp.details == {"method": "totp", "trusted_device": False, "lock_started": False}
    assert wrong_backup.details["method"] == "backup_code"
    assert "246813" not in _everything_written(wrong_totp)
    assert "zzzz" not in _everything_written(wrong_backup)


def test_a_backup_code_sign_in_says_so(person, network):
    from crisisline.people.second_factor import backup_codes_new

    codes = backup_codes_new(person=person)
    client = _client()
    _password(client)
    client.post("/accounts/second-factor/", {"code": codes[0]})

    assert _entries()[-1].action == "sign_in"
    assert _entries()[-1].details["second_factor"] == "backup_code"


def test_signing_out_is_recorded(person, network):
    client = _client()
    _password(client)
    client.post("/accounts/second-factor/", {"code": code_at(TEST_TOTP_SECRET, timezone.now())})
    client.post("/accounts/logout/")

    assert _entries()[-1].action == "sign_out"
    assert _entries()[-1].actor_id == person.pk


@pytest.mark.parametrize("username", ["", "x" * 500, "nul\x00byte", "new\nline"])
def test_odd_usernames_are_recorded_as_unknown_and_never_break_the_page(db, username):
    response = _password(_client(), username=username, password="whatever")

    assert response.status_code == 200
    assert "The username or password is not right" in response.content.decode()
    (entry,) = _entries()
    assert entry.details == {"username_known": False, "trusted_device": False}
