"""A team is saved whole or not at all; every bad field is named, and phone numbers are never echoed."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from crisisline.network.models import Helpline, Locality, Team
from crisisline.network.services import NetworkError, TeamDraft, team_create


def draft(network, **changes):
    values = {
        "organisation": network["organisation"],
        "code": "ka-mys-03",
        "name": "Mysuru Railway Station",
        "languages": ["kn", "hi"],
        "helplines": ["098450 12345"],
        "localities": [("Railway colony", "street"), ("Station road lodges", "lodge")],
    }
    return TeamDraft(**(values | changes))


def test_a_valid_team_is_saved_with_normalised_code_and_numbers(network):
    team = team_create(draft=draft(network))
    assert team.code == "KA-MYS-03"
    assert list(team.helplines.values_list("number", flat=True)) == ["+919845012345"]
    assert sorted(team.localities.values_list("kind", flat=True)) == ["lodge", "street"]


def test_every_bad_field_is_named_and_nothing_is_saved(network):
    before = (Team.objects.count(), Helpline.objects.count(), Locality.objects.count())
    bad = draft(
        network,
        code="mysuru team!",
        name=" ",
        time_zone="India/Mysuru",
        languages=["klingon"],
        helplines=["98450 12345", "12345"],
        localities=[("", "street"), ("Lane", "castle")],
    )
    with pytest.raises(NetworkError) as refused:
        team_create(draft=bad)
    assert set(refused.value.fields) == {
        "code",
        "name",
        "time_zone",
        "languages",
        "helplines[2]",
        "localities[1]",
        "localities[2]",
    }
    assert "12345" not in str(refused.value.fields)
    assert (Team.objects.count(), Helpline.objects.count(), Locality.objects.count()) == before


def test_a_duplicate_code_or_a_number_of_another_team_is_refused_whole(network):
    with pytest.raises(NetworkError) as duplicate_code:
        team_create(draft=draft(network, code="KA-MYS-01"))
    assert "code" in duplicate_code.value.fields
    taken = network["teams"]["madurai"].helplines.get().number
    with pytest.raises(NetworkError) as taken_number:
        team_create(draft=draft(network, helplines=[taken]))
    assert set(taken_number.value.fields) == {"helplines"}
    assert not Team.objects.filter(code="KA-MYS-03").exists()


def test_the_same_number_twice_is_refused(network):
    with pytest.raises(NetworkError) as refused:
        team_create(draft=draft(network, helplines=["9845012345", "+91 98450 12345"]))
    assert "helplines" in refused.value.fields


def test_the_command_reports_each_problem_and_unknown_codes(network):
    with pytest.raises(CommandError, match="No organisation with code NOPE"):
        call_command("team", "create", "--organisation", "NOPE", "--code", "X1", "--name", "X")
    with pytest.raises(CommandError, match=r"helplines\[1\]: This phone number is not valid"):
        call_command(
            "team", "create", "--organisation", "KA-MYS-O1", "--code", "KA-MYS-09", "--name", "X",
            "--helpline", "+91 02345 67890",
        )  # fmt: skip
    assert not Team.objects.filter(code="KA-MYS-09").exists()
    call_command(
        "team", "create", "--organisation", "KA-MYS-O1", "--code", "KA-MYS-09", "--name", "Mysuru Fort",
        "--language", "kn", "--helpline", "9845012345", "--locality", "Fort road:street",
    )  # fmt: skip
    assert Team.objects.get(code="KA-MYS-09").localities.get().name == "Fort road"


def test_the_standards_command_shows_and_sets(network, capsys):
    call_command("standards", "set", "first_contact.sexual_violence", "30", "--team", "KA-MYS-01")
    call_command("standards", "show", "--team", "KA-MYS-01")
    shown = capsys.readouterr().out
    assert (
        "first_contact.sexual_violence" in shown
        and "30 min" in shown
        and "set by team: Mysuru Bus Stand" in shown
    )
    with pytest.raises(CommandError, match="not loosen"):
        call_command("standards", "set", "first_contact.sexual_violence", "90", "--state", "KA")
    with pytest.raises(CommandError, match="No team with code XX-01"):
        call_command("standards", "show", "--team", "XX-01")
