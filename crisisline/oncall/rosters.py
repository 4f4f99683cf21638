"""Who is on call: rotations worked out in the team's own wall-clock time.

A shift begins at the handoff time in local time, so a 09:00 handoff is at 09:00 on both sides of a
daylight-saving change (that shift is then an hour shorter or longer in real time: 23 or 25 hours). Shift k
of a rotation starts at `starts_on + handoff + k * shift_hours`, counted on the wall clock; its member is
members[k mod n]. A rotation covers only its days and active hours (a window that ends before it starts runs
past midnight and belongs to the day it started on); a shift outside them covers nobody.

Overrides win over rotations for their stretch: while an override of a duty runs, the override's person is
on call for that duty and the rotations' members are not. Everything here reads rows and computes; the rows
are changed by services_rosters.py only."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db.models import Q

from crisisline.oncall.models import Override, Rotation, RotationMember

UTC = ZoneInfo("UTC")
TINY = timedelta(microseconds=1)
Interval = tuple[datetime, datetime]


def local(at: datetime, zone: str) -> datetime:
    """The wall-clock time (naive) in `zone` at the aware moment `at`."""
    return at.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def aware(wall: datetime, zone: str) -> datetime:
    """The moment a wall-clock time names in `zone`. A repeated hour (clocks going back) is its first
    occurrence; a time that does not exist (the hour skipped when clocks go forward) is read with the offset
    in force before the change, so 02:30 on that night is the moment the clocks show 03:30."""
    return wall.replace(tzinfo=ZoneInfo(zone), fold=0).astimezone(UTC)


class Shift(NamedTuple):
    """Someone on call for a stretch: from a rotation ("rotation:<id>") or an override ("override:<id>")."""

    starts_at: datetime
    ends_at: datetime
    person_id: int
    source: str

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    def uid(self, duty: str) -> str:
        """Stable for the same stretch of the same person from the same source: an iCalendar UID. A digest,
        so that it names nobody."""
        raw = f"{self.source}|{duty}|{self.person_id}|{self.starts_at.astimezone(UTC):%Y%m%dT%H%M%S}"
        return hashlib.sha256(raw.encode()).hexdigest()[:32] + "@crisisline"


# --- Intervals ---------------------------------------------------------------------------------------------
def merge(intervals: list[Interval]) -> list[Interval]:
    """Overlapping or touching stretches joined into one, in order."""
    merged: list[list[datetime]] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def subtract(pieces: list[Interval], cuts: list[Interval]) -> list[Interval]:
    """What is left of `pieces` outside every one of `cuts` (merged)."""
    cuts = merge(cuts)
    left: list[Interval] = []
    for start, end in pieces:
        for cut_start, cut_end in cuts:
            if cut_end <= start or cut_start >= end:
                continue
            if cut_start > start:
                left.append((start, cut_start))
            start = max(start, cut_end)
            if start >= end:
                break
        if start < end:
            left.append((start, end))
    return left


def holes(covered: list[Interval], start: datetime, end: datetime) -> list[Interval]:
    """The stretches of [start, end) that nothing in `covered` covers."""
    return subtract([(start, end)], covered)


def overlaps(groups: list[list[Interval]]) -> list[Interval]:
    """The stretches where two or more of the groups cover at once (each group merged first)."""
    edges: list[tuple[datetime, int]] = []
    for group in groups:
        for start, end in merge(group):
            edges += [(start, 1), (end, -1)]
    found: list[Interval] = []
    depth, opened = 0, None
    for moment, step in sorted(edges, key=lambda edge: (edge[0], edge[1])):
        depth += step
        if depth >= 2 and opened is None:
            opened = moment
        elif depth < 2 and opened is not None:
            if moment > opened:
                found.append((opened, moment))
            opened = None
    return merge(found)


# --- Rotations ---------------------------------------------------------------------------------------------
def shift_start(rotation: Rotation, index: int) -> datetime:
    """The wall-clock start of shift `index`."""
    return datetime.combine(rotation.starts_on, rotation.handoff) + index * timedelta(
        hours=rotation.shift_hours
    )


def active_windows(rotation: Rotation, zone: str, start: datetime, end: datetime) -> list[Interval] | None:
    """The real-time stretches in which the rotation's days and hours cover, around [start, end); None when
    it covers every hour of every day."""
    days = set(rotation.days) if rotation.days else set(range(7))
    if rotation.active_from is None and len(days) == 7:
        return None
    first = local(start, zone).date() - timedelta(days=1)
    last = local(end, zone).date() + timedelta(days=1)
    windows: list[Interval] = []
    day = first
    while day <= last:
        if day.weekday() in days:
            windows.append(_window(rotation, day, zone))
        day += timedelta(days=1)
    return merge(windows)


def _window(rotation: Rotation, day: date, zone: str) -> Interval:
    if rotation.active_from is None:
        opens, closes = datetime.combine(day, time(0)), datetime.combine(day + timedelta(days=1), time(0))
    else:
        opens = datetime.combine(day, rotation.active_from)
        # Ending at or before its start: the window runs past midnight (equal: a whole day from the start).
        until_day = day if rotation.active_until > rotation.active_from else day + timedelta(days=1)
        closes = datetime.combine(until_day, rotation.active_until)
    return aware(opens, zone), aware(closes, zone)


def rotation_shifts(
    rotation: Rotation, member_ids: list[int], zone: str, start: datetime, end: datetime
) -> list[Shift]:
    """The rotation's cover that overlaps [start, end), whole (not cut at start or end): one Shift per shift
    and active window. Ignores overrides."""
    if not member_ids or end <= start:
        return []
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    anchor = datetime.combine(rotation.starts_on, rotation.handoff)
    length = timedelta(hours=rotation.shift_hours)
    # Indexes from the wall clock, one either side to spare: offsets differ by an hour around a change.
    first = max(0, (local(start, zone) - anchor) // length - 1)
    last = (local(end, zone) - anchor) // length + 1
    if last < first:
        return []
    bounds = [aware(anchor + index * length, zone) for index in range(first, last + 2)]
    for n in range(1, len(bounds)):  # never backwards, whatever the zone's rules do
        bounds[n] = max(bounds[n], bounds[n - 1])
    spans = []
    for n, index in enumerate(range(first, last + 1)):
        shift_from, shift_to = bounds[n], bounds[n + 1]
        if shift_to <= shift_from or shift_to <= start or shift_from >= end:
            continue
        spans.append((shift_from, shift_to, member_ids[index % len(member_ids)]))
    if not spans:
        return []
    windows = active_windows(rotation, zone, spans[0][0], spans[-1][1])
    source = f"rotation:{rotation.pk}"
    found = []
    for shift_from, shift_to, person_id in spans:
        parts = [(shift_from, shift_to)] if windows is None else _within(shift_from, shift_to, windows)
        found += [
            Shift(part_from, part_to, person_id, source)
            for part_from, part_to in parts
            if part_to > start and part_from < end
        ]
    return found


def _within(start: datetime, end: datetime, windows: list[Interval]) -> list[Interval]:
    return [
        (max(start, w_start), min(end, w_end))
        for w_start, w_end in windows
        if w_start < end and w_end > start
    ]


def rotation_members(rotation_ids: list[int]) -> dict[int, list[int]]:
    """Each rotation's active members' ids, in order."""
    members: dict[int, list[int]] = {}
    rows = RotationMember.objects.filter(rotation_id__in=rotation_ids, person__is_active=True).order_by(
        "position"
    )
    for rotation_id, person_id in rows.values_list("rotation_id", "person_id"):
        members.setdefault(rotation_id, []).append(person_id)
    return members


# --- A duty's cover ----------------------------------------------------------------------------------------
@dataclass
class Cover:
    """What a duty's rotations and overrides give over a stretch: per rotation, its own shifts (for the
    overlaps between rotations); and the merged shifts, overrides winning."""

    by_rotation: dict[int, list[Shift]]
    shifts: list[Shift]


def duty_cover(team, duty: str, start: datetime, end: datetime) -> Cover:
    """The duty's cover over [start, end): whole shifts that overlap it, not cut at its ends."""
    zone = team.time_zone
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    rotations = list(Rotation.objects.filter(team=team, duty=duty))
    members = rotation_members([r.pk for r in rotations])
    by_rotation = {
        rotation.pk: rotation_shifts(rotation, members.get(rotation.pk, []), zone, start, end)
        for rotation in rotations
    }
    from_rotations = sorted(
        (shift for found in by_rotation.values() for shift in found), key=lambda s: (s.starts_at, s.source)
    )
    # Overrides that touch any part of the rotations' shifts, which may reach beyond [start, end).
    wide_start = min([start, *(s.starts_at for s in from_rotations)])
    wide_end = max([end, *(s.ends_at for s in from_rotations)])
    override_rows = list(active_overrides(team, duty, wide_start, wide_end).order_by("starts_at", "pk"))
    cuts = [(o.starts_at, o.ends_at) for o in override_rows]
    shifts = [
        Shift(o.starts_at, o.ends_at, o.person_id, f"override:{o.pk}")
        for o in override_rows
        if o.ends_at > start and o.starts_at < end
    ]
    for shift in from_rotations:
        for part_from, part_to in subtract([(shift.starts_at, shift.ends_at)], cuts):
            if part_to > start and part_from < end:
                shifts.append(Shift(part_from, part_to, shift.person_id, shift.source))
    shifts.sort(key=lambda s: (s.starts_at, s.ends_at, s.source))
    return Cover(by_rotation=by_rotation, shifts=shifts)


def duty_shifts(team, duty: str, start: datetime, end: datetime) -> list[Shift]:
    return duty_cover(team, duty, start, end).shifts


@dataclass(frozen=True)
class OnCall:
    person_id: int
    duty: str
    source: str  # "rotation:<id>" or "override:<id>"
    until: datetime | None = None  # when this stretch of cover ends


def on_call_at(team, duty: str, at: datetime) -> list[OnCall]:
    """Everyone on call for `duty` in `team` at the moment `at`: overrides first, then rotations (a rotation
    yields to an override of its duty for the override's stretch). A person on two rotations is named once."""
    found: list[OnCall] = []
    current = [s for s in duty_shifts(team, duty, at, at + TINY) if s.starts_at <= at < s.ends_at]
    current.sort(key=lambda s: (not s.source.startswith("override:"), s.starts_at, s.source))
    for shift in current:
        if all(f.person_id != shift.person_id for f in found):
            found.append(OnCall(shift.person_id, duty, shift.source, shift.ends_at))
    return found


def has_rotation(team, duty: str) -> bool:
    return (
        Rotation.objects.filter(team=team, duty=duty).exists()
        or Override.objects.filter(team=team, duty=duty, cancelled_at__isnull=True).exists()
    )


def active_overrides(team, duty: str, start: datetime, end: datetime):
    return Override.objects.filter(
        Q(team=team, duty=duty, cancelled_at__isnull=True) & Q(starts_at__lt=end, ends_at__gt=start)
    )
