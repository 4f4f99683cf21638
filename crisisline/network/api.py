"""Read-only API for the network: states, districts, organisations, teams and their minimum standards."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from crisisline.api.base import ErrorOut, PageQuery, page_of, paginate
from crisisline.network.models import District, Organisation, State, Team
from crisisline.network.selectors import (
    EffectiveStandard,
    effective_standards,
    effective_standards_for_teams,
    network_standard_values,
)
from crisisline.network.standards import STANDARDS
from crisisline.people.policy import Action, can, require, scope

router = Router(tags=["network"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class StateOut(Schema):
    code: str
    name: str


class DistrictOut(Schema):
    code: str
    name: str
    state: str = Field(description="state code")


class OrganisationOut(Schema):
    code: str
    name: str
    district: str = Field(description="district code")


class ChainLinkOut(Schema):
    level: str
    name: str
    value: int | None


class EffectiveStandardOut(Schema):
    code: str
    label: str
    unit: str
    stricter: str = Field(description="'lower' for time limits, 'higher' for shares to reach")
    value: int
    display: str
    source_level: str = Field(description="network, state, organisation or team: whose value binds")
    chain: list[ChainLinkOut]


class TeamOut(Schema):
    code: str
    name: str
    organisation: str = Field(description="organisation code")
    district: str = Field(description="district code")
    state: str = Field(description="state code")
    time_zone: str
    languages: list[str]


class TeamDetailOut(TeamOut):
    helplines: list[str] = Field(description="E.164 numbers people call to reach the team")
    localities: list[str] | None = Field(
        description="the places the team covers; null unless the reader is in the team or an administrator"
    )
    effective_standards: list[EffectiveStandardOut]


class TeamWithStandardsOut(TeamOut):
    effective_standards: list[EffectiveStandardOut]


class StandardOut(Schema):
    code: str
    label: str
    unit: str
    stricter: str
    network_default: int = Field(description="the built-in value, used while the network has set none")
    network_value: int = Field(description="the network's current value: what binds before local tightening")
    maximum: int


def _standard_out(item: EffectiveStandard) -> dict:
    return {
        "code": item.standard.code,
        "label": str(item.standard.label),
        "unit": item.standard.unit.value,
        "stricter": item.standard.stricter.value,
        "value": item.value,
        "display": item.display,
        "source_level": item.source.level.value,
        "chain": [{"level": link.level.value, "name": link.name, "value": link.value} for link in item.chain],
    }


def _team_out(team: Team) -> dict:
    return {
        "code": team.code,
        "name": team.name,
        "organisation": team.organisation.code,
        "district": team.organisation.district.code,
        "state": team.organisation.district.state.code,
        "time_zone": team.time_zone,
        "languages": team.languages,
    }


def _visible(request, queryset):
    require(request.auth, Action.NETWORK_VIEW)
    return scope(request.auth, Action.NETWORK_VIEW, queryset)


def _one(queryset, code: str, what: str):
    found = queryset.filter(code=code).first()
    if found is None:
        raise Http404(_("No %(what)s with code %(code)s.") % {"what": what, "code": code})
    return found


@router.get("/states", response={200: page_of(StateOut), **ERRORS}, summary="List states")
def state_list(request, paging: Query[PageQuery]):
    return paginate(_visible(request, State.objects.order_by("code")), paging)


@router.get("/states/{code}", response={200: StateOut, **ERRORS}, summary="One state")
def state_read(request, code: str):
    return _one(_visible(request, State.objects.all()), code, _("state"))


@router.get("/districts", response={200: page_of(DistrictOut), **ERRORS}, summary="List districts")
def district_list(request, paging: Query[PageQuery], state: str | None = None):
    districts = _visible(request, District.objects.select_related("state").order_by("code"))
    if state is not None:
        _one(_visible(request, State.objects.all()), state, _("state"))
        districts = districts.filter(state__code=state)
    page = paginate(districts, paging)
    page["items"] = [{"code": d.code, "name": d.name, "state": d.state.code} for d in page["items"]]
    return page


@router.get("/districts/{code}", response={200: DistrictOut, **ERRORS}, summary="One district")
def district_read(request, code: str):
    district = _one(_visible(request, District.objects.select_related("state")), code, _("district"))
    return {"code": district.code, "name": district.name, "state": district.state.code}


@router.get(
    "/organisations", response={200: page_of(OrganisationOut), **ERRORS}, summary="List organisations"
)
def organisation_list(
    request, paging: Query[PageQuery], district: str | None = None, state: str | None = None
):
    organisations = _visible(request, Organisation.objects.select_related("district").order_by("code"))
    if district is not None:
        _one(_visible(request, District.objects.all()), district, _("district"))
        organisations = organisations.filter(district__code=district)
    if state is not None:
        _one(_visible(request, State.objects.all()), state, _("state"))
        organisations = organisations.filter(district__state__code=state)
    page = paginate(organisations, paging)
    page["items"] = [{"code": o.code, "name": o.name, "district": o.district.code} for o in page["items"]]
    return page


@router.get("/organisations/{code}", response={200: OrganisationOut, **ERRORS}, summary="One organisation")
def organisation_read(request, code: str):
    organisation = _one(
        _visible(request, Organisation.objects.select_related("district")), code, _("organisation")
    )
    return {"code": organisation.code, "name": organisation.name, "district": organisation.district.code}


@router.get(
    "/teams",
    response={200: page_of(TeamWithStandardsOut), **ERRORS},
    summary="List teams with their effective minimum standards",
)
def team_list(
    request,
    paging: Query[PageQuery],
    state: str | None = None,
    district: str | None = None,
    organisation: str | None = None,
):
    teams = _visible(request, Team.objects.select_related("organisation__district__state").order_by("code"))
    for value, model, what, lookup in (
        (state, State, _("state"), "organisation__district__state__code"),
        (district, District, _("district"), "organisation__district__code"),
        (organisation, Organisation, _("organisation"), "organisation__code"),
    ):
        if value is not None:
            _one(_visible(request, model.objects.all()), value, what)
            teams = teams.filter(**{lookup: value})
    page = paginate(teams, paging)
    standards = effective_standards_for_teams(page["items"])
    page["items"] = [
        _team_out(team) | {"effective_standards": [_standard_out(s) for s in standards[team.pk]]}
        for team in page["items"]
    ]
    return page


@router.get("/teams/{code}", response={200: TeamDetailOut, **ERRORS}, summary="One team, with its standards")
def team_read(request, code: str):
    teams = _visible(request, Team.objects.select_related("organisation__district__state"))
    team = _one(teams.prefetch_related("helplines"), code, _("team"))
    localities = None
    if can(request.auth, Action.LOCALITIES_VIEW, team):
        localities = list(
            scope(request.auth, Action.LOCALITIES_VIEW, team.localities.all()).values_list("name", flat=True)
        )
    return _team_out(team) | {
        "helplines": [h.number for h in team.helplines.all()],
        "localities": localities,
        "effective_standards": [_standard_out(s) for s in effective_standards(team)],
    }


@router.get(
    "/standards", response={200: list[StandardOut], **ERRORS}, summary="The minimum standards that exist"
)
def standard_list(request):
    require(request.auth, Action.NETWORK_VIEW)
    network_values = network_standard_values()
    return [
        {
            "code": s.code,
            "label": str(s.label),
            "unit": s.unit.value,
            "stricter": s.stricter.value,
            "network_default": s.network_default,
            "network_value": network_values.get(s.code, s.network_default),
            "maximum": s.maximum,
        }
        for s in STANDARDS
    ]
