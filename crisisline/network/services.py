"""What changes the network: teams, their helplines and localities, and the minimum standards."""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from crisisline.audit.services import audit_record
from crisisline.lib.phones import InvalidPhoneNumber, to_e164
from crisisline.network.languages import TEAM_LANGUAGES
from crisisline.network.models import Helpline, Locality, Organisation, StandardValue, State, Team
from crisisline.network.selectors import parent_effective_value
from crisisline.network.standards import BY_CODE, LEVEL_LABELS, Level, format_value
from crisisline.people.models import Person


class NetworkError(Exception):
    """A change to the network was refused. `fields` names each bad field with its message."""

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


TEAM_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,23}$")


@dataclass
class TeamDraft:
    organisation: Organisation
    code: str
    name: str
    time_zone: str = "Asia/Kolkata"
    languages: list[str] = field(default_factory=lambda: ["hi"])
    helplines: list[str] = field(default_factory=list)
    localities: list[tuple[str, str]] = field(default_factory=list)  # (name, Locality.Kind)


def team_validate(draft: TeamDraft) -> dict[str, str]:
    """Every problem with a new team, by field. Empty when it can be saved. Also normalises helplines."""
    problems: dict[str, str] = {}
    draft.code = draft.code.strip().upper()
    if not TEAM_CODE.match(draft.code):
        problems["code"] = _("A team code is 2 to 24 capital letters, digits or dashes, such as KA-BLR-03.")
    if not draft.name.strip():
        problems["name"] = _("A team needs a name.")
    try:
        zoneinfo.ZoneInfo(draft.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        problems["time_zone"] = _("Not a time zone; use a name such as Asia/Kolkata.")
    unknown = [code for code in draft.languages if code not in TEAM_LANGUAGES]
    if not draft.languages or unknown:
        problems["languages"] = _("Choose one or more of: %(codes)s.") % {"codes": ", ".join(TEAM_LANGUAGES)}
    numbers = []
    for position, text in enumerate(draft.helplines, start=1):
        try:
            numbers.append(to_e164(text))
        except InvalidPhoneNumber as error:
            problems[f"helplines[{position}]"] = str(error)
    if len(set(numbers)) != len(numbers):
        problems["helplines"] = _("The same helpline number is given twice.")
    draft.helplines = numbers
    kinds = set(Locality.Kind.values)
    for position, (name, kind) in enumerate(draft.localities, start=1):
        if not name.strip() or kind not in kinds:
            problems[f"localities[{position}]"] = _(
                "A locality needs a name and one of the kinds: %(kinds)s."
            ) % {"kinds": ", ".join(sorted(kinds))}
    return problems


def team_create(*, draft: TeamDraft, by: Person | None = None, request=None) -> Team:
    """A new team with its helplines and localities, saved whole or not at all."""
    problems = team_validate(draft)
    if problems:
        raise NetworkError(_("The team was not saved."), problems)
    try:
        with transaction.atomic():
            team = Team.objects.create(
                organisation=draft.organisation,
                code=draft.code,
                name=draft.name.strip(),
                time_zone=draft.time_zone,
                languages=draft.languages,
            )
            Helpline.objects.bulk_create(Helpline(team=team, number=number) for number in draft.helplines)
            Locality.objects.bulk_create(
                Locality(team=team, name=name.strip(), kind=kind) for name, kind in draft.localities
            )
            audit_record(
                actor=by,
                action="team.create",
                obj=team,
                request=request,
                details={"helplines": len(draft.helplines), "localities": len(draft.localities)},
            )
    except IntegrityError:
        # Two separate causes, both already in the database: say which without echoing a number.
        if Team.objects.filter(code=draft.code).exists():
            raise NetworkError(
                _("The team was not saved."), {"code": _("A team with this code exists.")}
            ) from None
        raise NetworkError(
            _("The team was not saved."),
            {"helplines": _("A helpline number belongs to another team already.")},
        ) from None
    return team


def standard_set(
    *,
    code: str,
    value: int,
    at: State | Organisation | Team | None = None,
    by: Person | None = None,
    note: str = "",
    request=None,
) -> StandardValue:
    """Set a minimum standard for the network (at=None) or tighten it for a state, organisation or team.

    A local value looser than what the levels above require is refused: minimum standards are minimums."""
    standard = BY_CODE.get(code)
    if standard is None:
        raise NetworkError(_("Unknown standard %(code)s.") % {"code": code}, {"code": _("Unknown standard.")})
    if not 0 <= value <= standard.maximum:
        raise NetworkError(
            _("The value must be between 0 and %(max)s.") % {"max": standard.maximum},
            {"value": _("Out of range.")},
        )
    scope: dict[str, object] = {"state": None, "organisation": None, "team": None}
    if at is not None:
        level = (
            Level.STATE
            if isinstance(at, State)
            else Level.ORGANISATION
            if isinstance(at, Organisation)
            else Level.TEAM
        )
        scope[level.value] = at
        parent = parent_effective_value(
            standard,
            organisation=at if level is Level.ORGANISATION else None,
            team=at if level is Level.TEAM else None,
        )
        if not standard.is_stricter_or_equal(value, parent):
            raise NetworkError(
                _(
                    "A %(level)s may tighten a minimum standard but not loosen it: "
                    "%(label)s must be %(required)s or stricter."
                )
                % {
                    "level": LEVEL_LABELS[level],
                    "label": standard.label,
                    "required": format_value(standard, parent),
                },
                {"value": _("Looser than the standard above.")},
            )
    with transaction.atomic():
        row, _created = StandardValue.objects.update_or_create(
            code=code, **scope, defaults={"value": value, "note": note[:200], "set_by": by}
        )
        audit_record(
            actor=by,
            action="standard.set",
            obj=row,
            team=at if isinstance(at, Team) else None,
            request=request,
            reason=note,
            details={
                "code": code,
                "value": value,
                "level": Level.NETWORK.value if at is None else level.value,
            },
        )
    return row
