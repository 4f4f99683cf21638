"""Saving a rotation reports, in the team's local time, the holes (nobody on call) and the overlaps (two
rotations of the same duty at once) in the next 14 days of its duty, so that a mistake is seen at once."""

from __future__ import annotations

from datetime import time

from crisisline.oncall.selectors import DASH
from crisisline.oncall.services_rosters import override_add, rotation_save
from crisisline.oncall.tests.roster_helpers import holders, rotation, team_in, wall

ZONE = "Asia/Kolkata"
NOW = wall(ZONE, 2026, 1, 5, 12)  # Monday noon


def _save(team, members, **fields):
    values = {
        "name": "Nights",
        "duty": "responder",
        "starts_on": NOW.date(),
        "handoff": time(20),
        "shift_hours": 24,
        "days": [],
        "active_from": time(20),
        "active_until": time(8),
    } | fields
    return rotation_save(team=team, members=members, by=None, now=NOW, **values)


def test_a_nights_only_rotation_reports_each_day_as_a_hole(network):
    team = team_in(network, ZONE)
    members = holders(team, "responder", "asha", "bina")

    _rotation, report = _save(team, members)

    assert report.lines()[-1] == f"Nobody on call Mon 19 Jan 08:00 {DASH} 12:00"
    assert report.lines()[:3] == [
        f"Nobody on call Mon 5 Jan 12:00 {DASH} 20:00",
        f"Nobody on call Tue 6 Jan 08:00 {DASH} 20:00",
        f"Nobody on call Wed 7 Jan 08:00 {DASH} 20:00",
    ]
    assert len(report.holes) == 15 and not report.overlaps and not report.clear  # 14 days from noon
    assert report.holes[1].starts_at == wall(ZONE, 2026, 1, 6, 8)
    assert report.holes[1].ends_at == wall(ZONE, 2026, 1, 6, 20)


def test_a_hole_across_midnight_is_one_stretch(network):
    team = team_in(network, ZONE)
    members = holders(team, "responder", "asha")

    _rotation, report = _save(
        team, members, name="Days", handoff=time(8), active_from=time(8), active_until=time(20)
    )

    assert report.lines()[0] == f"Nobody on call Mon 5 Jan 20:00 {DASH} Tue 6 Jan 08:00"


def test_two_rotations_covering_at_once_are_reported_as_an_overlap(network):
    team = team_in(network, ZONE)
    asha, bina = holders(team, "responder", "asha", "bina")
    rotation(
        team,
        [asha],
        name="Days",
        starts_on=NOW.date(),
        handoff=time(8),
        active_from=time(8),
        active_until=time(20),
    )

    _rotation, report = _save(
        team, [bina], name="Evenings", handoff=time(18), active_from=time(18), active_until=time(22)
    )

    assert (
        report.overlaps[0].text
        == f"Two rotations on call at once Mon 5 Jan 18:00 {DASH} 20:00: Days, Evenings"
    )
    assert len(report.overlaps) == 14
    assert report.holes[0].text == f"Nobody on call Mon 5 Jan 22:00 {DASH} Tue 6 Jan 08:00"


def test_a_full_rota_is_clear_and_other_duties_do_not_count(network):
    team = team_in(network, ZONE)
    responders = holders(team, "responder", "asha", "bina")
    (lawyer,) = holders(team, "lawyer", "advocate")
    rotation(team, [lawyer], name="Lawyer nights", duty="lawyer", active_from=time(20), active_until=time(8))

    _rotation, report = _save(
        team,
        responders,
        name="All day",
        active_from=None,
        active_until=None,
        starts_on=NOW.date().replace(day=4),
    )

    assert report.clear and report.lines() == []


def test_an_override_fills_a_hole(network):
    team = team_in(network, ZONE)
    asha, bina = holders(team, "responder", "asha", "bina")
    override_add(
        team=team, duty="responder", person=bina, starts_at=NOW, ends_at=wall(ZONE, 2026, 1, 5, 20), by=None
    )

    _rotation, report = _save(team, [asha])

    assert report.lines()[0] == f"Nobody on call Tue 6 Jan 08:00 {DASH} 20:00"
