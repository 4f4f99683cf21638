"""Every API request needs a valid bearer token of an active person; anything else is a 401, one shape."""

from __future__ import annotations

import pytest
from django.utils import timezone

from crisisline.people.models import ApiToken
from crisisline.people.services import token_create, token_revoke

URL = "/api/v1/states"


def assert_unauthorized(response) -> None:
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="crisisline"'
    body = response.json()
    assert body == {
        "error": {
            "code": "unauthorized",
            "message": "Send a valid API token: Authorization: Bearer <token>.",
            "fields": {},
        }
    }


def with_secret(token: str, secret: str) -> str:
    marker, prefix, _old = token.split("_", 2)
    return f"{marker}_{prefix}_{secret}"


def test_no_authorization_header_is_refused(client, network):
    assert_unauthorized(client.get(URL))


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer",
        "Bearer ",
        "Token cl_abc_def",
        "Basic bWVlbmE6cGFzc3dvcmQ=",
        "Bearer cl_only-two-parts",
        "Bearer xx_0123456789_secret",
    ],
)
def test_malformed_header_is_refused(client, network, header):
    assert_unauthorized(client.get(URL, HTTP_AUTHORIZATION=header))


def test_unknown_token_is_refused(client, network, api_token):
    unknown = "cl_0000000000_" + "A" * 43
    assert_unauthorized(client.get(URL, HTTP_AUTHORIZATION=f"Bearer {unknown}"))


def test_wrong_secret_with_a_real_prefix_is_refused(client, network, api_token):
    wrong = with_secret(api_token, "B" * 43)
    assert wrong != api_token
    assert_unauthorized(client.get(URL, HTTP_AUTHORIZATION=f"Bearer {wrong}"))


def test_revoked_token_is_refused(client, network, api_token):
    token_revoke(token=ApiToken.objects.get())
    assert_unauthorized(client.get(URL, HTTP_AUTHORIZATION=f"Bearer {api_token}"))


def test_token_of_a_disabled_person_is_refused(client, network, person, api_token):
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert_unauthorized(client.get(URL, HTTP_AUTHORIZATION=f"Bearer {api_token}"))


def test_valid_token_is_accepted(client, network, api_token):
    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {api_token}")
    assert response.status_code == 200
    assert "WWW-Authenticate" not in response.headers
    assert [state["code"] for state in response.json()["items"]] == ["KA", "TN"]


def test_scheme_name_is_case_insensitive(client, network, api_token):
    response = client.get(URL, HTTP_AUTHORIZATION=f"bearer {api_token}")
    assert response.status_code == 200


def test_each_person_authenticates_as_themselves(client, network, person, administrator, api_token):
    other = token_create(person=administrator, name="admin script").plaintext
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 200
    # The administrator's token does not open the person's token, nor the other way around.
    assert_unauthorized(client.get(URL, HTTP_AUTHORIZATION=f"Bearer {with_secret(api_token, other[-43:])}"))


def test_use_sets_last_used_at(client, network, api_token):
    token = ApiToken.objects.get()
    assert token.last_used_at is None
    before = timezone.now()
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {api_token}").status_code == 200
    after = timezone.now()
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert before <= token.last_used_at <= after


def test_refused_token_does_not_set_last_used_at(client, network, api_token):
    assert_unauthorized(client.get(URL, HTTP_AUTHORIZATION=f"Bearer {with_secret(api_token, 'x' * 43)}"))
    assert ApiToken.objects.get().last_used_at is None
