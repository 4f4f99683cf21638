"""Every role x every action x every scope, against a table written out by hand.

Scopes: the person themselves, their own team, another team in the same district (and organisation),
a team in another district of the same state, a team in another state. The table is the specification:
a change to the policy that is not also a change here fails this test."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from conftest import make_person
from crisisline.crises.models import Assignment, BreakGlass
from crisisline.crises.services import Intake, crisis_open
from crisisline.people.models import Role
from crisisline.people.policy import Action, RoleSpec, can
from crisisline.people.services import token_create

SCOPES = ("self", "own", "district", "state", "country")
ROLES = (
    "anonymous",
    "no_role",
    "call_receiver",
    "responder",
    "data_documenter",
    "team_lead",
    "social_worker",
    "lawyer",
    "pm_organisation",
    "pm_district",
    "pm_state",
    "pm_network",
    "administrator",
)
TEAM_MEMBERS = ("call_receiver", "responder", "data_documenter", "team_lead", "social_worker", "lawyer")
CRISIS_TEAM = ("call_receiver", "responder", "data_documenter", "team_lead")
MANAGERS = ("pm_organisation", "pm_district", "pm_state", "pm_network")
SIGNED_IN = tuple(r for r in ROLES if r != "anonymous")
WITH_ROLES = tuple(r for r in ROLES if r not in ("anonymous", "no_role"))


def row(default: str, **cells: str) -> dict[str, str]:
    table = dict.fromkeys(ROLES, default)
    for roles, value in cells.items():
        for role in GROUPS.get(roles, (roles,)):
            table[role] = value
    return table


GROUPS = {"members": TEAM_MEMBERS, "crisis_team": CRISIS_TEAM, "managers": MANAGERS, "with_roles": WITH_ROLES,
          "signed_in": SIGNED_IN}  # fmt: skip

# Y: allowed, -: refused; one character per scope in SCOPES order.
EXPECTED: dict[Action, dict[str, str]] = {
    Action.NETWORK_VIEW: row("-----", with_roles="YYYYY"),
    Action.NETWORK_MANAGE: row("-----", administrator="YYYYY"),
    Action.AUDIT_VIEW: row("-----", administrator="YYYYY"),
    Action.LOCALITIES_VIEW: row("-----", members="YY---", administrator="YYYYY"),
    Action.PEOPLE_VIEW: row("-----", with_roles="Y----", team_lead="YY---", administrator="YYYYY"),
    Action.PEOPLE_MANAGE: row("-----", team_lead="-Y---", administrator="YYYYY"),
    Action.ROLE_GRANT: row("-----", team_lead="YY---", administrator="YYYYY"),
    Action.AGGREGATES_VIEW: row(
        "-----",
        crisis_team="YY---",
        pm_organisation="YYY--",
        pm_district="YYY--",
        pm_state="YYYY-",
        pm_network="YYYYY",
        administrator="YYYYY",
    ),
    Action.OWN_ACCOUNT: row("-----", signed_in="Y----"),
    Action.PROTOCOL_MANAGE: row("-----", team_lead="YY---", administrator="YYYYY"),
    Action.ROSTER_VIEW: row("-----", members="YY---", administrator="YYYYY"),
    Action.ROSTER_MANAGE: row("-----", team_lead="YY---", administrator="YYYYY"),
    Action.CHANNELS_MANAGE: row("-----", administrator="YYYYY"),
    # Crises. "self": a crisis of the own team assigned to the person; "own": one of the own team that is not.
    # Administrators and programme managers get nothing of a case by their role.
    Action.CRISIS_CREATE: row("-----", crisis_team="YY---"),
    Action.CRISIS_VIEW: row("-----", crisis_team="YY---", social_worker="Y----", lawyer="Y----"),
    Action.CRISIS_WORK: row("-----", crisis_team="YY---", social_worker="Y----", lawyer="Y----"),
    Action.IDENTITY_VIEW: row("-----", crisis_team="YY---", social_worker="Y----", lawyer="Y----"),
    Action.CLIENT_RIGHTS: row("-----", team_lead="YY---", data_documenter="YY---"),
    Action.BREAK_GLASS: row("-----", crisis_team="--YYY"),
    # "self": a grant the person opened themselves, which someone else must review.
    Action.BREAK_GLASS_REVIEW: row("-----", team_lead="-Y---", administrator="-YYYY"),
    Action.TOKEN_MANAGE: row("-----", signed_in="Y----", administrator="YYYYY"),
}


def test_the_table_covers_every_action_of_the_policy():
    assert set(EXPECTED) == set(Action)


@pytest.fixture
def world(network):
    teams = network["teams"]
    home = teams["mysuru"]
    place = {
        "pm_organisation": home.organisation,
        "pm_district": home.organisation.district,
        "pm_state": home.organisation.district.state,
        "pm_network": None,
    }
    actors: dict[str, object] = {"anonymous": AnonymousUser(), "no_role": make_person("nobody")}
    for kind in TEAM_MEMBERS:
        actors[kind] = make_person(f"actor.{kind}", (kind, home))
    for name, level in place.items():
        actors[name] = make_person(f"actor.{name}", (Role.Kind.PROGRAMME_MANAGER, level))
    actors["administrator"] = make_person("actor.admin", ("administrator", None))
    scope_team = {
        "own": home,
        "district": teams["mysuru2"],
        "state": teams["belagavi"],
        "country": teams["madurai"],
    }
    # Someone who works only in each scope's team: the object of person-targeted actions.
    colleagues = {
        scope: make_person(f"member.{scope}", ("responder", team)) for scope, team in scope_team.items()
    }
    crises = {
        scope: crisis_open(
            team=team, intake=Intake(crisis_type="other", phone=f"98450{i:05d}"), by=colleagues[scope]
        ).crisis
        for i, (scope, team) in enumerate(scope_team.items())
    }
    return {"actors": actors, "teams": scope_team, "colleagues": colleagues, "crises": crises}


CRISIS_TARGETED = {Action.CRISIS_VIEW, Action.CRISIS_WORK, Action.IDENTITY_VIEW, Action.BREAK_GLASS}


def target(world, action: Action, actor, scope: str):
    team = world["teams"]["own" if scope == "self" else scope]
    person = actor if scope == "self" else world["colleagues"][scope]
    if action in CRISIS_TARGETED or action in (Action.CLIENT_RIGHTS, Action.BREAK_GLASS_REVIEW):
        if scope == "self":
            crisis = crisis_open(
                team=team,
                intake=Intake(crisis_type="other", phone="9900112233"),
                by=world["colleagues"]["own"],
            ).crisis
            if actor.is_authenticated:
                Assignment.objects.create(crisis=crisis, person=actor)
        else:
            crisis = world["crises"][scope]
        if action is Action.CLIENT_RIGHTS:
            return crisis.client
        if action is Action.BREAK_GLASS_REVIEW:
            opener = actor if scope == "self" and actor.is_authenticated else world["colleagues"][scope]
            return BreakGlass(
                crisis=crisis,
                person=opener,
                reason="needed at night",
                expires_at=timezone.now() + timedelta(hours=1),
            )
        return crisis
    if action in (Action.PEOPLE_VIEW, Action.PEOPLE_MANAGE, Action.OWN_ACCOUNT):
        return person
    if action is Action.TOKEN_MANAGE:
        if scope == "self":
            return actor
        return token_create(person=person).token
    if action is Action.ROLE_GRANT:
        return RoleSpec(kind=Role.Kind.RESPONDER, team=team)
    return team


@pytest.mark.parametrize("action", list(Action), ids=str)
def test_every_role_and_scope_gets_exactly_what_the_table_says(world, action):
    got = {}
    for role in ROLES:
        actor = world["actors"][role]
        got[role] = "".join(
            "Y"
            if can(
                actor,
                action,
                target(world, action, actor, scope) if role != "anonymous" or scope != "self" else None,
            )
            else "-"
            for scope in SCOPES
        )
    assert got == EXPECTED[action]


def test_a_disabled_person_may_do_nothing(world):
    admin = world["actors"]["administrator"]
    admin.is_active = False
    assert not any(can(admin, action, world["teams"]["own"]) for action in Action)
