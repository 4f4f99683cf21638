"""The OpenAPI document is valid, declares bearer auth, and every operation in it is exercised here."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from openapi_spec_validator import validate

OPENAPI_URL = "/api/v1/openapi.json"

# Every operation in the document, with a concrete URL that answers 2xx on the `network` fixture (as
# `person`, with the `api` client's token), and a JSON body where the operation takes one (multipart when a
# value is a file: (name, bytes, declared type)). {own_prefix} is the prefix of that token, {attachment}
# the token of the evidence on C-OPEN. A new endpoint must be added here (and so get a request) or
# test_every_operation_is_exercised fails.
EXAMPLE_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXAMPLES: dict[tuple[str, str], str | tuple[str, dict]] = {
    ("GET", "/api/v1/states"): "/api/v1/states?page=1&page_size=1",
    ("GET", "/api/v1/states/{code}"): "/api/v1/states/KA",
    ("GET", "/api/v1/districts"): "/api/v1/districts?state=KA",
    ("GET", "/api/v1/districts/{code}"): "/api/v1/districts/KA-MYS",
    ("GET", "/api/v1/organisations"): "/api/v1/organisations?state=KA&district=KA-MYS",
    ("GET", "/api/v1/organisations/{code}"): "/api/v1/organisations/KA-MYS-O1",
    ("GET", "/api/v1/teams"): "/api/v1/teams?state=KA&district=KA-MYS&organisation=KA-MYS-O1",
    ("GET", "/api/v1/teams/{code}"): "/api/v1/teams/KA-MYS-01",
    ("GET", "/api/v1/teams/{code}/on-call"): "/api/v1/teams/KA-MYS-01/on-call?at=2026-12-01T09:00:00%2B05:30",
    ("GET", "/api/v1/teams/{code}/shifts"): (
        "/api/v1/teams/KA-MYS-01/shifts?duty=call_receiver&start=2026-12-01T00:00&end=2026-12-08T00:00"
    ),
    ("POST", "/api/v1/teams/{code}/rotations"): (
        "/api/v1/teams/KA-MYS-01/rotations",
        {
            "name": "Nights",
            "duty": "call_receiver",
            "members": ["meena"],
            "starts_on": "2026-12-01",
            "handoff": "20:00",
            "active_from": "20:00",
            "active_until": "08:00",
        },
    ),
    ("PUT", "/api/v1/teams/{code}/rotations/{rotation_id}"): (
        "/api/v1/teams/KA-MYS-01/rotations/4242",
        {
            "name": "Call receivers",
            "duty": "call_receiver",
            "members": ["meena"],
            "starts_on": "2026-12-01",
            "handoff": "09:00",
            "shift_hours": 12,
        },
    ),
    ("POST", "/api/v1/teams/{code}/overrides"): (
        "/api/v1/teams/KA-MYS-01/overrides",
        {
            "duty": "call_receiver",
            "username": "meena",
            "starts_at": "2026-12-01T13:00+05:30",
            "ends_at": "2026-12-01T15:00+05:30",
        },
    ),
    ("GET", "/api/v1/teams/{code}/escalation-policies"): "/api/v1/teams/KA-MYS-01/escalation-policies",
    ("PUT", "/api/v1/teams/{code}/escalation-policies/{name}"): (
        "/api/v1/teams/KA-MYS-01/escalation-policies/Lawyer%20first",
        {
            "crisis_types": ["arrest"],
            "urgencies": ["immediate"],
            "levels": [{"timeout_minutes": 3, "targets": [{"kind": "role", "role": "lawyer"}]}],
            "repeat": 1,
        },
    ),
    ("DELETE", "/api/v1/teams/{code}/escalation-policies/{name}"): (
        "/api/v1/teams/KA-MYS-01/escalation-policies/Example"
    ),
    ("GET", "/api/v1/crises/{reference}/paging"): "/api/v1/crises/C-OPEN/paging",
    ("GET", "/api/v1/standards"): "/api/v1/standards",
    ("GET", "/api/v1/me"): "/api/v1/me",
    ("GET", "/api/v1/me/tokens"): "/api/v1/me/tokens?person=meena&page=1",
    ("POST", "/api/v1/me/tokens"): ("/api/v1/me/tokens", {"name": "laptop"}),
    ("DELETE", "/api/v1/me/tokens/{prefix}"): "/api/v1/me/tokens/{own_prefix}",
    ("GET", "/api/v1/people"): "/api/v1/people?team=KA-MYS-01&role=call_receiver&active=true",
    ("GET", "/api/v1/people/{username}"): "/api/v1/people/meena",
    ("POST", "/api/v1/crises"): ("/api/v1/crises", {"team": "KA-MYS-01", "crisis_type": "other"}),
    ("GET", "/api/v1/crises"): "/api/v1/crises?team=KA-MYS-01&status=new,closed&overdue=false",
    ("GET", "/api/v1/crises/{reference}"): "/api/v1/crises/C-OPEN",
    ("PATCH", "/api/v1/crises/{reference}"): ("/api/v1/crises/C-OPEN", {"status": "acknowledged"}),
    ("GET", "/api/v1/crises/{reference}/identity"): "/api/v1/crises/C-OPEN/identity?reason=calling+her",
    ("POST", "/api/v1/crises/{reference}/timeline"): (
        "/api/v1/crises/C-OPEN/timeline",
        {"kind": "call", "text": "called her back"},
    ),
    ("POST", "/api/v1/crises/{reference}/steps/{code}/complete"): (
        "/api/v1/crises/C-OPEN/steps/first_contact/complete",
        {},
    ),
    ("POST", "/api/v1/crises/{reference}/steps/{code}/not-applicable"): (
        "/api/v1/crises/C-OPEN/steps/emergency_contraception/not-applicable",
        {"reason": "she had it at the hospital"},
    ),
    ("POST", "/api/v1/crises/{reference}/close"): (
        "/api/v1/crises/C-OPEN/close",
        {"outcome": "safe at home", "redressed": True},
    ),
    ("POST", "/api/v1/crises/{reference}/reopen"): ("/api/v1/crises/C-SHUT/reopen", {"reason": "again"}),
    ("POST", "/api/v1/crises/{reference}/assign"): ("/api/v1/crises/C-OPEN/assign", {"username": "meena"}),
    ("POST", "/api/v1/crises/{reference}/consents"): (
        "/api/v1/crises/C-OPEN/consents",
        {"purpose": "refer", "given": True},
    ),
    ("POST", "/api/v1/crises/{reference}/attachments"): (
        "/api/v1/crises/C-OPEN/attachments",
        {"file": ("report.pdf", EXAMPLE_PDF, "application/pdf"), "description": "discharge summary"},
    ),
    ("GET", "/api/v1/crises/{reference}/attachments"): "/api/v1/crises/C-OPEN/attachments?page=1",
    ("GET", "/api/v1/attachments/{token}"): "/api/v1/attachments/{attachment}?original=true",
    ("GET", "/api/v1/crises/{reference}/facts"): "/api/v1/crises/C-OPEN/facts",
    ("POST", "/api/v1/crises/{reference}/facts"): (
        "/api/v1/crises/C-OPEN/facts",
        {"values": {"place_type": "lodge", "incident_at": "2026-11-27T22:30:00+05:30"}},
    ),
    ("GET", "/api/v1/clients/{code}"): "/api/v1/clients/K-OPEN",
    ("GET", "/api/v1/clients/{code}/identity"): "/api/v1/clients/K-OPEN/identity?reason=calling+her",
    ("POST", "/api/v1/clients/{code}/export"): "/api/v1/clients/K-OPEN/export",
    ("PATCH", "/api/v1/clients/{code}"): (
        "/api/v1/clients/K-OPEN",
        {"name": "Lakshmi", "reason": "she gave it"},
    ),
    ("POST", "/api/v1/clients/{code}/erase"): (
        "/api/v1/clients/K-OPEN/erase",
        {"reason": "she asked us to", "confirm": True},
    ),
}
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture(autouse=True)
def example_crises(person):
    """The crises the examples name, with references no real crisis can have (outside the alphabet):
    C-OPEN, new, with a client's phone; C-SHUT, closed."""
    from crisisline.crises.models import Crisis
    from crisisline.crises.services import Intake, crisis_close, crisis_open

    team = person.roles.get().team
    for reference, intake in (
        ("C-OPEN", Intake(crisis_type="sexual_violence", phone="9845012345")),
        ("C-SHUT", Intake(crisis_type="other")),
    ):
        crisis = crisis_open(team=team, intake=intake, by=person).crisis
        Crisis.objects.filter(pk=crisis.pk).update(reference=reference)
    crisis_close(crisis=Crisis.objects.get(reference="C-SHUT"), by=person, outcome="safe", redressed=True)


@pytest.fixture(autouse=True)
def example_attachment(example_crises, person, settings, tmp_path):
    """A PDF on C-OPEN, its files in this test's own data directory."""
    from crisisline.crises.evidence import attachment_add
    from crisisline.crises.models import Crisis

    settings.DATA_DIR = tmp_path
    crisis = Crisis.objects.get(reference="C-OPEN")
    attachment_add(crisis=crisis, upload=EXAMPLE_PDF, content_type="application/pdf", by=person)


@pytest.fixture(autouse=True)
def example_client(example_crises, person):
    """K-OPEN, the client of C-OPEN (a code outside the alphabet too); Meena also documents her team's data,
    which lets her act on its clients' rights."""
    from crisisline.crises.models import Client
    from crisisline.people.models import Role

    team = person.roles.get().team
    Client.objects.filter(crises__reference="C-OPEN").update(code="K-OPEN")
    Role.objects.create(person=person, kind=Role.Kind.DATA_DOCUMENTER, team=team)


@pytest.fixture(autouse=True)
def example_rotation(example_client, person):
    """Meena also leads her team (rotations and overrides are the lead's), and rotation 4242 is the one
    the PUT example changes (a fixed id outside what the sequence reaches in a test)."""
    from datetime import date, time

    from crisisline.oncall.models import Rotation, RotationMember
    from crisisline.people.models import Role

    team = person.roles.first().team
    Role.objects.create(person=person, kind=Role.Kind.TEAM_LEAD, team=team)
    rotation = Rotation.objects.create(
        pk=4242,
        team=team,
        name="Call receivers",
        duty="call_receiver",
        starts_on=date(2026, 12, 1),
        handoff=time(9),
    )
    RotationMember.objects.create(rotation=rotation, person=person, position=0)
    from crisisline.oncall.models import EscalationPolicy

    # The one the DELETE example removes.
    EscalationPolicy.objects.create(team=team, name="Example", levels=[{"timeout_minutes": 5, "targets": []}])


@pytest.fixture
def document(api):
    response = api.get(OPENAPI_URL)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()


def operations(document: dict) -> dict[tuple[str, str], dict]:
    return {
        (method.upper(), path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    }


def test_document_is_valid_openapi_3(document):
    assert document["openapi"].startswith("3.")
    validate(document)  # raises OpenAPIValidationError with the reason
    assert document["info"]["title"] == "Crisisline API"
    assert document["info"]["version"] == "1"


def test_document_declares_bearer_auth_on_every_operation(document):
    schemes = document["components"]["securitySchemes"]
    bearer = [name for name, scheme in schemes.items() if scheme == {"type": "http", "scheme": "bearer"}]
    assert bearer == ["BearerToken"]
    for key, operation in operations(document).items():
        assert operation.get("security", document.get("security")) == [{"BearerToken": []}], key


def test_document_describes_the_error_shape(document):
    error = document["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["error"]
    for key, operation in operations(document).items():
        for status in ("401", "404", "422"):
            schema = operation["responses"][status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (key, status)


def test_every_operation_is_exercised(document):
    assert set(EXAMPLES) == set(operations(document))


def request_of(example: str | tuple[str, dict], token: str) -> tuple[str, dict]:
    """The URL and the keyword arguments of `client.generic` for an example."""
    from crisisline.crises.models import Attachment

    url, body = example if isinstance(example, tuple) else (example, None)
    url = url.replace("{own_prefix}", token.split("_")[1])
    if "{attachment}" in url:
        url = url.replace("{attachment}", Attachment.objects.order_by("pk").first().token)
    if body is None:
        return url, {}
    if any(isinstance(value, tuple) for value in body.values()):
        fields = {k: SimpleUploadedFile(*v) if isinstance(v, tuple) else v for k, v in body.items()}
        return url, {"data": encode_multipart(BOUNDARY, fields), "content_type": MULTIPART_CONTENT}
    return url, {"data": json.dumps(body), "content_type": "application/json"}


@pytest.mark.parametrize(("operation", "example"), EXAMPLES.items(), ids=[" ".join(k) for k in EXAMPLES])
def test_example_request_succeeds(api, api_token, network, operation, example):
    method, template = operation
    url, body = request_of(example, api_token)
    assert url.split("?")[0].count("/") == template.count("/")
    response = api.generic(method, url, **body)
    assert 200 <= response.status_code < 300, response.content
    if response["Content-Type"].startswith("application/json"):
        assert response.json()
    else:  # a file
        assert response.content


@pytest.mark.parametrize(("operation", "example"), EXAMPLES.items(), ids=[" ".join(k) for k in EXAMPLES])
def test_example_request_needs_a_token(client, api_token, network, operation, example):
    url, body = request_of(example, api_token)
    response = client.generic(operation[0], url, **body)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
