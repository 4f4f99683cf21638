"""What changes people and their API tokens."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crisisline.audit.services import audit_record
from crisisline.lib.crypto import keyed_digest
from crisisline.people.models import ApiToken, Invitation, Person, Role
from crisisline.people.policy import Action, RoleSpec, forget_roles, require
from crisisline.people.selectors import person_by_username, person_own_data

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


def token_create(*, person: Person, name: str = "", by: Person | None = None, request=None) -> NewToken:
    """A token looks like cl_<prefix>_<secret>; the prefix finds the row, the secret proves possession.
    `by` is None only for the command line (the operator of the server)."""
    if by is not None:
        require(by, Action.TOKEN_MANAGE, person)
    if not person.is_active:
        raise TokenError("This account is disabled; it cannot get an API token.")
    prefix = secrets.token_hex(5)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            person=person, name=name[:64], prefix=prefix, secret_sha256=_digest(secret)
        )
        audit_record(
            actor=by, action="token.create", obj=token, request=request, details={"owner": person.pk}
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


def token_revoke(
    *, token: ApiToken, now: datetime | None = None, by: Person | None = None, request=None
) -> None:
    if by is not None:
        require(by, Action.TOKEN_MANAGE, token)
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = now or timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(
                actor=by,
                action="token.revoke",
                obj=token,
                request=request,
                details={"owner": token.person_id},
            )


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


# --- People and their roles ---------------------------------------------------------------------------
INVITATION_LIFETIME = timedelta(days=7)


class PeopleError(Exception):
    """A change to people or roles was refused; `fields` names each bad field."""

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


@dataclass(frozen=True)
class NewInvitation:
    person: Person
    invitation: Invitation
    code: str  # goes into the one-time link; only its digest is kept


def _check_role_spec(spec: RoleSpec) -> None:
    kind = spec.kind
    attached = [
        name for name in ("team", "organisation", "district", "state") if getattr(spec, name) is not None
    ]
    if kind not in Role.Kind.values:
        raise PeopleError(_("Unknown role."), {"kind": _("Unknown role.")})
    if kind in Role.TEAM_KINDS and attached != ["team"]:
        raise PeopleError(_("This role belongs to a team."), {"team": _("Choose the team.")})
    if kind == Role.Kind.ADMINISTRATOR and attached:
        raise PeopleError(_("Administrators belong to the whole network."), {"kind": _("No team or level.")})
    if kind == Role.Kind.PROGRAMME_MANAGER and (len(attached) > 1 or "team" in attached):
        raise PeopleError(
            _("A programme manager belongs to one organisation, district or state, or the whole network."),
            {"level": _("Choose one level.")},
        )


def role_grant(*, person: Person, spec: RoleSpec, by: Person | None, request=None) -> Role:
    """Give `person` a role. Granting a role they already hold changes nothing."""
    if by is not None:
        require(by, Action.PEOPLE_MANAGE, person)  # a lead may not touch someone who serves elsewhere
        require(by, Action.ROLE_GRANT, spec)
    _check_role_spec(spec)
    place = {name: getattr(spec, name) for name in ("team", "organisation", "district", "state")}
    with transaction.atomic():
        role, created = Role.objects.get_or_create(
            person=person, kind=spec.kind, **place, defaults={"granted_by": by}
        )
        if created:
            audit_record(
                actor=by,
                action="role.grant",
                obj=person,
                team=spec.team,
                request=request,
                details={"kind": spec.kind, **{k: v.pk for k, v in place.items() if v is not None}},
            )
    forget_roles(person)
    return role


def role_revoke(*, role: Role, by: Person | None, request=None) -> None:
    spec = RoleSpec(
        kind=role.kind,
        team=role.team,
        organisation=role.organisation,
        district=role.district,
        state=role.state,
    )
    if by is not None:
        require(by, Action.PEOPLE_MANAGE, role.person)
        require(by, Action.ROLE_GRANT, spec)
    with transaction.atomic():
        _keep_an_administrator(leaving=role.person, role=role)
        audit_record(
            actor=by,
            action="role.revoke",
            obj=role.person,
            team=role.team_id,
            request=request,
            details={"kind": role.kind, "role": role.pk},
        )
        role.delete()
    forget_roles(role.person)


def _keep_an_administrator(*, leaving: Person, role: Role | None = None) -> None:
    """Someone must always be able to manage people: the last active administrator stays one."""
    if role is not None and role.kind != Role.Kind.ADMINISTRATOR:
        return
    admins = Role.objects.select_for_update().filter(kind=Role.Kind.ADMINISTRATOR, person__is_active=True)
    if role is None and not admins.filter(person=leaving).exists():
        return
    if not admins.exclude(person=leaving).exists():
        raise PeopleError(_("This is the last administrator: make someone else an administrator first."))


def person_invite(
    *,
    username: str,
    display_name: str = "",
    language: str = "en",
    roles: list[RoleSpec],
    by: Person | None,
    request=None,
) -> NewInvitation:
    """A new account with its roles and a one-time link to choose a password. Nothing is saved unless all
    of it is allowed and valid."""
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise PeopleError(
            _("The account was not created."),
            {
                "username": _(
                    "3 to 32 small letters, digits, dots, dashes or underscores; no real names needed."
                )
            },
        )
    if not roles:
        raise PeopleError(_("The account was not created."), {"roles": _("Give at least one role.")})
    for spec in roles:
        if by is not None:  # None: the server's operator, at the command line
            require(by, Action.ROLE_GRANT, spec)
        _check_role_spec(spec)
    with transaction.atomic():
        if Person.objects.filter(username=username).exists():
            raise PeopleError(_("The account was not created."), {"username": _("This username is taken.")})
        person = Person.objects.create_user(
            username=username, display_name=display_name[:64], language=language
        )
        audit_record(actor=by, action="person.invite", obj=person, request=request)
        for spec in roles:
            role_grant(person=person, spec=spec, by=by, request=request)
        invitation, code = _new_invitation(person=person, by=by)
    return NewInvitation(person=person, invitation=invitation, code=code)


def _new_invitation(*, person: Person, by: Person | None) -> tuple[Invitation, str]:
    code = secrets.token_urlsafe(24)
    Invitation.objects.filter(person=person, used_at__isnull=True).update(expires_at=timezone.now())
    invitation = Invitation.objects.create(
        person=person,
        digest=keyed_digest(code.encode(), purpose="invitation"),
        created_by=by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    return invitation, code


def invitation_open(*, code: str) -> Invitation | None:
    """The invitation a link carries, if it is unused, unexpired and its person still active."""
    invitation = (
        Invitation.objects.select_related("person")
        .filter(digest=keyed_digest(code.encode(), purpose="invitation"), used_at__isnull=True)
        .first()
    )
    if invitation is None or invitation.expires_at <= timezone.now() or not invitation.person.is_active:
        return None
    return invitation


def invitation_accept(*, code: str, password: str, request=None) -> Person:
    """Choose a password through the one-time link. The link works once."""
    with transaction.atomic():
        invitation = invitation_open(code=code)
        if invitation is None:
            raise PeopleError(_("This link has expired or was used already. Ask for a new one."))
        person = invitation.person
        try:
            validate_password(password, user=person)
        except ValidationError as error:
            raise PeopleError(_("Choose another password."), {"password": " ".join(error.messages)}) from None
        person.set_password(password)
        person.save(update_fields=["password"])
        updated = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if updated != 1:  # the same link, used twice at once
            raise PeopleError(_("This link has expired or was used already. Ask for a new one."))
        audit_record(actor=person, action="person.invitation_accept", obj=person, request=request)
    return person


def invitation_renew(*, person: Person, by: Person, request=None) -> str:
    """A new one-time link (the old ones stop working), for example after a lost password."""
    require(by, Action.PEOPLE_MANAGE, person)
    with transaction.atomic():
        _invitation, code = _new_invitation(person=person, by=by)
        person.set_unusable_password()
        person.save(update_fields=["password"])
        audit_record(actor=by, action="person.invitation_renew", obj=person, request=request)
    return code


def person_set_active(*, person: Person, active: bool, by: Person, request=None) -> None:
    """Disable (or enable again) an account. Disabling ends its sessions at once and revokes its tokens."""
    require(by, Action.PEOPLE_MANAGE, person)
    if person.pk == by.pk and not active:
        raise PeopleError(_("You cannot disable your own account."))
    with transaction.atomic():
        if not active:
            _keep_an_administrator(leaving=person)
        person.is_active = active
        person.save(update_fields=["is_active"])
        if not active:
            ApiToken.objects.filter(person=person, revoked_at__isnull=True).update(revoked_at=timezone.now())
            _end_sessions(person)
        audit_record(
            actor=by, action="person.enable" if active else "person.disable", obj=person, request=request
        )


def _end_sessions(person: Person) -> None:
    """Delete the person's sessions, so that enabling the account again does not bring them back (while
    disabled, the authentication backend already refuses them)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return  # sessions kept only in cookies: nothing on the server to delete
    sessions = store.get_model_class().objects.filter(expire_date__gt=timezone.now())
    for session in sessions.iterator():
        if session.get_decoded().get(SESSION_KEY) == str(person.pk):
            store(session_key=session.session_key).delete()


def person_export_own_data(*, person: Person, by: Person, request=None) -> dict:
    """What Crisisline holds about `person`, for them to download (DPDP Act: right to information).
    The download itself is audited; the entry is in the file."""
    require(by, Action.OWN_ACCOUNT, person)
    with transaction.atomic():
        audit_record(actor=by, action="person.export_own_data", obj=person, request=request)
        return person_own_data(person=person)


# At least one letter: digits alone could be a phone number, and usernames go into the audit trail.
USERNAME = re.compile(r"^(?=[a-z0-9._-]*[a-z])[a-z0-9][a-z0-9._-]{2,31}$")
