"""Disabling an account: it ends the person's sessions at once and revokes their API tokens. Enabling it
again brings neither back. Administrators disable anyone but themselves; a team lead the people of their
own team only; each change is audited."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from conftest import make_person, sign_in
from crisisline.audit.models import AuditEntry
from crisisline.people.models import ApiToken, Person
from crisisline.people.services import token_create


def disable(client, username: str):
    return client.post(f"/people/person/{username}/active/", {"active": "0", "confirm": "yes"})


def enable(client, username: str):
    return client.post(f"/people/person/{username}/active/", {"active": "1"})


def api_client(plaintext: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {plaintext}")


def assert_sent_to_sign_in(response) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.fixture
def meenas_phone(person):
    """Meena, signed in (both steps) on her phone, with an API token in a script of hers."""
    phone = sign_in(Client(), person)
    assert phone.get("/account/").status_code == 200
    return phone


@pytest.fixture
def meenas_token(person):
    plaintext = token_create(person=person, name="script").plaintext
    assert api_client(plaintext).get("/api/v1/me").status_code == 200
    return plaintext


def test_disabling_ends_sessions_and_tokens_at_once(
    client, administrator, person, meenas_phone, meenas_token
):
    sign_in(client, administrator)

    response = disable(client, "meena")

    assert response.status_code == 302
    assert response["Location"] == "/people/person/meena/"
    assert not Person.objects.get(pk=person.pk).is_active
    assert_sent_to_sign_in(meenas_phone.get("/account/"))
    unauthorized = api_client(meenas_token).get("/api/v1/me")
    assert unauthorized.status_code == 401
    assert unauthorized.json()["error"]["code"] == "unauthorized"
    assert not ApiToken.objects.filter(person=person, revoked_at__isnull=True).exists()
    assert list(AuditEntry.objects.filter(action="person.disable").values_list("actor", "object_id")) == [
        ("admin", str(person.pk))
    ]


def test_enabling_again_brings_back_neither_sessions_nor_tokens(
    client, administrator, person, meenas_phone, meenas_token
):
    sign_in(client, administrator)
    disable(client, "meena")
    assert enable(client, "meena").status_code == 302

    assert Person.objects.get(pk=person.pk).is_active
    assert_sent_to_sign_in(meenas_phone.get("/account/"))
    assert api_client(meenas_token).get("/api/v1/me").status_code == 401
    assert sign_in(Client(), person).get("/account/").status_code == 200  # she signs in afresh
    assert AuditEntry.objects.filter(action="person.enable", actor="admin").count() == 1


def test_disabling_leaves_other_peoples_sessions(client, administrator, person, teams):
    lead_phone = sign_in(Client(), make_person("lakshmi", ("team_lead", teams["mysuru"])))
    sign_in(client, administrator)
    disable(client, "meena")
    assert lead_phone.get("/account/").status_code == 200
    assert client.get("/account/").status_code == 200
    assert Session.objects.count() == 2


def test_lead_disables_a_member_of_own_team(client, person, teams, meenas_phone):
    sign_in(client, make_person("lakshmi", ("team_lead", teams["mysuru"])))
    assert disable(client, "meena").status_code == 302
    assert not Person.objects.get(pk=person.pk).is_active
    assert_sent_to_sign_in(meenas_phone.get("/account/"))


def test_lead_cannot_disable_someone_who_serves_elsewhere(client, teams):
    ravi = make_person("ravi", ("call_receiver", teams["mysuru"]), ("lawyer", teams["madurai"]))
    sign_in(client, make_person("lakshmi", ("team_lead", teams["mysuru"])))
    assert disable(client, "ravi").status_code == 403
    assert Person.objects.get(pk=ravi.pk).is_active
    assert not AuditEntry.objects.filter(action="person.disable").exists()


def test_lead_cannot_see_or_disable_other_teams(client, teams):
    selvi = make_person("selvi", ("call_receiver", teams["madurai"]))
    sign_in(client, make_person("lakshmi", ("team_lead", teams["mysuru"])))
    assert disable(client, "selvi").status_code == 404
    assert Person.objects.get(pk=selvi.pk).is_active


def test_a_call_receiver_cannot_disable_anyone(client, person, teams):
    colleague = make_person("devi", ("call_receiver", teams["mysuru"]))
    sign_in(client, person)
    assert disable(client, "devi").status_code == 404  # not in her scope: as if nobody had the name
    assert disable(client, "meena").status_code == 403  # herself: seen, but not hers to change
    assert Person.objects.filter(pk__in=[person.pk, colleague.pk], is_active=True).count() == 2


def test_disabling_needs_the_box_ticked(client, administrator, person, meenas_phone):
    sign_in(client, administrator)
    response = client.post("/people/person/meena/active/", {"active": "0"})
    assert response.status_code == 302
    assert "tick the box to confirm" in client.get(response["Location"]).content.decode()
    assert Person.objects.get(pk=person.pk).is_active
    assert meenas_phone.get("/account/").status_code == 200
    assert not AuditEntry.objects.filter(action="person.disable").exists()


def test_nobody_disables_themselves(client, administrator):
    sign_in(client, administrator)
    response = disable(client, "admin")
    assert response.status_code == 302
    assert "You cannot disable your own account." in client.get(response["Location"]).content.decode()
    assert Person.objects.get(pk=administrator.pk).is_active


def test_the_person_page_offers_what_the_reader_may_do(client, administrator, person):
    sign_in(client, administrator)
    page = client.get("/people/person/meena/").content.decode()
    assert "Disable the account" in page and "New invitation link" in page
    disable(client, "meena")
    page = client.get("/people/person/meena/").content.decode()
    assert "Enable the account again" in page and "Disable the account" not in page


@pytest.fixture
def teams(network):
    return network["teams"]
