"""The common minimum standards: which exist, what they measure, and which way is stricter.

Values are rows (models.StandardValue). The network sets each one; a state, an organisation or a team may
tighten it for itself but never loosen it. A team's effective standard is the strictest value on its chain
network > state > organisation > team, so a later tightening higher up always wins."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Unit(StrEnum):
    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"
    PERCENT = "percent"


class Stricter(StrEnum):
    LOWER = "lower"  # a time limit: less time is stricter
    HIGHER = "higher"  # a share to reach: more is stricter


class Level(StrEnum):
    NETWORK = "network"
    STATE = "state"
    ORGANISATION = "organisation"
    TEAM = "team"


LEVEL_LABELS = {
    Level.NETWORK: _("network"),
    Level.STATE: _("state"),
    Level.ORGANISATION: _("organisation"),
    Level.TEAM: _("team"),
}


@dataclass(frozen=True)
class Standard:
    code: str
    label: str | Promise
    unit: Unit
    stricter: Stricter
    network_default: int
    maximum: int  # the largest value that makes sense, to refuse typing mistakes

    def is_stricter_or_equal(self, value: int, than: int) -> bool:
        return value <= than if self.stricter is Stricter.LOWER else value >= than

    def in_minutes(self, value: int) -> int:
        """A time limit in minutes (protocol steps count from the call in minutes)."""
        return value * {Unit.MINUTES: 1, Unit.HOURS: 60, Unit.DAYS: 24 * 60}[self.unit]

    def strictest(self, values: list[int]) -> int:
        return min(values) if self.stricter is Stricter.LOWER else max(values)


_DAY = 24 * 60

# Targets marked "proposed" in shared/domain.md are Crisisline's; the others come from the sources it names.
STANDARDS: tuple[Standard, ...] = (
    Standard(
        "first_contact.sexual_violence",
        _("First contact after sexual violence"),
        Unit.MINUTES,
        Stricter.LOWER,
        60,
        7 * _DAY,
    ),
    Standard(
        "first_contact.physical_violence",
        _("First contact after physical violence"),
        Unit.MINUTES,
        Stricter.LOWER,
        _DAY,
        7 * _DAY,
    ),
    Standard(
        "first_contact.arrest",
        _("Team and lawyer at the police station after an arrest"),
        Unit.MINUTES,
        Stricter.LOWER,
        120,
        7 * _DAY,
    ),
    Standard(
        "first_contact.police_harassment",
        _("First contact after police harassment or extortion"),
        Unit.MINUTES,
        Stricter.LOWER,
        _DAY,
        7 * _DAY,
    ),
    Standard(
        "first_contact.suicide_risk",
        _("Action on a suicide risk (0 = on the same call)"),
        Unit.MINUTES,
        Stricter.LOWER,
        0,
        _DAY,
    ),
    Standard(
        "first_contact.partner_family_violence",
        _("First contact after violence by a partner or family"),
        Unit.MINUTES,
        Stricter.LOWER,
        _DAY,
        7 * _DAY,
    ),
    Standard(
        "first_contact.client_goon_violence",
        _("First contact after violence by a client or goons"),
        Unit.MINUTES,
        Stricter.LOWER,
        _DAY,
        7 * _DAY,
    ),
    Standard(
        "first_contact.family_community_conflict",
        _("First contact in a family or community conflict"),
        Unit.MINUTES,
        Stricter.LOWER,
        2 * _DAY,
        14 * _DAY,
    ),
    Standard(
        "first_contact.health_emergency",
        _("First contact in a health emergency"),
        Unit.MINUTES,
        Stricter.LOWER,
        60,
        7 * _DAY,
    ),
    Standard(
        "first_contact.other",
        _("First contact in any other crisis"),
        Unit.MINUTES,
        Stricter.LOWER,
        _DAY,
        14 * _DAY,
    ),
    Standard(
        "care.pep",
        _("HIV post-exposure prophylaxis (PEP) after rape, at the latest"),
        Unit.HOURS,
        Stricter.LOWER,
        72,
        72,
    ),
    Standard(
        "care.emergency_contraception",
        _("Emergency contraception after rape, at the latest"),
        Unit.HOURS,
        Stricter.LOWER,
        120,
        120,
    ),
    Standard(
        "legal.magistrate",
        _("Production before a magistrate after arrest"),
        Unit.HOURS,
        Stricter.LOWER,
        24,
        24,
    ),
    Standard(
        "child.report",
        _("Report to the Child Welfare Committee when a child is involved"),
        Unit.HOURS,
        Stricter.LOWER,
        24,
        24,
    ),
    Standard(
        "documentation.complete",
        _("Incident documentation complete"),
        Unit.HOURS,
        Stricter.LOWER,
        24,
        30 * 24,
    ),
    Standard("follow_up.first", _("First follow-up after the crisis"), Unit.DAYS, Stricter.LOWER, 7, 90),
    Standard(
        "redress.within_day", _("Crises redressed within a day"), Unit.PERCENT, Stricter.HIGHER, 60, 100
    ),
)

BY_CODE: dict[str, Standard] = {standard.code: standard for standard in STANDARDS}


def format_value(standard: Standard, value: int) -> str:
    """'45 min', '1 h', '72 h', '2 days', '60 %': short enough for a phone screen."""
    if standard.unit is Unit.PERCENT:
        return f"{value} %"
    if standard.unit is Unit.DAYS:
        return str(_("%(n)s days") % {"n": value})
    if standard.unit is Unit.HOURS:
        return str(_("%(n)s h") % {"n": value})
    if value >= 48 * 60 and value % (24 * 60) == 0:
        return str(_("%(n)s days") % {"n": value // (24 * 60)})
    if value and value % 60 == 0:
        return str(_("%(n)s h") % {"n": value // 60})
    return str(_("%(n)s min") % {"n": value})
