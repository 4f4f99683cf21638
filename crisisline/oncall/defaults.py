"""The network's escalation policies, kept in step with this file after every migrate.

A team can add its own (they come first for that team); a network policy that came from here is updated
in place when this file changes, and running crises keep the copy they started with."""

from __future__ import annotations

ON_CALL = {"kind": "on_call", "duty": "responder"}
LEAD = {"kind": "role", "role": "team_lead"}
NEIGHBOUR = {"kind": "neighbour_on_call", "duty": "responder"}
COORDINATOR = {"kind": "district_coordinator"}

# code: (name, crisis types, urgencies, levels, repeat, position)
DEFAULTS: dict[str, tuple[str, list[str], list[str], list[dict], int, int]] = {
    "suicide_risk": (
        "Suicide risk: several people at once",
        ["suicide_risk"],
        [],
        [
            {"timeout_minutes": 3, "targets": [ON_CALL, LEAD, {"kind": "role", "role": "social_worker"}]},
            {"timeout_minutes": 5, "targets": [NEIGHBOUR, COORDINATOR]},
        ],
        3,
        10,
    ),
    "arrest": (
        "Arrest: the team and the on-call lawyer together",
        ["arrest"],
        [],
        [
            {"timeout_minutes": 5, "targets": [ON_CALL, {"kind": "on_call", "duty": "lawyer"}]},
            {"timeout_minutes": 5, "targets": [LEAD, {"kind": "role", "role": "lawyer"}]},
            {"timeout_minutes": 10, "targets": [NEIGHBOUR, COORDINATOR]},
        ],
        2,
        20,
    ),
    "call_back": (
        "Missed call: the on-call call receiver calls back",
        ["call_back"],
        [],
        [
            {"timeout_minutes": 5, "targets": [{"kind": "on_call", "duty": "call_receiver"}]},
            {"timeout_minutes": 5, "targets": [ON_CALL]},
            {"timeout_minutes": 10, "targets": [LEAD]},
        ],
        2,
        30,
    ),
    "immediate": (
        "Danger now: on call, then the lead, a neighbouring team, the district",
        [],
        ["immediate"],
        [
            {"timeout_minutes": 3, "targets": [ON_CALL]},
            {"timeout_minutes": 3, "targets": [LEAD]},
            {"timeout_minutes": 5, "targets": [NEIGHBOUR]},
            {"timeout_minutes": 5, "targets": [COORDINATOR]},
        ],
        3,
        40,
    ),
    "standard": (
        "Every other crisis",
        [],
        [],
        [
            {"timeout_minutes": 5, "targets": [ON_CALL]},
            {"timeout_minutes": 10, "targets": [LEAD]},
            {"timeout_minutes": 15, "targets": [NEIGHBOUR]},
            {"timeout_minutes": 15, "targets": [COORDINATOR]},
        ],
        2,
        100,
    ),
}


def policies_sync() -> None:
    from django.utils import timezone

    from crisisline.oncall.models import EscalationPolicy

    EscalationPolicy.objects.filter(team=None).exclude(built_in="").exclude(built_in__in=DEFAULTS).delete()
    for code, (name, types, urgencies, levels, repeat, position) in DEFAULTS.items():
        EscalationPolicy.objects.update_or_create(
            team=None,
            built_in=code,
            defaults={
                "name": name,
                "crisis_types": types,
                "urgencies": urgencies,
                "levels": levels,
                "repeat": repeat,
                "position": position,
                "updated_at": timezone.now(),
            },
        )
