"""Every door (web page and API operation) x every role x every scope it can be asked about, against the
access matrix (test_access_matrix.EXPECTED): the doors must do what the policy's table says.

- A URL or an API operation without a row in doors.DOORS fails here, by name.
- Each request is real (the test client, signed in with both factors, or with the role's API token), made
  inside a savepoint that is rolled back, so that a POST changes nothing the next request sees.
- Allowed: a 2xx; a redirect anywhere but to the sign-in or second-factor pages; a 4xx the probe names as
  coming after the access check (409/422: a refusal the reader could fix). Refused: 401, 403, 404, or a
  redirect to sign in. Any 5xx fails at once.
- No answer, allowed or refused, holds a planted text of a scope its reader may not read: a client's name,
  phone or address, a crisis's note, place, timeline, evidence (its token, description or bytes), a
  break-glass reason, a team's localities.
- Forged, garbled and replayed credentials are refused; a guessed name answers as one nobody has;
  programme managers and administrators without a case role never see a case; lists hold only what their
  reader may open.

An access bug found here is not hidden by weakening the table: it is listed in KNOWN_BUGS, which marks
that one case as a strict expected failure."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse

from conftest import make_person, sign_in
from crisisline.people.policy import Action
from crisisline.people.tests import doors
from crisisline.people.tests.doors import (
    ALL,
    DOORS,
    NOBODY,
    PUBLIC,
    SELF_ONLY,
    Probe,
    Req,
    World,
    door_id,
    expected,
    is_api,
    may_read,
)
from crisisline.people.tests.test_access_matrix import CRISIS_TEAM, MANAGERS, ROLES

# (door, method, role, scope) -> the bug. Each is left out of the door's test and checked on its own as a
# strict expected failure: fixing the bug turns it into an unexpected pass, and the line is removed.
KNOWN_BUGS: dict[tuple[str, str, str, str], str] = {}


# --- The world, built once for the module -------------------------------------------------------------
# Every test is a django_db test: that is also what makes pytest-django set up the test database at all.
# Each runs in its own savepoint inside the module's transaction, which holds the world and is rolled back.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    quick = {
        "PASSWORD_HASHERS": ["conftest.CheapArgon2PasswordHasher"],  # the root conftest's is function-scoped
        "DATA_DIR": tmp_path_factory.mktemp("doors"),  # the evidence files
        # Plain static names, as the other page tests use: a data folder where collectstatic ran holds a
        # manifest of its own, which may lack a newer file.
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    }
    with (
        override_settings(**quick),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        name = Path(str(connection.settings_dict["NAME"])).name
        assert name.startswith("test"), f"not a test database: {name}"
        yield doors.build_world()
        transaction.set_rollback(True)
    CLIENTS.clear()
    ANSWERS.clear()


# --- Knocking ------------------------------------------------------------------------------------------
@dataclass
class Knock:
    status: int
    passed: bool
    body: bytes
    location: str = ""
    leaks: list[str] = field(default_factory=list)
    name: str = ""  # the name of the object asked for (Req.ident)
    path: str = ""

    def said(self) -> str:
        return f"{self.status}{' -> ' + self.location if self.location else ''}"


CLIENTS: dict[tuple[str, bool], Client] = {}


def client_of(world: World, role: str, *, api: bool) -> Client:
    """The role's client, kept for the module (a new one loads every middleware again), its cookies back to
    the session alone: an answer may have signed it out or set the language."""
    client = CLIENTS.get((role, api))
    if client is None:
        bearer = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens[role]}"} if api and role != "anonymous" else {}
        client = CLIENTS[(role, api)] = Client(**bearer)
    client.cookies = SimpleCookie()
    if not api and role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def send(client: Client, method: str, req: Req, *, api: bool):
    if method == "GET":
        return client.get(req.path)
    data = req.data
    if not api or any(isinstance(value, SimpleUploadedFile) for value in (data or {}).values()):
        assert method == "POST", req.path  # web forms and uploads
        return client.post(req.path, data or {})
    if data is None:
        return client.generic(method, req.path)
    return client.generic(method, req.path, json.dumps(data), content_type="application/json")


def body_of(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def knock(
    world: World, key, probe: Probe, role: str, scope: str, *, client: Client | None = None, swap=None
) -> Knock:
    """One request, in a savepoint rolled back afterwards. `swap`: (real name, made-up name) to replace in
    the request (the guessed-name test)."""
    api = is_api(key) or str(key).startswith("api-v1:")
    where = f"{label(key, probe)} as {role} at {scope}"
    with transaction.atomic():
        req = probe.build(world, role, scope)
        if swap is not None:
            req = _swapped(req, *swap)
        try:
            response = send(client or client_of(world, role, api=api), probe.method, req, api=api)
        except Exception as error:  # the test client re-raises what a view raised: a 500 in production
            raise AssertionError(f"{where}: the view raised {error!r} (a 500)") from error
        status = response.status_code
        body = body_of(response)
        if status >= 500:
            pytest.fail(f"{where}: {status} {body[:300]!r}")
        location = response.headers.get("Location", "")
        if probe.went_through is not None:
            passed = probe.went_through(world, role, scope)
        else:
            passed = _passed(probe, status, location, where)
        transaction.set_rollback(True)
    leaks = leaks_to(world, role, body, sent=f"{req.path} {req.data}")
    return Knock(status, passed, body, location, leaks, req.ident, req.path)


def _passed(probe: Probe, status: int, location: str, where: str) -> bool:
    if status in (401, 403, 404):
        return False
    if 300 <= status < 400:
        target = urlsplit(location).path
        if target in {reverse(name) for name in probe.own_redirects}:
            return True
        return target not in {
            reverse("login"),
            reverse("second_factor_verify"),
            reverse("second_factor_setup"),
        }
    if 200 <= status < 300 or status in probe.passed_with:
        return True
    raise AssertionError(f"{where}: {status} says neither yes nor no (add it to the probe's passed_with?)")


def _swapped(req: Req, real: str, fake: str) -> Req:
    data = req.data
    if data is not None:
        data = {k: v.replace(real, fake) if isinstance(v, str) else v for k, v in data.items()}
    return Req(req.path.replace(real, fake), data, fake)  # the made-up name is the one asked for


def leaks_to(world: World, role: str, body: bytes, *, sent: str = "") -> list[str]:
    """The planted texts in `body` that a reader in `role` may not read, other than what the request
    itself sent (a 404 page keeps the address asked for, e.g. in the language form)."""
    found = []
    for scope, plant in world.planted.items():
        kinds = {
            "identity": plant.identity(),
            "case": plant.case(),
            "reason": {"break-glass reason": plant.reason},
            "locality": {"locality": plant.locality} if scope != "self" else {},
        }
        for kind, texts in kinds.items():
            if may_read(role, kind, scope):
                continue
            found += [
                f"the {what} of {scope}"
                for what, text in texts.items()
                if text not in sent and text.encode() in body
            ]
    return found


def case_texts(world: World, body: bytes) -> list[str]:
    """Every planted identity and case text in `body`, whoever may read it."""
    return [
        f"the {what} of {scope}"
        for scope, plant in world.planted.items()
        for what, text in (plant.identity() | plant.case()).items()
        if text.encode() in body
    ]


def label(key, probe: Probe) -> str:
    return door_id(key) if is_api(key) else f"{probe.method} {key}"


def verdict(passed: bool) -> str:
    return "allowed" if passed else "refused"


# --- 1. Every door has a row --------------------------------------------------------------------------
def test_every_url_and_api_operation_has_a_row_in_the_doors_table():
    document = Client().get(f"{doors.API}/openapi.json").json()
    existing = doors.doors_that_exist(document)
    missing = sorted(door_id(key) for key in existing - set(DOORS))
    gone = sorted(door_id(key) for key in set(DOORS) - existing)
    assert not missing, f"doors without a row in crisisline/people/tests/doors.py DOORS: {missing}"
    assert not gone, f"rows in DOORS for doors that do not exist: {gone}"


def test_every_row_names_its_rule():
    for key, door in DOORS.items():
        assert isinstance(door.rule, Action) or door.rule in (PUBLIC, SELF_ONLY, NOBODY), key
        assert door.probes, key
        for probe in door.probes:
            assert probe.scopes and set(probe.scopes) <= set(ALL), key
            assert not is_api(key) or probe.method == key[0], key


# --- 2. Every door x role x scope ---------------------------------------------------------------------
# The readers the guessed-name test (3b) takes, and where.
GUESSERS = ("no_role", "call_receiver", "social_worker", "team_lead", "pm_state", "administrator")
GUESSED_SCOPES = ("district", "state", "country")
# The matrix test's refused answers to the guessers, kept for the guessed-name test (which runs after it)
# so that it makes only the requests with made-up names. Run alone, it asks for them itself.
ANSWERS: dict[tuple, Knock] = {}


@pytest.mark.parametrize("key", list(DOORS), ids=door_id)
def test_each_door_lets_through_exactly_whom_the_matrix_allows(world, key):
    door = DOORS[key]
    wrong = []
    for probe in door.probes:
        for role in ROLES:
            for scope in probe.scopes:
                if (door_id(key), probe.method, role, scope) in KNOWN_BUGS:
                    continue
                got = knock(world, key, probe, role, scope)
                want = expected(door.rule, role, scope)
                where = f"{label(key, probe)} as {role} at {scope}"
                if not want and role in GUESSERS and scope in GUESSED_SCOPES:
                    ANSWERS[(key, probe.method, role, scope)] = got
                if got.passed != want:
                    wrong.append(
                        f"{where}: expected {verdict(want)}, got {verdict(got.passed)} ({got.said()})"
                    )
                wrong += [f"{where}: the answer shows {leak}" for leak in got.leaks]
    assert not wrong, "\n".join(wrong)


if KNOWN_BUGS:  # an empty parameter list would be a skip, and CI fails on any skip

    @pytest.mark.parametrize(
        "case",
        [
            pytest.param(case, marks=pytest.mark.xfail(strict=True, reason=why), id=" ".join(case))
            for case, why in KNOWN_BUGS.items()
        ],
    )
    def test_known_access_bug(world, case):
        name, method, role, scope = case
        key = next(key for key in DOORS if door_id(key) == name)
        door = DOORS[key]
        probe = next(probe for probe in door.probes if probe.method == method)
        got = knock(world, key, probe, role, scope)
        assert got.passed == expected(door.rule, role, scope), got.said()
        assert not got.leaks


# --- 3a. Forged, garbled and replayed credentials -----------------------------------------------------
WEB_SAMPLE = [
    ("home", "GET", "own"),
    ("crisis", "GET", "own"),
    ("crisis_timeline_add", "POST", "own"),
    ("evidence", "GET", "own"),
    ("client_details", "POST", "own"),
    ("account_home", "GET", "self"),
]
API_SAMPLE = [
    (("GET", f"{doors.API}/me"), "self"),
    (("GET", f"{doors.API}/crises"), "self"),
    (("GET", f"{doors.API}/crises/{{reference}}"), "own"),
    (("GET", f"{doors.API}/crises/{{reference}}/identity"), "own"),
    (("POST", f"{doors.API}/crises/{{reference}}/timeline"), "own"),
    (("GET", f"{doors.API}/attachments/{{token}}"), "own"),
]
LEAD = "team_lead"  # passes every sampled door with real credentials


def _fresh_session(person, *, second_factor: bool = True) -> str:
    client = sign_in(Client(), person) if second_factor else Client()
    if not second_factor:
        client.force_login(person)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _with_cookie(value: str, **headers) -> Client:
    client = Client(**headers)
    client.cookies[settings.SESSION_COOKIE_NAME] = value
    return client


def _replayed(world: World) -> Client:
    key = _fresh_session(world.actors[LEAD])
    assert _with_cookie(key).post(reverse("logout")).status_code == 302
    return _with_cookie(key)


def _disabled_session(world: World) -> Client:
    person = make_person("door.disabled.web", ("team_lead", world.teams["own"]))
    key = _fresh_session(person)
    type(person).objects.filter(pk=person.pk).update(is_active=False)
    return _with_cookie(key)


def _tampered(world: World) -> Client:
    key = world.sessions[LEAD]
    return _with_cookie(key[:-1] + ("a" if key[-1] != "a" else "b"))


# Each makes the client to knock with; it runs inside a savepoint, rolled back with the request.
WEB_FORGERIES = {
    "a made-up session key": lambda w: _with_cookie(secrets.token_hex(16)),
    "a garbled session cookie": lambda w: _with_cookie("Zz/../" + "é" * 40),
    "a tampered session key": _tampered,
    "a session replayed after signing out": _replayed,
    "the session of a disabled account": _disabled_session,
    "a session half-way through sign-in": lambda w: _with_cookie(
        _fresh_session(w.actors[LEAD], second_factor=False)
    ),
    "an API token instead of a session": lambda w: Client(HTTP_AUTHORIZATION=f"Bearer {w.tokens[LEAD]}"),
}


def _bearer(value: str) -> Client:
    return Client(HTTP_AUTHORIZATION=value)


def _prefix(world: World) -> str:
    return world.tokens[LEAD].split("_")[1]


def _revoked(world: World) -> Client:
    from crisisline.people.services import token_create, token_revoke

    new = token_create(person=world.actors[LEAD], name="revoked")
    token_revoke(token=new.token)
    return _bearer(f"Bearer {new.plaintext}")


def _disabled_token(world: World) -> Client:
    from crisisline.people.services import token_create

    person = make_person("door.disabled.api", ("team_lead", world.teams["own"]))
    plaintext = token_create(person=person, name="theirs").plaintext
    type(person).objects.filter(pk=person.pk).update(is_active=False)
    return _bearer(f"Bearer {plaintext}")


def _last_letter_changed(world: World) -> Client:
    token = world.tokens[LEAD]
    return _bearer("Bearer " + token[:-1] + ("A" if token[-1] != "A" else "B"))


API_FORGERIES = {
    "a real prefix with a wrong secret": lambda w: _bearer(
        f"Bearer cl_{_prefix(w)}_{secrets.token_urlsafe(32)}"
    ),
    "a revoked token, replayed": _revoked,
    "the token of a disabled account": _disabled_token,
    "a token with its secret's last letter changed": _last_letter_changed,
    "a token cut short": lambda w: _bearer(f"Bearer cl_{_prefix(w)}"),
    "an empty bearer": lambda w: _bearer("Bearer "),
    "a bare prefix": lambda w: _bearer("Bearer cl_"),
    "empty parts": lambda w: _bearer("Bearer cl__"),
    "a long garbage token": lambda w: _bearer("Bearer " + "x" * 5000),
    # as a WSGI server hands over UTF-8 bytes from a header: decoded as latin-1 (PEP 3333)
    "letters beyond ASCII": lambda w: _bearer("Bearer cl_\xe9\xe9_\xfc\xfc".encode().decode("latin-1")),
    "basic authentication": lambda w: _bearer("Basic ZG9vci50ZWFtX2xlYWQ6cGFzc3dvcmQ="),
    "a session cookie instead of a token": lambda w: _with_cookie(w.sessions[LEAD]),
}


def _web_sample(world):
    for name, method, scope in WEB_SAMPLE:
        probe = next(probe for probe in DOORS[name].probes if probe.method == method)
        yield name, probe, scope


def _api_sample(world):
    for key, scope in API_SAMPLE:
        yield key, DOORS[key].probes[0], scope


def test_real_credentials_pass_the_sampled_doors(world):
    for key, probe, scope in [*_web_sample(world), *_api_sample(world)]:
        got = knock(world, key, probe, LEAD, scope)
        assert got.passed, f"{door_id(key)} as {LEAD}: {got.said()}"


@pytest.mark.parametrize("forgery", list(WEB_FORGERIES))
def test_a_forged_or_replayed_session_is_refused_on_web_pages(world, forgery):
    for key, probe, scope in _web_sample(world):
        with transaction.atomic():  # the forgery's own rows go with the request's
            got = knock(world, key, probe, LEAD, scope, client=WEB_FORGERIES[forgery](world))
            transaction.set_rollback(True)
        where = f"{door_id(key)} with {forgery}: {got.said()}"
        assert got.status == 302, where
        assert urlsplit(got.location).path in (reverse("login"), reverse("second_factor_verify")), where
        assert not case_texts(world, got.body), where


@pytest.mark.parametrize("forgery", list(API_FORGERIES))
def test_a_forged_or_replayed_token_is_refused_by_the_api(world, forgery):
    for key, probe, scope in _api_sample(world):
        with transaction.atomic():
            got = knock(world, key, probe, LEAD, scope, client=API_FORGERIES[forgery](world))
            transaction.set_rollback(True)
        assert got.status == 401, f"{door_id(key)} with {forgery}: {got.said()}"
        assert json.loads(got.body)["error"]["code"] == "unauthorized"
        assert not case_texts(world, got.body)


# --- 3b. A guessed name answers as one nobody has ------------------------------------------------------
# A crisis team member elsewhere is offered break-glass on another team's crisis (crises/views.py): the
# offer shows only the reference they typed, and breaking glass is audited and reviewed. By design.
BREAK_GLASS_OFFER = {("crisis", "GET"), ("crisis_break_glass", "POST")}
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def made_up_like(name: str) -> str:
    """A name of the same shape that nobody has: the first two characters kept (C-, K-, KA), then every
    letter Z and every digit 0 (neither Z nor 0 is in the alphabet of references and client codes)."""
    rest = re.sub(r"[A-Z]", "Z", re.sub(r"[a-z]", "z", re.sub(r"[0-9]", "0", name[2:])))
    return name[:2] + rest


def _normal(got: Knock) -> bytes:
    """The answer without what differs by the request alone: the address asked for (a 404 page keeps it
    in its language form), the name in it, the page's CSRF token."""
    body = got.body.replace(got.path.encode(), b"<path>").replace(got.name.encode(), b"<name>")
    return CSRF.sub(b"csrf", body)


GUESSABLE = [
    key for key, door in DOORS.items() if any({"district", "country"} & set(p.scopes) for p in door.probes)
]


def _district_and_state(team) -> tuple[str, str]:
    return team.organisation.district.code, team.organisation.district.state.code


@pytest.mark.parametrize("key", GUESSABLE, ids=door_id)
def test_a_name_outside_the_readers_scope_answers_as_one_nobody_has(world, key):
    door = DOORS[key]
    differ = []
    network = {
        code
        for team in world.teams.values()
        for code in (team.code, team.organisation.code, *_district_and_state(team))
    }
    for probe in door.probes:
        for role in GUESSERS:
            if (door_id(key), probe.method) in BREAK_GLASS_OFFER and role in CRISIS_TEAM:
                continue
            real = {}
            for scope in GUESSED_SCOPES:
                if scope in probe.scopes and not expected(door.rule, role, scope):
                    got = ANSWERS.pop((key, probe.method, role, scope), None)
                    real[scope] = got or knock(world, key, probe, role, scope)
            # The network's structure is no secret to whoever may view it.
            real = {
                scope: got
                for scope, got in real.items()
                if got.name and not (got.name in network and expected(Action.NETWORK_VIEW, role, scope))
            }
            if not real:
                continue
            # One made-up name for them all: every answer is compared with its own name taken out.
            first = next(iter(real))
            made_up = made_up_like(real[first].name)
            guessed = knock(world, key, probe, role, first, swap=(real[first].name, made_up))
            for scope, got in real.items():
                if got.status != guessed.status or _normal(got) != _normal(guessed):
                    differ.append(
                        f"{label(key, probe)} as {role}: {got.name} ({scope}) -> {got.said()}, "
                        f"made-up {made_up} -> {guessed.said()}"
                    )
    assert not differ, "\n".join(differ)


def test_an_id_from_another_scope_inside_ones_own_address_answers_as_one_nobody_has(world):
    """A step, a role or a person of another team, named in an address of the lead's own crisis or
    colleague, answers exactly as a made-up one."""
    own, colleague = world.crisis("own").reference, world.colleagues["own"].username

    def answer(path: str, data: dict, *, api: bool = False) -> tuple[int, bytes]:
        with transaction.atomic():
            client = client_of(world, LEAD, api=api)
            if api:
                response = client.post(path, json.dumps(data), content_type="application/json")
            else:
                response = client.post(path, data)
            transaction.set_rollback(True)
        return response.status_code, CSRF.sub(b"csrf", response.content.replace(path.encode(), b"<path>"))

    cases = [  # (theirs, a made-up one, the answer both must give)
        *[
            (
                answer(reverse(name, args=[own, world.steps["district"].pk]), {"reason": "x"}),
                answer(reverse(name, args=[own, 0]), {"reason": "x"}),
                404,
            )
            for name in ("crisis_step_done", "crisis_step_not_applicable")
        ],
        (
            answer(reverse("people_role_revoke", args=[colleague, world.role_id(LEAD, "district")]), {}),
            answer(reverse("people_role_revoke", args=[colleague, 0]), {}),
            404,
        ),
        (
            answer(f"{doors.API}/crises/{own}/assign", {"username": "member.district"}, api=True),
            answer(f"{doors.API}/crises/{own}/assign", {"username": "mezzzz.zzzzzzzz"}, api=True),
            422,  # "not in the crisis's team", for both
        ),
    ]
    for theirs, made_up, status in cases:
        assert theirs == made_up and theirs[0] == status, (theirs[0], made_up[0])


# --- 3c. Programme managers and administrators never see a case ---------------------------------------
@pytest.mark.parametrize("role", [*MANAGERS, "administrator"])
def test_managers_and_administrators_walk_every_door_they_may_open_and_see_no_case(world, role):
    walked, seen = 0, []
    for key, door in DOORS.items():
        for probe in door.probes:
            for scope in probe.scopes:
                if not expected(door.rule, role, scope):
                    continue
                got = knock(world, key, probe, role, scope)
                walked += 1
                seen += [
                    f"{label(key, probe)} at {scope} shows {text}" for text in case_texts(world, got.body)
                ]
                if role in MANAGERS:
                    localities = [p.locality for s, p in world.planted.items() if s != "self"]
                    seen += [
                        f"{door_id(key)} shows {place}" for place in localities if place.encode() in got.body
                    ]
    assert walked >= 15, walked
    assert not seen, "\n".join(seen)


# --- 3d. Lists hold only what their reader may open ---------------------------------------------------
LISTS = {
    "people_list": (Action.PEOPLE_VIEW, doors.TEAMS, lambda w, scope: w.colleagues[scope].username),
    ("GET", f"{doors.API}/people"): (
        Action.PEOPLE_VIEW,
        doors.TEAMS,
        lambda w, scope: w.colleagues[scope].username,
    ),
    ("GET", f"{doors.API}/crises"): (Action.CRISIS_VIEW, ALL, lambda w, scope: w.crisis(scope).reference),
}


@pytest.mark.parametrize("key", list(LISTS), ids=door_id)
def test_a_list_holds_only_what_its_reader_may_open(world, key):
    action, scopes, marker = LISTS[key]
    probe = DOORS[key].probes[0]
    wrong = []
    for role in ROLES:
        got = knock(world, key, probe, role, probe.scopes[0])
        for scope in scopes:
            shown = marker(world, scope).encode() in got.body
            if shown != expected(action, role, scope):
                wrong.append(f"{door_id(key)} as {role}: {scope} {'listed' if shown else 'missing'}")
    assert not wrong, "\n".join(wrong)


def test_a_team_board_holds_only_the_crises_its_reader_may_open(world):
    probe = DOORS["crisis_board"].probes[0]
    wrong = []
    for role in ROLES:
        got = knock(world, "crisis_board", probe, role, "self")  # the home team's board
        for scope in ("self", "own"):
            shown = world.crisis(scope).reference.encode() in got.body
            if shown != expected(Action.CRISIS_VIEW, role, scope):
                wrong.append(f"board as {role}: the {scope} crisis {'shown' if shown else 'missing'}")
    assert not wrong, "\n".join(wrong)


# --- The checks above look for something that is there --------------------------------------------------
def test_the_planted_texts_show_where_they_may(world):
    """Each kind of planted text is found where its reader may see it, so that not finding it elsewhere
    means something."""

    def answer(key, scope="own", method=None):
        probe = next(p for p in DOORS[key].probes if method in (None, p.method))
        got = knock(world, key, probe, LEAD, scope)
        assert got.passed, f"{door_id(key)}: {got.said()}"
        return got.body

    plant = world.planted["own"]
    page = answer("crisis")
    for text in (plant.note, plant.place, plant.timeline, plant.attachment_token, plant.description):
        assert text.encode() in page, text
    assert plant.incident.encode() in answer("crisis_details", method="GET")
    identity = answer(("GET", f"{doors.API}/clients/{{code}}/identity"))
    for text in (plant.name, plant.phone, plant.address):
        assert text.encode() in identity, text
    assert plant.file.encode() in answer("evidence")
    assert plant.locality.encode() in answer("team")
    assert plant.reason.encode() in answer("crisis_break_glass_review", method="GET")
