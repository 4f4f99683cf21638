"""The OpenAPI document is valid, declares bearer auth, and every operation in it is exercised here."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

OPENAPI_URL = "/api/v1/openapi.json"

# Every operation in the document, with a concrete URL that answers 2xx on the `network` fixture.
# A new endpoint must be added here (and so get a request) or test_every_operation_is_exercised fails.
EXAMPLES: dict[tuple[str, str], str] = {
    ("GET", "/api/v1/states"): "/api/v1/states?page=1&page_size=1",
    ("GET", "/api/v1/states/{code}"): "/api/v1/states/KA",
    ("GET", "/api/v1/districts"): "/api/v1/districts?state=KA",
    ("GET", "/api/v1/districts/{code}"): "/api/v1/districts/KA-MYS",
    ("GET", "/api/v1/organisations"): "/api/v1/organisations?state=KA&district=KA-MYS",
    ("GET", "/api/v1/organisations/{code}"): "/api/v1/organisations/KA-MYS-O1",
    ("GET", "/api/v1/teams"): "/api/v1/teams?state=KA&district=KA-MYS&organisation=KA-MYS-O1",
    ("GET", "/api/v1/teams/{code}"): "/api/v1/teams/KA-MYS-01",
    ("GET", "/api/v1/standards"): "/api/v1/standards",
}
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


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


@pytest.mark.parametrize(("operation", "url"), EXAMPLES.items(), ids=[" ".join(k) for k in EXAMPLES])
def test_example_request_succeeds(api, network, operation, url):
    method, template = operation
    assert url.split("?")[0].count("/") == template.count("/")
    response = api.generic(method, url)
    assert 200 <= response.status_code < 300, response.content
    assert response.json()


@pytest.mark.parametrize(("operation", "url"), EXAMPLES.items(), ids=[" ".join(k) for k in EXAMPLES])
def test_example_request_needs_a_token(client, network, operation, url):
    response = client.generic(operation[0], url)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
