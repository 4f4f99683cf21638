"""Reading the roster pages' forms into what services_rosters takes. The services judge the values; this
only turns text into types and says which field could not be read, in the reader's language."""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo

from django.utils.translation import gettext as _

WEEKDAYS = range(7)


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _time(text: str) -> time | None:
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        return None


def local_datetime(text: str, zone: tzinfo) -> datetime | None:
    """A date-time field (2026-03-01T14:30), read in the team's time zone; None when it cannot be read."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def rotation_from(data, people: list) -> tuple[dict, dict[str, str]]:
    """The rotation form: its values for rotation_save (without team, by, rotation), and the fields that
    could not be read. `people` are those offered as members: each has a position field, blank for no."""
    errors: dict[str, str] = {}
    chosen: list[tuple[int, str, object]] = []
    for person in people:
        text = data.get(f"position-{person.pk}", "").strip()
        if not text:
            continue
        if not text.isdigit() or int(text) < 1:
            errors["members"] = _("Positions are whole numbers: 1 for the first, 2 for the next…")
            continue
        chosen.append((int(text), person.get_username(), person))
    positions = [position for position, _name, _person in chosen]
    duplicate = next((p for p in positions if positions.count(p) > 1), None)
    if duplicate is not None and "members" not in errors:
        errors["members"] = _("Two people have position %(n)s: give each their own.") % {"n": duplicate}
    members = [person for _position, _name, person in sorted(chosen, key=lambda item: item[:2])]

    starts_on = _date(data.get("starts_on", ""))
    if starts_on is None:
        errors["starts_on"] = _("Give the first day.")
    handoff = _time(data.get("handoff", ""))
    if handoff is None:
        errors["handoff"] = _("Give the time the shift is handed over.")
    hours_text = data.get("shift_hours", "").strip()
    shift_hours = int(hours_text) if hours_text.isdigit() else None
    if shift_hours is None:
        errors["shift_hours"] = _("Give the length of a shift in hours.")
    days = sorted({int(d) for d in data.getlist("days") if d.isdigit() and int(d) in WEEKDAYS})
    if not days:
        errors["days"] = _("Choose the days it covers.")
    active = {}
    for key in ("active_from", "active_until"):
        text = data.get(key, "").strip()
        active[key] = _time(text) if text else None
        if text and active[key] is None:
            errors[key] = _("Give a time of day.")
    values = {
        "name": data.get("name", ""),
        "duty": data.get("duty", ""),
        "members": members,
        "starts_on": starts_on,
        "handoff": handoff,
        "shift_hours": shift_hours,
        "days": days,
        **active,
    }
    return values, errors


def override_from(data, people: list, zone: tzinfo) -> tuple[dict, dict[str, str]]:
    errors: dict[str, str] = {}
    person_id = data.get("person", "").strip()
    person = next((p for p in people if str(p.pk) == person_id), None)
    if person is None:
        errors["person"] = _("Choose who is on call.")
    moments = {}
    for key in ("starts_at", "ends_at"):
        moments[key] = local_datetime(data.get(key, ""), zone)
        if moments[key] is None:
            errors[key] = _("Give a date and time.")
    values = {"duty": data.get("duty", ""), "person": person, "reason": data.get("reason", ""), **moments}
    return values, errors


def moment_from(text: str) -> datetime | None:
    """A shift's start as the swap form carries it: an ISO time with its offset."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
