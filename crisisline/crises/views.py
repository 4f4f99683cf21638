"""The crisis pages: intake, the team's board, one crisis and what is done on it. Thin doors onto
crises/services.py (what changes) and crises/selectors.py (what reads).

- A crisis the reader may not open answers 404, as if it did not exist; except to someone the policy lets
  break glass (a crisis team member elsewhere), who is offered that instead.
- A refusal the reader can fix (CrisisError) shows the page again with the message by the field.
- The client's identity is never on a page by default: "Show identity" reveals it on the next render only,
  and crisis_identity audits that read.
- Signed-in pages are never cached (web/middleware.py). Times are in the team's time zone."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crisisline.crises import facts as fact_fields
from crisisline.crises import forms
from crisisline.crises.catalogue import Urgency
from crisisline.crises.evidence import crisis_evidence
from crisisline.crises.models import BreakGlass, Consent, Crisis, CrisisStep, TimelineEntry
from crisisline.crises.selectors import (
    active_break_glass,
    board,
    break_glass_by_id,
    break_glass_to_review,
    crisis_by_idempotency_key,
    crisis_by_reference,
    crisis_detail,
    icon_of,
    intake_types,
    may_see_board,
    team_by_code,
    team_localities,
    team_members,
    teams_with_board,
)
from crisisline.crises.services import (
    ACTIVITY_KINDS,
    TRANSITIONS,
    CrisisError,
    break_glass_open,
    break_glass_review,
    consent_record,
    crisis_assign,
    crisis_close,
    crisis_identity,
    crisis_open,
    crisis_reopen,
    crisis_set_status,
    crisis_text,
    follow_up_schedule,
    step_complete,
    step_not_applicable,
    timeline_add,
)
from crisisline.crises.views_facts import incident_details
from crisisline.network.models import Team
from crisisline.people.policy import Action, can

S = Crisis.Status
# "Show identity" leaves the crisis's reference and the time in the session; the next render of that crisis
# page shows the identity and forgets the request. A request not used within a minute shows nothing later.
REVEAL = "crises.reveal_identity"
REVEAL_SECONDS = 60
BOARD_REFRESH_SECONDS = 30
STATUS_ACTIONS = {  # the buttons that move a crisis along; closing and reopening have their own forms
    S.ACKNOWLEDGED: gettext_lazy("Acknowledge"),
    S.IN_PROGRESS: gettext_lazy("Start work"),
    S.RESOLVED: gettext_lazy("Mark resolved"),
}


# --- Helpers ---------------------------------------------------------------------------------------------
def _render(request: HttpRequest, template: str, context: dict, *, team: Team, status: int = 200):
    """Render with the team's time zone active, so every time on the page is the team's local time."""
    with timezone.override(ZoneInfo(team.time_zone)):
        return render(request, template, {**context, "team": team}, status=status)


def _team_or_404(code: str) -> Team:
    team = team_by_code(code=code)
    if team is None:
        raise Http404
    return team


def _crisis_or_404(request: HttpRequest, reference: str, action: Action = Action.CRISIS_WORK) -> Crisis:
    crisis = crisis_by_reference(reference=reference)
    if crisis is None or not can(request.user, action, crisis):
        raise Http404
    return crisis


def _crisis_url(crisis: Crisis, anchor: str = "") -> str:
    return reverse("crisis", args=[crisis.reference]) + (f"#{anchor}" if anchor else "")


def _local(value: datetime, team: Team) -> datetime:
    return timezone.localtime(value, ZoneInfo(team.time_zone))


def _when(value: datetime, team: Team) -> str:
    return formats.date_format(_local(value, team), "j M Y, H:i")


def duration_text(minutes: int) -> str:
    """25 -> "25 min"; 70 -> "1 h 10 min"; 1500 -> "1 d 1 h": short enough for a card on a phone."""
    if minutes < 60:
        return _("%(m)d min") % {"m": minutes}
    if minutes < 24 * 60:
        hours, rest = divmod(minutes, 60)
        return _("%(h)d h %(m)d min") % {"h": hours, "m": rest} if rest else _("%(h)d h") % {"h": hours}
    days, rest = divmod(minutes, 24 * 60)
    hours = rest // 60
    return _("%(d)d d %(h)d h") % {"d": days, "h": hours} if hours else _("%(d)d d") % {"d": days}


def due_text(seconds: int | None) -> str:
    """How long until a step is due, or since: "due in 25 min", "overdue 1 h 10 min" (any lateness is at
    least a minute), "due now"."""
    if seconds is None:
        return ""
    if seconds < 0:
        return _("overdue %(time)s") % {"time": duration_text(max(1, -seconds // 60))}
    if seconds < 60:
        return _("due now")
    return _("due in %(time)s") % {"time": duration_text(seconds // 60)}


# --- Intake ----------------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest, code: str) -> HttpResponse:
    team = _team_or_404(code)
    if not can(request.user, Action.CRISIS_CREATE, team):
        raise Http404
    if request.method == "GET":
        return _intake_page(request, team, key=uuid.uuid4().hex)

    intake_values, errors = forms.intake_from(request.POST)
    key = forms.idempotency_key(request.POST.get("idempotency_key", ""))
    message, status = _("The crisis was not saved."), 422
    if not errors:
        try:
            opened = crisis_open(
                team=team, intake=intake_values, by=request.user, idempotency_key=key, request=request
            )
        except PermissionDenied:
            raise Http404 from None
        except CrisisError as error:
            if "idempotency_key" in error.fields:
                # This form was saved before with other contents (sent again after a change): say so, and
                # give the form a new key so that saving it again logs a new crisis.
                earlier = crisis_by_idempotency_key(team=team, key=key or "")
                return _intake_page(
                    request,
                    team,
                    key=uuid.uuid4().hex,
                    data=request.POST,
                    earlier=earlier,
                    message=_("This form was saved already."),
                    status=409,
                )
            errors, message, status = forms.form_errors(error.fields), error.message, error.status
        else:
            if not opened.replayed:
                messages.success(
                    request, _("Crisis logged. Its reference is %(ref)s.") % {"ref": opened.crisis.reference}
                )
            return redirect("crisis", opened.crisis.reference)
    return _intake_page(
        request,
        team,
        key=key or uuid.uuid4().hex,
        data=request.POST,
        errors=errors,
        message=message,
        status=status,
    )


def _intake_page(request, team, *, key, data=None, errors=None, message="", earlier=None, status=200):
    data = data or {}
    types = intake_types(team=team)
    chosen_type = data.get("crisis_type", "")
    urgency = data.get("urgency", "")
    if not urgency and chosen_type:  # after an error the suggestion is shown as the choice it will be
        urgency = next((t.default_urgency for t in types if t.code == chosen_type), "")
    context = {
        "types": [(t, str(t), icon_of(t)) for t in types],
        "urgencies": Urgency.CHOICES,
        "localities": team_localities(person=request.user, team=team),
        "data": data,
        "chosen_type": chosen_type,
        "chosen_urgency": urgency,
        "chosen_locality": data.get("locality", ""),
        "errors": errors or {},
        "message": message,
        "earlier": earlier,
        "idempotency_key": key,
    }
    return _render(request, "crises/intake.html", context, team=team, status=status)


# --- The board -------------------------------------------------------------------------------------------
@login_required
@require_GET
def my_board(request: HttpRequest) -> HttpResponse:
    """One address to bookmark on the phone: the board of one's team (or a choice, with several)."""
    teams = teams_with_board(person=request.user)
    if not teams:
        raise Http404
    if len(teams) == 1:
        return redirect("crisis_board", teams[0].code)
    return render(request, "crises/boards.html", {"teams": teams})


@login_required
@require_GET
def board_page(request: HttpRequest, code: str) -> HttpResponse:
    team = _team_or_404(code)
    if not may_see_board(request.user, team):
        raise Http404
    cards = [(card, due_text(card.seconds_to_due)) for card in board(person=request.user, team=team)]
    context = {"cards": cards, "updated_at": timezone.now()}
    if request.GET.get("fragment") == "1":
        return _render(request, "crises/_board_cards.html", context, team=team)
    context |= {
        "may_create": can(request.user, Action.CRISIS_CREATE, team),
        "grants": break_glass_to_review(person=request.user, team=team),
        "refresh_seconds": BOARD_REFRESH_SECONDS,
        # The page stops refreshing itself when nobody has touched it for this long, so that an unattended
        # phone still reaches the idle sign-out (the fragment requests would otherwise keep it signed in).
        "idle_seconds": settings.SESSION_IDLE_MINUTES * 60,
    }
    return _render(request, "crises/board.html", context, team=team)


@login_required
@require_http_methods(["GET", "POST"])
def break_glass_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead reads why someone broke glass (free text: kept off the board, which others may glance at)
    and marks it reviewed."""
    grant = break_glass_by_id(pk=pk)
    if grant is None or not can(request.user, Action.BREAK_GLASS_REVIEW, grant):
        raise Http404
    if request.method == "GET":
        return _render(request, "crises/break_glass_review.html", {"grant": grant}, team=grant.crisis.team)
    try:
        break_glass_review(grant=grant, by=request.user, note=request.POST.get("note", ""), request=request)
    except CrisisError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Break-glass access to %(ref)s reviewed.") % {"ref": grant.crisis.reference}
        )
    return redirect("crisis_board", grant.crisis.team.code)


# --- One crisis ------------------------------------------------------------------------------------------
@login_required
@require_GET
def crisis_page(request: HttpRequest, reference: str) -> HttpResponse:
    crisis = crisis_by_reference(reference=reference)
    if crisis is None:
        raise Http404
    if not can(request.user, Action.CRISIS_VIEW, crisis):
        if can(request.user, Action.BREAK_GLASS, crisis):
            return _break_glass_offer(request, crisis)
        raise Http404
    identity, revealed = None, _reveal_asked(request, crisis)
    if revealed:
        try:
            identity = crisis_identity(
                crisis=crisis, by=request.user, reason="shown on the crisis page", request=request
            )
        except PermissionDenied:
            revealed = False
    return _crisis_page(request, crisis, identity=identity, revealed=revealed)


def _crisis_page(
    request, crisis, *, identity=None, revealed=False, failed="", failed_step=None, error=None, status=200
):
    team = crisis.team
    detail = crisis_detail(crisis=crisis)
    now = timezone.now()
    steps = []
    for step in detail.steps:
        seconds = int((step.due_at - now).total_seconds()) if step.state == CrisisStep.State.OPEN else None
        steps.append({"step": step, "overdue": seconds is not None and seconds < 0, "due": due_text(seconds)})
    labels = {step.code: step.label for step in detail.steps}
    closed = crisis.status == S.CLOSED
    context = {
        "crisis": crisis,
        "icon": icon_of(crisis.crisis_type),
        "place": crisis_text(crisis, crisis.place_sealed, purpose="crisis.place"),
        "note": crisis_text(crisis, crisis.note_sealed, purpose="crisis.note"),
        "outcome": crisis_text(crisis, crisis.outcome_sealed, purpose="crisis.outcome") if closed else "",
        "steps": steps,
        "timeline": [_timeline_row(entry, crisis, labels, detail.people) for entry in detail.timeline],
        "responders": detail.responders,
        "follow_ups": detail.follow_ups,
        "consents": [
            (purpose, label, detail.consents[purpose]) for purpose, label in Consent.Purpose.choices
        ],
        "members": team_members(team=team),
        "activity_kinds": [(k, label) for k, label in TimelineEntry.Kind.choices if k in ACTIVITY_KINDS],
        "status_actions": [
            (s, label)
            for s, label in STATUS_ACTIONS.items()
            if s in TRANSITIONS[crisis.status] and crisis.status not in (S.RESOLVED, S.CLOSED)
        ],
        "may_close": not closed,
        "may_reopen": crisis.status in (S.RESOLVED, S.CLOSED),
        "may_see_identity": crisis.client_id is not None and can(request.user, Action.IDENTITY_VIEW, crisis),
        "may_manage_client": can(request.user, Action.CLIENT_RIGHTS, crisis.client),  # None: no client
        "identity": identity,
        "revealed": revealed,
        "break_glass": active_break_glass(person=request.user, crisis=crisis),
        "evidence": crisis_evidence(crisis=crisis),
        "incident": incident_details(crisis=crisis, person=request.user),  # crises/_facts.html
        "may_see_board": may_see_board(request.user, team),
        "failed": failed,
        "failed_step": failed_step,
        "errors": error.fields if error else {},
        "error_message": error.message if error else "",
        "posted": request.POST if failed else {},
    }
    return _render(request, "crises/crisis.html", context, team=team, status=status)


PAGING_WORDS = {
    "paged": gettext_lazy("paged level %(level)s (round %(round)s): %(who)s"),
    "skipped": gettext_lazy("nobody on call at level %(levels)s: passed over"),
    "unanswered": gettext_lazy(
        "nobody accepted after every level: the team lead and administrators were alerted"
    ),
    "ack_timeout": gettext_lazy("first step overdue: the responder was paged again"),
    "accepted": gettext_lazy("accepted (level %(level)s, by %(via)s)"),
    "declined": gettext_lazy("cannot go (level %(level)s, by %(via)s)"),
    "failed": gettext_lazy("page could not be delivered on any channel (level %(level)s)"),
}


def _paging_details(data: dict, people: dict) -> list[str]:
    """A paging entry in words: {"escalation": "paged", "level": 2, ...} or {"page": "accepted", ...}."""
    from crisisline.oncall.models import Page

    what = data.get("escalation") or data.get("page")
    words = PAGING_WORDS.get(what)
    if words is None:
        return [str(what or "")]
    via = data.get("via")
    values = {
        "level": data.get("level", ""),
        "round": data.get("round", ""),
        "who": ", ".join(str(people.get(pk, "?")) for pk in data.get("to", [])) or data.get("people", ""),
        "via": Page.Via(via).label if via in Page.Via.values else "",
        "levels": ", ".join(str(n) for n in data.get("levels", [])),
    }
    return [str(words) % values]


def _timeline_row(entry: TimelineEntry, crisis: Crisis, steps: dict[str, str], people: dict) -> dict:
    """What a timeline entry says, in words: the kind, its details (never an identity), the free text."""
    K, data = TimelineEntry.Kind, entry.data
    details = []
    if entry.kind == K.OPENED:
        details = [
            str(crisis.crisis_type),
            dict(Urgency.CHOICES).get(data.get("urgency"), ""),
            Crisis.Via(data["via"]).label if data.get("via") in Crisis.Via.values else "",
        ]
    elif entry.kind in (K.STATUS, K.CLOSED, K.REOPENED):
        details = [
            _("%(from)s → %(to)s")
            % {"from": _status_label(data.get("from")), "to": _status_label(data.get("to"))}
        ]
        if entry.kind == K.CLOSED and data.get("redressed") is not None:
            details.append(_("redressed") if data["redressed"] else _("not redressed"))
    elif entry.kind in (K.STEP_DONE, K.STEP_NOT_APPLICABLE):
        details = [steps.get(data.get("step"), data.get("step", ""))]
        if entry.kind == K.STEP_DONE and "on_time" in data:
            details.append(_("on time") if data["on_time"] else _("late"))
    elif entry.kind == K.ASSIGNED:
        details = [str(people.get(data.get("person"), "?"))]
    elif entry.kind == K.CONSENT:
        purpose = data.get("purpose")
        label = Consent.Purpose(purpose).label if purpose in Consent.Purpose.values else purpose
        details = [label, _("given") if data.get("given") else _("withdrawn")]
    elif entry.kind == K.FOLLOW_UP and data.get("due_at"):
        details = [_("for %(when)s") % {"when": _when(datetime.fromisoformat(data["due_at"]), crisis.team)}]
    elif entry.kind == K.PAGING:
        details = _paging_details(data, people)
    elif entry.kind in (K.FACT, K.CORRECTION):
        details = [_field_label(data.get("field"))]
        if data.get("field") == "urgency":
            urgencies = dict(Urgency.CHOICES)
            details.append(
                _("%(from)s → %(to)s")
                % {"from": urgencies.get(data.get("from"), ""), "to": urgencies.get(data.get("to"), "")}
            )
        if entry.reason:
            details.append(_("why: %(reason)s") % {"reason": entry.reason})
    return {
        "entry": entry,
        "what": entry.get_kind_display(),
        "details": " · ".join(str(d) for d in details if d),
        "text": crisis_text(crisis, entry.text_sealed, purpose="timeline"),
    }


def _field_label(code) -> str:
    """An incident detail (facts.py), or a fact of the crisis itself corrected by crisis_update."""
    own = {"urgency": _("Urgency"), "locality": _("Where")}
    if code in own:
        return own[code]
    field = fact_fields.BY_CODE.get(code)
    return str(field.label) if field else str(code or "")


def _status_label(value) -> str:
    return S(value).label if value in S.values else str(value or "")


def _reveal_asked(request: HttpRequest, crisis: Crisis) -> bool:
    asked = request.session.pop(REVEAL, None)
    if not isinstance(asked, dict) or asked.get("crisis") != crisis.reference:
        return False
    return 0 <= timezone.now().timestamp() - asked.get("at", 0) <= REVEAL_SECONDS


@login_required
@require_POST
def identity_show(request: HttpRequest, reference: str) -> HttpResponse:
    crisis = _crisis_or_404(request, reference, Action.IDENTITY_VIEW)
    request.session[REVEAL] = {"crisis": crisis.reference, "at": int(timezone.now().timestamp())}
    return HttpResponseRedirect(_crisis_url(crisis, "identity"))


# --- What is done on a crisis: each a POST, then back to the page (or the page again with the error) ----
def _act(request: HttpRequest, reference: str, form: str, do, *, anchor: str, step_id=None) -> HttpResponse:
    """Run `do(crisis)`, which calls a service and returns what to tell the reader; on a refusal show the
    page again with the message by the form (`form`, and which step for a step's forms)."""
    crisis = _crisis_or_404(request, reference)
    try:
        done = do(crisis)
    except PermissionDenied:
        raise Http404 from None
    except CrisisError as error:
        return _crisis_page(
            request, crisis, failed=form, failed_step=step_id, error=error, status=error.status
        )
    messages.success(request, done)
    return HttpResponseRedirect(_crisis_url(crisis, anchor))


def _step(crisis: Crisis, step_id: int) -> CrisisStep:
    step = crisis.steps.filter(pk=step_id).first()
    if step is None:
        raise Http404
    return step


@login_required
@require_POST
def step_done(request: HttpRequest, reference: str, step_id: int) -> HttpResponse:
    def do(crisis):
        step = step_complete(
            step=_step(crisis, step_id), by=request.user, note=request.POST.get("note", ""), request=request
        )
        return _("Step done: %(step)s.") % {"step": step.label}

    return _act(request, reference, "step", do, anchor="steps", step_id=step_id)


@login_required
@require_POST
def step_skip(request: HttpRequest, reference: str, step_id: int) -> HttpResponse:
    def do(crisis):
        step = step_not_applicable(
            step=_step(crisis, step_id),
            by=request.user,
            reason=request.POST.get("reason", ""),
            request=request,
        )
        return _("Step marked not applicable: %(step)s.") % {"step": step.label}

    return _act(request, reference, "step_na", do, anchor="steps", step_id=step_id)


@login_required
@require_POST
def timeline_entry_add(request: HttpRequest, reference: str) -> HttpResponse:
    def do(crisis):
        try:
            at = forms.local_datetime(request.POST.get("at", ""), ZoneInfo(crisis.team.time_zone))
        except ValueError:
            raise CrisisError(
                _("Nothing was added."), {"at": _("Give a date and a time, or leave it empty.")}
            ) from None
        timeline_add(
            crisis=crisis,
            kind=request.POST.get("kind", ""),
            text=request.POST.get("text", ""),
            by=request.user,
            at=at,
            request=request,
        )
        return _("Added to the timeline.")

    return _act(request, reference, "timeline", do, anchor="timeline")


@login_required
@require_POST
def assign(request: HttpRequest, reference: str) -> HttpResponse:
    def do(crisis):
        chosen = request.POST.get("person", "").strip()
        person = next((p for p in team_members(team=crisis.team) if str(p.pk) == chosen), None)
        if person is None:
            raise CrisisError(_("Nobody was assigned."), {"person": _("Choose someone in the team.")})
        crisis_assign(crisis=crisis, person=person, by=request.user, request=request)
        return _("Assigned to %(person)s.") % {"person": person}

    return _act(request, reference, "assign", do, anchor="actions")


@login_required
@require_POST
def status_change(request: HttpRequest, reference: str) -> HttpResponse:
    def do(crisis):
        status = request.POST.get("status", "")
        crisis_set_status(crisis=crisis, status=status, by=request.user, request=request)
        return _("Status: %(status)s.") % {"status": _status_label(status)}

    return _act(request, reference, "status", do, anchor="top")


@login_required
@require_POST
def close(request: HttpRequest, reference: str) -> HttpResponse:
    def do(crisis):
        redressed = forms.yes_no(request.POST.get("redressed", ""))
        if redressed is None:
            raise CrisisError(
                _("The crisis was not closed."), {"redressed": _("Say whether it was redressed.")}
            )
        crisis_close(
            crisis=crisis,
            by=request.user,
            outcome=request.POST.get("outcome", ""),
            redressed=redressed,
            request=request,
        )
        return _("Crisis closed.")

    return _act(request, reference, "close", do, anchor="top")


@login_required
@require_POST
def reopen(request: HttpRequest, reference: str) -> HttpResponse:
    def do(crisis):
        crisis_reopen(crisis=crisis, by=request.user, reason=request.POST.get("reason", ""), request=request)
        return _("Crisis reopened.")

    return _act(request, reference, "reopen", do, anchor="top")


@login_required
@require_POST
def follow_up(request: HttpRequest, reference: str) -> HttpResponse:
    def do(crisis):
        problem = {"due_at": _("Choose a date and a time.")}
        try:
            due_at = forms.local_datetime(request.POST.get("due_at", ""), ZoneInfo(crisis.team.time_zone))
        except ValueError:
            raise CrisisError(_("No follow-up was scheduled."), problem) from None
        if due_at is None:
            raise CrisisError(_("No follow-up was scheduled."), problem)
        follow_up_schedule(crisis=crisis, due_at=due_at, by=request.user, request=request)
        return _("Follow-up scheduled for %(when)s.") % {"when": _when(due_at, crisis.team)}

    return _act(request, reference, "follow_up", do, anchor="actions")


@login_required
@require_POST
def consent(request: HttpRequest, reference: str) -> HttpResponse:
    def do(crisis):
        purpose, given = request.POST.get("purpose", ""), request.POST.get("given") == "1"
        consent_record(crisis=crisis, purpose=purpose, given=given, by=request.user, request=request)
        label = Consent.Purpose(purpose).label
        return (_("Consent given: %(purpose)s.") if given else _("Consent withdrawn: %(purpose)s.")) % {
            "purpose": label
        }

    return _act(request, reference, "consent", do, anchor="consent")


# --- Break-glass -----------------------------------------------------------------------------------------
def _break_glass_offer(request, crisis, *, errors=None, data=None, status=403):
    context = {
        "crisis": crisis,
        "hours_choices": list(forms.BREAK_GLASS_HOURS),
        "chosen_hours": (data or {}).get("hours", "4"),
        "reason": (data or {}).get("reason", ""),
        "errors": errors or {},
    }
    # Only the reference is shown: nothing about the crisis before the glass is broken.
    return render(request, "crises/break_glass.html", context, status=status)


@login_required
@require_POST
def break_glass(request: HttpRequest, reference: str) -> HttpResponse:
    crisis = crisis_by_reference(reference=reference)
    if crisis is None:
        raise Http404
    if can(request.user, Action.CRISIS_VIEW, crisis):
        return HttpResponseRedirect(_crisis_url(crisis))
    if not can(request.user, Action.BREAK_GLASS, crisis):
        raise Http404
    hours = forms.hours(request.POST.get("hours", ""))
    if hours is None:
        errors = {"hours": _("Choose from 1 to 12 hours.")}
        return _break_glass_offer(request, crisis, errors=errors, data=request.POST, status=422)
    try:
        grant: BreakGlass = break_glass_open(
            crisis=crisis,
            by=request.user,
            reason=request.POST.get("reason", ""),
            hours=hours,
            request=request,
        )
    except CrisisError as error:
        return _break_glass_offer(
            request, crisis, errors=error.fields, data=request.POST, status=error.status
        )
    messages.warning(
        request,
        _("You can open %(ref)s until %(until)s. Its team lead will review why.")
        % {"ref": crisis.reference, "until": _when(grant.expires_at, crisis.team)},
    )
    return HttpResponseRedirect(_crisis_url(crisis))
