"""A rotation limited to some days of the week covers only those days; the count of shifts runs on through
the days it does not cover, so members take turns by the calendar (shift k is members[k mod n])."""

from __future__ import annotations

from datetime import time

from crisisline.oncall.models import Rotation
from crisisline.oncall.rosters import on_call_at
from crisisline.oncall.selectors import cover_holes, shifts
from crisisline.oncall.tests.roster_helpers import holders, rotation, team_in, wall

ZONE = "Asia/Kolkata"


def test_a_weekend_rotation_covers_saturday_and_sunday_only(network):
    team = team_in(network, ZONE)
    asha, bina = holders(team, "responder", "asha", "bina")
    # From Monday 5 January 2026, 24-hour shifts at 09:00; Saturdays (5) and Sundays (6) only.
    rotation(team, [asha, bina], handoff=time(9), days=[5, 6])

    found = shifts(team, "responder", wall(ZONE, 2026, 1, 5), wall(ZONE, 2026, 1, 12))

    assert [(s.starts_at, s.ends_at, s.person_id) for s in found] == [
        (wall(ZONE, 2026, 1, 10), wall(ZONE, 2026, 1, 10, 9), asha.pk),  # Friday's shift, from midnight
        (wall(ZONE, 2026, 1, 10, 9), wall(ZONE, 2026, 1, 11, 9), bina.pk),
        (wall(ZONE, 2026, 1, 11, 9), wall(ZONE, 2026, 1, 12), asha.pk),
    ]
    assert cover_holes(team, "responder", wall(ZONE, 2026, 1, 5), wall(ZONE, 2026, 1, 12)) == [
        (wall(ZONE, 2026, 1, 5), wall(ZONE, 2026, 1, 10))
    ]


def test_weekday_office_hours_take_turns_by_the_calendar(network):
    team = team_in(network, ZONE)
    asha, bina, chitra = holders(team, "responder", "asha", "bina", "chitra")
    rotation(
        team,
        [asha, bina, chitra],
        handoff=time(9),
        days=[0, 1, 2, 3, 4],
        active_from=time(9),
        active_until=time(17),
    )

    def person(*parts: int):
        found = on_call_at(team, "responder", wall(ZONE, *parts))
        return found[0].person_id if found else None

    week = [person(2026, 1, day, 12) for day in range(5, 12)]  # Monday 5 to Sunday 11, at noon
    assert week == [asha.pk, bina.pk, chitra.pk, asha.pk, bina.pk, None, None]
    assert person(2026, 1, 12, 12) == bina.pk  # Monday again: shift 7, 7 mod 3 = 1
    assert person(2026, 1, 5, 17, 0) is None and person(2026, 1, 5, 8, 59) is None


def test_every_day_chosen_is_stored_as_every_day(network):
    team = team_in(network, ZONE)
    members = holders(team, "responder", "asha")
    saved = rotation(team, members, days=[6, 5, 4, 3, 2, 1, 0])
    assert Rotation.objects.get(pk=saved.pk).days == []
    other = rotation(team, members, name="Weekends", days=[6, 5, 5])
    assert Rotation.objects.get(pk=other.pk).days == [5, 6]
