"""The worker looks ahead (CRISISLINE_COVER_WARNING_HOURS, 48 by default) every 15 minutes for stretches
with nobody on call, in every team with a rotation. Each gap is recorded once and the team lead is told
once, by a short text with the local time and the length only: no names, no team, no place."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from crisisline.audit.models import AuditEntry
from crisisline.messaging.models import Message
from crisisline.messaging.services import contact_point_add, deliver_messages
from crisisline.oncall.jobs_rosters import cover_gaps
from crisisline.oncall.models import CoverGap
from crisisline.oncall.tests.roster_helpers import holders, rotation, team_in, wall
from crisisline.worker.registry import PERIODIC

ZONE = "Asia/Kolkata"
NOW = wall(ZONE, 2026, 1, 5, 12)  # Monday noon


@pytest.fixture
def team(network):
    return team_in(network, ZONE)


@pytest.fixture
def lead(team):
    (lead,) = holders(team, "team_lead", "lead")
    contact_point_add(person=lead, channel="console", address="lead")
    return lead


@pytest.fixture
def nights(team):
    """Responders on call 20:00 to 08:00 only: the days are gaps."""
    members = holders(team, "responder", "asha", "bina")
    return rotation(
        team, members, starts_on=NOW.date(), handoff=time(20), active_from=time(20), active_until=time(8)
    )


def _gaps() -> list[tuple]:
    return list(CoverGap.objects.order_by("starts_at").values_list("duty", "starts_at", "ends_at"))


def test_each_gap_in_the_next_48_hours_is_recorded_and_told_to_the_lead_once(team, lead, nights, recorder):
    assert cover_gaps(NOW) == {"new_gaps": 3}

    assert _gaps() == [
        ("responder", wall(ZONE, 2026, 1, 5, 12), wall(ZONE, 2026, 1, 5, 20)),
        ("responder", wall(ZONE, 2026, 1, 6, 8), wall(ZONE, 2026, 1, 6, 20)),
        ("responder", wall(ZONE, 2026, 1, 7, 8), wall(ZONE, 2026, 1, 7, 12)),
    ]
    messages = list(Message.objects.filter(template="cover_gap").order_by("due_at", "pk"))
    assert [m.idempotency_key for m in messages] == [
        f"cover_gap:{g.pk}:{lead.pk}" for g in CoverGap.objects.order_by("starts_at")
    ]
    assert messages[0].body.startswith("Crisisline: nobody on call from 2026-01-05 12:00 (8 h).")
    assert messages[0].body.endswith("/oncall/rota")
    for message in messages:
        for name in ("asha", "bina", "lead", team.name, team.code, "Mysuru"):
            assert name not in message.body

    assert cover_gaps(NOW) == {"new_gaps": 0}
    assert cover_gaps(NOW + timedelta(minutes=15)) == {"new_gaps": 0}  # the same gaps, as time runs on
    assert Message.objects.filter(template="cover_gap").count() == 3
    assert AuditEntry.objects.filter(action="oncall.cover_gap").count() == 3

    deliver_messages(NOW, "test-worker")
    assert [m.to for m in recorder.sent if m.template == "cover_gap"] == ["lead", "lead", "lead"]


def test_a_gap_that_grows_as_the_clock_runs_is_still_one_gap(team, lead, nights):
    cover_gaps(NOW)
    cover_gaps(NOW + timedelta(minutes=15))
    last = CoverGap.objects.order_by("starts_at").last()
    assert last.ends_at == wall(ZONE, 2026, 1, 7, 12, 15)  # the horizon moved on; the gap with it
    # Wednesday 09:00: Wednesday's gap is known (and now known to last until 20:00); Thursday's day and
    # the first hour of Friday's come within reach.
    assert cover_gaps(wall(ZONE, 2026, 1, 7, 9)) == {"new_gaps": 2}
    assert _gaps()[2:] == [
        ("responder", wall(ZONE, 2026, 1, 7, 8), wall(ZONE, 2026, 1, 7, 20)),
        ("responder", wall(ZONE, 2026, 1, 8, 8), wall(ZONE, 2026, 1, 8, 20)),
        ("responder", wall(ZONE, 2026, 1, 9, 8), wall(ZONE, 2026, 1, 9, 9)),
    ]


def test_the_look_ahead_is_a_setting(team, lead, nights, settings):
    settings.COVER_WARNING_HOURS = 6
    assert cover_gaps(NOW) == {"new_gaps": 1}
    assert _gaps() == [("responder", wall(ZONE, 2026, 1, 5, 12), wall(ZONE, 2026, 1, 5, 18))]


def test_full_cover_and_teams_without_rotations_warn_nobody(team, lead):
    rotation(team, holders(team, "responder", "asha"), starts_on=NOW.date() - timedelta(days=1))
    assert cover_gaps(NOW) == {"new_gaps": 0}
    assert not CoverGap.objects.exists() and not Message.objects.exists()


def test_the_job_runs_every_15_minutes():
    job = PERIODIC["cover_gaps"]
    assert job.every == timedelta(minutes=15) and job.run is cover_gaps
