"""API for rosters: who is on call, the shifts of a stretch, rotations and overrides.

A thin door onto oncall/selectors.py and oncall/services_rosters.py, like the pages. A team whose roster the
reader may not see answers 404 exactly like a team that does not exist; a member who may see it but not
change it gets 403 on the changes. People are named by username only. A time sent without an offset is
read in the team's time zone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from crisisline.api.base import ApiError, ErrorOut
from crisisline.network.models import Team
from crisisline.oncall.models import Rotation
from crisisline.oncall.selectors import (
    TEAM_DUTIES,
    cover_holes,
    duties_of,
    duty_people,
    on_call,
    people_by_id,
    rotation_of,
    shifts,
    team_by_code,
)
from crisisline.oncall.services_rosters import RosterError, RosterReport, override_add, rotation_save
from crisisline.people.policy import Action, can

router = Router(tags=["on call"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
MAX_RANGE = timedelta(days=62)
DEFAULT_RANGE = timedelta(days=7)
FIELD_NAMES = {"person": "username"}  # the service names the person; the API takes a username


# --- Schemas -----------------------------------------------------------------------------------------------
class OnCallPersonOut(Schema):
    username: str
    source: str = Field(description="rotation or override")
    until: datetime | None = Field(description="when this stretch of cover ends")


class DutyOnCallOut(Schema):
    duty: str = Field(description="the team role on call: responder, call_receiver, lawyer, ...")
    people: list[OnCallPersonOut] = Field(description="empty: nobody is on call for this duty")


class OnCallOut(Schema):
    team: str
    at: datetime
    duties: list[DutyOnCallOut]


class ShiftsQuery(Schema):
    duty: str | None = Field(None, description="one duty; default: every duty the team keeps a roster for")
    start: datetime | None = Field(None, description="ISO 8601; default: now; no offset: the team's time")
    end: datetime | None = Field(
        None, description="ISO 8601, at most 62 days after start; default: start + 7 days"
    )


class ShiftOut(Schema):
    duty: str
    starts_at: datetime
    ends_at: datetime
    username: str
    source: str = Field(description="rotation:<id> or override:<id>")


class HoleOut(Schema):
    duty: str
    starts_at: datetime
    ends_at: datetime


class ShiftsOut(Schema):
    team: str
    start: datetime
    end: datetime
    shifts: list[ShiftOut] = Field(description="every stretch of cover overlapping [start, end), whole")
    holes: list[HoleOut] = Field(description="stretches of [start, end) with nobody on call, per duty")


class RotationIn(Schema):
    name: str = Field(max_length=64)
    duty: str = Field(description="the team role on call: responder, call_receiver, lawyer, ...")
    members: list[str] = Field(description="usernames in order; each must hold the duty's role in the team")
    starts_on: date = Field(description="the first shift starts on this day at the handoff time")
    handoff: time = Field(description="local wall-clock time shifts are handed over, e.g. 09:00")
    shift_hours: int = Field(24, description="1 to 336")
    days: list[int] = Field(
        default_factory=list, description="weekdays covered, 0 = Monday; empty: every day"
    )
    active_from: time | None = Field(None, description="active hours (local), both or neither")
    active_until: time | None = Field(None, description="before active_from: the window runs past midnight")


class RotationOut(Schema):
    id: int
    name: str
    duty: str
    members: list[str]
    starts_on: date
    handoff: time
    shift_hours: int
    days: list[int]
    active_from: time | None
    active_until: time | None


class StretchOut(Schema):
    starts_at: datetime
    ends_at: datetime
    text: str = Field(description="for people, in the team's local time")


class ReportOut(Schema):
    holes: list[StretchOut] = Field(description="nobody on call for the duty, in the next 14 days")
    overlaps: list[StretchOut] = Field(description="two rotations of the duty at once, in the next 14 days")


class RotationSavedOut(Schema):
    rotation: RotationOut
    report: ReportOut


class OverrideIn(Schema):
    duty: str
    username: str = Field(description="who is on call instead; must hold the duty's role in the team")
    starts_at: datetime
    ends_at: datetime
    reason: str = Field("", max_length=120, description="why, in a few words; no names")


class OverrideOut(Schema):
    id: int
    duty: str
    username: str
    starts_at: datetime
    ends_at: datetime
    reason: str


# --- Helpers -----------------------------------------------------------------------------------------------
@contextmanager
def _refusals() -> Iterator[None]:
    try:
        yield
    except RosterError as error:
        code = {404: "not_found", 409: "conflict", 422: "invalid"}.get(error.status, "refused")
        fields = {FIELD_NAMES.get(name, name): text for name, text in error.fields.items()}
        raise ApiError(error.status, code, error.message, fields) from None


def _team(request, code: str, *, manage: bool = False) -> Team:
    team = team_by_code(code=code)
    if team is None or not can(request.auth, Action.ROSTER_VIEW, team):
        raise Http404(_("No %(what)s with code %(code)s.") % {"what": _("team"), "code": code})
    if manage and not can(request.auth, Action.ROSTER_MANAGE, team):
        raise PermissionDenied
    return team


def _in_team_time(moment: datetime | None, team: Team) -> datetime | None:
    if moment is None or timezone.is_aware(moment):
        return moment
    return moment.replace(tzinfo=ZoneInfo(team.time_zone))


def _utc(moment: datetime | None) -> datetime | None:
    """Every time the API answers with is in UTC ("Z")."""
    return moment.astimezone(UTC) if moment is not None else None


def _duty(duty: str) -> str:
    if duty not in TEAM_DUTIES:
        raise ApiError(422, "invalid", _("Some fields are not valid."), {"duty": _("Unknown duty.")})
    return duty


def _rotation_out(rotation: Rotation) -> dict:
    return {
        "id": rotation.pk,
        "name": rotation.name,
        "duty": rotation.duty,
        "members": [
            m.person.get_username() for m in rotation.members.select_related("person").order_by("position")
        ],
        "starts_on": rotation.starts_on,
        "handoff": rotation.handoff,
        "shift_hours": rotation.shift_hours,
        "days": rotation.days,
        "active_from": rotation.active_from,
        "active_until": rotation.active_until,
    }


def _report_out(report: RosterReport) -> dict:
    def stretches(items):
        return [{"starts_at": _utc(s.starts_at), "ends_at": _utc(s.ends_at), "text": s.text} for s in items]

    return {"holes": stretches(report.holes), "overlaps": stretches(report.overlaps)}


def _members(team: Team, duty: str, usernames: list[str]) -> list:
    """Usernames to people holding the duty in the team; anyone else stays a name the service refuses
    (by position, without saying whether such a person exists)."""
    holders = {person.get_username(): person for person in duty_people(team, duty)}
    return [holders.get(username, -n) for n, username in enumerate(usernames, start=1)]


def _rotation_saved(request, team: Team, payload: RotationIn, rotation: Rotation | None):
    duty = _duty(payload.duty)
    with _refusals():
        saved, report = rotation_save(
            team=team,
            name=payload.name,
            duty=duty,
            members=_members(team, duty, payload.members),
            starts_on=payload.starts_on,
            handoff=payload.handoff,
            shift_hours=payload.shift_hours,
            days=payload.days,
            active_from=payload.active_from,
            active_until=payload.active_until,
            by=request.auth,
            rotation=rotation,
            request=request,
        )
    return {"rotation": _rotation_out(saved), "report": _report_out(report)}


# --- Who is on call, and when ------------------------------------------------------------------------------
@router.get(
    "/teams/{code}/on-call",
    response={200: OnCallOut, **ERRORS},
    summary="Who is on call for each duty of the team, now or at a given time",
)
def team_on_call(request, code: str, at: datetime | None = None):
    team = _team(request, code)
    moment = _in_team_time(at, team) or timezone.now()
    rows = on_call(team, moment)
    return {
        "team": team.code,
        "at": _utc(moment),
        "duties": [
            {
                "duty": row.duty,
                "people": [
                    {
                        "username": entry.person.get_username(),
                        "source": "override" if entry.by_override else "rotation",
                        "until": _utc(entry.until),
                    }
                    for entry in row.people
                ],
            }
            for row in rows
        ],
    }


@router.get(
    "/teams/{code}/shifts",
    response={200: ShiftsOut, **ERRORS},
    summary="The team's shifts over a stretch (rotations and overrides merged), and its holes",
)
def team_shift_list(request, code: str, query: Query[ShiftsQuery]):
    team = _team(request, code)
    start = _in_team_time(query.start, team) or timezone.now()
    end = _in_team_time(query.end, team) or start + DEFAULT_RANGE
    if end <= start or end - start > MAX_RANGE:
        raise ApiError(
            422, "invalid", _("Some fields are not valid."), {"end": _("After start, at most 62 days after.")}
        )
    duties = [_duty(query.duty)] if query.duty else duties_of(team)
    found = [(duty, shift) for duty in duties for shift in shifts(team, duty, start, end)]
    people = people_by_id(shift.person_id for _duty, shift in found)
    return {
        "team": team.code,
        "start": _utc(start),
        "end": _utc(end),
        "shifts": [
            {
                "duty": duty,
                "starts_at": _utc(shift.starts_at),
                "ends_at": _utc(shift.ends_at),
                "username": people[shift.person_id].get_username(),
                "source": shift.source,
            }
            for duty, shift in sorted(found, key=lambda item: (item[1].starts_at, item[0]))
            if shift.person_id in people
        ],
        "holes": [
            {"duty": duty, "starts_at": _utc(hole_from), "ends_at": _utc(hole_to)}
            for duty in duties
            for hole_from, hole_to in cover_holes(team, duty, start, end)
        ],
    }


# --- Changing the roster -----------------------------------------------------------------------------------
@router.post(
    "/teams/{code}/rotations",
    response={201: RotationSavedOut, **ERRORS},
    summary="Make a rotation (201), with the report of holes and overlaps in its duty's next 14 days",
)
def rotation_create(request, code: str, payload: RotationIn):
    team = _team(request, code, manage=True)
    return Status(201, _rotation_saved(request, team, payload, None))


@router.put(
    "/teams/{code}/rotations/{rotation_id}",
    response={200: RotationSavedOut, **ERRORS},
    summary="Change a rotation, with the report of holes and overlaps in its duty's next 14 days",
)
def rotation_update(request, code: str, rotation_id: int, payload: RotationIn):
    team = _team(request, code, manage=True)
    rotation = rotation_of(team, rotation_id)
    if rotation is None:
        raise Http404(_("No rotation %(id)s in this team.") % {"id": rotation_id})
    return _rotation_saved(request, team, payload, rotation)


@router.post(
    "/teams/{code}/overrides",
    response={201: OverrideOut, **ERRORS},
    summary="Put someone on call for a duty over a stretch, in place of the rotations",
)
def override_create(request, code: str, payload: OverrideIn):
    team = _team(request, code, manage=True)
    duty = _duty(payload.duty)
    holders = {person.get_username(): person for person in duty_people(team, duty)}
    with _refusals():
        override = override_add(
            team=team,
            duty=duty,
            person=holders.get(payload.username),
            starts_at=_in_team_time(payload.starts_at, team),
            ends_at=_in_team_time(payload.ends_at, team),
            reason=payload.reason,
            by=request.auth,
            request=request,
        )
    return Status(
        201,
        {
            "id": override.pk,
            "duty": override.duty,
            "username": override.person.get_username(),
            "starts_at": _utc(override.starts_at),
            "ends_at": _utc(override.ends_at),
            "reason": override.reason,
        },
    )
