"""Guessing passwords: an account locks for a cool-off after 5 failures in a row, an address is throttled
after 30 failures in 10 minutes, and a browser the person has signed in with before passes both, so that
someone spraying wrong passwords from a shared mobile-network address cannot keep a team member out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from conftest import TEST_TOTP_SECRET, make_person
from crisisline.lib.totp import code_at
from crisisline.people.models import Person, SignInAttempt, TrustedDevice
from crisisline.people.sign_in import (
    DEVICE_COOKIE,
    DEVICE_FAILURES,
    Refusal,
    SignInRefused,
    address_key,
    sign_in_check,
)
from crisisline.worker.jobs import housekeeping

PASSWORD = "long-enough-password-1"
SHARED_ADDRESS = "100.64.12.34"  # carrier-grade NAT: a whole town behind one address


@pytest.fixture
def devi(network):
    return make_person("devi", ("call_receiver", network["teams"]["mysuru"]))


def _request(address: str = SHARED_ADDRESS, cookies: dict | None = None):
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=address)
    request.COOKIES.update(cookies or {})
    return request


def _attempt(username: str, password: str, *, now=None, address: str = SHARED_ADDRESS, cookies=None):
    """The refusal's reason, or "ok"."""
    try:
        sign_in_check(username=username, password=password, request=_request(address, cookies), now=now)
    except SignInRefused as refusal:
        return refusal.reason
    return "ok"


def _post_password(client: Client, username: str, password: str, address: str = SHARED_ADDRESS):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def _sign_in_fully(client: Client, username: str = "meena", address: str = SHARED_ADDRESS) -> None:
    """Both steps, as in the browser; leaves the device cookie in the client."""
    response = _post_password(client, username, PASSWORD, address)
    assert response.headers["Location"].startswith("/accounts/second-factor/"), response
    Person.objects.filter(username=username).update(totp_last_step=0)  # a fresh code for each sign-in
    response = client.post(
        "/accounts/second-factor/", {"code": code_at(TEST_TOTP_SECRET, timezone.now())}, REMOTE_ADDR=address
    )
    assert response.headers["Location"] == "/", response


def _leave_browser_with_only_the_device_cookie(client: Client) -> None:
    """The session ended (timed out, or the phone was locked and forgotten); the device cookie stays."""
    for name in list(client.cookies):
        if name != DEVICE_COOKIE:
            del client.cookies[name]


# --- Per account ----------------------------------------------------------------------------------------
def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(person):
    for _ in range(4):
        assert _attempt("meena", "wrong password") is Refusal.WRONG_CREDENTIALS
    assert _attempt("meena", "wrong password") is Refusal.ACCOUNT_LOCKED  # the fifth starts the lock

    assert _attempt("meena", PASSWORD, address="198.51.100.9") is Refusal.ACCOUNT_LOCKED


def test_the_lock_is_per_account_not_per_address(person, devi):
    for _ in range(5):
        _attempt("meena", "wrong password")

    assert _attempt("devi", PASSWORD) == "ok"  # same address, other account
    assert Person.objects.get(pk=devi.pk).locked_until is None


def test_the_cool_off_ends_after_fifteen_minutes(person):
    start = timezone.now()
    for _ in range(5):
        _attempt("meena", "wrong password", now=start)

    assert _attempt("meena", PASSWORD, now=start + timedelta(minutes=14)) is Refusal.ACCOUNT_LOCKED
    assert _attempt("meena", PASSWORD, now=start + timedelta(minutes=15, seconds=1)) == "ok"


def test_after_the_cool_off_the_count_starts_again(person):
    start = timezone.now()
    for _ in range(5):
        _attempt("meena", "wrong password", now=start)
    later = start + timedelta(minutes=16)
    for _ in range(4):
        assert _attempt("meena", "wrong password", now=later) is Refusal.WRONG_CREDENTIALS
    assert _attempt("meena", "wrong password", now=later) is Refusal.ACCOUNT_LOCKED


def test_a_full_sign_in_starts_the_count_again(client, person, network):
    for _ in range(4):
        _post_password(client, "meena", "wrong password")
    _sign_in_fully(client)
    assert Person.objects.get(pk=person.pk).failed_sign_ins == 0

    for _ in range(4):
        assert _attempt("meena", "wrong password", address="198.51.100.9") is Refusal.WRONG_CREDENTIALS


def test_the_lock_is_shown_at_the_door(client, person):
    for _ in range(5):
        response = _post_password(client, "meena", "wrong password")
    assert "Too many failed attempts for this account. Try again in 15 minutes." in response.content.decode()


def test_unknown_usernames_lock_nothing_but_count_for_the_address(person):
    for _ in range(6):
        assert _attempt("nobody-here", "wrong password") is Refusal.WRONG_CREDENTIALS
    assert SignInAttempt.objects.filter(address=SHARED_ADDRESS).count() == 6
    assert _attempt("meena", PASSWORD) == "ok"


def test_a_disabled_account_is_refused_like_a_wrong_password(person):
    Person.objects.filter(pk=person.pk).update(is_active=False)
    assert _attempt("meena", PASSWORD) is Refusal.WRONG_CREDENTIALS


# --- Per address ----------------------------------------------------------------------------------------
def test_thirty_failures_from_one_address_throttle_strangers_there_for_a_while(person, devi):
    start = timezone.now()
    for index in range(30):
        _attempt(f"guess{index}", "wrong password", now=start)

    assert _attempt("devi", PASSWORD, now=start) is Refusal.ADDRESS_THROTTLED  # right password, no pass
    assert _attempt("devi", PASSWORD, now=start, address="198.51.100.9") == "ok"  # another address
    assert _attempt("devi", PASSWORD, now=start + timedelta(minutes=10, seconds=1)) == "ok"  # cooled off


def test_a_throttled_attempt_does_not_check_the_password_or_count(person):
    start = timezone.now()
    for index in range(30):
        _attempt(f"guess{index}", "wrong password", now=start)
    for _ in range(10):
        _attempt("meena", "wrong password", now=start)

    assert SignInAttempt.objects.count() == 30
    assert Person.objects.get(pk=person.pk).failed_sign_ins == 0


def test_addresses_in_one_ipv6_64_count_as_one(person):
    assert address_key(_request("2001:db8:1:2::1")) == address_key(_request("2001:db8:1:2:ffff::9"))
    assert address_key(_request("2001:db8:1:2::1")) != address_key(_request("2001:db8:1:3::1"))
    assert address_key(_request("::ffff:203.0.113.5")) == "203.0.113.5"
    assert address_key(_request("not an address")) is None

    start = timezone.now()
    for index in range(30):
        _attempt(f"guess{index}", "wrong", now=start, address=f"2001:db8:1:2::{index + 1:x}")
    assert _attempt("meena", PASSWORD, now=start, address="2001:db8:1:2:abcd::1") is Refusal.ADDRESS_THROTTLED


def test_housekeeping_forgets_failed_attempts_after_a_day(db):
    now = timezone.now()
    SignInAttempt.objects.create(address=SHARED_ADDRESS, at=now - timedelta(days=1, minutes=1))
    recent = SignInAttempt.objects.create(address=SHARED_ADDRESS, at=now - timedelta(hours=23))

    housekeeping(now)

    assert list(SignInAttempt.objects.all()) == [recent]


def test_housekeeping_forgets_trusted_devices_after_ninety_days(person):
    now = timezone.now()
    TrustedDevice.objects.create(person=person, digest="a" * 64, created_at=now - timedelta(days=91))
    kept = TrustedDevice.objects.create(person=person, digest="b" * 64, created_at=now - timedelta(days=89))

    housekeeping(now)

    assert list(TrustedDevice.objects.all()) == [kept]


# --- The trusted device ---------------------------------------------------------------------------------
def test_an_attacker_on_the_shared_address_does_not_keep_out_a_person_with_a_trusted_device(person, devi):
    meena_phone = Client()
    _sign_in_fully(meena_phone)
    cookie = meena_phone.cookies[DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/accounts/"
    _leave_browser_with_only_the_device_cookie(meena_phone)

    attacker = Client()
    for _ in range(15):
        _post_password(attacker, "meena", "wrong password")
    for index in range(30):
        _post_password(attacker, f"guess{index}", "wrong password")

    assert Person.objects.get(pk=person.pk).locked_until > timezone.now()  # her account is locked
    throttled = _post_password(attacker, "devi", PASSWORD)  # strangers here are throttled
    assert "Too many failed sign-ins from this network" in throttled.content.decode()

    _sign_in_fully(meena_phone)  # and yet Meena gets in from her own phone
    assert meena_phone.get("/", REMOTE_ADDR=SHARED_ADDRESS).status_code == 200


def test_a_trusted_device_counts_its_own_failures_and_is_trusted_no_longer_after_ten(person):
    phone = Client()
    _sign_in_fully(phone)
    _leave_browser_with_only_the_device_cookie(phone)

    for _ in range(DEVICE_FAILURES - 1):
        _post_password(phone, "meena", "wrong password")
    assert TrustedDevice.objects.get(person=person).failures == DEVICE_FAILURES - 1
    assert Person.objects.get(pk=person.pk).failed_sign_ins == 0  # the account's count untouched
    assert SignInAttempt.objects.count() == 0  # nor the address's

    _post_password(phone, "meena", "wrong password")

    assert not TrustedDevice.objects.filter(person=person).exists()
    _post_password(phone, "meena", "wrong password")  # from now on an unknown browser
    assert Person.objects.get(pk=person.pk).failed_sign_ins == 1


def test_a_trusted_device_passes_the_lock_on_the_second_step_too(person):
    phone = Client()
    _sign_in_fully(phone)
    _leave_browser_with_only_the_device_cookie(phone)
    for _ in range(5):
        _attempt("meena", "wrong password")

    _sign_in_fully(phone)


def test_another_persons_device_cookie_gives_no_pass(person, devi):
    devis_phone = Client()
    _sign_in_fully(devis_phone, username="devi")
    _leave_browser_with_only_the_device_cookie(devis_phone)

    for _ in range(5):
        _post_password(devis_phone, "meena", "wrong password")

    assert Person.objects.get(pk=person.pk).locked_until is not None
    assert TrustedDevice.objects.get(person=devi).failures == 0


@pytest.mark.parametrize("value", ["made-up", "a" * 32, "a" * 32 + ":1tAbCd:forged-signature", "\x00"])
def test_a_made_up_device_cookie_gives_no_pass(person, value):
    for _ in range(5):
        _attempt("meena", "wrong password", cookies={DEVICE_COOKIE: value})
    assert _attempt("meena", PASSWORD, cookies={DEVICE_COOKIE: value}) is Refusal.ACCOUNT_LOCKED


def test_a_shared_phone_keeps_the_devices_of_several_people(person, devi):
    phone = Client()
    _sign_in_fully(phone, username="meena")
    _leave_browser_with_only_the_device_cookie(phone)
    _sign_in_fully(phone, username="devi")
    _leave_browser_with_only_the_device_cookie(phone)
    cookies = {DEVICE_COOKIE: phone.cookies[DEVICE_COOKIE].value}

    for _ in range(5):
        _attempt("nobody", "x")
        _attempt("meena", "wrong password", address="198.51.100.9")
        _attempt("devi", "wrong password", address="198.51.100.9")

    assert _attempt("meena", PASSWORD, cookies=cookies) == "ok"
    assert _attempt("devi", PASSWORD, cookies=cookies) == "ok"
