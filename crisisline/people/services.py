"""What changes people and their API tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from crisisline.people.models import ApiToken, Person
from crisisline.people.selectors import person_by_username

TOKEN_PREFIX = "cl"  # noqa: S105 - a marker that makes leaked tokens easy to find, not a secret
# last_used_at is refreshed at most this often, so that reading the API does not write on every call.
_LAST_USED_RESOLUTION = timedelta(minutes=5)


class TokenError(Exception):
    pass


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    plaintext: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(*, person: Person, name: str = "") -> NewToken:
    """A token looks like cl_<prefix>_<secret>; the prefix finds the row, the secret proves possession."""
    if not person.is_active:
        raise TokenError("This account is disabled; it cannot get an API token.")
    prefix = secrets.token_hex(5)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            person=person, name=name[:64], prefix=prefix, secret_sha256=_digest(secret)
        )
    return NewToken(token=token, plaintext=f"{TOKEN_PREFIX}_{prefix}_{secret}")


def token_authenticate(plaintext: str, *, now: datetime | None = None) -> Person | None:
    """The token's person, or None when the token is malformed, unknown, revoked or its person disabled."""
    parts = plaintext.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    _, prefix, secret = parts
    token = ApiToken.objects.select_related("person").filter(prefix=prefix, revoked_at__isnull=True).first()
    if token is None or not hmac.compare_digest(token.secret_sha256, _digest(secret)):
        return None
    if not token.person.is_active:
        return None
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person


def token_revoke(*, token: ApiToken, now: datetime | None = None) -> None:
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at"])


def token_create_for_username(*, username: str, name: str = "") -> NewToken:
    """For doors that name the person (the `token` command): refuses an unknown or disabled account."""
    person = person_by_username(username=username)
    if person is None:
        raise TokenError(f"No person with the username {username!r}.")
    return token_create(person=person, name=name)


def token_revoke_by_prefix(*, prefix: str, now: datetime | None = None) -> ApiToken:
    """Revoke the token with this prefix (as `token list` shows it). Revoking twice keeps the first time."""
    token = ApiToken.objects.select_related("person").filter(prefix=prefix).first()
    if token is None:
        raise TokenError(f"No API token with the prefix {prefix!r}.")
    token_revoke(token=token, now=now)
    return token
