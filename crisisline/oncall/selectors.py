"""Reading rosters: who is on call now or at any time, the shifts of a stretch, the holes in cover and
the overlaps between rotations, the week's timeline of the on-call page, the calendar feeds.

Times come and go as aware datetimes; texts for people are in the team's own time zone."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Prefetch
from django.utils import formats
from django.utils.translation import gettext as _

from crisisline.network.models import Team
from crisisline.oncall.models import CalendarFeed, Override, Rotation, RotationMember
from crisisline.oncall.rosters import (
    UTC,
    Interval,
    Shift,
    aware,
    duty_cover,
    holes,
    local,
    merge,
    on_call_at,
    overlaps,
)
from crisisline.people.models import Person, Role

TEAM_DUTIES = [kind.value for kind in Role.TEAM_KINDS]
DUTY_LABELS = dict(Role.Kind.choices)
TIMELINE_COLUMNS = 48  # half hours
DASH = "\N{EN DASH}"


def team_by_code(*, code: str) -> Team | None:
    return Team.objects.select_related("organisation__district").filter(code=code).first()


def duty_label(duty: str) -> str:
    return str(DUTY_LABELS.get(duty, duty))


def duties_of(team: Team) -> list[str]:
    """The duties the team keeps a roster for: those with a rotation or an override not cancelled."""
    found = set(Rotation.objects.filter(team=team).values_list("duty", flat=True)) | set(
        Override.objects.filter(team=team, cancelled_at__isnull=True).values_list("duty", flat=True)
    )
    return sorted(found, key=lambda d: (TEAM_DUTIES.index(d) if d in TEAM_DUTIES else 99, d))


def shifts(team: Team, duty: str, start: datetime, end: datetime) -> list[Shift]:
    """Every stretch of cover of the duty that overlaps [start, end), from rotations and overrides merged
    (overrides win): (starts_at, ends_at, person_id, source) in order."""
    return duty_cover(team, duty, start, end).shifts


def cover_holes(team: Team, duty: str, start: datetime, end: datetime) -> list[Interval]:
    """The stretches of [start, end) with nobody on call for the duty, merged."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    return holes([(s.starts_at, s.ends_at) for s in shifts(team, duty, start, end)], start, end)


@dataclass(frozen=True)
class Overlap:
    starts_at: datetime
    ends_at: datetime
    rotation_ids: tuple[int, ...]


def rotation_overlaps(team: Team, duty: str, start: datetime, end: datetime) -> list[Overlap]:
    """The stretches of [start, end) where two or more rotations of the duty cover at once."""
    by_rotation = duty_cover(team, duty, start, end).by_rotation
    groups = {pk: [(s.starts_at, s.ends_at) for s in found] for pk, found in by_rotation.items()}
    found = []
    for over_from, over_to in overlaps(list(groups.values())):
        over_from, over_to = max(over_from, start), min(over_to, end)
        if over_to <= over_from:
            continue
        ids = tuple(
            sorted(pk for pk, group in groups.items() if any(s < over_to and e > over_from for s, e in group))
        )
        found.append(Overlap(over_from, over_to, ids))
    return found


# --- Who is on call ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OnDuty:
    person: Person
    source: str  # "rotation:<id>" or "override:<id>"
    until: datetime | None

    @property
    def by_override(self) -> bool:
        return self.source.startswith("override:")


@dataclass
class DutyNow:
    duty: str
    label: str
    people: list[OnDuty] = field(default_factory=list)


def on_call(team: Team, at: datetime) -> list[DutyNow]:
    """Who is on call at `at` for each duty the team keeps a roster for (an empty list: nobody)."""
    rows = [(duty, on_call_at(team, duty, at)) for duty in duties_of(team)]
    people = Person.objects.in_bulk({entry.person_id for _, found in rows for entry in found})
    return [
        DutyNow(
            duty=duty,
            label=duty_label(duty),
            people=[OnDuty(people[e.person_id], e.source, e.until) for e in found if e.person_id in people],
        )
        for duty, found in rows
    ]


# --- Lists for the pages -----------------------------------------------------------------------------------
def duty_people(team: Team, duty: str) -> list[Person]:
    """Who may be on call for the duty in the team: active people holding that role there."""
    return list(
        Person.objects.filter(is_active=True, roles__team=team, roles__kind=duty)
        .distinct()
        .order_by("username")
    )


def team_rotations(team: Team) -> list[Rotation]:
    members = Prefetch(
        "members", queryset=RotationMember.objects.select_related("person").order_by("position")
    )
    return list(Rotation.objects.filter(team=team).prefetch_related(members).order_by("duty", "name"))


def rotation_of(team: Team, pk: int) -> Rotation | None:
    return Rotation.objects.filter(team=team, pk=pk).first()


def override_of(team: Team, pk: int) -> Override | None:
    return Override.objects.filter(team=team, pk=pk).first()


def team_overrides(team: Team, now: datetime) -> list[Override]:
    """Overrides not cancelled that have not ended yet, soonest first."""
    return list(
        Override.objects.filter(team=team, cancelled_at__isnull=True, ends_at__gt=now)
        .select_related("person")
        .order_by("starts_at", "pk")
    )


def teams_with_roster(person) -> list[Team]:
    """The teams whose on-call page `person` may open without being an administrator."""
    from crisisline.people.policy import team_ids

    return list(Team.objects.filter(pk__in=team_ids(person)).order_by("name"))


def teams_with_rotation() -> list[Team]:
    return list(Team.objects.filter(rotations__isnull=False).distinct().order_by("code"))


def team_leads(team: Team) -> list[int]:
    return list(
        Person.objects.filter(is_active=True, roles__team=team, roles__kind=Role.Kind.TEAM_LEAD)
        .distinct()
        .values_list("pk", flat=True)
    )


# --- Shifts for the calendar feeds -------------------------------------------------------------------------
def team_shifts(team: Team, start: datetime, end: datetime) -> list[tuple[str, Shift]]:
    """Every duty's shifts of the team overlapping [start, end): (duty, shift), in order."""
    found = [(duty, shift) for duty in duties_of(team) for shift in shifts(team, duty, start, end)]
    return sorted(found, key=lambda item: (item[1].starts_at, item[0], item[1].source))


def person_shifts(person: Person, start: datetime, end: datetime) -> list[tuple[Team, str, Shift]]:
    """The person's shifts in every team, overlapping [start, end): (team, duty, shift), in order."""
    pairs = set(
        RotationMember.objects.filter(person=person).values_list("rotation__team_id", "rotation__duty")
    ) | set(
        Override.objects.filter(person=person, cancelled_at__isnull=True, ends_at__gt=start).values_list(
            "team_id", "duty"
        )
    )
    teams = Team.objects.in_bulk({team_id for team_id, _ in pairs})
    found = [
        (teams[team_id], duty, shift)
        for team_id, duty in sorted(pairs)
        for shift in shifts(teams[team_id], duty, start, end)
        if shift.person_id == person.pk
    ]
    return sorted(found, key=lambda item: (item[2].starts_at, item[1], item[0].pk))


def feed_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def feed_by_secret(secret: str) -> CalendarFeed | None:
    """The live feed the secret opens; None for an unknown or revoked one."""
    return (
        CalendarFeed.objects.select_related("person", "team")
        .filter(digest=feed_digest(secret), revoked_at__isnull=True)
        .first()
    )


def feeds_of(*, person: Person, team: Team) -> tuple[list[CalendarFeed], list[CalendarFeed]]:
    """The person's own live feeds, and the team's live feeds."""
    live = CalendarFeed.objects.filter(revoked_at__isnull=True).order_by("created_at", "pk")
    return list(live.filter(person=person)), list(live.filter(team=team))


def feed_of(pk: int) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(pk=pk).first()


# --- Texts in the team's time -------------------------------------------------------------------------------
def when_text(moment: datetime, zone: str) -> str:
    return formats.date_format(local(moment, zone), "D j M H:i")


def stretch_text(start: datetime, end: datetime, zone: str) -> str:
    """From one local time to another, "Mon 3 Mar 20:00 - Tue 4 Mar 08:00" (with an en dash); within a
    day the end is the time alone: "Mon 3 Mar 08:00 - 20:00"."""
    wall_from, wall_to = local(start, zone), local(end, zone)
    if wall_from.date() == wall_to.date():
        return f"{when_text(start, zone)} {DASH} {formats.date_format(wall_to, 'H:i')}"
    return f"{when_text(start, zone)} {DASH} {when_text(end, zone)}"


# --- The week on the on-call page ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Segment:
    first: int  # first column, 0-based (half hours since local midnight)
    last: int  # one past the last column
    text: str
    when: str
    colour: str  # "c0".."c5", or "hole"


@dataclass
class TimelineDay:
    label: str
    segments: list[Segment]


@dataclass
class DutyTimeline:
    duty: str
    label: str
    days: list[TimelineDay]


def timeline(team: Team, now: datetime, days: int = 7) -> list[DutyTimeline]:
    """Each duty's next `days` days from today's local midnight: who covers which part of each day, and
    the holes, for bars drawn with CSS (48 half-hour columns a day)."""
    zone = team.time_zone
    today = local(now, zone).date()
    starts = [aware(datetime.combine(today + timedelta(days=n), time(0)), zone) for n in range(days + 1)]
    found = []
    colours: dict[int, str] = {}
    for duty in duties_of(team):
        duty_shifts = shifts(team, duty, starts[0], starts[-1])
        names = {p.pk: str(p) for p in Person.objects.filter(pk__in={s.person_id for s in duty_shifts})}
        rows = []
        for n in range(days):
            day_from, day_to = starts[n], starts[n + 1]
            parts = [
                (max(s.starts_at, day_from), min(s.ends_at, day_to), s.person_id)
                for s in duty_shifts
                if s.starts_at < day_to and s.ends_at > day_from
            ]
            gaps = holes(merge([(a, b) for a, b, _ in parts]), day_from, day_to)
            segments = [
                _segment(a, b, day_from, day_to, zone, names.get(pid, "?"), _colour(colours, pid))
                for a, b, pid in parts
            ] + [_segment(a, b, day_from, day_to, zone, _("nobody"), "hole") for a, b in gaps]
            segments = _drawable(segments)
            rows.append(TimelineDay(formats.date_format(local(day_from, zone), "D j M"), segments))
        found.append(DutyTimeline(duty, duty_label(duty), rows))
    return found


def _colour(colours: dict[int, str], person_id: int) -> str:
    if person_id not in colours:
        colours[person_id] = f"c{len(colours) % 6}"
    return colours[person_id]


def _column(moment: datetime, day_from: datetime, day_to: datetime, zone: str) -> int:
    if moment >= day_to:
        return TIMELINE_COLUMNS
    if moment <= day_from:
        return 0
    wall = local(moment, zone)
    return min(TIMELINE_COLUMNS, round((wall.hour * 60 + wall.minute) / 30))


def _drawable(segments: list[Segment]) -> list[Segment]:
    """In order; a stretch shorter than a column gets one column where nothing else is drawn, else it is
    left out of the bars (the lists and the reports still name it)."""
    wide = [seg for seg in segments if seg.last > seg.first]
    for seg in segments:
        if seg.last > seg.first:
            continue
        first = min(seg.first, TIMELINE_COLUMNS - 1)
        if not any(other.first <= first < other.last for other in wide):
            wide.append(Segment(first, first + 1, seg.text, seg.when, seg.colour))
    return sorted(wide, key=lambda seg: (seg.first, seg.last))


def _segment(start, end, day_from, day_to, zone: str, text: str, colour: str) -> Segment:
    first, last = _column(start, day_from, day_to, zone), _column(end, day_from, day_to, zone)
    wall_from, wall_to = local(start, zone), local(end, zone)
    until = "24:00" if end >= day_to else f"{wall_to:%H:%M}"
    return Segment(first, last, text, f"{wall_from:%H:%M}{DASH}{until}", colour)


def rotation_names(team: Team) -> dict[int, str]:
    return dict(Rotation.objects.filter(team=team).values_list("pk", "name"))


def people_by_id(ids) -> dict[int, Person]:
    return Person.objects.in_bulk(set(ids))
