"""Demo data: real state and district names, deterministic for a seed, loaded in bulk with a progress bar."""

import json
import subprocess
import sys
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from crisisline.lib.phones import is_demo_number
from crisisline.network.demo import INDIA, DemoError, DemoSize, demo_build
from crisisline.network.models import District, Helpline, Organisation, StandardValue, State, Team
from crisisline.network.selectors import effective_standards_for_teams
from crisisline.people.models import Person, Role

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "teams": list(
            Team.objects.order_by("code").values_list("code", "name", "languages", "organisation__code")
        ),
        "helplines": list(Helpline.objects.order_by("number").values_list("team__code", "number")),
        "standards": sorted(StandardValue.objects.values_list("code", "value", "state__code", "team__code")),
    }


def test_the_same_seed_builds_the_same_network():
    demo_build(DemoSize(states=3, teams=40, seed=7), progress=False)
    first = snapshot()
    call_command("demo", "--reset", "--states", "3", "--teams", "40", "--seed", "7", verbosity=0)
    assert snapshot() == first
    call_command("demo", "--reset", "--states", "3", "--teams", "40", "--seed", "8", verbosity=0)
    assert snapshot() != first


def test_real_states_and_districts_teams_spread_over_them_and_demo_numbers_only():
    counts = demo_build(DemoSize(states=6, teams=300, seed=1), progress=False)
    assert counts["teams"] == 300 and Team.objects.count() == 300
    assert list(State.objects.order_by("code").values_list("code", flat=True)) == [
        "AP",
        "KA",
        "MH",
        "MN",
        "NL",
        "TN",
    ]
    known = {(s["name"], d) for s in INDIA["states"] for d in s["districts"]}
    assert set(District.objects.values_list("state__name", "name")) <= known
    per_state = {
        s.code: Team.objects.filter(organisation__district__state=s).count() for s in State.objects.all()
    }
    assert set(per_state.values()) == {50}
    assert all(is_demo_number(n) for n in Helpline.objects.values_list("number", flat=True))
    assert Organisation.objects.filter(teams__isnull=True).count() == 0
    # Some levels tighten their standards, so the chain has something to show.
    sources = {
        item.source.level
        for items in effective_standards_for_teams(Team.objects.all()).values()
        for item in items
    }
    assert {"network", "team"} <= {level.value for level in sources}
    assert Person.objects.get(username="admin").check_password("crisisline-demo-2026")
    # People for every role: seven in each team, managers per state and for the network, an administrator.
    kinds = Counter(Role.objects.values_list("kind", flat=True))
    assert (
        kinds["team_lead"] == kinds["call_receiver"] == kinds["lawyer"] == 300 and kinds["responder"] == 600
    )
    assert kinds["programme_manager"] == 6 + 1 + 1 and kinds["administrator"] == 1
    assert not Person.objects.filter(totp_confirmed_at__isnull=True).exists()


def test_an_existing_network_is_kept_unless_reset_is_asked_for(capsys):
    demo_build(DemoSize(states=1, teams=2), progress=False)
    with pytest.raises(CommandError, match="already holds a network or people; use --reset"):
        call_command("demo", "--teams", "5", verbosity=0)
    call_command("demo", "--if-empty")
    assert "demo data left as it is" in capsys.readouterr().out
    assert Team.objects.count() == 2


@pytest.mark.parametrize(
    ("size", "message"),
    [
        (DemoSize(states=0), "--states must be between 1 and"),
        (DemoSize(states=13), "--states must be between 1 and 12"),
        (DemoSize(states=6, teams=3), "--teams must be at least --states"),
        (DemoSize(states=6, teams=7000), "demo helpline numbers run out"),
    ],
)
def test_impossible_sizes_are_refused_before_anything_is_written(size, message):
    with pytest.raises(DemoError, match=message):
        demo_build(size, progress=False)
    assert not State.objects.exists()


def test_refused_in_production(settings):
    settings.CRISISLINE_DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="Demo data is off here"):
        call_command("demo")


def test_the_command_at_six_states_and_300_teams_shows_a_progress_bar(subprocess_env):
    result = subprocess.run(
        [sys.executable, "-m", "crisisline", "demo", "--states", "6", "--teams", "300", "--seed", "1"],
        env=subprocess_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "demo data: 100%" in result.stderr and "rows" in result.stderr  # tqdm's bar, on stderr
    assert "300 teams" in result.stdout and "2109 persons" in result.stdout
    assert "demo logins, all with the password crisisline-demo-2026" in result.stdout
    assert "ap-ana-01.lead" in result.stdout and "pm.network" in result.stdout
    assert Team.objects.count() == 300


def test_the_data_file_is_well_formed():
    codes = [s["code"] for s in INDIA["states"]]
    assert len(codes) == len(set(codes)) == 12
    for state in INDIA["states"]:
        assert len(state["districts"]) == len(set(state["districts"])) >= 10, state["code"]
        assert state["language"] in {"hi", "kn", "ta", "te", "mr", "mni", "bn", "en"}
    json.dumps(INDIA)


def test_the_demo_code_signs_a_demo_account_in(capsys):
    """`crisisline demo --code` prints the code the demo accounts' second factor expects right now."""
    from django.utils import timezone

    from crisisline.lib.crypto import unseal
    from crisisline.lib.totp import matching_step

    demo_build(DemoSize(states=1, teams=1), progress=False)
    call_command("demo", "--code")
    code = capsys.readouterr().out.strip()
    assert len(code) == 6 and code.isdigit()
    secret = unseal(Person.objects.get(username="admin").totp_secret_sealed, purpose="totp").decode()
    assert matching_step(secret, code, timezone.now()) is not None
