"""Minimum standards: set for the network, tightened (never loosened) below, effective from the chain."""

import pytest

from crisisline.network.models import StandardValue
from crisisline.network.selectors import effective_standards, effective_standards_for_teams
from crisisline.network.services import NetworkError, standard_set
from crisisline.network.standards import BY_CODE, STANDARDS, Level, format_value

SV = "first_contact.sexual_violence"  # minutes, lower is stricter, network default 60
REDRESS = "redress.within_day"  # percent, higher is stricter, network default 60


def effective(team, code):
    return next(item for item in effective_standards(team) if item.standard.code == code)


def test_without_any_row_every_team_has_the_network_defaults(network):
    team = network["teams"]["mysuru"]
    items = effective_standards(team)
    assert [item.standard.code for item in items] == [s.code for s in STANDARDS]
    assert all(item.value == item.standard.network_default for item in items)
    assert all(item.source.level is Level.NETWORK for item in items)


def test_each_level_may_tighten_and_the_strictest_binds_with_its_source(network):
    team = network["teams"]["mysuru"]
    standard_set(code=SV, value=50, at=network["states"]["KA"])
    standard_set(code=SV, value=45, at=network["organisation"])
    standard_set(code=SV, value=30, at=team)
    item = effective(team, SV)
    assert item.value == 30 and item.source.level is Level.TEAM and item.source.name == "Mysuru Bus Stand"
    assert [(link.level, link.value) for link in item.chain] == [
        (Level.NETWORK, 60),
        (Level.STATE, 50),
        (Level.ORGANISATION, 45),
        (Level.TEAM, 30),
    ]
    # The organisation's other team gets the organisation's value; a team in another state, the network's.
    assert effective(network["teams"]["mysuru2"], SV).value == 45
    assert effective(network["teams"]["madurai"], SV).value == 60


def test_a_looser_local_value_is_refused_and_nothing_is_written(network):
    standard_set(code=SV, value=40, at=network["states"]["KA"])
    with pytest.raises(NetworkError, match=r"may tighten a minimum standard but not loosen it.*40 min"):
        standard_set(code=SV, value=45, at=network["teams"]["mysuru"])
    with pytest.raises(NetworkError, match="not loosen"):
        standard_set(code=REDRESS, value=50, at=network["organisation"])
    assert not StandardValue.objects.filter(team__isnull=False).exists()
    assert not StandardValue.objects.filter(organisation__isnull=False).exists()


def test_for_a_share_higher_is_stricter(network):
    standard_set(code=REDRESS, value=75, at=network["teams"]["belagavi"])
    item = effective(network["teams"]["belagavi"], REDRESS)
    assert (item.value, item.source.level, item.display) == (75, Level.TEAM, "75 %")


def test_a_later_tightening_by_the_network_overtakes_an_older_local_value(network):
    team = network["teams"]["mysuru"]
    standard_set(code=SV, value=45, at=team)
    standard_set(code=SV, value=30)  # the network tightens for everyone
    item = effective(team, SV)
    assert item.value == 30 and item.source.level is Level.NETWORK
    assert [link.level for link in item.overridden] == [Level.TEAM]


def test_an_equal_local_value_leaves_the_level_above_as_the_source(network):
    standard_set(code=SV, value=60, at=network["teams"]["mysuru"])
    assert effective(network["teams"]["mysuru"], SV).source.level is Level.NETWORK


def test_unknown_standard_and_out_of_range_values_are_refused(network):
    with pytest.raises(NetworkError, match="Unknown standard"):
        standard_set(code="first_contact.unicorns", value=10)
    with pytest.raises(NetworkError, match="between 0 and 72"):
        standard_set(code="care.pep", value=96)
    assert not StandardValue.objects.exists()


def test_setting_again_replaces_the_value_at_that_level(network, administrator):
    standard_set(code=SV, value=50, at=network["states"]["KA"], by=administrator, note="state board decision")
    standard_set(code=SV, value=40, at=network["states"]["KA"], by=administrator)
    row = StandardValue.objects.get(code=SV, state=network["states"]["KA"])
    assert row.value == 40 and row.set_by == administrator


def test_many_teams_are_resolved_with_a_fixed_number_of_queries(network, django_assert_num_queries):
    standard_set(code=SV, value=30, at=network["teams"]["mysuru"])
    teams = list(type(network["teams"]["mysuru"]).objects.all())  # fresh: no parents loaded
    with django_assert_num_queries(2):  # the teams' chain of parents, then all their values
        result = effective_standards_for_teams(teams)
    assert {pk: len(items) for pk, items in result.items()} == {t.pk: len(STANDARDS) for t in teams}


@pytest.mark.parametrize(
    ("code", "value", "shown"),
    [
        (SV, 60, "1 h"),
        (SV, 45, "45 min"),
        (SV, 2880, "2 days"),
        ("care.pep", 72, "72 h"),
        ("follow_up.first", 7, "7 days"),
    ],
)
def test_values_are_shown_in_words_a_phone_screen_fits(code, value, shown):
    assert format_value(BY_CODE[code], value) == shown
