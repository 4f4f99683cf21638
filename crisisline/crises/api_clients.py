"""API for the person's rights over what is held about them: a client's summary, their identity, the
export of everything held, a correction, erasure.

The same doors as the client's page (views_clients.py) onto the same services. A client the reader may not
act on answers 404 exactly like a code nobody has: the team lead and the data documenter of the client's
team (policy CLIENT_RIGHTS), or for the identity alone, the crisis members of that team (IDENTITY_VIEW).
An erased client answers 409 to everything but its summary. The summary never holds an identity; the
identity and the export are audited, which is why the export is a POST."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from crisisline.api.base import ApiError, ErrorOut
from crisisline.crises.models import Client
from crisisline.crises.services import (
    CrisisError,
    client_correct,
    client_erase,
    client_export,
    client_identity,
)
from crisisline.crises.views_clients import IDENTITY_FIELDS, client_crises, client_for, recorded
from crisisline.people.policy import Action

router = Router(tags=["clients"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# --- Schemas -----------------------------------------------------------------------------------------------
class RecordedOut(Schema):
    name: bool = Field(description="whether a name or alias is recorded (never what it is)")
    phone: bool
    address: bool


class ClientCrisisOut(Schema):
    reference: str
    crisis_type: str = Field(description="crisis type code")
    opened_at: datetime
    status: str


class ClientOut(Schema):
    code: str = Field(description="the pseudonymous client code, e.g. K-4F7Q9")
    team: str = Field(description="team code")
    since: datetime = Field(description="when the client was first recorded")
    erased_at: datetime | None = Field(description="null: not erased; once erased, nothing else is held")
    recorded: RecordedOut
    crises: list[ClientCrisisOut] = Field(description="newest first; empty once erased")


class ClientIdentityOut(Schema):
    client_code: str
    name: str
    phone: str = Field(description="E.164, e.g. +919845012345")
    address: str


class ClientPatch(Schema):
    name: str | None = Field(None, description="the name or alias to record; empty: remove it")
    phone: str | None = Field(None, description="the phone number to record; empty: remove it")
    address: str | None = Field(None, description="the address to record; empty: remove it")
    reason: str = Field(description="why it is corrected, for the audit trail (which never holds the values)")


class EraseIn(Schema):
    reason: str = Field(description="why the client is erased, for the audit trail")
    confirm: bool = Field(description="must be true: erasing cannot be undone")


class ExportClientOut(Schema):
    code: str
    name: str
    phone: str
    address: str
    since: datetime


class ExportStepOut(Schema):
    step: str
    state: str
    due_at: datetime
    done_at: datetime | None


class ExportTimelineEntryOut(Schema):
    kind: str
    at: datetime
    text: str
    data: dict


class ExportConsentOut(Schema):
    purpose: str
    given: bool
    at: datetime


class ExportCrisisOut(Schema):
    reference: str
    type: str = Field(description="crisis type code")
    opened_at: datetime
    status: str
    place: str
    note: str
    outcome: str
    steps: list[ExportStepOut]
    timeline: list[ExportTimelineEntryOut]
    consents: list[ExportConsentOut]


class ClientExportOut(Schema):
    client: ExportClientOut
    crises: list[ExportCrisisOut]


# --- Helpers -----------------------------------------------------------------------------------------------
@contextmanager
def _refusals() -> Iterator[None]:
    """A refusal of the service comes back in the one error shape, with its status and fields."""
    try:
        yield
    except CrisisError as error:
        code = {409: "conflict", 422: "invalid"}.get(error.status, "refused")
        raise ApiError(error.status, code, error.message, error.fields) from None


def _client(request, code: str, action: Action = Action.CLIENT_RIGHTS) -> Client:
    client = client_for(request.auth, code, action)
    if client is None:
        raise Http404(_("No client with code %(code)s.") % {"code": code})
    return client


def _not_erased(client: Client) -> Client:
    if client.erased_at:
        raise ApiError(409, "conflict", _("This client was erased."))
    return client


def _client_out(client: Client) -> dict:
    erased = client.erased_at is not None
    return {
        "code": client.code,
        "team": client.team.code,
        "since": client.created_at,
        "erased_at": client.erased_at,
        "recorded": recorded(client),
        "crises": [] if erased else [
            {"reference": c.reference, "crisis_type": c.crisis_type.code, "opened_at": c.opened_at,
             "status": c.status}
            for c in client_crises(client)
        ],
    }  # fmt: skip


# --- Endpoints ---------------------------------------------------------------------------------------------
@router.get(
    "/clients/{code}",
    response={200: ClientOut, **ERRORS},
    url_name="client_read",
    summary="A client: since when, their crises, whether a name, phone and address are recorded (no values)",
)
def client_read(request, code: str):
    return _client_out(_client(request, code))


@router.get(
    "/clients/{code}/identity",
    response={200: ClientIdentityOut, **ERRORS},
    summary="The client's name, phone and address (every read is audited)",
)
def client_identity_read(
    request, code: str, reason: str = Query("", description="why you need it, for the audit trail")
):
    client = _not_erased(_client(request, code, Action.IDENTITY_VIEW))
    identity = client_identity(client=client, by=request.auth, reason=reason.strip(), request=request)
    return asdict(identity)


@router.post(
    "/clients/{code}/export",
    response={200: ClientExportOut, **ERRORS},
    summary="Everything held about the client, for a request to see it (a POST: it is audited)",
)
def client_export_endpoint(request, code: str, response: HttpResponse):
    client = _not_erased(_client(request, code))
    response["Cache-Control"] = "no-store"
    return client_export(client=client, by=request.auth, request=request)


@router.patch(
    "/clients/{code}",
    response={200: ClientOut, **ERRORS},
    summary="Correct the name, phone or address (with a reason; each correction is audited)",
)
def client_change(request, code: str, payload: ClientPatch):
    client = _not_erased(_client(request, code))
    changes = {
        field: getattr(payload, field) for field in IDENTITY_FIELDS if getattr(payload, field) is not None
    }
    problems = {}
    if not changes:
        problems["request"] = _("Give the name, the phone or the address to correct.")
    if not payload.reason.strip():
        problems["reason"] = _("A reason is needed.")
    if problems:
        raise ApiError(422, "invalid", _("Nothing was changed."), problems)
    with _refusals():
        client = client_correct(
            client=client, by=request.auth, reason=payload.reason, request=request, **changes
        )
    return _client_out(client)


@router.post(
    "/clients/{code}/erase",
    response={200: ClientOut, **ERRORS},
    summary="Erase the client: their data keys are destroyed and their phone's index removed (no undo)",
)
def client_erase_endpoint(request, code: str, payload: EraseIn):
    client = _not_erased(_client(request, code))
    problems = {}
    if not payload.reason.strip():
        problems["reason"] = _("A reason is needed.")
    if payload.confirm is not True:
        problems["confirm"] = _("Must be true: erasing cannot be undone.")
    if problems:
        raise ApiError(422, "invalid", _("The client was not erased."), problems)
    with _refusals():
        client = client_erase(client=client, by=request.auth, reason=payload.reason, request=request)
    return _client_out(client)
