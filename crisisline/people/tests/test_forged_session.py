"""A forged, tampered or replayed session cookie is simply signed out: a redirect to sign-in, never a 500.
And signing out ends the session for good and tells the browser to forget everything."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from conftest import sign_in
from crisisline.people.models import Person

COOKIE = "sessionid"


def _is_signed_out(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/accounts/login/")


def _with_cookie(value: str) -> Client:
    client = Client(raise_request_exception=False)
    client.cookies[COOKIE] = value
    return client


@pytest.mark.parametrize(
    "value",
    [
        "0123456789abcdefghijklmnopqrstuv",  # well-formed, made up
        "short",
        "x" * 4000,
        "../../etc/passwd",
        "'; DROP TABLE django_session; --",
        "nul\x00byte-in-a-session-key",
        # as a WSGI server hands over UTF-8 bytes from a header: decoded as latin-1 (PEP 3333)
        "café-नमस्ते-key".encode().decode("latin-1"),
    ],
    ids=["random", "short", "long", "path", "sql", "nul", "non-ascii"],
)
def test_a_made_up_session_cookie_is_signed_out(network, value):
    response = _with_cookie(value).get("/")
    assert _is_signed_out(response)


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/exit", "/api/v1/states", "/healthz"])
def test_a_nul_smuggled_in_by_a_quoted_cookie_never_reaches_the_database(network, path):
    # Django's cookie parser turns the octal escape of a quoted value into a real NUL character, which
    # PostgreSQL refuses in a query.
    client = Client(raise_request_exception=False)
    response = client.get(path, HTTP_COOKIE='sessionid="0123456789abcdef\\000ghijklmnopqrstu"')
    assert response.status_code != 500  # /healthz answers 503 here: no worker runs in this test


@pytest.mark.parametrize("path", ["/", "/accounts/second-factor/", "/accounts/backup-codes/"])
def test_a_tampered_session_cookie_is_signed_out(client, person, network, path):
    sign_in(client, person)
    key = client.cookies[COOKIE].value
    tampered = key[:-1] + ("a" if key[-1] != "a" else "b")

    assert _is_signed_out(_with_cookie(tampered).get(path))
    assert client.get("/").status_code == 200  # the real one is untouched


def test_a_session_cookie_is_worth_nothing_after_signing_out(client, person, network):
    sign_in(client, person)
    key = client.cookies[COOKIE].value

    response = client.post("/accounts/logout/")

    assert response.status_code == 302 and response.headers["Location"] == "/accounts/login/"
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert not Session.objects.filter(session_key=key).exists()
    assert _is_signed_out(_with_cookie(key).get("/"))


def test_signing_out_is_post_only(client, person, network):
    sign_in(client, person)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/").status_code == 200


def test_signing_out_with_a_forged_session_just_goes_to_sign_in(network):
    client = _with_cookie("0123456789abcdefghijklmnopqrstuv")
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response.headers["Location"] == "/accounts/login/"


def test_the_session_key_changes_at_each_step_of_signing_in(person, network):
    from django.utils import timezone

    from conftest import TEST_TOTP_SECRET
    from crisisline.lib.totp import code_at

    client = Client()
    client.get("/accounts/login/")
    before = client.cookies.get(COOKIE)
    client.post("/accounts/login/", {"username": "meena", "password": "long-enough-password-1"})
    half = client.cookies[COOKIE].value
    client.post("/accounts/second-factor/", {"code": code_at(TEST_TOTP_SECRET, timezone.now())})
    full = client.cookies[COOKIE].value

    assert len({before.value if before else None, half, full}) == 3
    assert _is_signed_out(_with_cookie(half).get("/"))  # the half-way key is not a way in


def test_session_data_that_does_not_verify_is_signed_out(client, person, network):
    sign_in(client, person)
    key = client.cookies[COOKIE].value
    Session.objects.filter(session_key=key).update(session_data="forged:data:without-a-valid-signature")

    assert _is_signed_out(client.get("/"))


def test_a_session_of_a_deleted_person_is_signed_out(client, person, network):
    sign_in(client, person)
    Person.objects.filter(pk=person.pk).delete()
    assert _is_signed_out(client.get("/"))


def test_a_session_copied_to_another_browser_ends_with_the_original(person, network):
    phone = sign_in(Client(), person)
    copy = _with_cookie(phone.cookies[COOKIE].value)
    assert copy.get("/").status_code == 200  # a copied cookie is the same session: no way to tell

    phone.post("/accounts/logout/")

    assert _is_signed_out(copy.get("/"))
