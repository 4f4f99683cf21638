"""What reads the network: teams and their effective minimum standards."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from crisisline.network.models import StandardValue, Team
from crisisline.network.standards import STANDARDS, Level, Standard, format_value


@dataclass(frozen=True)
class ChainLink:
    level: Level
    name: str
    value: int | None  # None: this level sets nothing of its own


@dataclass(frozen=True)
class EffectiveStandard:
    standard: Standard
    value: int
    source: ChainLink  # the level whose value binds
    chain: tuple[ChainLink, ...]  # network > state > organisation > team

    @property
    def display(self) -> str:
        return format_value(self.standard, self.value)

    @property
    def overridden(self) -> tuple[ChainLink, ...]:
        """Local values that a stricter value higher up has since overtaken."""
        return tuple(
            link
            for link in self.chain
            if link.value is not None and link is not self.source and link.value != self.value
        )


def _teams_with_chain(teams: Iterable[Team]) -> list[Team]:
    teams = list(teams)
    missing = [t.pk for t in teams if "organisation" not in t._state.fields_cache]
    if missing:
        loaded = Team.objects.select_related("organisation__district__state").in_bulk(missing)
        teams = [loaded.get(t.pk, t) for t in teams]
    return teams


def effective_standards_for_teams(teams: Iterable[Team]) -> dict[int, list[EffectiveStandard]]:
    """Effective standards of many teams with one query for all their values."""
    teams = _teams_with_chain(teams)
    if not teams:
        return {}
    state_ids = {t.organisation.district.state_id for t in teams}
    org_ids = {t.organisation_id for t in teams}
    team_ids = {t.pk for t in teams}
    rows = StandardValue.objects.filter(
        Q(state__isnull=True, organisation__isnull=True, team__isnull=True)
        | Q(state_id__in=state_ids)
        | Q(organisation_id__in=org_ids)
        | Q(team_id__in=team_ids)
    ).values_list("code", "value", "state_id", "organisation_id", "team_id")
    network: dict[str, int] = {}
    by_level: dict[tuple[Level, int], dict[str, int]] = defaultdict(dict)
    for code, value, state_id, org_id, team_id in rows:
        if state_id:
            by_level[(Level.STATE, state_id)][code] = value
        elif org_id:
            by_level[(Level.ORGANISATION, org_id)][code] = value
        elif team_id:
            by_level[(Level.TEAM, team_id)][code] = value
        else:
            network[code] = value

    result: dict[int, list[EffectiveStandard]] = {}
    for team in teams:
        org = team.organisation
        state = org.district.state
        levels = (
            (Level.NETWORK, "", network),  # a code the network has no row for binds at its default
            (Level.STATE, state.name, by_level.get((Level.STATE, state.pk), {})),
            (Level.ORGANISATION, org.name, by_level.get((Level.ORGANISATION, org.pk), {})),
            (Level.TEAM, team.name, by_level.get((Level.TEAM, team.pk), {})),
        )
        result[team.pk] = [_resolve(standard, levels) for standard in STANDARDS]
    return result


def _resolve(standard: Standard, levels) -> EffectiveStandard:
    chain = []
    source: ChainLink | None = None
    for level, name, values in levels:
        value = values.get(standard.code, standard.network_default if level is Level.NETWORK else None)
        link = ChainLink(level=level, name=name, value=value)
        chain.append(link)
        # Only a strictly stricter value takes over: an equal value lower down leaves the level above binding.
        if value is not None and (
            source is None or (value != source.value and standard.is_stricter_or_equal(value, source.value))
        ):
            source = link
    assert source is not None  # the network level always has a value
    return EffectiveStandard(standard=standard, value=source.value, source=source, chain=tuple(chain))


def effective_standards(team: Team) -> list[EffectiveStandard]:
    return effective_standards_for_teams([team])[team.pk]


def parent_effective_value(standard: Standard, *, organisation=None, team=None) -> int:
    """The strictest value above a level (state: pass neither; organisation; team): what a new value at
    that level must not loosen."""
    rows = StandardValue.objects.filter(code=standard.code)
    network = rows.filter(state__isnull=True, organisation__isnull=True, team__isnull=True).first()
    values = [standard.network_default if network is None else network.value]
    local = Q(pk__in=[])
    if organisation is not None:
        local |= Q(state_id=organisation.district.state_id)
    if team is not None:
        local |= Q(state_id=team.organisation.district.state_id) | Q(organisation_id=team.organisation_id)
    values += rows.filter(local).values_list("value", flat=True)
    return standard.strictest(values)


def network_standard_values() -> dict[str, int]:
    """The network's own value of each standard (its built-in default where the network has set none)."""
    rows = StandardValue.objects.filter(state__isnull=True, organisation__isnull=True, team__isnull=True)
    values = dict(rows.values_list("code", "value"))
    return {standard.code: values.get(standard.code, standard.network_default) for standard in STANDARDS}
