"""The incident details a team documents, field by field, and how each is checked.

Structured values (times, choices, yes/no, counts) are stored as they are; free text is sealed with the
crisis's data key, since it may name someone. Perpetrators are a list: each with category, how many, sex and
relation (GBVIMS-style, with the categories seen in Avahan's data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

PLACE_TYPES = {
    "street": _("Street or public place"),
    "lodge": _("Lodge or hotel"),
    "brothel": _("Brothel"),
    "home": _("Her home"),
    "client_place": _("Client's place"),
    "police_station": _("Police station"),
    "vehicle": _("Vehicle"),
    "highway": _("Highway or dhaba"),
    "other": _("Other"),
}
PERPETRATORS = {
    "client": pgettext_lazy("who did it", "Client"),
    "pimp_madam": _("Pimp, broker, madam or lodge owner"),
    "police": _("Police"),
    "goons": _("Goons or rowdies"),
    "neighbour_public": _("Neighbours or public"),
    "partner": _("Partner or husband"),
    "family": _("Family"),
    "official": _("Official or health worker"),
    "other": _("Other"),
    "unknown": _("Not known"),
}
SEXES = {"male": _("Male"), "female": _("Female"), "transgender": _("Transgender"), "unknown": _("Not known")}
# A choice, not free text: a typed relation ("her uncle Ramesh") could name someone.
RELATIONS = {
    "stranger": _("Stranger"),
    "known": _("Known to her"),
    "regular_client": _("Regular client"),
    "intimate_partner": _("Intimate partner"),
    "family": _("Family"),
    "employer": _("Employer or landlord"),
    "authority": _("In authority (police, official)"),
    "unknown": _("Not known"),
}


@dataclass(frozen=True)
class FactField:
    code: str
    label: object
    kind: str  # datetime, choice, bool, text, perpetrators
    choices: dict | None = None
    arrest_only: bool = False


FIELDS: tuple[FactField, ...] = (
    FactField("incident_at", _("When it happened"), "datetime"),
    FactField("place_type", _("Where: kind of place"), "choice", PLACE_TYPES),
    FactField("what_happened", _("What happened"), "text"),
    FactField("injuries", _("Injuries"), "text"),
    FactField("perpetrators", _("Who did it"), "perpetrators"),
    FactField("police_station", _("Police station"), "text", arrest_only=True),
    FactField("arrested_at", _("Time of arrest"), "datetime", arrest_only=True),
    FactField("grounds_told", _("Grounds of arrest told"), "bool", arrest_only=True),
    FactField("lawyer_present", _("Lawyer present"), "bool", arrest_only=True),
    FactField("magistrate_at", _("Produced before a magistrate at"), "datetime", arrest_only=True),
    FactField("bail_applied", _("Bail applied for"), "bool", arrest_only=True),
    FactField("bail_granted", _("Bail granted"), "bool", arrest_only=True),
)
BY_CODE = {field.code: field for field in FIELDS}
TEXT_MAX = 2000


class FactError(ValueError):
    pass


def clean(field: FactField, raw: object) -> object:
    """The value to store, or FactError with a message for the person typing it."""
    if raw is None or raw == "":
        return None
    if field.kind == "datetime":
        moment = raw if isinstance(raw, datetime) else parse_datetime(str(raw))
        if moment is None or moment.tzinfo is None:
            raise FactError(_("Give a date and time, such as 2026-11-28 21:30."))
        return moment.isoformat()
    if field.kind == "choice":
        if raw not in field.choices:
            raise FactError(_("Choose one of the list."))
        return raw
    if field.kind == "bool":
        if isinstance(raw, bool):
            return raw
        if str(raw).lower() in ("yes", "true", "1"):
            return True
        if str(raw).lower() in ("no", "false", "0"):
            return False
        raise FactError(_("Answer yes or no."))
    if field.kind == "text":
        text = str(raw).strip()
        if len(text) > TEXT_MAX:
            raise FactError(_("Keep it shorter (at most %(n)s letters).") % {"n": TEXT_MAX})
        return text
    if field.kind == "perpetrators":
        if not isinstance(raw, list) or not raw or len(raw) > 20:
            raise FactError(_("List who did it: one to twenty entries."))
        cleaned = []
        for entry in raw:
            if not isinstance(entry, dict):
                raise FactError(_("Each entry needs a category, how many, sex and relation."))
            category, sex = entry.get("category"), entry.get("sex", "unknown")
            relation = entry.get("relation", "unknown")
            try:
                count = int(entry.get("count", 1))
            except (TypeError, ValueError):
                count = 0
            if (
                category not in PERPETRATORS
                or sex not in SEXES
                or relation not in RELATIONS
                or not 1 <= count <= 100
            ):
                raise FactError(
                    _("Each entry needs a category, how many (1-100), sex and relation from the lists.")
                )
            cleaned.append({"category": category, "count": count, "sex": sex, "relation": relation})
        return cleaned
    raise FactError(_("Unknown kind of detail."))
