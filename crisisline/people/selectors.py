"""What reads people and their API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from crisisline.network.models import Team
from crisisline.people.models import ApiToken, BackupCode, Invitation, Person, Role, TrustedDevice
from crisisline.people.policy import Action, is_administrator, led_team_ids, scope


def person_by_username(*, username: str) -> Person | None:
    return Person.objects.filter(username=username).first()


def token_list(*, person: Person | None = None) -> QuerySet[ApiToken]:
    """API tokens, oldest first, of one person or of everyone; revoked ones too, to audit them."""
    tokens = ApiToken.objects.select_related("person").order_by("created_at", "pk")
    if person is not None:
        tokens = tokens.filter(person=person)
    return tokens


# --- People management and one's own account ------------------------------------------------------------
def _roles_with_places() -> QuerySet[Role]:
    return Role.objects.select_related("team", "organisation", "district", "state", "granted_by").order_by(
        "kind", "team__code", "pk"
    )


def own_roles(*, person: Person) -> list[Role]:
    return list(_roles_with_places().filter(person=person))


def people_list(
    *,
    viewer: Person,
    team: Team | None = None,
    kind: str | None = None,
    active: bool | None = None,
) -> QuerySet[Person]:
    """The people `viewer` may see (policy.scope: everyone for an administrator, the members of the teams
    a lead leads, oneself), by username, with their roles and their second factor's state.
    `team` and `kind` filter on one and the same role: "a lawyer in KA-MYS-01"."""
    people = scope(viewer, Action.PEOPLE_VIEW, Person.objects.all())
    role = Q()
    if team is not None:
        role &= Q(roles__team=team)
    if kind is not None:
        role &= Q(roles__kind=kind)
    if team is not None or kind is not None:
        if not is_administrator(viewer):
            # Others filter among the roles they may see: those in the teams they lead, and their own.
            role &= Q(roles__team_id__in=led_team_ids(viewer)) | Q(pk=viewer.pk)
        # One filter() call: every condition is on one and the same role.
        people = Person.objects.filter(pk__in=people.filter(role).values("pk"))
    if active is not None:
        people = people.filter(is_active=active)
    return people.order_by("username").prefetch_related(Prefetch("roles", queryset=_roles_with_places()))


def person_visible(*, viewer: Person, username: str) -> Person | None:
    """The person with this username if `viewer` may see them; None as well when nobody has that name, so
    that an answer never tells whether a username exists outside the viewer's scope."""
    return people_list(viewer=viewer).filter(username=username).first()


def visible_roles(*, viewer: Person, person: Person) -> tuple[list[Role], bool]:
    """The roles of `person` that `viewer` may see, and whether `person` holds others besides.

    An administrator and the person themselves see every role; a team lead sees the roles in the teams
    they lead, and only that there are others: where else someone serves is not the lead's business."""
    roles = list(person.roles.all())  # prefetched by people_list
    if viewer.pk == person.pk or is_administrator(viewer):
        return roles, False
    led = led_team_ids(viewer)
    shown = [role for role in roles if role.team_id in led]
    return shown, len(shown) < len(roles)


def role_place(role: Role) -> tuple[str, Any]:
    """Where a role is attached: ("team", team), ("organisation", org), ..., or ("network", None)."""
    for level in ("team", "organisation", "district", "state"):
        place = getattr(role, level)
        if place is not None:
            return level, place
    return "network", None


def teams_for_granting(*, viewer: Person) -> QuerySet[Team]:
    """The teams in which `viewer` may give roles: every team for an administrator, the led ones for a
    lead, none for anyone else."""
    teams = Team.objects.select_related("organisation").order_by("code")
    return teams if is_administrator(viewer) else teams.filter(pk__in=led_team_ids(viewer))


def people_may_invite(*, viewer: Person) -> bool:
    """Whether `viewer` may invite anyone at all: an administrator, or a lead of some team."""
    return is_administrator(viewer) or bool(led_team_ids(viewer))


# Person fields that never leave the server, not even to their owner: the password hash and the sealed
# second-factor secret. Every other field is in the download (test_own_data_download pins the list).
OWN_DATA_WITHHELD = frozenset({"password", "totp_secret_sealed"})


def _when(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def person_own_data(*, person: Person) -> dict:
    """Everything Crisisline holds about `person`'s account, as JSON-ready data: never a secret (password
    hash, second-factor secret, backup codes, token secrets, invitation or device digests)."""
    from crisisline.audit.models import AuditEntry

    fields = {}
    for field in Person._meta.concrete_fields:
        if field.name in OWN_DATA_WITHHELD:
            continue
        value = getattr(person, field.attname)
        fields[field.name] = _when(value) if isinstance(value, datetime) else value
    fields["second_factor_enrolled"] = person.has_second_factor
    fields["unused_backup_codes"] = BackupCode.objects.filter(person=person, used_at__isnull=True).count()

    roles = []
    for role in own_roles(person=person):
        level, place = role_place(role)
        roles.append(
            {
                "kind": role.kind,
                "level": level,
                "code": getattr(place, "code", None),
                "name": getattr(place, "name", None),
                "granted_at": _when(role.granted_at),
                "granted_by": role.granted_by.username if role.granted_by else None,
            }
        )
    tokens = [
        {
            "prefix": token.prefix,
            "name": token.name,
            "created_at": _when(token.created_at),
            "last_used_at": _when(token.last_used_at),
            "revoked_at": _when(token.revoked_at),
        }
        for token in token_list(person=person)
    ]
    invitations = [
        {
            "created_at": _when(invitation.created_at),
            "created_by": invitation.created_by.username if invitation.created_by else None,
            "expires_at": _when(invitation.expires_at),
            "used_at": _when(invitation.used_at),
        }
        for invitation in Invitation.objects.filter(person=person)
        .select_related("created_by")
        .order_by("created_at", "pk")
    ]
    devices = [
        {"created_at": _when(device.created_at), "failures": device.failures}
        for device in TrustedDevice.objects.filter(person=person).order_by("created_at", "pk")
    ]
    entries = AuditEntry.objects.filter(
        Q(actor_id=person.pk) | Q(object_type="person", object_id=str(person.pk))
    ).order_by("seq")
    audit = [
        {
            "seq": entry.seq,
            "at": _when(entry.at),
            "actor": entry.actor,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "team_id": entry.team_id,
            # Where someone else acted from is theirs, not this person's.
            "address": entry.address if entry.actor_id == person.pk else "",
            "reason": entry.reason,
            "details": entry.details,
            "hash": entry.hash,
        }
        for entry in entries.iterator()
    ]
    return {
        "format": "crisisline-own-data-1",
        "exported_at": _when(timezone.now()),
        "person": fields,
        "roles": roles,
        "api_tokens": tokens,
        "invitations": invitations,
        "trusted_devices": devices,
        "audit_entries": audit,
    }
