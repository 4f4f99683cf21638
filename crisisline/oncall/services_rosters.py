"""Changing rosters: rotations, overrides, swaps, calendar feeds, and the warning of a gap in cover.

Every function here checks its input completely before it changes anything (a refusal names each field
that is wrong and saves nothing), asks the policy (ROSTER_MANAGE for the team) when a person acts, and
writes its audit entry in the same transaction as the change. Saving a rotation answers with a report of
the coming two weeks for its duty: the holes (nobody on call) and the overlaps (two rotations at once), so
that a mistake in the rota is seen when it is made, not at 3 a.m."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crisisline.audit.services import audit_record
from crisisline.messaging.services import Text
from crisisline.network.models import Team
from crisisline.oncall.models import CalendarFeed, CoverGap, Override, Rotation, RotationMember
from crisisline.oncall.rosters import TINY, UTC, local, rotation_members, rotation_shifts
from crisisline.oncall.selectors import (
    TEAM_DUTIES,
    cover_holes,
    duty_label,
    feed_digest,
    rotation_names,
    rotation_overlaps,
    stretch_text,
    team_leads,
    teams_with_rotation,
)
from crisisline.people.models import Person, Role
from crisisline.people.policy import Action, can, require

REPORT_DAYS = 14
MAX_SHIFT_HOURS = 24 * 14
NAME_MAX = 64
REASON_MAX = 120


class RosterError(Exception):
    """A roster change was refused; `fields` says which field and why, in the reader's language."""

    def __init__(self, message: str, fields: dict[str, str] | None = None, *, status: int = 422):
        super().__init__(message)
        self.message, self.fields, self.status = message, fields or {}, status


def _refuse(fields: dict[str, str], message: str = "") -> None:
    if fields:
        raise RosterError(message or _("The rota was not saved: check the fields marked."), fields)


def _utc_text(moment: datetime) -> str:
    """A time for the audit details: "2026-01-05 06:30Z" (an ISO time with its "T" reads as a number)."""
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M}Z"


def _allowed(by: Person | None, team: Team) -> None:
    if by is not None:  # None: the system itself (demo data, commands)
        require(by, Action.ROSTER_MANAGE, team)


# --- The report on saving ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Stretch:
    starts_at: datetime
    ends_at: datetime
    text: str


@dataclass(frozen=True)
class RosterReport:
    """What the duty's cover looks like over the coming days, after a change."""

    duty: str
    holes: list[Stretch] = field(default_factory=list)
    overlaps: list[Stretch] = field(default_factory=list)

    @property
    def clear(self) -> bool:
        return not self.holes and not self.overlaps

    def lines(self) -> list[str]:
        return [stretch.text for stretch in (*self.holes, *self.overlaps)]


def roster_report(*, team: Team, duty: str, now: datetime, days: int = REPORT_DAYS) -> RosterReport:
    """Holes and overlaps of the duty's cover from `now` for `days` days, in the team's local time."""
    zone, end = team.time_zone, now + timedelta(days=days)
    holes = [
        Stretch(start, stop, _("Nobody on call %(when)s") % {"when": stretch_text(start, stop, zone)})
        for start, stop in cover_holes(team, duty, now, end)
    ]
    names = rotation_names(team)
    overlaps = [
        Stretch(
            o.starts_at,
            o.ends_at,
            _("Two rotations on call at once %(when)s: %(names)s")
            % {
                "when": stretch_text(o.starts_at, o.ends_at, zone),
                "names": ", ".join(names.get(pk, "?") for pk in o.rotation_ids),
            },
        )
        for o in rotation_overlaps(team, duty, now, end)
    ]
    return RosterReport(duty=duty, holes=holes, overlaps=overlaps)


# --- Rotations ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _RotationValues:
    name: str
    duty: str
    member_ids: list[int]
    starts_on: date
    handoff: time
    shift_hours: int
    days: list[int]
    active_from: time | None
    active_until: time | None


def _holders(team: Team, duty: str, person_ids: list[int]) -> set[int]:
    return set(
        Role.objects.filter(
            team=team, kind=duty, person_id__in=person_ids, person__is_active=True
        ).values_list("person_id", flat=True)
    )


def _rotation_checked(
    *, team, name, duty, members, starts_on, handoff, shift_hours, days, active_from, active_until, rotation
) -> _RotationValues:
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give the rotation a name.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("At most %(n)s characters.") % {"n": NAME_MAX}
    elif Rotation.objects.filter(team=team, name=name).exclude(pk=rotation.pk if rotation else None).exists():
        errors["name"] = _("The team has a rotation of this name already.")
    if duty not in TEAM_DUTIES:
        errors["duty"] = _("Choose a duty.")
    member_ids = [getattr(member, "pk", member) for member in (members or [])]
    if not member_ids:
        errors["members"] = _("Choose at least one person.")
    elif len(set(member_ids)) != len(member_ids):
        errors["members"] = _("Each person can be in the rotation once.")
    elif duty in TEAM_DUTIES:
        holders = _holders(team, duty, member_ids)
        missing = [n for n, pk in enumerate(member_ids, start=1) if pk not in holders]
        if missing:
            errors["members"] = _(
                "Person %(n)s in the list is not a %(duty)s of this team: only they can be on call for it."
            ) % {"n": missing[0], "duty": duty_label(duty).lower()}
    if not isinstance(starts_on, date) or isinstance(starts_on, datetime):
        errors["starts_on"] = _("Give the first day.")
    if not isinstance(handoff, time):
        errors["handoff"] = _("Give the time the shift is handed over.")
    if (
        isinstance(shift_hours, bool)
        or not isinstance(shift_hours, int)
        or not 1 <= shift_hours <= MAX_SHIFT_HOURS
    ):
        errors["shift_hours"] = _("A shift lasts 1 to %(n)s hours.") % {"n": MAX_SHIFT_HOURS}
    days = list(days or [])
    if any(isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6 for d in days):
        errors["days"] = _("Days are 0 (Monday) to 6 (Sunday).")
    for given, other, key in (
        (active_from, active_until, "active_until"),
        (active_until, active_from, "active_from"),
    ):
        if given is not None and other is None:
            errors[key] = _("Give both ends of the active hours, or neither (every hour).")
        if given is not None and not isinstance(given, time):
            errors[key] = _("Give a time of day.")
    _refuse(errors)
    days = sorted(set(days))
    return _RotationValues(
        name=name,
        duty=duty,
        member_ids=member_ids,
        starts_on=starts_on,
        handoff=handoff.replace(second=0, microsecond=0),
        shift_hours=shift_hours,
        days=[] if len(days) == 7 else days,
        active_from=active_from,
        active_until=active_until,
    )


def rotation_save(
    *,
    team: Team,
    name: str,
    duty: str,
    members: list,
    starts_on: date,
    handoff: time,
    shift_hours: int,
    days: list[int],
    active_from: time | None,
    active_until: time | None,
    by: Person | None,
    rotation: Rotation | None = None,
    now: datetime | None = None,
    request=None,
) -> tuple[Rotation, RosterReport]:
    """Make a rotation, or change one (`rotation`): members (people holding the duty's role in the team) in
    order. Answers the rotation and the report of its duty's next 14 days."""
    _allowed(by, team)
    if rotation is not None and rotation.team_id != team.pk:
        raise RosterError(_("No such rotation in this team."), status=404)
    values = _rotation_checked(
        team=team,
        name=name,
        duty=duty,
        members=members,
        starts_on=starts_on,
        handoff=handoff,
        shift_hours=shift_hours,
        days=days,
        active_from=active_from,
        active_until=active_until,
        rotation=rotation,
    )
    now = now or timezone.now()
    creating = rotation is None
    try:
        with transaction.atomic():
            if creating:
                rotation = Rotation(team=team, created_at=now)
            for name_ in (
                "name",
                "duty",
                "starts_on",
                "handoff",
                "shift_hours",
                "days",
                "active_from",
                "active_until",
            ):
                setattr(rotation, name_, getattr(values, name_))
            rotation.updated_at = now
            rotation.save()
            RotationMember.objects.filter(rotation=rotation).delete()
            RotationMember.objects.bulk_create(
                RotationMember(rotation=rotation, person_id=pk, position=n)
                for n, pk in enumerate(values.member_ids)
            )
            audit_record(
                actor=by,
                action="oncall.rotation.create" if creating else "oncall.rotation.update",
                obj=rotation,
                request=request,
                at=now,
                details={
                    "duty": values.duty,
                    "members": values.member_ids,
                    "starts_on": values.starts_on.isoformat(),
                    "handoff": values.handoff.strftime("%H:%M"),
                    "shift_hours": values.shift_hours,
                    "days": values.days,
                    "active": [values.active_from.strftime("%H:%M"), values.active_until.strftime("%H:%M")]
                    if values.active_from is not None
                    else None,
                },
            )
    except IntegrityError:  # the same name saved at the same moment by someone else
        raise RosterError(
            _("The rota was not saved: check the fields marked."),
            {"name": _("The team has a rotation of this name already.")},
        ) from None
    return rotation, roster_report(team=team, duty=values.duty, now=now)


def rotation_delete(
    *, rotation: Rotation, by: Person | None, now: datetime | None = None, request=None
) -> RosterReport:
    """Remove a rotation; answers the report of its duty without it."""
    team = rotation.team
    _allowed(by, team)
    now = now or timezone.now()
    with transaction.atomic():
        audit_record(
            actor=by,
            action="oncall.rotation.delete",
            obj=rotation,
            request=request,
            at=now,
            details={"duty": rotation.duty},
        )
        rotation.delete()
    return roster_report(team=team, duty=rotation.duty, now=now)


# --- Overrides and swaps -----------------------------------------------------------------------------------
def _override_checked(*, team, duty, person, starts_at, ends_at, reason) -> dict[str, str]:
    errors: dict[str, str] = {}
    if duty not in TEAM_DUTIES:
        errors["duty"] = _("Choose a duty.")
    if not isinstance(person, Person):
        errors["person"] = _("Choose who is on call.")
    elif duty in TEAM_DUTIES and not _holders(team, duty, [person.pk]):
        errors["person"] = _("Only a %(duty)s of this team can be on call for it.") % {
            "duty": duty_label(duty).lower()
        }
    for key, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not isinstance(value, datetime) or timezone.is_naive(value):
            errors[key] = _("Give a date and time.")
    if "starts_at" not in errors and "ends_at" not in errors and ends_at <= starts_at:
        errors["ends_at"] = _("The end must come after the start.")
    if len(reason or "") > REASON_MAX:
        errors["reason"] = _("At most %(n)s characters.") % {"n": REASON_MAX}
    return errors


def override_add(
    *,
    team: Team,
    duty: str,
    person: Person,
    starts_at: datetime,
    ends_at: datetime,
    reason: str = "",
    by: Person | None,
    request=None,
) -> Override:
    """Put `person` on call for the team's duty from `starts_at` to `ends_at`, in place of the rotations."""
    _allowed(by, team)
    reason = (reason or "").strip()
    _refuse(
        _override_checked(
            team=team, duty=duty, person=person, starts_at=starts_at, ends_at=ends_at, reason=reason
        ),
        _("The override was not saved: check the fields marked."),
    )
    with transaction.atomic():
        override = _override_create(team, duty, person, starts_at, ends_at, reason, by, request)
    return override


def _override_create(team, duty, person, starts_at, ends_at, reason, by, request, **details) -> Override:
    override = Override.objects.create(
        team=team,
        duty=duty,
        person=person,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
        created_by=by,
    )
    audit_record(
        actor=by,
        action="oncall.override.add",
        obj=override,
        request=request,
        details={
            "duty": duty,
            "person": person.pk,
            "starts_at": _utc_text(starts_at),
            "ends_at": _utc_text(ends_at),
            **details,
        },
    )
    return override


def override_cancel(
    *, override: Override, by: Person | None, now: datetime | None = None, request=None
) -> Override:
    _allowed(by, override.team)
    if override.cancelled_at is not None:
        raise RosterError(_("This override was cancelled already."), status=409)
    now = now or timezone.now()
    with transaction.atomic():
        override.cancelled_at = now
        override.save(update_fields=["cancelled_at"])
        audit_record(actor=by, action="oncall.override.cancel", obj=override, request=request, at=now)
    return override


def _rotation_shift_at(rotation: Rotation, member_ids: list[int], start: datetime, key: str):
    if not isinstance(start, datetime) or timezone.is_naive(start):
        raise RosterError(_("The swap was not made."), {key: _("Give a date and time.")})
    start = start.astimezone(UTC)  # equality across zones fails for a time in a repeated hour (PEP 495)
    found = [
        shift
        for shift in rotation_shifts(rotation, member_ids, rotation.team.time_zone, start, start + TINY)
        if shift.starts_at == start
    ]
    if not found:
        raise RosterError(_("The swap was not made."), {key: _("No shift of this rotation starts then.")})
    return found[0]


def shift_swap(
    *,
    rotation: Rotation,
    shift_a_start: datetime,
    shift_b_start: datetime,
    by: Person | None,
    reason: str = "",
    request=None,
) -> tuple[Override, Override]:
    """Two members trade shifts: the person of shift B covers shift A and the person of A covers B, as two
    overrides made together (both or neither)."""
    team = rotation.team
    _allowed(by, team)
    members = rotation_members([rotation.pk]).get(rotation.pk, [])
    shift_a = _rotation_shift_at(rotation, members, shift_a_start, "shift_a_start")
    shift_b = _rotation_shift_at(rotation, members, shift_b_start, "shift_b_start")
    if shift_a.person_id == shift_b.person_id:
        raise RosterError(
            _("The swap was not made."), {"shift_b_start": _("Both shifts are the same person's.")}
        )
    people = Person.objects.in_bulk([shift_a.person_id, shift_b.person_id])
    reason = (reason or "").strip()[:REASON_MAX] or _("swap")
    for shift, other in ((shift_a, shift_b), (shift_b, shift_a)):
        _refuse(
            _override_checked(
                team=team,
                duty=rotation.duty,
                person=people.get(other.person_id),
                starts_at=shift.starts_at,
                ends_at=shift.ends_at,
                reason=reason,
            ),
            _("The swap was not made."),
        )
    with transaction.atomic():
        first = _override_create(
            team, rotation.duty, people[shift_b.person_id], shift_a.starts_at, shift_a.ends_at, reason, by,
            request, swap_of=rotation.pk,
        )  # fmt: skip
        second = _override_create(
            team, rotation.duty, people[shift_a.person_id], shift_b.starts_at, shift_b.ends_at, reason, by,
            request, swap_of=rotation.pk,
        )  # fmt: skip
    return first, second


# --- Calendar feeds ----------------------------------------------------------------------------------------
def calendar_feed_create(
    *, by: Person, person: Person | None = None, team: Team | None = None, request=None
) -> tuple[CalendarFeed, str]:
    """A feed of one's own shifts (`person`, who must be `by`) or of a team's (its lead or an
    administrator). Answers the feed and its secret: shown once, only its digest is kept."""
    if (person is None) == (team is None):
        raise ValueError("a feed is of one person or of one team")
    if person is not None and (by is None or person.pk != by.pk):
        raise PermissionDenied("a person's feed is made by that person")
    if team is not None:
        require(by, Action.ROSTER_MANAGE, team)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        feed = CalendarFeed.objects.create(
            person=person, team=team, digest=feed_digest(secret), created_by=by
        )
        audit_record(
            actor=by,
            action="oncall.calendar_feed.create",
            obj=feed,
            team=team,
            request=request,
            details={"of": "person" if person is not None else "team"},
        )
    return feed, secret


def may_revoke_feed(person: Person, feed: CalendarFeed) -> bool:
    if feed.person_id is not None:
        return feed.person_id == person.pk
    return can(person, Action.ROSTER_MANAGE, feed.team)


def calendar_feed_revoke(
    *, feed: CalendarFeed, by: Person, now: datetime | None = None, request=None
) -> CalendarFeed:
    """End a feed: its address answers 404 from now on."""
    if not may_revoke_feed(by, feed):
        raise PermissionDenied("not this person's feed")
    if feed.revoked_at is not None:
        return feed
    now = now or timezone.now()
    with transaction.atomic():
        feed.revoked_at = now
        feed.save(update_fields=["revoked_at"])
        audit_record(
            actor=by,
            action="oncall.calendar_feed.revoke",
            obj=feed,
            team=feed.team_id,
            request=request,
            at=now,
        )
    return feed


# --- Warning of a gap in cover -----------------------------------------------------------------------------
def cover_gaps_warn(*, now: datetime) -> int:
    """Look `COVER_WARNING_HOURS` ahead for every team with a rotation: each stretch with nobody on call
    for a duty that has a rotation is recorded once (CoverGap) and its team lead(s) are told once. A gap
    already known (one that overlaps a recorded one) is not told again, however its ends move as the
    clock runs on; its recorded end grows with it. Answers how many new gaps were found."""
    horizon = now + timedelta(hours=settings.COVER_WARNING_HOURS)
    new = 0
    for team in teams_with_rotation():
        for duty in sorted(set(Rotation.objects.filter(team=team).values_list("duty", flat=True))):
            for start, end in cover_holes(team, duty, now, horizon):
                new += _gap_record(team, duty, start, end, now)
    return new


def _gap_record(team: Team, duty: str, start: datetime, end: datetime, now: datetime) -> int:
    from crisisline.oncall.services import notify  # the escalation engine's own messaging door

    known = CoverGap.objects.filter(team=team, duty=duty, starts_at__lt=end, ends_at__gte=start).first()
    if known is not None:
        if end > known.ends_at:
            CoverGap.objects.filter(pk=known.pk).update(ends_at=end)
        return 0
    try:
        with transaction.atomic():
            gap = CoverGap.objects.create(team=team, duty=duty, starts_at=start, ends_at=end, found_at=now)
            hours = max(1, math.ceil((end - start).total_seconds() / 3600))
            audit_record(
                actor=None,
                action="oncall.cover_gap",
                obj=gap,
                at=now,
                details={"duty": duty, "starts_at": _utc_text(start), "hours": hours},
            )
            text = Text(
                "cover_gap",
                {
                    # The team's local time, digits only: readable in any language, and no names.
                    "when": f"{local(start, team.time_zone):%Y-%m-%d %H:%M}",
                    "count": hours,
                    "link": f"{settings.BASE_URL}/oncall/rota",
                },
            )
            notify(people=team_leads(team), key=f"cover_gap:{gap.pk}", text=text, now=now)
    except IntegrityError:  # recorded by another run at the same moment
        return 0
    return 1
