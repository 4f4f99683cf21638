"""API for escalation: the policies a team's crises run (in the order they are tried), a team's own
policies set and removed, and a crisis's paging (its frozen policy, where it has got to, every page).

Thin doors onto oncall/services.py. A team the reader may not see answers 404 like a team that does not
exist; reading needs ROSTER_VIEW, changing ROSTER_MANAGE; a crisis's paging needs CRISIS_VIEW. People are
named by username only."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from crisisline.api.base import ApiError, ErrorOut
from crisisline.crises.catalogue import Urgency
from crisisline.crises.selectors import crisis_by_reference, team_by_code
from crisisline.oncall.models import Escalation, EscalationPolicy, Page
from crisisline.oncall.policies import policies_for_team
from crisisline.oncall.services import PolicyError, policy_delete, policy_save
from crisisline.people.policy import Action, can

router = Router(tags=["escalation"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class LevelIn(Schema):
    timeout_minutes: int = Field(description="1 to 240: how long to wait for an answer at this level")
    targets: list[dict] = Field(
        description='each one of {"kind": "on_call", "duty": "responder"}, '
        '{"kind": "role", "role": "lawyer"}, {"kind": "person", "person": <id>}, '
        '{"kind": "neighbour_on_call", "duty": "responder"}, {"kind": "district_coordinator"}'
    )


class PolicyIn(Schema):
    crisis_types: list[str] = Field(default_factory=list, description="crisis type codes; empty: every type")
    urgencies: list[str] = Field(
        default_factory=list, description="immediate, urgent, today, routine; empty: any"
    )
    levels: list[LevelIn]
    repeat: int = Field(2, description="how many times the whole list runs (1 to 10)")
    position: int = Field(50, description="order among the team's policies that fit equally well")


class PolicyOut(Schema):
    id: int
    name: str
    team: str | None = Field(description="null: a network policy")
    crisis_types: list[str]
    urgencies: list[str]
    levels: list[dict]
    repeat: int
    position: int


class PageOut(Schema):
    username: str
    level: int = Field(description="1 for the first level")
    round: int = Field(description="1 for the first round")
    reason: str = Field(description="escalation, or ack_timeout (the first step was overdue)")
    state: str
    created_at: datetime
    answered_at: datetime | None
    answered_via: str


class PagingOut(Schema):
    policy_name: str
    policy: dict = Field(description="the frozen copy this crisis runs")
    state: str = Field(description="active (paging), accepted, exhausted (nobody accepted), stopped")
    level: int = Field(description="the level paged last, 1 for the first")
    round: int
    due_at: datetime | None = Field(description="when the next step is due")
    accepted_by: str | None
    accepted_at: datetime | None
    pages: list[PageOut]


def _policy_out(policy: EscalationPolicy) -> dict:
    return {
        "id": policy.pk,
        "name": policy.name,
        "team": policy.team.code if policy.team_id else None,
        "crisis_types": policy.crisis_types,
        "urgencies": policy.urgencies,
        "levels": policy.levels,
        "repeat": policy.repeat,
        "position": policy.position,
    }


def _team(request, code: str, action: Action):
    team = team_by_code(code=code)
    if team is None or not can(request.auth, Action.ROSTER_VIEW, team):
        raise ApiError(404, "not_found", _("No team with code %(code)s.") % {"code": code})
    if not can(request.auth, action, team):
        raise ApiError(403, "forbidden", _("You may not change this team's escalation policies."))
    return team


@router.get("/teams/{code}/escalation-policies", response={200: list[PolicyOut], **ERRORS})
def list_policies(request, code: str):
    """The policies a crisis of this team may run, in the order they are tried: the first that fits the
    crisis's type and urgency runs."""
    team = _team(request, code, Action.ROSTER_VIEW)
    return [_policy_out(policy) for policy in policies_for_team(team)]


@router.put("/teams/{code}/escalation-policies/{name}", response={200: PolicyOut, **ERRORS})
def put_policy(request, code: str, name: str, body: PolicyIn):
    """Set the team's policy of this name (made if new). Crises already running keep their copy."""
    team = _team(request, code, Action.ROSTER_MANAGE)
    unknown = [u for u in body.urgencies if u not in Urgency.ORDER]
    if unknown:
        raise ApiError(422, "invalid", _("Some fields are not valid."), {"urgencies": _("Unknown urgency.")})
    try:
        policy = policy_save(
            team=team,
            policy=EscalationPolicy.objects.filter(team=team, name=name).first(),
            name=name,
            crisis_types=body.crisis_types,
            urgencies=body.urgencies,
            levels=[level.dict() for level in body.levels],
            repeat=body.repeat,
            position=body.position,
            by=request.auth,
        )
    except PolicyError as error:
        raise ApiError(422, "invalid", str(error), error.fields) from None
    return _policy_out(policy)


@router.delete("/teams/{code}/escalation-policies/{name}", response={200: PolicyOut, **ERRORS})
def delete_policy(request, code: str, name: str):
    """Remove the team's policy of this name; the answer is the policy as it was. Running crises keep
    their copy."""
    team = _team(request, code, Action.ROSTER_MANAGE)
    policy = EscalationPolicy.objects.filter(team=team, name=name).first()
    if policy is None:
        raise ApiError(404, "not_found", _("This team has no policy of that name."))
    removed = _policy_out(policy)
    policy_delete(policy=policy, by=request.auth)
    return removed


@router.get("/crises/{reference}/paging", response={200: PagingOut, **ERRORS})
def crisis_paging(request, reference: str):
    """Who was paged for the crisis, when, how they answered, and where the escalation stands."""
    crisis = crisis_by_reference(reference=reference)
    if crisis is None or not can(request.auth, Action.CRISIS_VIEW, crisis):
        raise ApiError(404, "not_found", _("No crisis with reference %(ref)s.") % {"ref": reference})
    escalation = Escalation.objects.filter(crisis=crisis).select_related("accepted_by").first()
    if escalation is None:
        raise ApiError(404, "not_found", _("Nobody has been paged for this crisis."))
    pages = Page.objects.filter(crisis=crisis).select_related("person").order_by("created_at", "pk")
    return {
        "policy_name": escalation.policy_name,
        "policy": escalation.policy,
        "state": escalation.state,
        "level": escalation.level + 1,
        "round": escalation.round + 1,
        "due_at": escalation.due_at,
        "accepted_by": escalation.accepted_by.username if escalation.accepted_by else None,
        "accepted_at": escalation.accepted_at,
        "pages": [
            {
                "username": page.person.username,
                "level": page.level + 1,
                "round": page.round + 1,
                "reason": page.reason,
                "state": page.state,
                "created_at": page.created_at,
                "answered_at": page.answered_at,
                "answered_via": page.answered_via,
            }
            for page in pages
        ],
    }
