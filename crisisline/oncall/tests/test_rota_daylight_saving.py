"""Rotations keep their handoff at the same local clock time across daylight-saving changes: the shift
that spans the change is 23 hours (clocks forward) or 25 hours (clocks back), and at every moment exactly
one member is on call: nobody double-booked, nobody missing. In a zone without daylight saving
(Asia/Kolkata) every shift is 24 hours all year."""

from __future__ import annotations

from datetime import UTC, date, time, timedelta
from itertools import pairwise

import pytest

from crisisline.oncall.rosters import local, on_call_at
from crisisline.oncall.selectors import cover_holes, shifts
from crisisline.oncall.tests.roster_helpers import holders, hours, rotation, team_in, wall

CHANGES = [
    # zone, the local day the clocks change, whether they go forward (a 23-hour shift) or back (25)
    pytest.param("America/New_York", date(2026, 3, 8), 23, id="New York, spring forward"),
    pytest.param("America/New_York", date(2026, 11, 1), 25, id="New York, fall back"),
    pytest.param("Europe/London", date(2026, 3, 29), 23, id="London, spring forward"),
    pytest.param("Europe/London", date(2026, 10, 25), 25, id="London, fall back"),
]


def _window(zone: str, day: date, before: int = 3, after: int = 3):
    first, last = day - timedelta(days=before), day + timedelta(days=after)
    return wall(zone, first.year, first.month, first.day), wall(zone, last.year, last.month, last.day)


def _each_moment_one_person(team, start, end, step=timedelta(minutes=30)):
    moment = start
    while moment < end:
        found = on_call_at(team, "responder", moment)
        assert len(found) == 1, f"{len(found)} people on call at {moment.isoformat()}"
        moment += step


@pytest.mark.parametrize(("zone", "day", "length"), CHANGES)
def test_the_handoff_stays_at_nine_and_the_change_shift_is_23_or_25_hours(network, zone, day, length):
    team = team_in(network, zone)
    members = holders(team, "responder", "asha", "bina", "chitra")
    rotation(team, members, handoff=time(9, 0), shift_hours=24)
    start, end = _window(zone, day)

    found = shifts(team, "responder", start, end)

    assert [local(s.starts_at, zone).time() for s in found] == [time(9, 0)] * len(found)
    for earlier, later in pairwise(found):
        assert earlier.ends_at == later.starts_at, "a gap or an overlap at a handoff"
    lengths = {local(s.starts_at, zone).date(): hours(s) for s in found}
    change_shift = day - timedelta(days=1)  # 09:00 the day before to 09:00 on the day of the change
    assert lengths.pop(change_shift) == length
    assert set(lengths.values()) == {24}
    ids = [s.person_id for s in found]
    assert all(ids[n] != ids[n + 1] for n in range(len(ids) - 1)), "the order of members broke"
    assert cover_holes(team, "responder", start, end) == []
    _each_moment_one_person(team, start, end)


@pytest.mark.parametrize(("zone", "day", "length"), CHANGES)
def test_twelve_hour_shifts_swap_at_eight_and_twenty_on_both_sides_of_the_change(network, zone, day, length):
    team = team_in(network, zone)
    members = holders(team, "responder", "asha", "bina")
    rotation(team, members, handoff=time(8, 0), shift_hours=12)
    start, end = _window(zone, day, 2, 2)

    found = shifts(team, "responder", start, end)

    assert {local(s.starts_at, zone).time() for s in found} == {time(8, 0), time(20, 0)}
    eve = day - timedelta(days=1)
    night = next(
        s for s in found if s.starts_at == wall(zone, eve.year, eve.month, eve.day, 20).astimezone(UTC)
    )
    assert hours(night) == length - 12  # the night the clocks change: 11 or 13 hours
    assert cover_holes(team, "responder", start, end) == []
    _each_moment_one_person(team, start, end, step=timedelta(minutes=20))


def test_a_handoff_in_the_skipped_hour_happens_when_the_clocks_show_the_hour_after(network):
    """02:30 does not exist on the night New York's clocks go forward: that handoff is read as the moment
    the clocks show 03:30, and the shifts on either side meet there."""
    zone = "America/New_York"
    team = team_in(network, zone)
    members = holders(team, "responder", "asha", "bina")
    rotation(team, members, handoff=time(2, 30), shift_hours=24)
    start, end = _window(zone, date(2026, 3, 8), 2, 2)

    found = shifts(team, "responder", start, end)

    by_day = {local(s.starts_at, zone).date(): s for s in found}
    change = by_day[date(2026, 3, 8)]
    assert local(change.starts_at, zone).time() == time(3, 30)
    assert by_day[date(2026, 3, 7)].ends_at == change.starts_at
    assert hours(by_day[date(2026, 3, 7)]) == 24 and hours(change) == 23
    assert cover_holes(team, "responder", start, end) == []
    _each_moment_one_person(team, start, end)


def test_a_handoff_in_the_repeated_hour_is_its_first_occurrence(network):
    zone = "America/New_York"
    team = team_in(network, zone)
    members = holders(team, "responder", "asha", "bina")
    rotation(team, members, handoff=time(1, 30), shift_hours=24)
    start, end = _window(zone, date(2026, 11, 1), 2, 2)

    found = shifts(team, "responder", start, end)

    change = next(s for s in found if local(s.starts_at, zone).date() == date(2026, 11, 1))
    assert change.starts_at == wall(zone, 2026, 11, 1, 1, 30, fold=0).astimezone(UTC)  # daylight time
    assert change.starts_at.utcoffset() == timedelta(0) and change.starts_at.hour == 5  # 01:30 at UTC-4
    assert hours(change) == 25
    _each_moment_one_person(team, start, end)


@pytest.mark.parametrize("day", [date(2026, 3, 8), date(2026, 3, 29), date(2026, 10, 25), date(2026, 11, 1)])
def test_kolkata_has_no_daylight_saving_every_shift_is_24_hours(network, day):
    zone = "Asia/Kolkata"
    team = team_in(network, zone)
    members = holders(team, "responder", "asha", "bina", "chitra")
    rotation(team, members, handoff=time(9, 0), shift_hours=24)
    start, end = _window(zone, day)

    found = shifts(team, "responder", start, end)

    assert {hours(s) for s in found} == {24}
    assert {local(s.starts_at, zone).time() for s in found} == {time(9, 0)}
    assert cover_holes(team, "responder", start, end) == []
