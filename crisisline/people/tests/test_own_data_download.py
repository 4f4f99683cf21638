"""A person downloads what Crisisline holds about their own account: a JSON file with their account, roles,
API tokens and the audit entries by or about them; never a password hash, a second-factor secret, a token
secret or a digest. The download itself is audited."""

from __future__ import annotations

import json

import pytest

from conftest import make_person, sign_in
from crisisline.audit.models import AuditEntry
from crisisline.audit.services import audit_record
from crisisline.people.models import BackupCode, Invitation, Person, TrustedDevice
from crisisline.people.policy import RoleSpec
from crisisline.people.selectors import OWN_DATA_WITHHELD
from crisisline.people.services import invitation_renew, role_grant, token_create, token_revoke

URL = "/account/data/"


@pytest.fixture
def history(administrator, person, network):
    """Things that happened to Meena and that she did, and something that has nothing to do with her."""
    role_grant(
        person=person, spec=RoleSpec(kind="responder", team=network["teams"]["mysuru"]), by=administrator
    )
    kept = token_create(person=person, name="phone app", by=person)
    gone = token_create(person=person, name="old laptop", by=person)
    token_revoke(token=gone.token, by=person)
    BackupCode.objects.create(person=person, digest="a" * 64)
    BackupCode.objects.create(person=person, digest="b" * 64)
    BackupCode.objects.create(person=person, digest="c" * 64, used_at=person.date_joined)
    TrustedDevice.objects.create(person=person, digest="d" * 64)
    other = make_person("selvi", ("call_receiver", network["teams"]["madurai"]))
    audit_record(actor=administrator, action="person.disable", obj=other)
    return {"tokens": [kept, gone], "other": other}


def download(client, person):
    sign_in(client, person)
    response = client.post(URL)
    assert response.status_code == 200
    return response


def test_download_is_a_json_attachment(client, person, history):
    response = download(client, person)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="crisisline-my-data-')
    assert response["Cache-Control"] == "no-store"


def test_it_holds_the_account_roles_tokens_and_audit_entries(client, person, history):
    data = json.loads(download(client, person).content)

    assert data["person"]["username"] == "meena"
    assert data["person"]["second_factor_enrolled"] is True
    assert data["person"]["unused_backup_codes"] == 2
    assert {(r["kind"], r["level"], r["code"]) for r in data["roles"]} == {
        ("call_receiver", "team", "KA-MYS-01"),
        ("responder", "team", "KA-MYS-01"),
    }
    assert [(t["name"], t["revoked_at"] is None) for t in data["api_tokens"]] == [
        ("phone app", True),
        ("old laptop", False),
    ]
    assert [t["prefix"] for t in data["api_tokens"]] == [n.token.prefix for n in history["tokens"]]
    assert len(data["trusted_devices"]) == 1
    actions = [(e["actor"], e["action"]) for e in data["audit_entries"]]
    assert actions == [
        ("admin", "role.grant"),
        ("meena", "token.create"),
        ("meena", "token.create"),
        ("meena", "token.revoke"),
        ("meena", "person.export_own_data"),
    ]


def test_every_account_field_is_in_it_except_the_secrets(client, person, history):
    data = json.loads(download(client, person).content)
    fields = {field.name for field in Person._meta.concrete_fields}
    assert {"password", "totp_secret_sealed"} == OWN_DATA_WITHHELD
    assert set(data["person"]) == fields - OWN_DATA_WITHHELD | {
        "second_factor_enrolled",
        "unused_backup_codes",
    }


def test_it_holds_no_secret(client, person, history):
    invitation_renew(person=person, by=make_person("root", ("administrator", None)))
    person.refresh_from_db()
    text = download(client, person).content.decode()

    person.refresh_from_db()
    secrets = [person.totp_secret_sealed, "argon2", "password", "secret_sha256", "digest"]
    secrets += [new.plaintext for new in history["tokens"]]
    secrets += [new.plaintext.split("_", 2)[2] for new in history["tokens"]]
    secrets += [new.token.secret_sha256 for new in history["tokens"]]
    secrets += list(BackupCode.objects.values_list("digest", flat=True))
    secrets += list(TrustedDevice.objects.values_list("digest", flat=True))
    secrets += list(Invitation.objects.values_list("digest", flat=True))
    for secret in secrets:
        assert secret and secret not in text, secret
    assert person.password.split("$")[-1] not in text


def test_it_holds_nothing_about_others(client, person, history, administrator):
    data = json.loads(download(client, person).content)
    other = history["other"]
    assert all(entry["object_id"] != str(other.pk) for entry in data["audit_entries"])
    assert "selvi" not in json.dumps(data)
    # Where someone else acted from is theirs: the administrator's address is not in Meena's file.
    grant = next(e for e in data["audit_entries"] if e["action"] == "role.grant")
    assert grant["address"] == ""
    export = next(e for e in data["audit_entries"] if e["action"] == "person.export_own_data")
    assert export["address"] == "127.0.0.1"


def test_the_download_is_audited(client, person, history):
    before = AuditEntry.objects.count()
    download(client, person)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == before + 1
    assert (entry.actor_id, entry.action, entry.object_type, entry.object_id) == (
        person.pk,
        "person.export_own_data",
        "person",
        str(person.pk),
    )


def test_only_by_post_and_only_when_signed_in(client, person):
    response = client.post(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    sign_in(client, person)
    assert client.get(URL).status_code == 405
    assert not AuditEntry.objects.filter(action="person.export_own_data").exists()


def test_an_administrator_downloads_only_their_own(client, administrator, person, history):
    data = json.loads(download(client, administrator).content)
    assert data["person"]["username"] == "admin"
    assert data["api_tokens"] == []
    assert {e["action"] for e in data["audit_entries"]} == {
        "role.grant",
        "person.disable",
        "person.export_own_data",
    }
