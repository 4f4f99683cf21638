"""The one access module: every door (web view, API endpoint, command, background job) asks here.

`can(person, action, obj)` answers one question; `require` raises PermissionDenied; `scope` narrows a
queryset to what the person may see, so that a list never holds what its reader may not open. Default deny:
an action that no rule below allows is refused, and a person without roles may do nothing but look after
their own account.

Who may do what (issue 3 and shared/domain.md):
- crisis team members (call receiver, responder, data documenter, team lead) act on their own team;
- social workers and lawyers see what is referred or assigned to them (the crisis rules come with crises);
- programme managers see aggregate figures for their level only: never an identity, a note or a file;
- administrators configure the network, people, standards and channels, and read no case contents unless
  they also hold a case role.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from crisisline.people.models import ApiToken, Person, Role

K = Role.Kind


class Action(StrEnum):
    NETWORK_VIEW = "network.view"  # the structure: states, districts, organisations, teams, standards
    NETWORK_MANAGE = "network.manage"  # change the structure and the minimum standards
    LOCALITIES_VIEW = "network.localities.view"  # obj: a team. Hotspots can expose people to raids
    PEOPLE_VIEW = "people.view"  # obj: a person, or a team (its members)
    PEOPLE_MANAGE = "people.manage"  # obj: a person: invite, disable, reset two-factor
    ROLE_GRANT = "people.role.grant"  # obj: a RoleSpec: give or take away this role
    AUDIT_VIEW = "audit.view"  # the audit trail and its verification
    PROTOCOL_MANAGE = "crisis.protocol.manage"  # obj: a state or team: local crisis types and protocols
    AGGREGATES_VIEW = "reports.aggregates.view"  # obj: a team, organisation, district, state, or None
    OWN_ACCOUNT = "people.own_account"  # obj: a person: their own account and what it holds
    CRISIS_CREATE = "crisis.create"  # obj: the team that takes the crisis
    CRISIS_VIEW = "crisis.view"  # obj: a crisis: its facts, steps, timeline and notes
    CRISIS_WORK = "crisis.work"  # obj: a crisis: steps, timeline, status, assignment, consent
    IDENTITY_VIEW = "crisis.identity.view"  # obj: a crisis or a client: the name, phone, address
    CLIENT_RIGHTS = "crisis.client.rights"  # obj: a client: export, correct or erase what is held
    BREAK_GLASS = "crisis.break_glass"  # obj: a crisis the person cannot otherwise open
    BREAK_GLASS_REVIEW = "crisis.break_glass.review"  # obj: a break-glass grant
    ROSTER_VIEW = "oncall.roster.view"  # obj: a team: its rotations, overrides, who is on call
    ROSTER_MANAGE = (
        "oncall.roster.manage"  # obj: a team: edit rotations, overrides, the team's escalation policies
    )
    CHANNELS_MANAGE = "messaging.channels.manage"  # message templates, providers, alerts
    TOKEN_MANAGE = "people.token.manage"  # noqa: S105 - obj: an API token, or the person who would own a new one


@dataclass(frozen=True)
class RoleSpec:
    """A role as it would be granted: its kind and where it is attached (None everywhere: the network)."""

    kind: str
    team: Any = None
    organisation: Any = None
    district: Any = None
    state: Any = None


# Roles whose holders can reach identities, and administrators: these must use a second factor.
SECOND_FACTOR_KINDS = frozenset(set(Role.TEAM_KINDS) | {K.ADMINISTRATOR})
# What a team lead may give within the team (not leads, managers or administrators).
LEAD_GRANTABLE = frozenset({K.CALL_RECEIVER, K.RESPONDER, K.DATA_DOCUMENTER, K.SOCIAL_WORKER, K.LAWYER})
CRISIS_TEAM_KINDS = frozenset({K.CALL_RECEIVER, K.RESPONDER, K.DATA_DOCUMENTER, K.TEAM_LEAD})


def roles_of(person: Any) -> list[Role]:
    """The person's roles, read once per person object (a request keeps its own)."""
    if not _signed_in(person):
        return []
    cached = getattr(person, "_policy_roles", None)
    if cached is None:
        cached = list(Role.objects.filter(person=person).select_related("team__organisation__district"))
        person._policy_roles = cached
    return cached


def forget_roles(person: Any) -> None:
    """After a change of roles, so that the next question reads them again."""
    if hasattr(person, "_policy_roles"):
        del person._policy_roles


def _signed_in(person: Any) -> bool:
    return bool(person is not None and getattr(person, "is_authenticated", False) and person.is_active)


def is_administrator(person: Any) -> bool:
    return any(role.kind == K.ADMINISTRATOR for role in roles_of(person))


def team_ids(person: Any, kinds: frozenset[str] | set[str] = frozenset(Role.TEAM_KINDS)) -> set[int]:
    return {role.team_id for role in roles_of(person) if role.kind in kinds and role.team_id}


def led_team_ids(person: Any) -> set[int]:
    return team_ids(person, {K.TEAM_LEAD})


def needs_second_factor(person: Any) -> bool:
    return any(role.kind in SECOND_FACTOR_KINDS for role in roles_of(person))


def _area_covers(role: Role, obj: Any) -> bool:
    """Whether a programme manager's level (network, state, district, organisation) covers `obj`."""
    from crisisline.network.models import District, Organisation, State, Team

    if role.state_id is None and role.district_id is None and role.organisation_id is None:
        return True  # network level
    if isinstance(obj, Team):
        org = obj.organisation
        return (
            role.organisation_id == org.pk
            or role.district_id == org.district_id
            or (role.state_id is not None and role.state_id == org.district.state_id)
        )
    if isinstance(obj, Organisation):
        return (
            role.organisation_id == obj.pk
            or role.district_id == obj.district_id
            or (role.state_id is not None and role.state_id == obj.district.state_id)
        )
    if isinstance(obj, District):
        return role.district_id == obj.pk or (role.state_id is not None and role.state_id == obj.state_id)
    if isinstance(obj, State):
        return role.state_id == obj.pk
    return False  # None (the whole network) is covered only at network level


def _person_team_ids(person: Person) -> tuple[set[int], bool]:
    """The teams a person's roles attach to, and whether they hold any role beyond a team."""
    roles = list(Role.objects.filter(person=person).values_list("kind", "team_id"))
    return {team for _, team in roles if team}, any(kind not in Role.TEAM_KINDS for kind, _ in roles)


def can(person: Any, action: Action, obj: Any = None) -> bool:
    if not _signed_in(person):
        return False
    if action is Action.OWN_ACCOUNT:
        return isinstance(obj, Person) and obj.pk == person.pk
    roles = roles_of(person)
    if not roles:
        return action is Action.TOKEN_MANAGE and _own_token(person, obj)
    if action in CRISIS_ACTIONS:
        # Administrators get nothing here by being administrators: case contents need a case role.
        return _crisis_rules(person, action, obj)
    admin = is_administrator(person)

    if action is Action.NETWORK_VIEW:
        return True
    if action in (Action.NETWORK_MANAGE, Action.AUDIT_VIEW, Action.CHANNELS_MANAGE):
        return admin
    if action is Action.ROSTER_VIEW:
        return admin or (obj is not None and getattr(obj, "pk", None) in team_ids(person))
    if action is Action.ROSTER_MANAGE:
        from crisisline.network.models import Team

        return admin or (isinstance(obj, Team) and obj.pk in led_team_ids(person))
    if action is Action.LOCALITIES_VIEW:
        return admin or (obj is not None and getattr(obj, "pk", None) in team_ids(person))
    if action is Action.PROTOCOL_MANAGE:
        from crisisline.network.models import Team

        return admin or (isinstance(obj, Team) and obj.pk in led_team_ids(person))
    if action is Action.TOKEN_MANAGE:
        return admin or _own_token(person, obj)
    if action is Action.AGGREGATES_VIEW:
        from crisisline.network.models import Team

        if admin:
            return True
        if isinstance(obj, Team) and obj.pk in team_ids(person, CRISIS_TEAM_KINDS):
            return True
        return any(role.kind == K.PROGRAMME_MANAGER and _area_covers(role, obj) for role in roles)
    if action is Action.PEOPLE_VIEW:
        from crisisline.network.models import Team

        if admin:
            return True
        if isinstance(obj, Team):
            return obj.pk in led_team_ids(person)
        if isinstance(obj, Person):
            return obj.pk == person.pk or bool(_person_team_ids(obj)[0] & led_team_ids(person))
        return False
    if action is Action.PEOPLE_MANAGE:
        if not isinstance(obj, Person):
            return False
        if admin:
            return True
        teams, beyond_teams = _person_team_ids(obj)
        # A lead manages people whose every role is in a team the lead leads (a new invitee has none yet).
        return (
            bool(led_team_ids(person))
            and not beyond_teams
            and teams <= led_team_ids(person)
            and obj.pk != person.pk
        )
    if action is Action.ROLE_GRANT:
        if not isinstance(obj, RoleSpec):
            return False
        if admin:
            return True
        return obj.kind in LEAD_GRANTABLE and obj.team is not None and obj.team.pk in led_team_ids(person)
    return False


def _crisis_access(person: Any, crisis: Any) -> bool:
    """Work on a crisis: its team's crisis members, social workers and lawyers it is assigned to, crisis
    team members of other teams it is assigned to, and anyone holding an unexpired break-glass grant."""
    from crisisline.crises.models import Assignment, BreakGlass, Crisis

    if not isinstance(crisis, Crisis):
        return False
    if crisis.team_id in team_ids(person, CRISIS_TEAM_KINDS):
        return True
    # Social workers and lawyers of the team see what is assigned to them; so does a responder of a
    # neighbouring team who accepted the crisis's page (on call's mutual aid).
    if (
        crisis.team_id in team_ids(person, {K.SOCIAL_WORKER, K.LAWYER}) or team_ids(person, CRISIS_TEAM_KINDS)
    ) and Assignment.objects.filter(crisis=crisis, person=person, ended_at__isnull=True).exists():
        return True
    return BreakGlass.objects.active().filter(crisis=crisis, person=person).exists()


def _crisis_rules(person: Any, action: Action, obj: Any) -> bool:
    from crisisline.crises.models import BreakGlass, Client, Crisis
    from crisisline.network.models import Team

    if action is Action.CRISIS_CREATE:
        return isinstance(obj, Team) and obj.pk in team_ids(person, CRISIS_TEAM_KINDS)
    if action in (Action.CRISIS_VIEW, Action.CRISIS_WORK):
        return _crisis_access(person, obj)
    if action is Action.IDENTITY_VIEW:
        if isinstance(obj, Client):
            return obj.team_id in team_ids(person, CRISIS_TEAM_KINDS)
        return _crisis_access(person, obj)
    if action is Action.CLIENT_RIGHTS:
        return isinstance(obj, Client) and obj.team_id in team_ids(person, {K.TEAM_LEAD, K.DATA_DOCUMENTER})
    if action is Action.BREAK_GLASS:
        # Someone on a crisis team elsewhere, for a crisis they cannot already open.
        return (
            isinstance(obj, Crisis)
            and bool(team_ids(person, CRISIS_TEAM_KINDS))
            and not _crisis_access(person, obj)
        )
    if action is Action.BREAK_GLASS_REVIEW:
        if not isinstance(obj, BreakGlass) or obj.person_id == person.pk:
            return False  # a second person reviews
        return is_administrator(person) or obj.crisis.team_id in led_team_ids(person)
    return False


CRISIS_ACTIONS = frozenset(
    {
        Action.CRISIS_CREATE,
        Action.CRISIS_VIEW,
        Action.CRISIS_WORK,
        Action.IDENTITY_VIEW,
        Action.CLIENT_RIGHTS,
        Action.BREAK_GLASS,
        Action.BREAK_GLASS_REVIEW,
    }
)


def _own_token(person: Any, obj: Any) -> bool:
    if isinstance(obj, ApiToken):
        return obj.person_id == person.pk
    return isinstance(obj, Person) and obj.pk == person.pk


def require(person: Any, action: Action, obj: Any = None) -> None:
    if not can(person, action, obj):
        raise PermissionDenied(action.value)


def scope(person: Any, action: Action, queryset: QuerySet) -> QuerySet:
    """The part of `queryset` that `person` may see for `action`."""
    from crisisline.network.models import Locality

    if not _signed_in(person):
        return queryset.none()
    if not roles_of(person) and action is not Action.TOKEN_MANAGE:
        return queryset.none()  # as can(): without a role, nothing but one's own tokens and account
    model = queryset.model
    admin = is_administrator(person)
    if action is Action.NETWORK_VIEW:
        return queryset if roles_of(person) else queryset.none()
    if action is Action.LOCALITIES_VIEW and model is Locality:
        return queryset if admin else queryset.filter(team_id__in=team_ids(person))
    if action is Action.PEOPLE_VIEW and model is Person:
        if admin:
            return queryset
        return queryset.filter(Q(pk=person.pk) | Q(roles__team_id__in=led_team_ids(person))).distinct()
    if action is Action.TOKEN_MANAGE and model is ApiToken:
        return queryset if admin else queryset.filter(person=person)
    if action is Action.AUDIT_VIEW:
        return queryset if admin else queryset.none()
    if action is Action.CRISIS_VIEW:
        from crisisline.crises.models import BreakGlass, Crisis

        if model is Crisis:
            assigned = Q(
                team_id__in=team_ids(person, {K.SOCIAL_WORKER, K.LAWYER}),
                assignments__person=person,
                assignments__ended_at__isnull=True,
            )
            glass = Q(pk__in=BreakGlass.objects.active().filter(person=person).values("crisis_id"))
            return queryset.filter(
                Q(team_id__in=team_ids(person, CRISIS_TEAM_KINDS)) | assigned | glass
            ).distinct()
    return queryset.none()
