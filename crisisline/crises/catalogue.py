"""The crisis types the network starts with, and their response protocols (shared/domain.md).

Each step's target is measured from the call. Where a minimum standard governs a step, the step takes the
team's effective value of that standard (network/standards.py), so a team that tightened its standard gets
the tighter due time and no protocol can be looser than the standard."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Urgency:
    IMMEDIATE = "immediate"  # danger now: act on this call
    URGENT = "urgent"  # within the hour or two
    TODAY = "today"  # within the day
    ROUTINE = "routine"  # within days

    CHOICES = [
        (IMMEDIATE, _("Immediate danger")),
        (URGENT, _("Urgent")),
        (TODAY, _("Today")),
        (ROUTINE, _("Can wait")),
    ]
    ORDER = {IMMEDIATE: 0, URGENT: 1, TODAY: 2, ROUTINE: 3}


class Gbvims:
    """The six GBVIMS core incident types; arrest/detention and extortion are outside them."""

    RAPE = "rape"
    SEXUAL_ASSAULT = "sexual_assault"
    PHYSICAL_ASSAULT = "physical_assault"
    FORCED_MARRIAGE = "forced_marriage"
    DENIAL = "denial_of_resources"
    PSYCHOLOGICAL = "psychological_abuse"
    NONE = ""

    CHOICES = [
        (RAPE, _("Rape")),
        (SEXUAL_ASSAULT, _("Sexual assault")),
        (PHYSICAL_ASSAULT, _("Physical assault")),
        (FORCED_MARRIAGE, _("Forced marriage")),
        (DENIAL, _("Denial of resources, opportunities or services")),
        (PSYCHOLOGICAL, _("Psychological or emotional abuse")),
        (NONE, _("Not a GBVIMS type")),
    ]


@dataclass(frozen=True)
class Step:
    code: str
    label: str | Promise
    minutes: int | None = None  # target from the call, when no standard governs it
    standard: str = ""  # the minimum standard whose effective value is the target


@dataclass(frozen=True)
class CrisisKind:
    code: str
    label: str | Promise
    icon: str  # a file in crises/static/crises/icons/
    gbvims: str
    urgency: str
    steps: tuple[Step, ...]
    intake: bool = True  # offered as a button at intake (a call back is opened by a missed call instead)


_H = 60
_D = 24 * _H

BUILT_IN: tuple[CrisisKind, ...] = (
    CrisisKind("sexual_violence", _("Sexual violence"), "sexual", Gbvims.RAPE, Urgency.IMMEDIATE, (
        Step("first_contact", _("First contact with her"), standard="first_contact.sexual_violence"),
        Step("medical_care", _("Reach medical care"), minutes=2 * _H),
        Step("pep", _("PEP started (HIV prevention)"), standard="care.pep"),
        Step("emergency_contraception", _("Emergency contraception"), standard="care.emergency_contraception"),
        Step("counselling", _("Counselling offered"), minutes=2 * _D),
        Step("legal_support", _("Legal support offered"), minutes=2 * _D),
        Step("documented", _("Incident documented"), standard="documentation.complete"),
    )),
    CrisisKind("physical_violence", _("Physical violence"), "physical", Gbvims.PHYSICAL_ASSAULT, Urgency.URGENT, (
        Step("first_contact", _("First contact with her"), standard="first_contact.physical_violence"),
        Step("medical_care", _("Medical care and injuries recorded"), minutes=_D),
        Step("legal_support", _("Legal support offered"), minutes=2 * _D),
        Step("documented", _("Incident documented"), standard="documentation.complete"),
    )),
    CrisisKind("arrest", _("Arrest, detention or raid"), "arrest", Gbvims.NONE, Urgency.IMMEDIATE, (
        Step("at_station", _("Team and lawyer at the police station"), standard="first_contact.arrest"),
        Step("grounds_told", _("Grounds of arrest told (BNSS s47)"), minutes=4 * _H),
        Step("magistrate", _("Produced before a magistrate (BNSS s58)"), standard="legal.magistrate"),
        Step("bail", _("Bail applied for"), minutes=2 * _D),
        Step("documented", _("Incident documented"), standard="documentation.complete"),
    )),
    CrisisKind("police_harassment", _("Police harassment or extortion"), "police", Gbvims.NONE, Urgency.TODAY, (
        Step("first_contact", _("First contact with her"), standard="first_contact.police_harassment"),
        Step("documented", _("Documented the same day"), standard="documentation.complete"),
        Step("escalated", _("Taken to the lawyer or advocacy group"), minutes=3 * _D),
    )),
    CrisisKind("suicide_risk", _("Suicide risk"), "suicide", Gbvims.PSYCHOLOGICAL, Urgency.IMMEDIATE, (
        Step("stay_on_call", _("Stayed with her on the call"), standard="first_contact.suicide_risk"),
        Step("connected", _("Connected to Tele-MANAS 14416 or 112"), minutes=30),
        Step("visit", _("Someone with her in person"), minutes=3 * _H),
        Step("follow_up", _("Follow-up call"), minutes=_D),
    )),
    CrisisKind("partner_family_violence", _("Violence by partner or family"), "home", Gbvims.PHYSICAL_ASSAULT,
               Urgency.URGENT, (
        Step("first_contact", _("First contact with her"), standard="first_contact.partner_family_violence"),
        Step("safety_plan", _("Safety plan made"), minutes=2 * _D),
        Step("shelter", _("Shelter offered if needed"), minutes=2 * _D),
        Step("documented", _("Incident documented"), standard="documentation.complete"),
    )),
    CrisisKind("client_goon_violence", _("Violence by a client or goons"), "goons", Gbvims.PHYSICAL_ASSAULT,
               Urgency.URGENT, (
        Step("first_contact", _("First contact with her"), standard="first_contact.client_goon_violence"),
        Step("medical_care", _("Medical care if hurt"), minutes=_D),
        Step("safety_alert", _("Community warned (with her consent)"), minutes=2 * _D),
        Step("documented", _("Incident documented"), standard="documentation.complete"),
    )),
    CrisisKind("family_community_conflict", _("Family or community conflict"), "community", Gbvims.DENIAL,
               Urgency.ROUTINE, (
        Step("first_contact", _("First contact with her"), standard="first_contact.family_community_conflict"),
        Step("mediation", _("Mediation or social services"), minutes=7 * _D),
        Step("documented", _("Incident documented"), standard="documentation.complete"),
    )),
    CrisisKind("health_emergency", _("Health emergency"), "health", Gbvims.NONE, Urgency.IMMEDIATE, (
        Step("first_contact", _("First contact with her"), standard="first_contact.health_emergency"),
        Step("medical_care", _("Reach medical care"), minutes=2 * _H),
        Step("documented", _("Incident documented"), standard="documentation.complete"),
    )),
    CrisisKind("other", _("Other crisis"), "other", Gbvims.NONE, Urgency.TODAY, (
        Step("first_contact", _("First contact with her"), standard="first_contact.other"),
        Step("documented", _("Incident documented"), standard="documentation.complete"),
    )),
    CrisisKind("call_back", _("Call back: missed call or SMS"), "callback", Gbvims.NONE, Urgency.URGENT, (
        Step("call_back", _("Call her back"), minutes=15),
    ), intake=False),
)  # fmt: skip

BY_CODE = {kind.code: kind for kind in BUILT_IN}
