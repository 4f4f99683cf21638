"""Incident details on the web: the "Incident details" section of the crisis page, the page that records and
corrects them, and the history of each field. Thin doors onto facts_record (crises/services.py).

- Access as for the crisis page: whoever may not view the crisis gets 404, as if it did not exist; saving
  needs CRISIS_WORK.
- Only what the form changes is sent to the service: a field left as it was shown is not a new entry, so a
  reason is asked for only when a recorded value really changes (the service says which fields need it).
- Times are typed and shown in the team's time zone and stored as aware date-times.
- Perpetrators are rows of fixed lists (no free text: a typed name could identify someone); the form has
  rows enough for five, and works without JavaScript."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from crisisline.crises import facts as fact_fields
from crisisline.crises import forms
from crisisline.crises.facts import FactField
from crisisline.crises.models import Crisis, Fact
from crisisline.crises.selectors import crisis_by_reference
from crisisline.crises.services import CrisisError, fact_value, facts_record
from crisisline.people.models import Person
from crisisline.people.policy import Action, can

PERPETRATOR_ROWS = 5
LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows
YES_NO = {True: "yes", False: "no"}


# --- Reading ---------------------------------------------------------------------------------------------
def fields_for(crisis: Crisis) -> list[FactField]:
    """The details this kind of crisis has: the arrest details only for arrests (as facts_record checks)."""
    arrest = crisis.crisis_type.code == "arrest"
    return [field for field in fact_fields.FIELDS if arrest or not field.arrest_only]


def _entries(crisis: Crisis) -> dict[str, list[Fact]]:
    """Every recorded entry of every field, oldest first, in one query."""
    entries: dict[str, list[Fact]] = {}
    for fact in Fact.objects.filter(crisis=crisis).select_related("by").order_by("at", "pk"):
        entries.setdefault(fact.field, []).append(fact)
    return entries


def _zone(crisis: Crisis) -> ZoneInfo:
    return ZoneInfo(crisis.team.time_zone)


def _perpetrator_text(entry: dict) -> str:
    return _("%(category)s: %(count)s, %(sex)s, %(relation)s") % {
        "count": entry.get("count", 1),
        "category": fact_fields.PERPETRATORS.get(entry.get("category"), entry.get("category")),
        "sex": fact_fields.SEXES.get(entry.get("sex"), entry.get("sex")),
        "relation": fact_fields.RELATIONS.get(entry.get("relation"), entry.get("relation")),
    }


def shown(field: FactField, value: object, zone: ZoneInfo) -> list[str]:
    """A value in words, as lines (several for perpetrators); none for a value that was cleared."""
    if value is None or value == "" or value == []:
        return []
    if field.kind == "datetime":
        moment = datetime.fromisoformat(str(value))
        return [formats.date_format(timezone.localtime(moment, zone), "j M Y, H:i")]
    if field.kind == "choice":
        return [str(field.choices.get(value, value))]
    if field.kind == "bool":
        return [_("Yes") if value else _("No")]
    if field.kind == "perpetrators":
        return [_perpetrator_text(entry) for entry in value if isinstance(entry, dict)]
    return [str(value)]


def _entry_row(crisis: Crisis, field: FactField, fact: Fact, zone: ZoneInfo) -> dict:
    return {"fact": fact, "lines": shown(field, fact_value(crisis, fact), zone)}


def incident_details(*, crisis: Crisis, person: Person) -> dict:
    """What the "Incident details" section of the crisis page shows (crises/_facts.html): each field's
    current value, who recorded it and when, and whether it was corrected. The caller has checked that
    `person` may view the crisis."""
    entries, zone = _entries(crisis), _zone(crisis)
    rows = []
    for field in fields_for(crisis):
        history = entries.get(field.code, [])
        current = _entry_row(crisis, field, history[-1], zone) if history else None
        rows.append({"field": field, "current": current, "corrected": len(history) > 1})
    return {
        "rows": rows,
        "recorded": any(row["current"] for row in rows),
        "may_edit": may_edit(person, crisis),
    }


def may_edit(person: Person, crisis: Crisis) -> bool:
    """Whether to offer the form: the service has the last word (and says why not)."""
    return can(person, Action.CRISIS_WORK, crisis) and not (crisis.client_id and crisis.client.erased_at)


# --- The form: what it shows, and what it sends ----------------------------------------------------------
def _form_value(field: FactField, value: object, zone: ZoneInfo) -> object:
    """A stored value as the form shows it (and sends it back unchanged)."""
    if value is None:
        return [] if field.kind == "perpetrators" else ""
    if field.kind == "datetime":
        return timezone.localtime(datetime.fromisoformat(str(value)), zone).strftime(LOCAL_INPUT)
    if field.kind == "bool":
        return YES_NO.get(value, "")
    if field.kind == "text":
        return str(value).replace("\r\n", "\n")
    if field.kind == "perpetrators":
        return [
            {key: str(entry.get(key, "")) for key in ("category", "count", "sex", "relation")}
            for entry in value
            if isinstance(entry, dict)
        ]
    return str(value)


def _posted_value(field: FactField, data) -> object:
    """What the form sent for a field, in the same shape as _form_value."""
    if field.kind == "perpetrators":
        rows = []
        for number in range(1, _row_count(data) + 1):
            row = {
                key: data.get(f"perpetrator-{number}-{key}", "").strip()
                for key in ("category", "count", "sex", "relation")
            }
            if any(row[key] for key in ("category", "sex", "relation")):
                # What the service takes for a field left empty, so that a row sent back unchanged is equal.
                rows.append(
                    row
                    | {
                        "count": row["count"] or "1",
                        "sex": row["sex"] or "unknown",
                        "relation": row["relation"] or "unknown",
                    }
                )
        return rows
    value = data.get(field.code, "")
    if field.kind == "text":
        return value.replace("\r\n", "\n").strip()  # browsers send a textarea's line ends as CR LF
    return value.strip()


def _row_count(data) -> int:
    try:
        return min(max(int(data.get("perpetrator-rows", PERPETRATOR_ROWS)), PERPETRATOR_ROWS), 20)
    except ValueError:
        return PERPETRATOR_ROWS


def _to_service(field: FactField, posted: object, zone: ZoneInfo) -> object:
    """A posted value as facts_record takes it. Raises ValueError for a date-time that cannot be read."""
    if field.kind == "datetime":
        return forms.local_datetime(posted, zone)  # 2026-11-27T22:30 in the team's zone -> aware
    return posted or None


def changed_values(crisis: Crisis, data, entries: dict[str, list[Fact]]) -> tuple[dict, dict]:
    """(values for facts_record, problems the form itself finds). A field sent back as it was shown is left
    out, as is an empty field that was never recorded."""
    zone, values, problems = _zone(crisis), {}, {}
    for field in fields_for(crisis):
        history = entries.get(field.code)
        before = _form_value(field, fact_value(crisis, history[-1]), zone) if history else None
        posted = _posted_value(field, data)
        if posted == before or (history is None and posted in ("", [])):
            continue
        try:
            values[field.code] = _to_service(field, posted, zone)
        except ValueError:
            problems[field.code] = _("Give a date and a time.")
    return values, problems


def _form_rows(crisis: Crisis, entries: dict[str, list[Fact]], data, errors: dict) -> tuple[list, dict]:
    """The form's fields, from what is recorded or (after a refusal) from what was sent."""
    zone, rows, perpetrators = _zone(crisis), [], {"open": [], "more": [], "count": 0}
    for field in fields_for(crisis):
        history = entries.get(field.code)
        if data is not None:
            value = _posted_value(field, data)
        else:
            value = _form_value(field, fact_value(crisis, history[-1]) if history else None, zone)
        if field.kind == "perpetrators":
            perpetrators = _perpetrator_rows(list(value))
        rows.append(
            {
                "field": field,
                "value": value,
                "error": errors.get(field.code, ""),
                "choices": list(field.choices.items()) if field.choices else [],
                "recorded": bool(history),
            }
        )
    return rows, perpetrators


def _perpetrator_rows(filled: list[dict]) -> dict:
    """Rows enough for five (or for all recorded, if more came through the API). The rows in use and one
    more are open; the others wait behind "More rows", which needs no script."""
    blank = {"category": "", "count": "1", "sex": "", "relation": ""}
    count = max(PERPETRATOR_ROWS, len(filled))
    rows = [{"number": n, **(filled[n - 1] if n <= len(filled) else blank)} for n in range(1, count + 1)]
    return {"open": rows[: len(filled) + 1], "more": rows[len(filled) + 1 :], "count": count}


# --- Pages -----------------------------------------------------------------------------------------------
def _render(request: HttpRequest, template: str, context: dict, *, crisis: Crisis, status: int = 200):
    """With the team's time zone active, so every time on the page is the team's local time."""
    with timezone.override(_zone(crisis)):
        return render(request, template, {**context, "crisis": crisis, "team": crisis.team}, status=status)


def _viewable(request: HttpRequest, reference: str) -> Crisis:
    crisis = crisis_by_reference(reference=reference)
    if crisis is None or not can(request.user, Action.CRISIS_VIEW, crisis):
        raise Http404
    return crisis


@login_required
@require_http_methods(["GET", "POST"])
def details_edit(request: HttpRequest, reference: str) -> HttpResponse:
    crisis = _viewable(request, reference)
    entries = _entries(crisis)
    if request.method == "GET":
        return _details_page(request, crisis, entries)
    if not can(request.user, Action.CRISIS_WORK, crisis):
        raise Http404
    values, problems = changed_values(crisis, request.POST, entries)
    reason = request.POST.get("reason", "")
    if problems:
        return _details_page(
            request,
            crisis,
            entries,
            data=request.POST,
            errors=problems,
            message=_("Nothing was saved."),
            status=422,
        )
    if not values:
        messages.info(request, _("Nothing was changed."))
        return HttpResponseRedirect(reverse("crisis", args=[crisis.reference]) + "#incident")
    try:
        saved = facts_record(crisis=crisis, values=values, by=request.user, reason=reason, request=request)
    except PermissionDenied:
        raise Http404 from None
    except CrisisError as error:
        errors = dict(error.fields)
        if not reason.strip() and any(code in entries for code in error.fields):
            errors["reason"] = _("Say why: you change what was recorded.")
        return _details_page(
            request,
            crisis,
            entries,
            data=request.POST,
            errors=errors,
            message=error.message,
            status=error.status,
        )
    if saved:
        messages.success(request, _("Incident details saved."))
    else:
        messages.info(request, _("Nothing was changed."))
    return HttpResponseRedirect(reverse("crisis", args=[crisis.reference]) + "#incident")


def _details_page(request, crisis, entries, *, data=None, errors=None, message="", status=200):
    errors = errors or {}
    rows, perpetrators = _form_rows(crisis, entries, data, errors)
    context = {
        "rows": rows,
        "perpetrators_open": perpetrators["open"],
        "perpetrators_more": perpetrators["more"],
        "perpetrator_count": perpetrators["count"],
        "perpetrator_choices": {
            "category": list(fact_fields.PERPETRATORS.items()),
            "sex": list(fact_fields.SEXES.items()),
            "relation": list(fact_fields.RELATIONS.items()),
        },
        "recorded": bool(entries),
        "reason": (data or {}).get("reason", ""),
        "errors": errors,
        "message": message,
        "may_edit": may_edit(request.user, crisis),
    }
    return _render(request, "crises/details.html", context, crisis=crisis, status=status)


@login_required
@require_GET
def details_history(request: HttpRequest, reference: str, field: str) -> HttpResponse:
    """Every value a field has had, newest first: who recorded or changed it, when, and why."""
    crisis = _viewable(request, reference)
    chosen = next((f for f in fields_for(crisis) if f.code == field), None)
    if chosen is None:
        raise Http404
    zone = _zone(crisis)
    history = _entries(crisis).get(chosen.code, [])
    rows = [
        {**_entry_row(crisis, chosen, fact, zone), "first": index == 0, "current": index == len(history) - 1}
        for index, fact in enumerate(history)
    ]
    context = {"field": chosen, "history": list(reversed(rows))}
    return _render(request, "crises/details_history.html", context, crisis=crisis)
