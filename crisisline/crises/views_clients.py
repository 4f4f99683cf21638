"""A client's page: the person's rights over what is held about them (see it, correct it, erase it).
Thin doors onto client_export, client_correct, client_erase and client_identity in crises/services.py.

- Only the team lead and the data documenter of the client's team may open it (policy CLIENT_RIGHTS);
  anyone else gets 404, whether the code exists or not.
- The page says whether a name, phone and address are recorded, never what they are. The current values
  come only after an explicit POST "Show current details", read through client_identity (audited), and are
  shown in that one response only.
- The download is a POST: client_export audits it. It is never cached and never shown in the browser.
- After erasure the page says when, and offers nothing else."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crisisline.crises.models import Attachment, Client, Crisis
from crisisline.crises.services import (
    CrisisError,
    client_correct,
    client_erase,
    client_export,
    client_identity,
)
from crisisline.lib.crypto import keyed_digest
from crisisline.people.models import Person
from crisisline.people.policy import Action, can

IDENTITY_FIELDS = ("name", "phone", "address")


# --- Shared with the API (api_clients.py) ------------------------------------------------------------------
def client_for(person: Person, code: str, action: Action = Action.CLIENT_RIGHTS) -> Client | None:
    """The client with this code if `person` may act on it for `action`; else None, as for no such code."""
    client = Client.objects.select_related("team").filter(code=code.strip().upper()).first()
    if client is None or not can(person, action, client):
        return None
    return client


def client_crises(client: Client) -> list[Crisis]:
    """The client's crises, newest first: reference, type, opened, status (nothing sealed is opened)."""
    return list(client.crises.select_related("crisis_type").order_by("-opened_at", "-pk"))


def recorded(client: Client) -> dict[str, bool]:
    """Whether a name, phone and address are held. An empty value is never sealed, so this opens nothing."""
    return {
        "name": bool(client.name_sealed),
        "phone": bool(client.phone_sealed),
        "address": bool(client.address_sealed),
    }


# --- Helpers -----------------------------------------------------------------------------------------------
def _client_or_404(request: HttpRequest, code: str) -> Client:
    client = client_for(request.user, code)
    if client is None:
        raise Http404
    return client


def _render(request: HttpRequest, template: str, client: Client, context: dict, *, status: int = 200):
    with timezone.override(ZoneInfo(client.team.time_zone)):
        return render(request, template, {**context, "client": client, "team": client.team}, status=status)


def _shown_digest(value: str) -> str:
    """Stands in the form for a value shown to be corrected: a field whose posted value has the same digest
    was left as it is, so it is not rewritten (nor named in the audit entry as corrected)."""
    return keyed_digest(value.encode(), purpose="client.correct.shown")


def _client_page(request, client, *, shown=None, errors=None, error_message="", posted=None, status=200):
    if client.erased_at:
        return _render(request, "crises/clients/erased.html", client, {}, status=status)
    values = posted or {}
    if shown is not None:
        values = {field: getattr(shown, field) for field in IDENTITY_FIELDS}
    context = {
        "crises": client_crises(client),
        "recorded": recorded(client),
        "shown": shown is not None or bool(values.get("shown")),
        "values": values,
        "digests": (
            {field: _shown_digest(values[field]) for field in IDENTITY_FIELDS}
            if shown is not None
            else {field: values.get(f"{field}_shown", "") for field in IDENTITY_FIELDS}
        ),
        "errors": errors or {},
        "error_message": error_message,
        "correct_open": shown is not None or bool(errors or error_message),
    }
    return _render(request, "crises/clients/client.html", client, context, status=status)


# --- The pages ---------------------------------------------------------------------------------------------
@login_required
@require_GET
def client_page(request: HttpRequest, code: str) -> HttpResponse:
    return _client_page(request, _client_or_404(request, code))


@login_required
@require_POST
def client_download(request: HttpRequest, code: str) -> HttpResponse:
    client = _client_or_404(request, code)
    if client.erased_at:
        return _client_page(request, client, status=409)
    try:
        data = client_export(client=client, by=request.user, request=request)
    except PermissionDenied:
        raise Http404 from None
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{client.code}-data.json"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def client_details_show(request: HttpRequest, code: str) -> HttpResponse:
    """The current name, phone and address, in the correction form of this one response."""
    client = _client_or_404(request, code)
    if client.erased_at:
        return _client_page(request, client, status=409)
    try:
        identity = client_identity(client=client, by=request.user, reason="shown to correct", request=request)
    except PermissionDenied:
        raise Http404 from None
    return _client_page(request, client, shown=identity)


def _corrections(data) -> dict[str, str]:
    """What the form changes. Fields shown with their current value: what differs from what was shown
    (emptied: removed). Fields not shown: what was typed (empty: left as it is)."""
    changes = {}
    for field in IDENTITY_FIELDS:
        value = data.get(field, "").strip()
        was = data.get(f"{field}_shown", "")
        if data.get("shown"):
            if _shown_digest(value) != was:
                changes[field] = value
        elif value:
            changes[field] = value
    return changes


@login_required
@require_POST
def client_correct_page(request: HttpRequest, code: str) -> HttpResponse:
    client = _client_or_404(request, code)
    if client.erased_at:
        return _client_page(request, client, status=409)
    changes = _corrections(request.POST)
    try:
        client_correct(
            client=client, by=request.user, reason=request.POST.get("reason", ""), request=request, **changes
        )
    except PermissionDenied:
        raise Http404 from None
    except CrisisError as error:
        client.refresh_from_db()  # the service may have changed the object before it refused
        return _client_page(
            request,
            client,
            errors=error.fields,
            error_message=error.message,
            posted=request.POST,
            status=error.status,
        )
    labels = {"name": _("Name"), "phone": _("Phone"), "address": _("Address")}
    messages.success(
        request,
        _("Corrected: %(fields)s.") % {"fields": ", ".join(str(labels[field]) for field in changes)},
    )
    return redirect("client", client.code)


@login_required
@require_http_methods(["GET", "POST"])
def client_erase_page(request: HttpRequest, code: str) -> HttpResponse:
    client = _client_or_404(request, code)
    if client.erased_at:
        return _client_page(request, client, status=409 if request.method == "POST" else 200)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if request.POST.get("understood") != "1":
            errors["understood"] = _("Tick the box to say you understand that this cannot be undone.")
        reason = request.POST.get("reason", "")
        if not reason.strip():
            errors["reason"] = _("A reason is needed.")
        if not errors:
            try:
                client_erase(client=client, by=request.user, reason=reason, request=request)
            except PermissionDenied:
                raise Http404 from None
            except CrisisError as error:
                errors = error.fields or {"reason": error.message}
            else:
                messages.success(request, _("Client %(code)s was erased.") % {"code": client.code})
                return redirect("client", client.code)
    crises = client_crises(client)
    context = {
        "recorded": recorded(client),
        "crisis_count": len(crises),
        "evidence_count": Attachment.objects.filter(crisis__client=client).count(),
        "errors": errors,
        "reason": request.POST.get("reason", "") if request.method == "POST" else "",
    }
    return _render(request, "crises/clients/erase.html", client, context, status=422 if errors else 200)
