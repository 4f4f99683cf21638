"""The roster pages: who is on call now and at any time, the week ahead, rotations, overrides, swaps and
calendar feeds. Thin doors onto oncall/selectors.py and oncall/services_rosters.py.

- A team the reader may not see the roster of answers 404, as if it did not exist; a team member who may
  see but not change it gets 403 on the pages that change it.
- Times on the pages and in the forms are the team's local time.
- After a rotation is saved, its report (holes, overlaps in the next 14 days) is shown once at the top of
  the on-call page.
- A calendar feed's address carries its secret: it is shown once, when made, and never again."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crisisline.network.models import Team
from crisisline.oncall import forms
from crisisline.oncall.calendar import feed_text
from crisisline.oncall.models import Rotation
from crisisline.oncall.rosters import local, rotation_members, rotation_shifts
from crisisline.oncall.selectors import (
    TEAM_DUTIES,
    duty_label,
    duty_people,
    feed_by_secret,
    feed_of,
    feeds_of,
    on_call,
    override_of,
    people_by_id,
    rotation_of,
    stretch_text,
    team_by_code,
    team_overrides,
    team_rotations,
    teams_with_roster,
    timeline,
)
from crisisline.oncall.services_rosters import (
    RosterError,
    RosterReport,
    calendar_feed_create,
    calendar_feed_revoke,
    may_revoke_feed,
    override_add,
    override_cancel,
    rotation_delete,
    rotation_save,
    shift_swap,
)
from crisisline.people.policy import Action, can, is_administrator

REPORT = "oncall.report"  # the session key of the report shown once after a save
WEEKDAY_NAMES = [WEEKDAYS_ABBR[n] for n in range(7)]  # Django's own, translated
SWAP_DAYS = 28
SCALE = [(0, 12, "00"), (12, 24, "06"), (24, 36, "12"), (36, 48, "18")]


# --- Helpers -----------------------------------------------------------------------------------------------
def _render(request, template: str, context: dict, *, team: Team, status: int = 200) -> HttpResponse:
    with timezone.override(ZoneInfo(team.time_zone)):
        return render(request, template, {**context, "team": team}, status=status)


def _viewable(request: HttpRequest, code: str) -> Team:
    team = team_by_code(code=code)
    if team is None or not can(request.user, Action.ROSTER_VIEW, team):
        raise Http404
    return team


def _manageable(request: HttpRequest, code: str) -> Team:
    team = team_by_code(code=code)
    if team is None:
        raise Http404
    if not can(request.user, Action.ROSTER_MANAGE, team):
        if can(request.user, Action.ROSTER_VIEW, team):
            raise PermissionDenied
        raise Http404
    return team


def _team_page(code: str, anchor: str = "") -> str:
    return reverse("oncall_team", args=[code]) + (f"#{anchor}" if anchor else "")


def _keep_report(request: HttpRequest, title: str, report: RosterReport) -> None:
    request.session[REPORT] = {"title": title, "duty": duty_label(report.duty), "lines": report.lines()}


def _duty_chosen(request: HttpRequest, default: str) -> str:
    duty = request.GET.get("duty") or request.POST.get("duty") or default
    return duty if duty in TEAM_DUTIES else default


def _duties() -> list[tuple[str, str]]:
    return [(duty, duty_label(duty)) for duty in TEAM_DUTIES]


# --- The on-call page --------------------------------------------------------------------------------------
@login_required
@require_GET
def my_oncall(request: HttpRequest) -> HttpResponse:
    """One address for the warning text: the on-call page of one's team, or a choice of teams."""
    teams = teams_with_roster(request.user)
    if is_administrator(request.user):
        teams = list(Team.objects.order_by("name"))
    if not teams:
        raise Http404
    if len(teams) == 1:
        return redirect("oncall_team", teams[0].code)
    return render(request, "oncall/roster_teams.html", {"teams": teams})


@login_required
@require_GET
def team_oncall(request: HttpRequest, code: str) -> HttpResponse:
    team = _viewable(request, code)
    return _oncall_page(request, team)


def _oncall_page(request, team: Team, *, new_feed_url: str = "", status: int = 200) -> HttpResponse:
    now = timezone.now()
    zone = ZoneInfo(team.time_zone)
    at_text = request.GET.get("at", "").strip()
    at = forms.local_datetime(at_text, zone) if at_text else None
    own_feeds, team_feeds = feeds_of(person=request.user, team=team)
    rotations = team_rotations(team)
    context = {
        "now": now,
        "now_rows": on_call(team, now),
        "at_text": at_text or f"{local(now, team.time_zone):%Y-%m-%dT%H:%M}",
        "at": at,
        "at_rows": on_call(team, at) if at is not None else None,
        "at_error": _("Give a date and time.") if at_text and at is None else "",
        "timeline": timeline(team, now),
        "scale": SCALE,
        "rotations": [(r, duty_label(r.duty), _rotation_summary(r)) for r in rotations],
        "overrides": [
            (o, duty_label(o.duty), stretch_text(o.starts_at, o.ends_at, team.time_zone))
            for o in team_overrides(team, now)
        ],
        "may_manage": can(request.user, Action.ROSTER_MANAGE, team),
        "own_feeds": own_feeds,
        "team_feeds": team_feeds,
        "new_feed_url": new_feed_url,
        "report": request.session.pop(REPORT, None),
    }
    return _render(request, "oncall/roster_team.html", context, team=team, status=status)


def _rotation_summary(rotation: Rotation) -> str:
    parts = [
        _("%(hours)s-hour shifts from %(handoff)s")
        % {"hours": rotation.shift_hours, "handoff": rotation.handoff.strftime("%H:%M")}
    ]
    if rotation.days:
        parts.append(", ".join(str(WEEKDAY_NAMES[d]) for d in rotation.days))
    if rotation.active_from is not None:
        parts.append(
            _("%(start)s to %(end)s")
            % {
                "start": rotation.active_from.strftime("%H:%M"),
                "end": rotation.active_until.strftime("%H:%M"),
            }
        )
    return " · ".join(parts)


# --- Rotations ---------------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def rotation_new(request: HttpRequest, code: str) -> HttpResponse:
    team = _manageable(request, code)
    return _rotation_form(request, team, None)


@login_required
@require_http_methods(["GET", "POST"])
def rotation_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    team = _manageable(request, code)
    rotation = rotation_of(team, pk)
    if rotation is None:
        raise Http404
    return _rotation_form(request, team, rotation)


def _rotation_form(request, team: Team, rotation: Rotation | None) -> HttpResponse:
    duty = _duty_chosen(request, rotation.duty if rotation else "responder")
    people = duty_people(team, duty)
    if request.method == "GET":
        return _rotation_page(request, team, rotation, duty, people, _initial(team, rotation))
    values, errors = forms.rotation_from(request.POST, people)
    values["duty"] = duty
    if not errors:
        try:
            saved, report = rotation_save(
                team=team, by=request.user, rotation=rotation, request=request, **values
            )
        except RosterError as error:
            errors = error.fields or {"name": error.message}
        else:
            title = _("Rotation “%(name)s” saved.") % {"name": saved.name}
            _keep_report(request, title, report)
            return redirect(_team_page(team.code, "report"))
    return _rotation_page(request, team, rotation, duty, people, request.POST, errors=errors, status=422)


def _initial(team: Team, rotation: Rotation | None) -> dict:
    if rotation is None:
        return {
            "starts_on": local(timezone.now(), team.time_zone).date().isoformat(),
            "handoff": "09:00",
            "shift_hours": "24",
            "days": [str(d) for d in range(7)],
        }
    positions = {m.person_id: m.position + 1 for m in rotation.members.all()}
    return {
        "name": rotation.name,
        "starts_on": rotation.starts_on.isoformat(),
        "handoff": rotation.handoff.strftime("%H:%M"),
        "shift_hours": str(rotation.shift_hours),
        "days": [str(d) for d in (rotation.days or range(7))],
        "active_from": rotation.active_from.strftime("%H:%M") if rotation.active_from else "",
        "active_until": rotation.active_until.strftime("%H:%M") if rotation.active_until else "",
        **{f"position-{pk}": str(position) for pk, position in positions.items()},
    }


def _rotation_page(request, team, rotation, duty, people, data, *, errors=None, status=200):
    days = data.getlist("days") if hasattr(data, "getlist") else data.get("days", [])
    context = {
        "rotation": rotation,
        "duty": duty,
        "duty_label": duty_label(duty),
        "duties": _duties(),
        "members": [(person, data.get(f"position-{person.pk}", "")) for person in people],
        "data": data,
        "weekdays": [(str(n), name) for n, name in enumerate(WEEKDAY_NAMES)],
        "days": [str(d) for d in days],
        "errors": errors or {},
    }
    return _render(request, "oncall/roster_rotation.html", context, team=team, status=status)


@login_required
@require_POST
def rotation_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    team = _manageable(request, code)
    rotation = rotation_of(team, pk)
    if rotation is None:
        raise Http404
    name = rotation.name
    report = rotation_delete(rotation=rotation, by=request.user, request=request)
    _keep_report(request, _("Rotation “%(name)s” removed.") % {"name": name}, report)
    return redirect(_team_page(team.code, "report"))


@login_required
@require_http_methods(["GET", "POST"])
def rotation_swap(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Two members trade shifts: choose the two shifts of the coming four weeks."""
    team = _manageable(request, code)
    rotation = rotation_of(team, pk)
    if rotation is None:
        raise Http404
    errors: dict[str, str] = {}
    if request.method == "POST":
        shift_a = forms.moment_from(request.POST.get("shift_a", ""))
        shift_b = forms.moment_from(request.POST.get("shift_b", ""))
        try:
            shift_swap(
                rotation=rotation,
                shift_a_start=shift_a,
                shift_b_start=shift_b,
                by=request.user,
                reason=request.POST.get("reason", ""),
                request=request,
            )
        except RosterError as error:
            errors = error.fields or {"shift_a_start": error.message}
        else:
            messages.success(request, _("Shifts swapped: two overrides were made."))
            return redirect(_team_page(team.code, "overrides"))
    now = timezone.now()
    members = rotation_members([rotation.pk]).get(rotation.pk, [])
    upcoming = [
        s
        for s in rotation_shifts(rotation, members, team.time_zone, now, now + timedelta(days=SWAP_DAYS))
        if s.ends_at > now
    ]
    names = people_by_id(s.person_id for s in upcoming)
    choices = [
        (
            s.starts_at.isoformat(),
            f"{stretch_text(s.starts_at, s.ends_at, team.time_zone)} · {names[s.person_id]}",
        )
        for s in upcoming
        if s.person_id in names
    ]
    context = {"rotation": rotation, "choices": choices, "errors": errors, "data": request.POST}
    return _render(request, "oncall/roster_swap.html", context, team=team, status=422 if errors else 200)


# --- Overrides ---------------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def override_new(request: HttpRequest, code: str) -> HttpResponse:
    team = _manageable(request, code)
    duty = _duty_chosen(request, "responder")
    people = duty_people(team, duty)
    errors: dict[str, str] = {}
    data = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        values, errors = forms.override_from(request.POST, people, ZoneInfo(team.time_zone))
        values["duty"] = duty
        if not errors:
            try:
                override_add(team=team, by=request.user, request=request, **values)
            except RosterError as error:
                errors = error.fields or {"person": error.message}
            else:
                messages.success(request, _("Override saved."))
                return redirect(_team_page(team.code, "overrides"))
    context = {
        "duty": duty,
        "duty_label": duty_label(duty),
        "duties": _duties(),
        "people": people,
        "data": data,
        "errors": errors,
    }
    return _render(request, "oncall/roster_override.html", context, team=team, status=422 if errors else 200)


@login_required
@require_POST
def override_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    team = _manageable(request, code)
    override = override_of(team, pk)
    if override is None:
        raise Http404
    try:
        override_cancel(override=override, by=request.user, request=request)
    except RosterError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Override cancelled."))
    return redirect(_team_page(team.code, "overrides"))


# --- Calendar feeds ----------------------------------------------------------------------------------------
@login_required
@require_POST
def feed_new(request: HttpRequest, code: str) -> HttpResponse:
    """A feed of one's own shifts (anyone who sees the roster), or of the team's (its lead)."""
    team = _viewable(request, code)
    if request.POST.get("of") == "team":
        if not can(request.user, Action.ROSTER_MANAGE, team):
            raise PermissionDenied
        _feed, secret = calendar_feed_create(by=request.user, team=team, request=request)
    else:
        _feed, secret = calendar_feed_create(by=request.user, person=request.user, request=request)
    url = request.build_absolute_uri(reverse("oncall_calendar", args=[secret]))
    return _oncall_page(request, team, new_feed_url=url, status=201)


@login_required
@require_POST
def feed_revoke(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    team = _viewable(request, code)
    feed = feed_of(pk)
    if feed is None or (feed.team_id is not None and feed.team_id != team.pk):
        raise Http404
    if not may_revoke_feed(request.user, feed):
        raise Http404 if feed.person_id is not None else PermissionDenied
    calendar_feed_revoke(feed=feed, by=request.user, request=request)
    messages.success(request, _("The calendar feed is revoked: its address no longer works."))
    return redirect(_team_page(team.code, "calendar"))


@require_GET
def calendar(request: HttpRequest, secret: str) -> HttpResponse:
    """The feed itself: no sign-in, the secret in the address is the credential. Unknown or revoked: 404."""
    feed = feed_by_secret(secret)
    if feed is None:
        raise Http404
    response = HttpResponse(feed_text(feed, now=timezone.now()), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="on-call.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
