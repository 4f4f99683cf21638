"""The people API: /me, one's own tokens, and the people a token's person may see. A token carries its
person's permissions and nothing more; a username outside the reader's scope is a 404, like one that does
not exist."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from conftest import make_person
from crisisline.audit.models import AuditEntry
from crisisline.people.models import ApiToken, Role
from crisisline.people.services import token_authenticate, token_create


def client_of(person) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(person=person, name='tests').plaintext}")


def ok(response) -> dict:
    assert response.status_code == 200, response.content
    return response.json()


def usernames(response) -> list[str]:
    return [item["username"] for item in ok(response)["items"]]


def assert_not_found(response) -> None:
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "No person with this username.", "fields": {}}
    }


def post_token(client: Client, body: dict):
    return client.post("/api/v1/me/tokens", json.dumps(body), content_type="application/json")


@pytest.fixture
def teams(network):
    return network["teams"]


@pytest.fixture
def crowd(teams, person, administrator):
    """Meena (call receiver, Mysuru 1), her lead, a responder beside her, a Mysuru 1 member who is also a
    lawyer in Madurai, someone in Mysuru 2, and someone in Madurai."""
    return {
        "lead": make_person("lakshmi", ("team_lead", teams["mysuru"])),
        "devi": make_person("devi", ("responder", teams["mysuru"])),
        "ravi": make_person("ravi", ("call_receiver", teams["mysuru"]), ("lawyer", teams["madurai"])),
        "asha": make_person("asha", ("call_receiver", teams["mysuru2"])),
        "selvi": make_person("selvi", ("team_lead", teams["madurai"])),
    }


# --- /me -------------------------------------------------------------------------------------------------
def test_me(api, person):
    person.display_name = "Meenu"
    person.language = "hi"
    person.save()
    assert ok(api.get("/api/v1/me")) == {
        "username": "meena",
        "display_name": "Meenu",
        "language": "hi",
        "roles": [{"kind": "call_receiver", "level": "team", "code": "KA-MYS-01"}],
    }


def test_me_of_a_programme_manager_and_an_administrator(network, administrator):
    manager = make_person("pooja", ("programme_manager", network["states"]["KA"]))
    assert ok(client_of(manager).get("/api/v1/me"))["roles"] == [
        {"kind": "programme_manager", "level": "state", "code": "KA"}
    ]
    assert ok(client_of(administrator).get("/api/v1/me"))["roles"] == [
        {"kind": "administrator", "level": "network", "code": None}
    ]


# --- /me/tokens ------------------------------------------------------------------------------------------
def test_token_list_holds_my_tokens_only(api, person, administrator):
    token_create(person=person, name="laptop")
    token_create(person=administrator, name="admin's")
    page = ok(api.get("/api/v1/me/tokens"))
    assert [(t["name"], t["person"]) for t in page["items"]] == [("tests", "meena"), ("laptop", "meena")]
    assert page["count"] == 2
    assert set(page["items"][0]) == {"prefix", "name", "person", "created_at", "last_used_at", "revoked_at"}
    assert ok(api.get("/api/v1/me/tokens", {"person": "meena"}))["count"] == 2


def test_token_list_is_paginated(api, person):
    for name in ("b", "c"):
        token_create(person=person, name=name)
    page = ok(api.get("/api/v1/me/tokens", {"page": 2, "page_size": 2}))
    assert ([t["name"] for t in page["items"]], page["count"], page["pages"]) == (["c"], 3, 2)
    assert api.get("/api/v1/me/tokens", {"page": 3, "page_size": 2}).status_code == 404


def test_only_an_administrator_lists_someone_elses_tokens(api, person, administrator, crowd):
    token_create(person=crowd["devi"], name="devi's")
    for username in ("devi", "nobody-at-all"):  # the same answer whether the name exists or not
        response = api.get("/api/v1/me/tokens", {"person": username})
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
    admin = client_of(administrator)
    assert [t["name"] for t in ok(admin.get("/api/v1/me/tokens", {"person": "devi"}))["items"]] == ["devi's"]
    assert admin.get("/api/v1/me/tokens", {"person": "nobody-at-all"}).status_code == 404


def test_create_a_token_shown_once(api, person):
    response = post_token(api, {"name": "  phone app  "})
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "phone app"
    assert body["person"] == "meena"
    assert body["token"].startswith(f"cl_{body['prefix']}_")
    assert token_authenticate(body["token"]) == person
    # Only its digest is kept, and no listing shows it again.
    assert body["token"].split("_", 2)[2] not in str(list(ApiToken.objects.values()))
    assert body["token"] not in api.get("/api/v1/me/tokens").content.decode()
    entry = AuditEntry.objects.get(action="token.create", actor="meena")
    assert entry.object_id == str(ApiToken.objects.get(prefix=body["prefix"]).pk)


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x" * 65}, {"name": None}])
def test_a_token_needs_a_name(api, body):
    response = post_token(api, body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"
    assert "name" in response.json()["error"]["fields"]
    assert ApiToken.objects.count() == 1


def test_revoke_my_token(api, person):
    other = token_create(person=person, name="laptop")
    response = api.delete(f"/api/v1/me/tokens/{other.token.prefix}")
    assert ok(response)["revoked_at"] is not None
    assert token_authenticate(other.plaintext) is None
    assert AuditEntry.objects.filter(action="token.revoke", actor="meena").count() == 1
    assert (
        ok(api.delete(f"/api/v1/me/tokens/{other.token.prefix}"))["revoked_at"]
        == response.json()["revoked_at"]
    )


def test_revoking_the_token_in_use_ends_it(api, api_token):
    prefix = api_token.split("_")[1]
    assert ok(api.delete(f"/api/v1/me/tokens/{prefix}"))["prefix"] == prefix
    assert api.get("/api/v1/me").status_code == 401


def test_someone_elses_token_is_not_found_unless_administrator(api, administrator, crowd):
    devis = token_create(person=crowd["devi"], name="devi's")
    for prefix in (devis.token.prefix, "0123456789"):
        response = api.delete(f"/api/v1/me/tokens/{prefix}")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert token_authenticate(devis.plaintext) == crowd["devi"]
    assert ok(client_of(administrator).delete(f"/api/v1/me/tokens/{devis.token.prefix}"))["person"] == "devi"
    assert token_authenticate(devis.plaintext) is None


# --- /people ---------------------------------------------------------------------------------------------
def test_a_call_receiver_sees_only_themselves(api, crowd):
    assert usernames(api.get("/api/v1/people")) == ["meena"]
    assert ok(api.get("/api/v1/people/meena"))["username"] == "meena"
    for username in ("devi", "lakshmi", "selvi", "admin"):
        assert_not_found(api.get(f"/api/v1/people/{username}"))


def test_a_lead_sees_the_people_of_own_team(crowd):
    lead = client_of(crowd["lead"])
    assert usernames(lead.get("/api/v1/people")) == ["devi", "lakshmi", "meena", "ravi"]
    for username in ("asha", "selvi", "admin", "nobody-at-all"):
        assert_not_found(lead.get(f"/api/v1/people/{username}"))


def test_a_lead_sees_only_the_roles_in_own_team(crowd):
    ravi = ok(client_of(crowd["lead"]).get("/api/v1/people/ravi"))
    assert ravi == {
        "username": "ravi",
        "display_name": "",
        "is_active": True,
        "second_factor": True,
        "roles": [{"kind": "call_receiver", "level": "team", "code": "KA-MYS-01"}],
        "roles_elsewhere": True,
    }


def test_an_administrator_sees_everyone_with_every_role(administrator, crowd):
    admin = client_of(administrator)
    people = usernames(admin.get("/api/v1/people"))
    assert people == ["admin", "asha", "devi", "lakshmi", "meena", "ravi", "selvi"]
    ravi = ok(admin.get("/api/v1/people/ravi"))
    assert {r["code"] for r in ravi["roles"]} == {"KA-MYS-01", "TN-MAD-01"}
    assert ravi["roles_elsewhere"] is False


def test_filters_by_team_and_role_on_one_role(administrator, crowd):
    admin = client_of(administrator)
    assert usernames(admin.get("/api/v1/people", {"team": "TN-MAD-01"})) == ["ravi", "selvi"]
    assert usernames(admin.get("/api/v1/people", {"role": "lawyer"})) == ["ravi"]
    # Ravi is a call receiver (in Mysuru) and in Madurai (as a lawyer): not a call receiver in Madurai.
    assert usernames(admin.get("/api/v1/people", {"team": "TN-MAD-01", "role": "call_receiver"})) == []
    crowd["devi"].is_active = False
    crowd["devi"].save()
    assert usernames(admin.get("/api/v1/people", {"team": "KA-MYS-01", "active": "false"})) == ["devi"]


def test_a_lead_filters_within_own_scope(crowd):
    lead = client_of(crowd["lead"])
    assert usernames(lead.get("/api/v1/people", {"role": "lawyer"})) == []  # Ravi's is in Madurai
    assert usernames(lead.get("/api/v1/people", {"team": "TN-MAD-01"})) == []
    assert usernames(lead.get("/api/v1/people", {"role": "responder"})) == ["devi"]


def test_a_call_receiver_filtering_finds_themselves(api, crowd):
    assert usernames(api.get("/api/v1/people", {"team": "KA-MYS-01"})) == ["meena"]
    assert usernames(api.get("/api/v1/people", {"role": "responder"})) == []


def test_bad_filters(api, crowd):
    response = api.get("/api/v1/people", {"team": "XX-00"})
    assert response.status_code == 404
    response = api.get("/api/v1/people", {"role": "astrologer"})
    assert response.status_code == 422
    assert "role" in response.json()["error"]["fields"]


def test_people_list_is_paginated(administrator, crowd):
    page = ok(client_of(administrator).get("/api/v1/people", {"page_size": 3, "page": 3}))
    assert ([p["username"] for p in page["items"]], page["count"], page["pages"]) == (["selvi"], 7, 3)


def test_a_token_follows_its_persons_permissions(administrator, crowd):
    """Permissions are read at each request: a token is not a snapshot of what its person could once do."""
    admin = client_of(administrator)
    assert len(usernames(admin.get("/api/v1/people"))) == 7
    Role.objects.filter(person=administrator).delete()
    assert usernames(admin.get("/api/v1/people")) == []  # without a role, not even oneself in the list
    assert admin.get("/api/v1/me/tokens", {"person": "devi"}).status_code == 403


def test_every_endpoint_needs_a_token(client, network):
    for method, url in (
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/me/tokens"),
        ("POST", "/api/v1/me/tokens"),
        ("DELETE", "/api/v1/me/tokens/0123456789"),
        ("GET", "/api/v1/people"),
        ("GET", "/api/v1/people/meena"),
    ):
        assert client.generic(method, url).status_code == 401, url
