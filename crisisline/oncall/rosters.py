"""Who is on call: rotations worked out in the team's own wall-clock time.

A shift begins at the handoff time in local time, so a 09:00 handoff is at 09:00 on both sides of a
daylight-saving change (that shift is then an hour shorter or longer in real time). Shift k of a rotation
starts at `starts_on + handoff + k * shift_hours`, counted on the wall clock; its member is
members[k mod n]. Overrides win over rotations for their stretch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q

from crisisline.oncall.models import Override, Rotation, RotationMember


def local(at: datetime, zone: str) -> datetime:
    """The wall-clock time (naive) in `zone` at the aware moment `at`."""
    return at.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def aware(wall: datetime, zone: str) -> datetime:
    """The moment a wall-clock time names in `zone`. A repeated hour (clocks going back) is its first
    occurrence; a time that does not exist (the hour skipped when clocks go forward) is read with the offset
    in force before the change, so 02:30 on that night is the moment the clocks show 03:30."""
    return wall.replace(tzinfo=ZoneInfo(zone), fold=0).astimezone(ZoneInfo("UTC"))


def _hours_cover(rotation: Rotation, wall: datetime) -> bool:
    """Whether the rotation's days and hours cover the wall-clock time."""
    days = set(rotation.days or range(7))
    if rotation.active_from is None:
        return wall.weekday() in days
    start, end, now = rotation.active_from, rotation.active_until, wall.time()
    if start < end:
        return start <= now < end and wall.weekday() in days
    if start == end:  # a whole day from the start time
        window_day = wall.date() if now >= start else wall.date() - timedelta(days=1)
        return window_day.weekday() in days
    # Past midnight: the window belongs to the day it started on.
    if now >= start:
        return wall.weekday() in days
    if now < end:
        return (wall.date() - timedelta(days=1)).weekday() in days
    return False


def shift_index(rotation: Rotation, wall: datetime) -> int | None:
    anchor = datetime.combine(rotation.starts_on, rotation.handoff)
    if wall < anchor:
        return None
    return int((wall - anchor) // timedelta(hours=rotation.shift_hours))


def shift_start(rotation: Rotation, index: int) -> datetime:
    """The wall-clock start of shift `index`."""
    return datetime.combine(rotation.starts_on, rotation.handoff) + index * timedelta(
        hours=rotation.shift_hours
    )


def rotation_person_id(rotation: Rotation, member_ids: list[int], at: datetime, zone: str) -> int | None:
    if not member_ids:
        return None
    wall = local(at, zone)
    index = shift_index(rotation, wall)
    if index is None or not _hours_cover(rotation, wall):
        return None
    return member_ids[index % len(member_ids)]


@dataclass(frozen=True)
class OnCall:
    person_id: int
    duty: str
    source: str  # "rotation:<id>" or "override:<id>"


def on_call_at(team, duty: str, at: datetime) -> list[OnCall]:
    """Everyone on call for `duty` in `team` at the moment `at`: overrides first, then rotations (a rotation
    whose member is overridden at that moment yields to the override)."""
    overrides = list(
        Override.objects.filter(
            team=team, duty=duty, cancelled_at__isnull=True, starts_at__lte=at, ends_at__gt=at
        )
        .order_by("starts_at", "pk")
        .values_list("pk", "person_id")
    )
    if overrides:
        return [OnCall(person_id=pid, duty=duty, source=f"override:{pk}") for pk, pid in overrides]
    found: list[OnCall] = []
    rotations = list(Rotation.objects.filter(team=team, duty=duty))
    members = _members([r.pk for r in rotations])
    for rotation in rotations:
        pid = rotation_person_id(rotation, members.get(rotation.pk, []), at, team.time_zone)
        if pid is not None and all(f.person_id != pid for f in found):
            found.append(OnCall(person_id=pid, duty=duty, source=f"rotation:{rotation.pk}"))
    return found


def has_rotation(team, duty: str) -> bool:
    return (
        Rotation.objects.filter(team=team, duty=duty).exists()
        or Override.objects.filter(team=team, duty=duty, cancelled_at__isnull=True).exists()
    )


def _members(rotation_ids: list[int]) -> dict[int, list[int]]:
    members: dict[int, list[int]] = {}
    rows = RotationMember.objects.filter(rotation_id__in=rotation_ids, person__is_active=True).order_by(
        "position"
    )
    for rotation_id, person_id in rows.values_list("rotation_id", "person_id"):
        members.setdefault(rotation_id, []).append(person_id)
    return members


def active_overrides(team, duty: str, start: datetime, end: datetime):
    return Override.objects.filter(
        Q(team=team, duty=duty, cancelled_at__isnull=True) & Q(starts_at__lt=end, ends_at__gt=start)
    )
