"""Escalation policies in words and as form choices: a target is written "on_call:responder",
"role:lawyer", "neighbour_on_call:responder", "district_coordinator" or "person:<id>"."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from crisisline.oncall.models import EscalationPolicy
from crisisline.oncall.services import TEAM_DUTIES, policy_rank
from crisisline.people.models import Person, Role

ROLE_LABELS = dict(Role.Kind.choices)


def target_key(target: dict) -> str:
    kind = target["kind"]
    if kind in ("on_call", "neighbour_on_call"):
        return f"{kind}:{target['duty']}"
    if kind == "role":
        return f"role:{target['role']}"
    if kind == "person":
        return f"person:{target['person']}"
    return kind


def target_from_key(key: str) -> dict | None:
    kind, _sep, value = key.partition(":")
    if kind in ("on_call", "neighbour_on_call") and value in TEAM_DUTIES:
        return {"kind": kind, "duty": value}
    if kind == "role" and value in TEAM_DUTIES:
        return {"kind": "role", "role": value}
    if kind == "person" and value.isdigit():
        return {"kind": "person", "person": int(value)}
    if kind == "district_coordinator" and not value:
        return {"kind": kind}
    return None


def describe(target: dict, people: dict[int, Person]) -> str:
    kind = target["kind"]
    if kind == "on_call":
        return _("on call: %(duty)s") % {"duty": ROLE_LABELS.get(target["duty"], target["duty"])}
    if kind == "neighbour_on_call":
        return _("a neighbouring team's on call: %(duty)s") % {"duty": ROLE_LABELS.get(target["duty"], "")}
    if kind == "role":
        return _("every %(role)s") % {"role": ROLE_LABELS.get(target["role"], target["role"])}
    if kind == "person":
        return str(people.get(target["person"], "?"))
    return _("the district coordinator")


CHOOSABLE = [
    *(
        {"kind": "on_call", "duty": duty}
        for duty in ("responder", "call_receiver", "lawyer", "social_worker")
    ),
    *({"kind": "role", "role": role} for role in ("team_lead", "lawyer", "social_worker", "responder")),
    {"kind": "neighbour_on_call", "duty": "responder"},
    {"kind": "district_coordinator"},
]


def target_choices(team) -> list[tuple[str, str]]:
    """What a level may page: the kinds of target, then each member of the team by name."""
    choices = [(target_key(target), describe(target, {})) for target in CHOOSABLE]
    members = Person.objects.filter(roles__team=team, is_active=True).distinct().order_by("username")
    return choices + [(f"person:{person.pk}", person.username) for person in members]


def policies_for_team(team) -> list[EscalationPolicy]:
    """The policies a crisis of this team may run, in the order they are tried (services.policy_for)."""
    policies = EscalationPolicy.objects.filter(Q(team=team) | Q(team__isnull=True))
    return sorted(policies, key=policy_rank)


def people_named(policies: list[EscalationPolicy]) -> dict[int, Person]:
    targets = [target for policy in policies for level in policy.levels for target in level["targets"]]
    ids = {target["person"] for target in targets if target["kind"] == "person"}
    return Person.objects.in_bulk(list(ids))
