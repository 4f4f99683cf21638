"""A rotation whose cover runs past midnight (active 20:00 to 08:00): each night belongs to the day it
started on, one member covers the whole night, and the day between is a hole. Shifts handed over in the
evening run on through midnight without a break."""

from __future__ import annotations

from datetime import time

from crisisline.oncall.rosters import on_call_at
from crisisline.oncall.selectors import cover_holes, shifts
from crisisline.oncall.tests.roster_helpers import holders, rotation, team_in, wall

ZONE = "Asia/Kolkata"


def test_a_night_rotation_covers_20_to_08_with_one_person_a_night(network):
    team = team_in(network, ZONE)
    asha, bina, chitra = holders(team, "responder", "asha", "bina", "chitra")
    # Monday 5 January 2026, 24-hour shifts handed over at 20:00, active 20:00 to 08:00.
    rotation(team, [asha, bina, chitra], handoff=time(20, 0), active_from=time(20), active_until=time(8))

    found = shifts(team, "responder", wall(ZONE, 2026, 1, 5), wall(ZONE, 2026, 1, 8))

    assert [(s.starts_at, s.ends_at, s.person_id) for s in found] == [
        (wall(ZONE, 2026, 1, 5, 20), wall(ZONE, 2026, 1, 6, 8), asha.pk),
        (wall(ZONE, 2026, 1, 6, 20), wall(ZONE, 2026, 1, 7, 8), bina.pk),
        (wall(ZONE, 2026, 1, 7, 20), wall(ZONE, 2026, 1, 8, 8), chitra.pk),
    ]
    assert [c.person_id for c in on_call_at(team, "responder", wall(ZONE, 2026, 1, 5, 23, 59))] == [asha.pk]
    assert [c.person_id for c in on_call_at(team, "responder", wall(ZONE, 2026, 1, 6, 0, 1))] == [asha.pk]
    assert [c.person_id for c in on_call_at(team, "responder", wall(ZONE, 2026, 1, 6, 7, 59))] == [asha.pk]
    assert on_call_at(team, "responder", wall(ZONE, 2026, 1, 6, 8, 0)) == []
    assert on_call_at(team, "responder", wall(ZONE, 2026, 1, 6, 12)) == []
    assert cover_holes(team, "responder", wall(ZONE, 2026, 1, 6), wall(ZONE, 2026, 1, 7)) == [
        (wall(ZONE, 2026, 1, 6, 8), wall(ZONE, 2026, 1, 6, 20))
    ]


def test_a_night_on_the_chosen_days_belongs_to_the_day_it_starts(network):
    team = team_in(network, ZONE)
    (asha,) = holders(team, "responder", "asha")
    # Friday nights only (weekday 4): Friday 20:00 to Saturday 08:00.
    rotation(team, [asha], handoff=time(20), days=[4], active_from=time(20), active_until=time(8))

    def covered(*parts: int) -> bool:
        return bool(on_call_at(team, "responder", wall(ZONE, *parts)))

    assert covered(2026, 1, 9, 21)  # Friday evening
    assert covered(2026, 1, 10, 2)  # the small hours of Saturday: still Friday's night
    assert not covered(2026, 1, 10, 21)  # Saturday night
    assert not covered(2026, 1, 9, 2)  # the small hours of Friday: Thursday's night
    assert not covered(2026, 1, 8, 22)  # Thursday night


def test_twelve_hour_shifts_run_through_midnight_without_a_break(network):
    team = team_in(network, ZONE)
    day, night = holders(team, "responder", "dina", "nisha")
    rotation(team, [day, night], handoff=time(8), shift_hours=12)

    assert on_call_at(team, "responder", wall(ZONE, 2026, 1, 6, 23, 59))[0].person_id == night.pk
    assert on_call_at(team, "responder", wall(ZONE, 2026, 1, 7, 0, 0))[0].person_id == night.pk
    assert on_call_at(team, "responder", wall(ZONE, 2026, 1, 7, 8, 0))[0].person_id == day.pk
    assert cover_holes(team, "responder", wall(ZONE, 2026, 1, 6), wall(ZONE, 2026, 1, 9)) == []
    ending = on_call_at(team, "responder", wall(ZONE, 2026, 1, 6, 23, 0))[0]
    assert ending.until == wall(ZONE, 2026, 1, 7, 8)
