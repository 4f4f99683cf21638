"""Shared test set-up: ready-made network and people, and the rule about missing components.

A test that needs a component a laptop may lack (Chromium, PostgreSQL, GNU gettext) calls
`require_component`. On a laptop it skips with a loud reason; under CI (CRISISLINE_REQUIRE_COMPONENTS=1,
set by .ci/run) it fails instead, so CI never passes with a part of the suite silently not run."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + Playwright's sync API


def require_component(name: str, available: bool, how: str) -> None:
    if available:
        return
    message = f"MISSING COMPONENT {name}: {how}"
    if os.environ.get("CRISISLINE_REQUIRE_COMPONENTS") == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


from django.contrib.auth.hashers import Argon2PasswordHasher  # noqa: E402


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 still, with the cheapest parameters: the production cost (100 MB, two passes) per password
    made the suite spend most of its time hashing fixtures. test_password_hashing.py pins the real one."""

    time_cost = 1
    memory_cost = 8
    parallelism = 1


@pytest.fixture(autouse=True)
def _cheap_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["conftest.CheapArgon2PasswordHasher"]


@pytest.fixture
def network(db):
    """One state with two districts, an organisation each, three teams, helplines and localities."""
    from crisisline.lib.phones import demo_number
    from crisisline.network.models import District, Helpline, Locality, Organisation, State, Team

    state = State.objects.create(code="KA", name="Karnataka")
    other_state = State.objects.create(code="TN", name="Tamil Nadu")
    mysuru = District.objects.create(state=state, code="KA-MYS", name="Mysuru")
    belagavi = District.objects.create(state=state, code="KA-BEL", name="Belagavi")
    madurai = District.objects.create(state=other_state, code="TN-MAD", name="Madurai")
    org = Organisation.objects.create(district=mysuru, code="KA-MYS-O1", name="Mysuru Mahila Sangha")
    org_bel = Organisation.objects.create(district=belagavi, code="KA-BEL-O1", name="Belagavi Jyothi Sangha")
    org_mad = Organisation.objects.create(district=madurai, code="TN-MAD-O1", name="Madurai Pengal Sangam")
    teams = {
        "mysuru": Team.objects.create(
            organisation=org, code="KA-MYS-01", name="Mysuru Bus Stand", languages=["kn"]
        ),
        "mysuru2": Team.objects.create(
            organisation=org, code="KA-MYS-02", name="Mysuru Market", languages=["kn"]
        ),
        "belagavi": Team.objects.create(
            organisation=org_bel, code="KA-BEL-01", name="Belagavi Fort", languages=["kn"]
        ),
        "madurai": Team.objects.create(
            organisation=org_mad, code="TN-MAD-01", name="Madurai Temple", languages=["ta"]
        ),
    }
    for index, team in enumerate(teams.values()):
        Helpline.objects.create(team=team, number=demo_number(index), label="Main helpline")
        Locality.objects.create(team=team, name="Bus stand", kind=Locality.Kind.MARKET)
    return {"states": {"KA": state, "TN": other_state}, "organisation": org, "teams": teams}


def make_person(username: str, *roles, password: str = "long-enough-password-1"):  # noqa: S107
    """A person with roles, each a (kind, place) pair: ("call_receiver", team), ("administrator", None),
    ("programme_manager", state), ... Second factor enrolled (lib/totp: TEST_TOTP_SECRET)."""
    from django.utils import timezone

    from crisisline.lib.crypto import seal
    from crisisline.network.models import District, Organisation, State, Team
    from crisisline.people.models import Person, Role

    person = Person.objects.create_user(
        username=username,
        password=password,
        totp_secret_sealed=seal(TEST_TOTP_SECRET.encode(), purpose="totp"),
        totp_confirmed_at=timezone.now(),
    )
    for kind, place in roles:
        field = {Team: "team", Organisation: "organisation", District: "district", State: "state"}.get(
            type(place)
        )
        Role.objects.create(person=person, kind=kind, **({field: place} if field else {}))
    return person


TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def sign_in(client, person):
    """Signed in with both factors, as after the real two-step sign-in."""
    client.force_login(person)
    session = client.session
    session["second_factor_verified"] = True
    session.save()
    return client


@pytest.fixture
def person(network):
    """Meena, call receiver in the Mysuru Bus Stand team."""
    return make_person("meena", ("call_receiver", network["teams"]["mysuru"]))


@pytest.fixture
def administrator(db):
    return make_person("admin", ("administrator", None), password="long-enough-password-2")


@pytest.fixture
def signed_in(client, person):
    return sign_in(client, person)


@pytest.fixture
def api_token(person):
    from crisisline.people.services import token_create

    return token_create(person=person, name="tests").plaintext


@pytest.fixture
def api(client, api_token):
    """A Django test client that sends the bearer token on every request."""
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_token}"
    return client


@pytest.fixture
def subprocess_env(transactional_db, tmp_path):
    """Environment for a `crisisline` child process that shares this test's database (SQLite file or
    PostgreSQL test database). Rows the test commits are visible to the child and the other way round."""
    from urllib.parse import quote

    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        auth = quote(db["USER"] or "postgres") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
        url = f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRISISLINE_", "DATABASE_URL"))}
    from django.conf import settings

    env |= {
        "DATABASE_URL": url,
        "CRISISLINE_DATA": str(settings.DATA_DIR),
        "CRISISLINE_WORKER_HEARTBEAT_SECONDS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    return env


def _skipped(config) -> list:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    return reporter.stats.get("skipped", []) if reporter else []


def pytest_sessionfinish(session, exitstatus):
    """Under CI every test must run: a skip of any kind turns the run red."""
    if (
        os.environ.get("CRISISLINE_REQUIRE_COMPONENTS") == "1"
        and exitstatus == 0
        and _skipped(session.config)
    ):
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if os.environ.get("CRISISLINE_REQUIRE_COMPONENTS") == "1" and _skipped(config):
        terminalreporter.write_line(
            f"CI: {len(_skipped(config))} test(s) skipped; every test must run here.", red=True
        )


@pytest.fixture(autouse=True)
def _audit_triggers_lifted_for_flush(request):
    """The audit trail refuses DELETE (audit/triggers.py), and a transactional test's teardown empties every
    table with flush: lift the triggers just for that. Flush ends with post_migrate, which puts them and the
    head row back (audit/apps.py)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server", "subprocess_env")
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    from django.db import connection

    from crisisline.audit.triggers import remove_triggers

    remove_triggers(connection)
