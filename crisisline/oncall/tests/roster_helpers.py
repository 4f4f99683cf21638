"""Small helpers for the roster tests: a team in a chosen time zone, people holding a duty there, a
rotation saved through the service (by the system), and local times written as the team reads them."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from conftest import make_person
from crisisline.oncall.services_rosters import rotation_save


def team_in(network, zone: str, key: str = "mysuru"):
    team = network["teams"][key]
    team.time_zone = zone
    team.save(update_fields=["time_zone"])
    return team


def holders(team, duty: str, *names: str) -> list:
    return [make_person(name, (duty, team)) for name in names]


def rotation(team, members, *, name="Responders", duty="responder", now=None, **fields):
    values = {
        "starts_on": date(2026, 1, 5),
        "handoff": time(9, 0),
        "shift_hours": 24,
        "days": [],
        "active_from": None,
        "active_until": None,
    } | fields
    saved, _report = rotation_save(
        team=team, name=name, duty=duty, members=members, by=None, now=now, **values
    )
    return saved


def wall(zone: str, *parts: int, fold: int = 0) -> datetime:
    """An aware moment from a local wall-clock time: wall("Europe/London", 2026, 3, 29, 9)."""
    return datetime(*parts, tzinfo=ZoneInfo(zone), fold=fold)


def hours(shift) -> float:
    return (shift.ends_at - shift.starts_at).total_seconds() / 3600
