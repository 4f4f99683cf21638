"""A client's identity comes through the API only from /identity, only for the crisis's team, and every
read is in the audit trail. Lists and reads never hold the phone."""

import pytest
from django.test import Client as HttpClient

from conftest import make_person
from crisisline.audit.models import AuditEntry
from crisisline.people.services import token_create

PHONE_DIGITS = "9845012345"


@pytest.fixture
def crisis(open_crisis):
    return open_crisis("physical_violence", phone=f"0{PHONE_DIGITS}")


def identity_url(crisis, reason: str = "") -> str:
    return f"/api/v1/crises/{crisis.reference}/identity" + (f"?reason={reason}" if reason else "")


def test_the_team_reads_the_identity_and_the_read_is_audited(api, crisis, person):
    response = api.get(identity_url(crisis, "calling+her+back"))
    assert response.status_code == 200, response.content
    assert response.json() == {
        "client_code": crisis.client.code, "name": "", "phone": f"+91{PHONE_DIGITS}", "address": ""
    }  # fmt: skip
    entry = AuditEntry.objects.get(action="identity.read")
    assert entry.actor == person.username and entry.actor_id == person.pk
    assert entry.reason == "calling her back" and entry.details == {"crisis": crisis.reference}
    assert entry.object_type == "client" and entry.object_id == str(crisis.client_id)
    api.get(identity_url(crisis))
    assert AuditEntry.objects.filter(action="identity.read").count() == 2


def test_another_team_gets_404_and_leaves_no_read(crisis, network):
    stranger = make_person("kavya", ("team_lead", network["teams"]["belagavi"]))
    token = token_create(person=stranger, name="tests").plaintext
    response = HttpClient(HTTP_AUTHORIZATION=f"Bearer {token}").get(identity_url(crisis))
    assert response.status_code == 404
    assert PHONE_DIGITS not in response.content.decode()
    assert not AuditEntry.objects.filter(action="identity.read").exists()


def test_a_crisis_without_a_client_has_no_identity_to_read(api, open_crisis):
    crisis = open_crisis("other")
    response = api.get(identity_url(crisis))
    assert response.status_code == 200
    assert response.json() == {"client_code": None, "name": "", "phone": "", "address": ""}
    assert not AuditEntry.objects.filter(action="identity.read").exists()


def test_lists_and_reads_hold_no_phone(api, crisis):
    listing = api.get("/api/v1/crises").content.decode()
    reading = api.get(f"/api/v1/crises/{crisis.reference}").content.decode()
    for text in (listing, reading):
        assert crisis.reference in text and crisis.client.code in text
        assert PHONE_DIGITS not in text
    assert not AuditEntry.objects.filter(action="identity.read").exists()
