"""API tokens: cl_<prefix>_<secret>, shown once, stored only as a SHA-256, refused when wrong or revoked."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from crisisline.people.models import ApiToken
from crisisline.people.selectors import token_list
from crisisline.people.services import (
    TokenError,
    token_authenticate,
    token_create,
    token_create_for_username,
    token_revoke,
    token_revoke_by_prefix,
)

TOKEN_FORMAT = re.compile(r"^cl_(?P<prefix>[0-9a-f]{10})_(?P<secret>[A-Za-z0-9_-]{43})$")


def parts(plaintext: str) -> tuple[str, str]:
    match = TOKEN_FORMAT.match(plaintext)
    assert match, plaintext
    return match["prefix"], match["secret"]


def test_token_format(person):
    new = token_create(person=person, name="phone app")
    prefix, _secret = parts(new.plaintext)
    assert new.token.prefix == prefix
    assert (new.token.person, new.token.name) == (person, "phone app")


def test_tokens_are_different_every_time(person):
    first, second = (token_create(person=person).plaintext for _ in range(2))
    assert parts(first)[0] != parts(second)[0]
    assert parts(first)[1] != parts(second)[1]


def test_token_is_stored_only_as_a_hash(person):
    new = token_create(person=person, name="laptop")
    _prefix, secret = parts(new.plaintext)
    row = ApiToken.objects.get()
    assert row.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    stored = [str(getattr(row, field.attname)) for field in ApiToken._meta.concrete_fields]
    for value in stored:
        assert new.plaintext not in value
        assert secret not in value
        assert secret[:12] not in value  # not even a part of it


def test_correct_token_authenticates_its_person(person, administrator):
    mine = token_create(person=person).plaintext
    theirs = token_create(person=administrator).plaintext
    assert token_authenticate(mine) == person
    assert token_authenticate(theirs) == administrator


def test_wrong_secrets_fail(person):
    plaintext = token_create(person=person).plaintext
    prefix, secret = parts(plaintext)
    flipped = ("A" if secret[0] != "A" else "B") + secret[1:]
    for wrong in (
        f"cl_{prefix}_{flipped}",
        f"cl_{prefix}_{secret[:-1]}",
        f"cl_{prefix}_{secret}x",
        f"cl_{prefix}_",
        f"cl_{prefix}_{ApiToken.objects.get().secret_sha256}",  # a copy of the database is not a token
        f"cl_{prefix.upper()}_{secret}",
        f"CL_{prefix}_{secret}",
    ):
        assert token_authenticate(wrong) is None, wrong


def test_secret_is_compared_in_constant_time(person, monkeypatch):
    plaintext = token_create(person=person).plaintext
    prefix, _secret = parts(plaintext)
    compared = []
    real = hmac.compare_digest

    def spy(a, b):
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    assert token_authenticate(f"cl_{prefix}_{'x' * 43}") is None
    assert token_authenticate(plaintext) == person
    assert len(compared) == 2


@pytest.mark.parametrize("malformed", ["", "cl", "cl_", "cl_abc", "xx_0123456789_secret", "Bearer cl_a_b"])
def test_malformed_tokens_fail(person, malformed):
    token_create(person=person)
    assert token_authenticate(malformed) is None


def test_revoked_token_fails(person):
    new = token_create(person=person)
    other = token_create(person=person)
    token_revoke(token=new.token)
    assert token_authenticate(new.plaintext) is None
    assert token_authenticate(other.plaintext) == person  # revoking one leaves the others


def test_revoking_twice_keeps_the_first_time(person):
    new = token_create(person=person)
    first = timezone.now() - timedelta(days=3)
    token_revoke(token=new.token, now=first)
    token_revoke_by_prefix(prefix=new.token.prefix, now=first + timedelta(days=1))
    new.token.refresh_from_db()
    assert new.token.revoked_at == first


def test_token_of_a_disabled_person_fails(person):
    new = token_create(person=person)
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert token_authenticate(new.plaintext) is None


def test_disabled_person_gets_no_token(person):
    person.is_active = False
    person.save(update_fields=["is_active"])
    with pytest.raises(TokenError, match="disabled"):
        token_create(person=person)
    assert not ApiToken.objects.exists()


def test_last_used_at_is_refreshed_at_most_every_five_minutes(person):
    new = token_create(person=person)
    start = timezone.now()
    token_authenticate(new.plaintext, now=start)
    new.token.refresh_from_db()
    assert new.token.last_used_at == start
    token_authenticate(new.plaintext, now=start + timedelta(minutes=4))
    new.token.refresh_from_db()
    assert new.token.last_used_at == start
    later = start + timedelta(minutes=5, seconds=1)
    token_authenticate(new.plaintext, now=later)
    new.token.refresh_from_db()
    assert new.token.last_used_at == later


def test_create_for_username(person):
    new = token_create_for_username(username="meena", name="script")
    assert token_authenticate(new.plaintext) == person
    assert new.token.name == "script"


def test_create_for_unknown_username_writes_nothing(db):
    with pytest.raises(TokenError, match="No person with the username 'nobody'"):
        token_create_for_username(username="nobody")
    assert not ApiToken.objects.exists()


def test_revoke_by_unknown_prefix(person):
    new = token_create(person=person)
    with pytest.raises(TokenError, match="No API token with the prefix 'ffffffffff'"):
        token_revoke_by_prefix(prefix="ffffffffff")
    new.token.refresh_from_db()
    assert new.token.revoked_at is None


def test_token_list_of_one_person_or_everyone(person, administrator):
    first = token_create(person=person).token
    second = token_create(person=administrator).token
    third = token_create(person=person).token
    assert list(token_list()) == [first, second, third]
    assert list(token_list(person=person)) == [first, third]
