import pytest

from conftest import make_person
from crisisline.crises.services import Intake, crisis_open


@pytest.fixture
def team(network):
    return network["teams"]["mysuru"]


@pytest.fixture
def lead(team):
    return make_person("lead", ("team_lead", team))


@pytest.fixture
def responder(team):
    return make_person("rekha", ("responder", team))


@pytest.fixture
def open_crisis(team, person):
    def _open(crisis_type="sexual_violence", **fields):
        return crisis_open(team=team, intake=Intake(crisis_type=crisis_type, **fields), by=person).crisis

    return _open
