"""My account: my roles and my API tokens. A new token is shown once, on the answer to the form that made
it; a token can be revoked from here; nobody else's tokens are reachable."""

from __future__ import annotations

import re

from django.test import Client

from conftest import make_person, sign_in
from crisisline.audit.models import AuditEntry
from crisisline.people.models import ApiToken
from crisisline.people.services import token_authenticate, token_create

TOKEN = re.compile(r"cl_[0-9a-f]{10}_[A-Za-z0-9_-]{43}")


def test_my_account_shows_my_roles_and_tokens(client, person):
    token_create(person=person, name="phone app")
    sign_in(client, person)
    text = client.get("/account/").content.decode()
    assert "Call receiver" in text and "Mysuru Bus Stand" in text
    assert "phone app" in text
    assert not TOKEN.search(text)


def test_a_new_token_is_shown_once(client, person):
    sign_in(client, person)
    response = client.post("/account/tokens/", {"name": "laptop"})
    assert response.status_code == 201
    plaintext = TOKEN.search(response.content.decode())[0]
    assert token_authenticate(plaintext) == person
    assert ApiToken.objects.get().name == "laptop"
    assert not TOKEN.search(client.get("/account/").content.decode())
    assert AuditEntry.objects.filter(action="token.create", actor="meena").count() == 1
    assert Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}").get("/api/v1/me").json()["username"] == "meena"


def test_a_token_needs_a_name(client, person):
    sign_in(client, person)
    response = client.post("/account/tokens/", {"name": " "})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_revoke_my_token(client, person):
    new = token_create(person=person, name="laptop")
    sign_in(client, person)
    response = client.post(f"/account/tokens/{new.token.prefix}/revoke/")
    assert response.status_code == 302
    assert token_authenticate(new.plaintext) is None
    assert "Revoked" in client.get("/account/").content.decode()
    assert AuditEntry.objects.filter(action="token.revoke", actor="meena").count() == 1


def test_nobody_elses_token_is_reachable_here(client, person, administrator):
    theirs = token_create(person=make_person("devi"), name="devi's")
    for reader in (person, administrator):  # an administrator too: this page is one's own account
        sign_in(client, reader)
        assert client.post(f"/account/tokens/{theirs.token.prefix}/revoke/").status_code == 404
    assert token_authenticate(theirs.plaintext) is not None


def test_changes_need_post(client, person):
    new = token_create(person=person, name="laptop")
    sign_in(client, person)
    assert client.get("/account/tokens/").status_code == 405
    assert client.get(f"/account/tokens/{new.token.prefix}/revoke/").status_code == 405
    assert token_authenticate(new.plaintext) == person


def test_a_lead_finds_the_people_list_from_here(client, network, person):
    sign_in(client, person)
    assert 'href="/people/"' not in client.get("/account/").content.decode()
    sign_in(client, make_person("lakshmi", ("team_lead", network["teams"]["mysuru"])))
    assert 'href="/people/"' in client.get("/account/").content.decode()
