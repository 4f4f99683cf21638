"""Reading the crisis pages' forms into what the services take. The services judge the values; this only
turns text into types and says which field could not be read, in the reader's language."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

from django.utils.translation import gettext as _

from crisisline.crises.services import Intake

# The form has one "who" field; the service names the part it refused.
FORM_FIELD = {"client_code": "who", "phone": "who"}
_KEY = re.compile(r"^[A-Za-z0-9-]{8,64}$")
BREAK_GLASS_HOURS = range(1, 13)


def split_who(text: str) -> tuple[str, str]:
    """One field for "who": a client code (K-4F7Q9: five or six characters, now and then all digits) or a
    phone number (seven digits or more). Returns (client code, phone). Spaces and a forgotten "K-" do not
    matter."""
    value = text.strip()
    if not value:
        return "", ""
    digits = re.sub(r"[\s\-+()]", "", value)
    if digits.isdigit() and len(digits) > 6:
        return "", value  # a phone number: seven digits or more, no letters
    if not any(char.isalpha() for char in value) and not digits.isdigit():
        return "", value
    compact = re.sub(r"[\s-]", "", value.upper())
    if re.match(r"^K[\s-]", value.upper()):  # typed with its prefix: "K-4F7Q9", "k 4f7q9"
        return f"K-{compact[1:]}", ""
    # Either a code without its prefix, or "K4F7Q9" with the prefix run in: the service tries both.
    return f"K-{compact}", ""


def intake_from(data) -> tuple[Intake, dict[str, str]]:
    errors = {}
    locality_id = None
    locality = data.get("locality", "").strip()
    if locality:
        try:
            locality_id = int(locality)
        except ValueError:
            errors["locality"] = _("Choose a place from your team's list, or write a few words.")
    client_code, phone = split_who(data.get("who", ""))
    intake = Intake(
        crisis_type=data.get("crisis_type", "").strip(),
        urgency=data.get("urgency", "").strip(),
        locality_id=locality_id,
        place=data.get("place", ""),
        client_code=client_code,
        phone=phone,
        note=data.get("note", ""),
    )
    return intake, errors


def form_errors(fields: dict[str, str]) -> dict[str, str]:
    return {FORM_FIELD.get(name, name): message for name, message in fields.items()}


def idempotency_key(text: str) -> str | None:
    """The key the form was rendered with; anything else is ignored (and the save is not protected)."""
    value = text.strip()
    return value if _KEY.match(value) else None


def local_datetime(text: str, tz: tzinfo) -> datetime | None:
    """A date-time field (2025-03-01T14:30), read in the team's time zone. Empty: None. Raises ValueError."""
    value = text.strip()
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


def yes_no(text: str) -> bool | None:
    return {"yes": True, "no": False}.get(text.strip())


def hours(text: str) -> int | None:
    try:
        value = int(text.strip())
    except ValueError:
        return None
    return value if value in BREAK_GLASS_HOURS else None
