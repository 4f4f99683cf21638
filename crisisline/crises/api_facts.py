"""API for incident details: read a crisis's details with the history of each field, and record or correct
them. The same service as the web page (facts_record in crises/services.py) and the same rules: a crisis the
reader may not see answers 404 like one that does not exist; a recorded value is changed only by a new entry
with a reason, and the earlier one stays in the history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from crisisline.api.base import ApiError, ErrorOut
from crisisline.crises import facts as fact_fields
from crisisline.crises.facts import FactField
from crisisline.crises.models import Crisis, Fact
from crisisline.crises.services import CrisisError, fact_value, facts_record
from crisisline.people.policy import Action, scope

router = Router(tags=["incident details"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _field_notes() -> str:
    """The fields and what each takes, for the OpenAPI document: generated from facts.py, so never stale."""
    kinds = {
        "datetime": "ISO 8601 date-time with its offset, e.g. 2026-11-27T22:30:00+05:30",
        "text": f"text, at most {fact_fields.TEXT_MAX} characters (kept encrypted)",
        "bool": "true or false",
        "perpetrators": (
            "a list of 1 to 20 {category, count (1-100), sex, relation}; category: "
            + ", ".join(fact_fields.PERPETRATORS)
            + "; sex: "
            + ", ".join(fact_fields.SEXES)
            + "; relation: "
            + ", ".join(fact_fields.RELATIONS)
        ),
    }
    lines = []
    for field in fact_fields.FIELDS:
        what = ", ".join(field.choices) if field.kind == "choice" else kinds[field.kind]
        lines.append(f"`{field.code}`{' (arrests only)' if field.arrest_only else ''}: {what}")
    return "; ".join(lines) + ". null clears a recorded value (a correction, so it needs a reason)."


class FactsIn(Schema):
    values: dict[str, Any] = Field(description="field code -> value. " + _field_notes())
    reason: str = Field(
        "",
        description="why a recorded value is changed: needed for every field that already has another value",
    )


class FactEntryOut(Schema):
    value: Any = Field(description="as recorded; null: cleared")
    recorded_at: datetime
    by: str | None = Field(description="username; null: the account is gone")
    reason: str = Field(description="why it was changed; empty for the first entry")


class FactFieldOut(Schema):
    field: str = Field(description="the field's code")
    label: str = Field(description="the field's name, in the language of the request")
    kind: str = Field(description="datetime, choice, bool, text or perpetrators")
    recorded: bool = Field(description="false: nothing recorded yet (value, recorded_at and by are null)")
    value: Any = Field(None, description="the current value")
    recorded_at: datetime | None = Field(None, description="when the current value was recorded")
    by: str | None = Field(None, description="username of who recorded the current value")
    reason: str = Field("", description="why the current value changed an earlier one")
    history: list[FactEntryOut] = Field(
        description="every entry of the field, oldest first; the last is current"
    )


class FactsOut(Schema):
    reference: str
    fields: list[FactFieldOut] = Field(
        description="every detail this kind of crisis has, in the form's order"
    )


def _crisis(request, reference: str) -> Crisis:
    crisis = (
        scope(request.auth, Action.CRISIS_VIEW, Crisis.objects.all())
        .select_related("team", "crisis_type", "client")
        .filter(reference=reference.strip().upper())
        .first()
    )
    if crisis is None:
        raise Http404(_("No crisis with reference %(ref)s.") % {"ref": reference})
    return crisis


def _fields_of(crisis: Crisis) -> list[FactField]:
    arrest = crisis.crisis_type.code == "arrest"
    return [field for field in fact_fields.FIELDS if arrest or not field.arrest_only]


def _entry(crisis: Crisis, fact: Fact) -> dict:
    return {
        "value": fact_value(crisis, fact),
        "recorded_at": fact.at,
        "by": fact.by.get_username() if fact.by else None,
        "reason": fact.reason,
    }


def _facts_out(crisis: Crisis) -> dict:
    history: dict[str, list[dict]] = {}
    for fact in Fact.objects.filter(crisis=crisis).select_related("by").order_by("at", "pk"):
        history.setdefault(fact.field, []).append(_entry(crisis, fact))
    fields = []
    for field in _fields_of(crisis):
        entries = history.get(field.code, [])
        current = entries[-1] if entries else {}
        fields.append(
            {
                "field": field.code,
                "label": str(field.label),
                "kind": field.kind,
                "recorded": bool(entries),
                "value": current.get("value"),
                "recorded_at": current.get("recorded_at"),
                "by": current.get("by"),
                "reason": current.get("reason", ""),
                "history": entries,
            }
        )
    return {"reference": crisis.reference, "fields": fields}


@router.get(
    "/crises/{reference}/facts",
    response={200: FactsOut, **ERRORS},
    summary="A crisis's incident details: each field's current value, who recorded it, when, and its history",
)
def facts_read(request, reference: str):
    return _facts_out(_crisis(request, reference))


@router.post(
    "/crises/{reference}/facts",
    response={200: FactsOut, **ERRORS},
    summary="Record incident details; changing a recorded value is a correction that needs a reason",
    description=(
        "Only the fields sent are touched. A field that already has another value is corrected: the "
        "new entry keeps who changed it, when and why, and the earlier value stays in the history. "
        "Without a reason such a request is refused (422, with each field that needs one); every value is "
        "checked before anything is saved. Sending a recorded value again changes nothing. Answers with "
        "all the details."
    ),
)
def facts_write(request, reference: str, payload: FactsIn):
    crisis = _crisis(request, reference)
    if not payload.values:
        raise ApiError(422, "invalid", _("Nothing to record."), {"values": _("Give at least one field.")})
    try:
        facts_record(
            crisis=crisis, values=payload.values, by=request.auth, reason=payload.reason, request=request
        )
    except CrisisError as error:
        # Each refused value by its place in the body (values.place_type), as ninja names its own.
        fields = {f"values.{name}": message for name, message in error.fields.items()}
        recorded = set(Fact.objects.filter(crisis=crisis).values_list("field", flat=True))
        if not payload.reason.strip() and recorded & set(error.fields):
            fields["reason"] = _("Say why: you change what was recorded.")
        code = {409: "conflict", 422: "invalid"}.get(error.status, "refused")
        raise ApiError(error.status, code, error.message, fields) from None
    return _facts_out(crisis)
