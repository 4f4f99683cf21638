"""The person's rights through the API: a client's summary (no identity), the identity (audited), the
export (a POST: audited), a correction and erasure. 404 for anyone the policy does not let in, exactly as
for a code nobody has; 409 once erased; 422 with the fields at fault; all in the one error shape."""

from __future__ import annotations

import json

import pytest
from django.test import Client as HttpClient

from conftest import make_person
from crisisline.audit.models import AuditEntry
from crisisline.crises.models import Client
from crisisline.crises.services import client_correct, client_erase, client_identity
from crisisline.people.services import token_create

NAME = "Lakshmi Devi"
PHONE_DIGITS = "9845012345"
PHONE = f"+91{PHONE_DIGITS}"
PLACE = "behind the lodge on KR Road"


@pytest.fixture
def crisis(open_crisis, lead):
    crisis = open_crisis("physical_violence", phone=f"0{PHONE_DIGITS}", place=PLACE)
    client_correct(client=crisis.client, by=lead, reason="she gave it", name=NAME)
    return crisis


@pytest.fixture
def the_client(crisis) -> Client:
    return Client.objects.get(pk=crisis.client_id)


def api_as(person) -> HttpClient:
    return HttpClient(HTTP_AUTHORIZATION=f"Bearer {token_create(person=person, name='tests').plaintext}")


@pytest.fixture
def as_lead(lead):
    return api_as(lead)


def url(client: Client, action: str = "") -> str:
    return f"/api/v1/clients/{client.code}" + (f"/{action}" if action else "")


def send(api: HttpClient, method: str, address: str, body: dict | None = None):
    if body is None:
        return api.generic(method, address)
    return api.generic(method, address, json.dumps(body), content_type="application/json")


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def held(client: Client, by):
    client.refresh_from_db()
    return client_identity(client=client, by=by)


# --- The summary -------------------------------------------------------------------------------------------
def test_the_summary_holds_no_identity(as_lead, the_client, crisis):
    response = as_lead.get(url(the_client))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["code"] == the_client.code and body["team"] == "KA-MYS-01" and body["erased_at"] is None
    assert body["recorded"] == {"name": True, "phone": True, "address": False}
    assert body["crises"] == [
        {
            "reference": crisis.reference,
            "crisis_type": "physical_violence",
            "opened_at": body["crises"][0]["opened_at"],
            "status": "new",
        }
    ]
    for text in (NAME, PHONE_DIGITS, PLACE):
        assert text not in response.content.decode()
    assert not AuditEntry.objects.filter(action="identity.read").exists()


def test_the_data_documenter_reads_the_summary_too(team, the_client):
    documenter = make_person("divya", ("data_documenter", team))
    assert api_as(documenter).get(url(the_client)).status_code == 200


# --- Who may: 404 as for a code nobody has -------------------------------------------------------------
@pytest.fixture
def outsiders(network, person, responder):
    return {
        "call receiver": person,
        "responder": responder,
        "another team's lead": make_person("kavya", ("team_lead", network["teams"]["belagavi"])),
        "programme manager": make_person("pm", ("programme_manager", network["states"]["KA"])),
        "administrator": make_person("root", ("administrator", None)),
    }


RIGHTS_DOORS = [
    ("GET", "", None),
    ("POST", "export", None),
    ("PATCH", "", {"name": "Someone", "reason": "x"}),
    ("POST", "erase", {"reason": "x", "confirm": True}),
]


@pytest.mark.parametrize(
    ("method", "action", "body"), RIGHTS_DOORS, ids=[f"{m} {a}" for m, a, _ in RIGHTS_DOORS]
)
def test_only_the_lead_and_the_documenter_reach_the_rights(outsiders, the_client, method, action, body):
    for who, outsider in outsiders.items():
        response = send(api_as(outsider), method, url(the_client, action), body)
        assert response.status_code == 404, who
        assert error_of(response)["code"] == "not_found"
        assert NAME not in response.content.decode() and PHONE_DIGITS not in response.content.decode()
    assert not AuditEntry.objects.filter(action__in=["client.export", "client.erase"]).exists()
    assert AuditEntry.objects.filter(action="client.correct").count() == 1  # the set-up's own
    assert not Client.objects.get(pk=the_client.pk).erased_at


@pytest.mark.parametrize(
    ("method", "action", "body"), RIGHTS_DOORS, ids=[f"{m} {a}" for m, a, _ in RIGHTS_DOORS]
)
def test_a_code_nobody_has_answers_the_same_404(as_lead, method, action, body, network):
    response = send(as_lead, method, f"/api/v1/clients/K-ZZZZZ{'/' + action if action else ''}", body)
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


def test_without_a_token_401(client, the_client):
    response = client.get(url(the_client))
    assert response.status_code == 401 and error_of(response)["code"] == "unauthorized"


# --- The identity --------------------------------------------------------------------------------------
def test_the_clients_team_reads_the_identity_and_each_read_is_audited(person, the_client):
    response = api_as(person).get(url(the_client, "identity") + "?reason=calling+her+back")  # a call receiver

    assert response.status_code == 200, response.content
    assert response.json() == {"client_code": the_client.code, "name": NAME, "phone": PHONE, "address": ""}
    read = AuditEntry.objects.get(action="identity.read")
    assert read.actor_id == person.pk and read.reason == "calling her back"
    assert read.object_id == str(the_client.pk) and PHONE_DIGITS not in str(read.details)


def test_another_team_gets_404_for_the_identity_and_leaves_no_read(outsiders, the_client):
    for who in ("another team's lead", "programme manager", "administrator"):
        response = api_as(outsiders[who]).get(url(the_client, "identity"))
        assert response.status_code == 404, who
        assert PHONE_DIGITS not in response.content.decode()
    assert not AuditEntry.objects.filter(action="identity.read").exists()


# --- The export ----------------------------------------------------------------------------------------
def test_the_export_holds_everything_and_is_audited(as_lead, lead, the_client, crisis):
    response = as_lead.post(url(the_client, "export"))

    assert response.status_code == 200, response.content
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json()
    assert body["client"]["name"] == NAME and body["client"]["phone"] == PHONE
    assert body["crises"][0]["reference"] == crisis.reference and body["crises"][0]["place"] == PLACE
    assert {step["step"] for step in body["crises"][0]["steps"]} >= {"first_contact"}
    export = AuditEntry.objects.get(action="client.export")
    assert export.actor_id == lead.pk and export.object_id == str(the_client.pk)


def test_the_export_is_a_post(as_lead, the_client):
    assert as_lead.get(url(the_client, "export")).status_code == 405
    assert not AuditEntry.objects.filter(action="client.export").exists()


# --- Correcting ----------------------------------------------------------------------------------------
def test_a_correction_changes_what_is_named_and_is_audited_without_the_values(as_lead, lead, the_client):
    response = send(
        as_lead, "PATCH", url(the_client), {"phone": "99001 12233", "address": "", "reason": "moved"}
    )

    assert response.status_code == 200, response.content
    assert response.json()["recorded"] == {"name": True, "phone": True, "address": False}
    identity = held(the_client, lead)
    assert (identity.name, identity.phone) == (NAME, "+919900112233")
    entry = AuditEntry.objects.filter(action="client.correct").latest("pk")
    assert entry.details == {"fields": ["address", "phone"]} and entry.reason == "moved"
    assert "9900112233" not in str(entry.details)


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"name": "Lakshmi D."}, {"reason"}),  # missing: the schema refuses it
        ({"name": "Lakshmi D.", "reason": "  "}, {"reason"}),
        ({"reason": "why not"}, {"request"}),
        ({"phone": "12", "reason": "new number"}, {"phone"}),
        ({"name": 5, "reason": "x"}, {"name"}),
    ],
)
def test_a_bad_correction_answers_422_with_the_fields_and_changes_nothing(
    as_lead, lead, the_client, body, fields
):
    response = send(as_lead, "PATCH", url(the_client), body)

    assert response.status_code == 422, response.content
    error = error_of(response)
    assert error["code"] == "invalid" and set(error["fields"]) == fields
    identity = held(the_client, lead)
    assert (identity.name, identity.phone) == (NAME, PHONE)


def test_a_number_another_client_of_the_team_has_is_refused(as_lead, lead, the_client, open_crisis):
    open_crisis("other", phone="9900112233")
    response = send(as_lead, "PATCH", url(the_client), {"phone": "9900112233", "reason": "new number"})

    assert response.status_code == 422 and set(error_of(response)["fields"]) == {"phone"}
    assert held(the_client, lead).phone == PHONE


# --- Erasing -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"reason": "she asked us to", "confirm": False}, {"confirm"}),
        ({"reason": " ", "confirm": True}, {"reason"}),
        ({"reason": "she asked us to"}, {"confirm"}),
    ],
)
def test_erasing_needs_a_reason_and_confirm_true(as_lead, the_client, body, fields):
    response = send(as_lead, "POST", url(the_client, "erase"), body)

    assert response.status_code == 422 and set(error_of(response)["fields"]) == fields
    assert not Client.objects.get(pk=the_client.pk).erased_at


def test_erasing_leaves_the_summary_and_refuses_everything_else_with_409(as_lead, lead, the_client, person):
    response = send(as_lead, "POST", url(the_client, "erase"), {"reason": "she asked us to", "confirm": True})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["erased_at"] and body["crises"] == []
    assert body["recorded"] == {"name": False, "phone": False, "address": False}
    assert AuditEntry.objects.get(action="client.erase").reason == "she asked us to"

    assert as_lead.get(url(the_client)).json()["erased_at"] == body["erased_at"]
    for method, action, payload in [
        ("POST", "erase", {"reason": "again", "confirm": True}),
        ("POST", "export", None),
        ("PATCH", "", {"name": "Someone", "reason": "x"}),
    ]:
        refused = send(as_lead, method, url(the_client, action), payload)
        assert refused.status_code == 409, (method, action)
        assert error_of(refused)["code"] == "conflict"
    refused = api_as(person).get(url(the_client, "identity"))
    assert refused.status_code == 409 and NAME not in refused.content.decode()
    assert AuditEntry.objects.filter(action="client.erase").count() == 1


def test_an_erased_clients_crises_hold_no_text(as_lead, lead, the_client, crisis):
    client_erase(client=the_client, by=lead, reason="she asked us to")
    read = as_lead.get(f"/api/v1/crises/{crisis.reference}")
    assert read.status_code == 200 and read.json()["place"] == ""
    assert PLACE not in read.content.decode() and PHONE_DIGITS not in read.content.decode()
