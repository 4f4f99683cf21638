"""API for crises: log, list, read, work and close them.

A thin door onto crises/services.py and the policy, like the web pages: every change goes through the same
service function, every read through policy.scope. A reference the reader may not see answers 404 exactly
like one that does not exist. Lists and reads carry no identity: a client's name and phone come only from
/crises/{reference}/identity, and each such read is audited."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Schema, Status
from pydantic import Field

from crisisline.api.base import ApiError, ErrorOut, PageQuery, page_of, paginate
from crisisline.crises.models import Crisis, CrisisStep, CrisisType, TimelineEntry
from crisisline.crises.services import (
    CrisisError,
    Intake,
    consent_record,
    crisis_assign,
    crisis_close,
    crisis_identity,
    crisis_open,
    crisis_reopen,
    crisis_set_status,
    crisis_text,
    crisis_update,
    step_complete,
    step_not_applicable,
    timeline_add,
)
from crisisline.network.models import Team
from crisisline.people.models import Person
from crisisline.people.policy import Action, scope

router = Router(tags=["crises"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
IDEMPOTENCY_KEY_MAX = 64  # Crisis.idempotency_key
LOCATION = {"description": "the new crisis's address in this API", "schema": {"type": "string"}}
REPLAYED = {
    "Location": LOCATION,
    "Idempotent-Replayed": {
        "description": "true: this key opened the crisis before; nothing new was saved",
        "schema": {"type": "string", "enum": ["true"]},
    },
}


# --- Schemas -----------------------------------------------------------------------------------------------
class CrisisIn(Schema):
    team: str = Field(description="code of the team that takes the crisis")
    crisis_type: str = Field(description="crisis type code, e.g. sexual_violence, arrest, suicide_risk")
    urgency: str = Field("", description="immediate, urgent, today or routine; empty: the type's default")
    locality: int | None = Field(None, description="id of one of the team's localities")
    place: str = Field("", description="a few words of where, when no locality fits")
    client_code: str = Field("", description="code of a client the team knows, e.g. K-4F7Q9")
    phone: str = Field("", description="her number: recognises a repeat caller, or makes a new client")
    note: str = Field("", description="what happened, in a few lines")


class CrisisPatch(Schema):
    status: str | None = Field(
        None, description="acknowledged, in_progress or resolved (closing: POST .../close)"
    )
    urgency: str | None = Field(None, description="a corrected urgency")
    locality: int | None = Field(None, description="a corrected locality id")
    reason: str = Field("", description="why the urgency or locality is corrected (needed for those)")


class TimelineIn(Schema):
    kind: str = Field(description="call, visit, hospital, police_station, counselling, mediation or note")
    text: str = Field("", description="what was done")
    at: datetime | None = Field(None, description="when it happened; default: now")


class StepDoneIn(Schema):
    note: str = ""
    at: datetime | None = Field(None, description="when it was done; default: now")


class StepNotApplicableIn(Schema):
    reason: str = Field(description="why the step does not apply")


class CloseIn(Schema):
    outcome: str = Field(description="what happened in the end")
    redressed: bool = Field(description="whether the crisis was redressed")


class ReopenIn(Schema):
    reason: str


class AssignIn(Schema):
    username: str = Field(description="a responder, social worker or lawyer of the crisis's team")


class ConsentIn(Schema):
    purpose: str = Field(description="keep_record, refer, count, police or safety_alert")
    given: bool = Field(description="false withdraws it")


class CrisisFilters(Schema):
    team: str | None = Field(None, description="team code")
    status: list[str] | None = Field(
        None, description="new, acknowledged, in_progress, resolved, closed: repeat or separate by commas"
    )
    crisis_type: str | None = Field(None, description="crisis type code")
    overdue: bool | None = Field(None, description="true: an open step is past its due time; false: none is")
    opened_after: datetime | None = Field(None, description="ISO 8601, inclusive; no offset: server time")
    opened_before: datetime | None = Field(None, description="ISO 8601, exclusive; no offset: server time")


class CrisisListItemOut(Schema):
    reference: str
    team: str = Field(description="team code")
    crisis_type: str = Field(description="crisis type code")
    urgency: str
    status: str
    opened_at: datetime
    next_due_at: datetime | None = Field(description="when the earliest open protocol step is due")
    overdue: bool = Field(description="whether an open step is past its due time")
    client_code: str | None = Field(description="the pseudonymous client code; null: no client named")


class CrisisLocalityOut(Schema):
    id: int
    name: str


class CrisisStepOut(Schema):
    code: str
    label: str
    due_at: datetime
    state: str = Field(description="open, done or not_applicable")
    done_at: datetime | None
    done_by: str | None = Field(description="username")


class TimelineEntryOut(Schema):
    kind: str
    at: datetime
    by: str | None = Field(description="username; null: the system")
    text: str
    data: dict = Field(description="structured facts of the entry: codes, states, numbers")


class ConsentOut(Schema):
    purpose: str
    given: bool
    at: datetime
    by: str | None


class AssignmentOut(Schema):
    username: str
    at: datetime
    ended_at: datetime | None


class CrisisOut(CrisisListItemOut):
    crisis_type_label: str
    via: str = Field(description="web, api, missed_call or sms")
    opened_by: str | None = Field(description="username; null: a missed call or an SMS")
    locality: CrisisLocalityOut | None
    place: str
    note: str
    acknowledged_at: datetime | None
    first_contact_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    redressed: bool | None
    outcome: str
    steps: list[CrisisStepOut]
    timeline: list[TimelineEntryOut]
    consents: list[ConsentOut] = Field(description="the latest word per purpose")
    assignments: list[AssignmentOut]


class IdentityOut(Schema):
    client_code: str | None = Field(description="null: the crisis names no client")
    name: str
    phone: str
    address: str


# --- Helpers -----------------------------------------------------------------------------------------------
@contextmanager
def _refusals() -> Iterator[None]:
    """A refusal of the service comes back in the one error shape, with its status and fields."""
    try:
        yield
    except CrisisError as error:
        code = {409: "conflict", 422: "invalid"}.get(error.status, "refused")
        raise ApiError(error.status, code, error.message, error.fields) from None


def _aware(moment: datetime | None) -> datetime | None:
    """A time sent without an offset is taken in the server's time zone."""
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment)


def _visible(request) -> QuerySet:
    return scope(request.auth, Action.CRISIS_VIEW, Crisis.objects.all())


def _crisis(request, reference: str) -> Crisis:
    """The crisis, if the reader may see it; else 404, as for a reference nobody has."""
    crisis = (
        _visible(request).select_related("team", "crisis_type", "client").filter(reference=reference).first()
    )
    if crisis is None:
        raise Http404(_("No crisis with reference %(ref)s.") % {"ref": reference})
    return crisis


def _step(crisis: Crisis, code: str) -> CrisisStep:
    step = crisis.steps.select_related("crisis__client").filter(code=code).first()
    if step is None:
        raise Http404(_("No step %(code)s in this crisis.") % {"code": code})
    return step


def _username(person: Person | None) -> str | None:
    return person.get_username() if person is not None else None


def _list_item(crisis: Crisis, now: datetime) -> dict:
    return {
        "reference": crisis.reference,
        "team": crisis.team.code,
        "crisis_type": crisis.crisis_type.code,
        "urgency": crisis.urgency,
        "status": crisis.status,
        "opened_at": crisis.opened_at,
        "next_due_at": crisis.next_due_at,
        "overdue": crisis.next_due_at is not None and crisis.next_due_at < now,
        "client_code": crisis.client.code if crisis.client else None,
    }


def _crisis_out(crisis: Crisis) -> dict:
    """The whole crisis, read fresh after a change: facts, texts opened, steps, timeline, consents,
    assignments. The caller has checked that the reader may see it."""
    crisis = (
        Crisis.objects.select_related("team", "crisis_type", "client", "locality", "opened_by")
        .prefetch_related("steps__done_by", "timeline__by", "consents__by", "assignments__person")
        .get(pk=crisis.pk)
    )
    latest_consents = {consent.purpose: consent for consent in crisis.consents.all()}  # ordered by time

    def text(token: str, purpose: str) -> str:
        return crisis_text(crisis, token, purpose=purpose)

    return _list_item(crisis, timezone.now()) | {
        "crisis_type_label": str(crisis.crisis_type),
        "via": crisis.via,
        "opened_by": _username(crisis.opened_by),
        "locality": {"id": crisis.locality.pk, "name": crisis.locality.name} if crisis.locality else None,
        "place": text(crisis.place_sealed, "crisis.place"),
        "note": text(crisis.note_sealed, "crisis.note"),
        "acknowledged_at": crisis.acknowledged_at,
        "first_contact_at": crisis.first_contact_at,
        "resolved_at": crisis.resolved_at,
        "closed_at": crisis.closed_at,
        "redressed": crisis.redressed,
        "outcome": text(crisis.outcome_sealed, "crisis.outcome"),
        "steps": [_step_out(step) for step in crisis.steps.all()],
        "timeline": [_entry_out(crisis, entry) for entry in crisis.timeline.all()],
        "consents": [
            {"purpose": c.purpose, "given": c.given, "at": c.at, "by": _username(c.by)}
            for c in latest_consents.values()
        ],
        "assignments": [
            {"username": a.person.get_username(), "at": a.at, "ended_at": a.ended_at}
            for a in sorted(crisis.assignments.all(), key=lambda a: (a.at, a.pk))
        ],
    }


def _step_out(step: CrisisStep) -> dict:
    return {
        "code": step.code,
        "label": step.label,
        "due_at": step.due_at,
        "state": step.state,
        "done_at": step.done_at,
        "done_by": _username(step.done_by),
    }


def _entry_out(crisis: Crisis, entry: TimelineEntry) -> dict:
    return {
        "kind": entry.kind,
        "at": entry.at,
        "by": _username(entry.by),
        "text": crisis_text(crisis, entry.text_sealed, purpose="timeline"),
        "data": entry.data,
    }


# --- Logging a crisis --------------------------------------------------------------------------------------
@router.post(
    "/crises",
    response={200: CrisisOut, 201: CrisisOut, **ERRORS},
    summary="Log a crisis (201; a repeat of the same Idempotency-Key and body: 200, nothing new saved)",
    openapi_extra={"responses": {201: {"headers": {"Location": LOCATION}}, 200: {"headers": REPLAYED}}},
)
def crisis_create(
    request,
    payload: CrisisIn,
    response: HttpResponse,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        max_length=IDEMPOTENCY_KEY_MAX,
        description="any unique string per crisis: a retry with the same key and body opens nothing new",
    ),
):
    team = scope(request.auth, Action.NETWORK_VIEW, Team.objects.all()).filter(code=payload.team).first()
    if team is None:
        raise Http404(_("No %(what)s with code %(code)s.") % {"what": _("team"), "code": payload.team})
    intake = Intake(
        crisis_type=payload.crisis_type,
        urgency=payload.urgency,
        locality_id=payload.locality,
        place=payload.place,
        client_code=payload.client_code,
        phone=payload.phone,
        note=payload.note,
    )
    with _refusals():
        opened = crisis_open(
            team=team,
            intake=intake,
            by=request.auth,
            via=Crisis.Via.API,
            idempotency_key=idempotency_key or None,
            request=request,
        )
    response["Location"] = reverse("api-v1:crisis_read", kwargs={"reference": opened.crisis.reference})
    if opened.replayed:
        response["Idempotent-Replayed"] = "true"
        return Status(200, _crisis_out(opened.crisis))
    return Status(201, _crisis_out(opened.crisis))


# --- Reading -----------------------------------------------------------------------------------------------
@router.get(
    "/crises",
    response={200: page_of(CrisisListItemOut), **ERRORS},
    summary="List the crises you may see, newest first (no identities, no notes)",
)
def crisis_list(request, paging: Query[PageQuery], filters: Query[CrisisFilters]):
    crises = _visible(request).select_related("team", "crisis_type", "client").order_by("-opened_at", "-pk")
    if filters.team is not None:
        if not scope(request.auth, Action.NETWORK_VIEW, Team.objects.filter(code=filters.team)).exists():
            raise Http404(_("No %(what)s with code %(code)s.") % {"what": _("team"), "code": filters.team})
        crises = crises.filter(team__code=filters.team)
    if filters.status:
        wanted = {part.strip() for value in filters.status for part in value.split(",") if part.strip()}
        unknown = wanted - set(Crisis.Status.values)
        if unknown:
            raise ApiError(422, "invalid", _("Some fields are not valid."), {"status": _("Unknown status.")})
        crises = crises.filter(status__in=wanted)
    if filters.crisis_type is not None:
        if not CrisisType.objects.filter(code=filters.crisis_type).exists():
            raise ApiError(
                422, "invalid", _("Some fields are not valid."), {"crisis_type": _("Unknown crisis type.")}
            )
        crises = crises.filter(crisis_type__code=filters.crisis_type)
    now = timezone.now()
    if filters.overdue is True:
        crises = crises.filter(next_due_at__lt=now)  # next_due_at: the earliest open step's due time
    elif filters.overdue is False:
        crises = crises.exclude(next_due_at__lt=now)
    if filters.opened_after is not None:
        crises = crises.filter(opened_at__gte=_aware(filters.opened_after))
    if filters.opened_before is not None:
        crises = crises.filter(opened_at__lt=_aware(filters.opened_before))
    page = paginate(crises, paging)
    page["items"] = [_list_item(crisis, now) for crisis in page["items"]]
    return page


@router.get(
    "/crises/{reference}",
    response={200: CrisisOut, **ERRORS},
    url_name="crisis_read",
    summary="One crisis: facts, notes, protocol steps, timeline, consents, assignments (no identity)",
)
def crisis_read(request, reference: str):
    return _crisis_out(_crisis(request, reference))


@router.get(
    "/crises/{reference}/identity",
    response={200: IdentityOut, **ERRORS},
    summary="The client's name, phone and address (every read is audited)",
)
def crisis_identity_read(
    request, reference: str, reason: str = Query("", description="why you need it, for the audit trail")
):
    crisis = _crisis(request, reference)
    identity = crisis_identity(crisis=crisis, by=request.auth, reason=reason.strip(), request=request)
    if identity is None:
        return {"client_code": None, "name": "", "phone": "", "address": ""}
    return asdict(identity)


# --- Working a crisis --------------------------------------------------------------------------------------
@router.patch(
    "/crises/{reference}",
    response={200: CrisisOut, **ERRORS},
    summary="Change the status, or correct the urgency or locality (with a reason)",
)
def crisis_change(request, reference: str, payload: CrisisPatch):
    crisis = _crisis(request, reference)
    if payload.status == Crisis.Status.CLOSED:
        url = reverse("api-v1:crisis_close_endpoint", kwargs={"reference": reference})
        raise ApiError(
            422,
            "invalid",
            _("Closing needs the outcome: use POST %(url)s.") % {"url": url},
            {"status": _("Use POST %(url)s.") % {"url": url}},
        )
    if payload.status is None and payload.urgency is None and payload.locality is None:
        raise ApiError(422, "invalid", _("Nothing to change."))
    with _refusals(), transaction.atomic():  # all the changes asked for, or none
        if payload.urgency is not None or payload.locality is not None:
            crisis = crisis_update(
                crisis=crisis,
                by=request.auth,
                urgency=payload.urgency,
                locality_id=payload.locality,
                reason=payload.reason,
                request=request,
            )
        if payload.status is not None:
            crisis_set_status(crisis=crisis, status=payload.status, by=request.auth, request=request)
    return _crisis_out(crisis)


@router.post(
    "/crises/{reference}/timeline",
    response={201: TimelineEntryOut, **ERRORS},
    summary="Add what was done: a call, a visit, hospital, police station, counselling, mediation, a note",
)
def crisis_timeline_add(request, reference: str, payload: TimelineIn):
    crisis = _crisis(request, reference)
    with _refusals():
        entry = timeline_add(
            crisis=crisis,
            kind=payload.kind,
            text=payload.text,
            by=request.auth,
            at=_aware(payload.at),
            request=request,
        )
    return Status(201, _entry_out(crisis, entry))


@router.post(
    "/crises/{reference}/steps/{code}/complete",
    response={200: CrisisStepOut, **ERRORS},
    summary="Mark a protocol step done",
)
def crisis_step_complete(request, reference: str, code: str, payload: StepDoneIn):
    step = _step(_crisis(request, reference), code)
    with _refusals():
        step = step_complete(
            step=step, by=request.auth, note=payload.note, at=_aware(payload.at), request=request
        )
    return _step_out(step)


@router.post(
    "/crises/{reference}/steps/{code}/not-applicable",
    response={200: CrisisStepOut, **ERRORS},
    summary="Mark a protocol step as not applicable, with the reason",
)
def crisis_step_not_applicable(request, reference: str, code: str, payload: StepNotApplicableIn):
    step = _step(_crisis(request, reference), code)
    with _refusals():
        step = step_not_applicable(step=step, by=request.auth, reason=payload.reason, request=request)
    return _step_out(step)


@router.post(
    "/crises/{reference}/close",
    response={200: CrisisOut, **ERRORS},
    url_name="crisis_close_endpoint",
    summary="Close with the outcome (a crisis not yet resolved is resolved first)",
)
def crisis_close_endpoint(request, reference: str, payload: CloseIn):
    crisis = _crisis(request, reference)
    with _refusals():
        crisis_close(
            crisis=crisis,
            by=request.auth,
            outcome=payload.outcome,
            redressed=payload.redressed,
            request=request,
        )
    return _crisis_out(crisis)


@router.post(
    "/crises/{reference}/reopen",
    response={200: CrisisOut, **ERRORS},
    summary="Reopen a resolved or closed crisis, with the reason",
)
def crisis_reopen_endpoint(request, reference: str, payload: ReopenIn):
    crisis = _crisis(request, reference)
    with _refusals():
        crisis_reopen(crisis=crisis, by=request.auth, reason=payload.reason, request=request)
    return _crisis_out(crisis)


@router.post(
    "/crises/{reference}/assign",
    response={200: AssignmentOut, **ERRORS},
    summary="Give the crisis to someone in its team (a repeat changes nothing)",
)
def crisis_assign_endpoint(request, reference: str, payload: AssignIn):
    crisis = _crisis(request, reference)
    # The same answer for a username nobody has and for someone outside the team.
    not_in_team = CrisisError(
        _("This person is not in the crisis's team."), {"username": _("Choose someone in the team.")}
    )
    person = Person.objects.filter(username=payload.username, is_active=True).first()
    with _refusals():
        if person is None:
            raise not_in_team
        try:
            assignment = crisis_assign(crisis=crisis, person=person, by=request.auth, request=request)
        except CrisisError as error:
            if "person" not in error.fields:
                raise
            raise not_in_team from None
    return {"username": person.get_username(), "at": assignment.at, "ended_at": assignment.ended_at}


@router.post(
    "/crises/{reference}/consents",
    response={201: ConsentOut, **ERRORS},
    summary="Record consent for a purpose, given or withdrawn",
)
def crisis_consent_record(request, reference: str, payload: ConsentIn):
    crisis = _crisis(request, reference)
    with _refusals():
        consent = consent_record(
            crisis=crisis, purpose=payload.purpose, given=payload.given, by=request.auth, request=request
        )
    return Status(
        201,
        {"purpose": consent.purpose, "given": consent.given, "at": consent.at, "by": _username(consent.by)},
    )
