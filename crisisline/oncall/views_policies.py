"""A team's escalation policies: which runs for which crisis, level by level, in words; the team lead
adds, changes and removes the team's own (the network's come from oncall/defaults.py). Thin doors onto
services.policy_save / policy_delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from crisisline.crises.catalogue import Urgency
from crisisline.crises.models import CrisisType
from crisisline.crises.selectors import team_by_code
from crisisline.oncall.models import EscalationPolicy
from crisisline.oncall.policies import (
    describe,
    people_named,
    policies_for_team,
    target_choices,
    target_from_key,
    target_key,
)
from crisisline.oncall.services import PolicyError, policy_delete, policy_save
from crisisline.people.policy import Action, can, require

LEVELS_SHOWN = 5  # rows in the form; a policy rarely needs more
TARGETS_A_LEVEL = 3


def _team(request: HttpRequest, code: str, action: Action):
    team = team_by_code(code=code)
    if team is None or not can(request.user, action, team):
        raise Http404
    return team


@login_required
def policies(request: HttpRequest, code: str) -> HttpResponse:
    team = _team(request, code, Action.ROSTER_VIEW)
    rows = policies_for_team(team)
    people = people_named(rows)
    types = {t.code: str(t) for t in CrisisType.objects.all()}
    urgencies = dict(Urgency.CHOICES)
    shown = [
        {
            "policy": policy,
            "types": [types.get(code, code) for code in policy.crisis_types],
            "urgencies": [urgencies.get(u, u) for u in policy.urgencies],
            "levels": [
                {
                    "timeout": level["timeout_minutes"],
                    "targets": [describe(t, people) for t in level["targets"]],
                }
                for level in policy.levels
            ],
        }
        for policy in rows
    ]
    context = {"team": team, "rows": shown, "may_manage": can(request.user, Action.ROSTER_MANAGE, team)}
    return render(request, "oncall/policies.html", context)


def _form_levels(data) -> list[dict]:
    levels = []
    for n in range(LEVELS_SHOWN):
        keys = [data.get(f"level{n}_target{m}", "") for m in range(TARGETS_A_LEVEL)]
        targets = [t for t in (target_from_key(key) for key in keys if key) if t is not None]
        if not targets:
            continue
        timeout = data.get(f"level{n}_timeout", "")
        levels.append({"timeout_minutes": int(timeout) if timeout.isdigit() else 0, "targets": targets})
    return levels


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    team = _team(request, code, Action.ROSTER_MANAGE)
    policy = None
    if pk is not None:
        policy = EscalationPolicy.objects.filter(pk=pk, team=team).first()
        if policy is None:
            raise Http404
    error, fields = "", {}
    if request.method == "POST":
        repeat = request.POST.get("repeat", "")
        try:
            policy_save(
                team=team,
                policy=policy,
                name=request.POST.get("name", ""),
                crisis_types=request.POST.getlist("crisis_types"),
                urgencies=[u for u in request.POST.getlist("urgencies") if u in Urgency.ORDER],
                levels=_form_levels(request.POST),
                repeat=int(repeat) if repeat.isdigit() else 0,
                by=request.user,
            )
        except PolicyError as problem:
            error, fields = str(problem), problem.fields
        else:
            messages.success(request, _("Saved. New crises of these kinds follow it from now on."))
            return redirect("oncall_policies", code=team.code)
    initial = (
        policy.levels
        if policy
        else [{"timeout_minutes": 5, "targets": [{"kind": "on_call", "duty": "responder"}]}]
    )
    rows = []
    for n in range(LEVELS_SHOWN):
        level = initial[n] if n < len(initial) else {"timeout_minutes": "", "targets": []}
        keys = [target_key(t) for t in level["targets"]] + [""] * TARGETS_A_LEVEL
        rows.append({"n": n, "timeout": level["timeout_minutes"], "keys": keys[:TARGETS_A_LEVEL]})
    context = {
        "team": team,
        "policy": policy,
        "levels": rows,
        "choices": target_choices(team),
        "types": [(t.code, str(t)) for t in CrisisType.objects.filter(active=True)],
        "urgencies": Urgency.CHOICES,
        "chosen_types": policy.crisis_types if policy else [],
        "chosen_urgencies": policy.urgencies if policy else [],
        "repeat": policy.repeat if policy else 2,
        "error": error,
        "fields": fields,
    }
    return render(request, "oncall/policy_edit.html", context, status=400 if error else 200)


@login_required
@require_POST
def policy_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    team = _team(request, code, Action.ROSTER_MANAGE)
    policy = EscalationPolicy.objects.filter(pk=pk, team=team).first()
    if policy is None:
        raise Http404
    require(request.user, Action.ROSTER_MANAGE, team)
    policy_delete(policy=policy, by=request.user)
    messages.success(request, _("Removed. Crises already running keep the copy they started with."))
    return redirect("oncall_policies", code=team.code)
