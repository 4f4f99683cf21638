"""Every door of Crisisline (web page and API operation), who may pass it, and how to knock on it.

A door is a URL name (web) or a (METHOD, path template) pair of the OpenAPI document (API). Its rule is
an Action, whose row of the access matrix (test_access_matrix.EXPECTED) says who may pass at each scope,
or one of PUBLIC, SELF_ONLY and NOBODY, each with its reason. A door has one probe per method worth
knocking with; a probe builds the request for a reader (a role of the matrix) and a scope:

- "self": the reader's own person, token or role, a crisis of the own team assigned to the reader (and
  its client), a break-glass grant the reader opened; for team doors, the own team;
- "own", "district", "state", "country": the object of that scope's team (a crisis, its client and its
  evidence, a member, their token and role, a grant on the crisis).

The world these requests meet is built once by `build_world` and planted with texts that must never
reach a reader outside their scope: see `Planted` and `may_read`."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from crisisline.people.policy import Action
from crisisline.people.tests.test_access_matrix import EXPECTED, SCOPES, TEAM_MEMBERS, row

PUBLIC = "PUBLIC"  # anyone, signed in or not
SELF_ONLY = "SELF_ONLY"  # every signed-in person, with or without roles, for themselves only
NOBODY = "NOBODY"  # a door that opens for nobody
RULE_ROWS = {
    PUBLIC: row("YYYYY"),
    SELF_ONLY: row("-----", signed_in="Y----"),
    NOBODY: row("-----"),
}
TEAMS = ("own", "district", "state", "country")  # team doors: "self" would be the own team again
ALL = SCOPES
API = "/api/v1"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
# A PDF with a marker inside, so that the bytes of a file are recognised wherever they turn up.
PDF = b"%%PDF-1.4\n%% %s\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n"


def expected(rule: Action | str, role: str, scope: str) -> bool:
    table = EXPECTED[rule] if isinstance(rule, Action) else RULE_ROWS[rule]
    return table[role][SCOPES.index(scope)] == "Y"


# --- The world the requests meet ------------------------------------------------------------------------
@dataclass(frozen=True)
class Planted:
    """What is held about one scope's crisis and team, each a text that pages must only show to those who
    may read it. The phone is checked as its ten digits and as they are usually spaced."""

    name: str
    phone: str
    address: str
    note: str
    place: str
    timeline: str
    description: str
    file: str
    incident: str
    reason: str
    locality: str
    attachment_token: str = ""

    def identity(self) -> dict[str, str]:
        spaced = f"{self.phone[:5]} {self.phone[5:]}"
        return {"name": self.name, "phone": self.phone, "phone spaced": spaced, "address": self.address}

    def case(self) -> dict[str, str]:
        texts = {
            "note": self.note,
            "place": self.place,
            "timeline text": self.timeline,
            "evidence description": self.description,
            "evidence file": self.file,
            "incident details": self.incident,
        }
        return texts | {"attachment token": self.attachment_token}


def planted(scope: str, index: int) -> Planted:
    return Planted(
        name=f"plant-name-{scope}",
        phone=f"98451{index:05d}",
        address=f"plant-address-{scope}",
        note=f"plant-note-{scope}",
        place=f"plant-place-{scope}",
        timeline=f"plant-timeline-{scope}",
        description=f"plant-evidence-{scope}",
        file=f"plant-file-{scope}",
        incident=f"plant-incident-{scope}",
        reason=f"plant-reason-{scope}, needed at night",
        locality=f"plant-locality-{scope}",
    )


def may_read(role: str, kind: str, scope: str) -> bool:
    """Whether a reader in `role` may see a planted text of `kind` of `scope`'s crisis or team."""

    def allowed(action: Action) -> bool:
        return expected(action, role, scope)

    if kind == "identity":
        return allowed(Action.IDENTITY_VIEW) or allowed(Action.CLIENT_RIGHTS)
    if kind == "case":
        return allowed(Action.CRISIS_VIEW)
    if kind == "reason":
        return allowed(Action.CRISIS_VIEW) or allowed(Action.BREAK_GLASS_REVIEW)
    if kind == "locality":
        return allowed(Action.LOCALITIES_VIEW)
    raise ValueError(kind)


@dataclass
class World:
    actors: dict  # role -> Person; None for anonymous
    sessions: dict  # role -> session key of a session signed in with both factors
    tokens: dict  # role -> the bearer token (plaintext) the role's API requests carry
    spare_tokens: dict  # role -> another token of theirs: the one the token doors revoke
    teams: dict  # scope -> Team ("self" and "own": the home team)
    colleagues: dict  # scope (own..country) -> a responder of that team only
    colleague_tokens: dict  # scope -> ApiToken
    crises: dict  # scope (self..country) -> Crisis
    attachments: dict  # scope -> Attachment
    grants: dict  # scope (own..country) -> BreakGlass opened by that scope's colleague
    own_grants: dict  # role -> expired BreakGlass the reader opened on the "self" crisis, awaiting review
    steps: dict  # scope -> the first CrisisStep of the crisis
    invitation_code: str
    planted: dict  # scope -> Planted

    def team(self, scope: str):
        return self.teams["own" if scope == "self" else scope]

    def crisis(self, scope: str):
        return self.crises[scope]

    def person(self, role: str, scope: str):
        """The reader themselves for "self" (the own colleague for an anonymous reader)."""
        if scope == "self":
            return self.actors[role] or self.colleagues["own"]
        return self.colleagues[scope]

    def colleague(self, scope: str):
        return self.colleagues["own" if scope == "self" else scope]

    def token(self, role: str, scope: str):
        if scope == "self" and self.actors[role] is not None:
            return self.spare_tokens[role]
        return self.colleague_tokens["own" if scope == "self" else scope]

    def grant(self, role: str, scope: str):
        if scope == "self" and self.actors[role] is not None:
            return self.own_grants[role]
        return self.grants["own" if scope == "self" else scope]

    def role_id(self, role: str, scope: str) -> int:
        """A role of the person of the scope: the reader's own first one for "self" (0: they have none)."""
        found = self.person(role, scope).roles.order_by("pk").first()
        return found.pk if found else 0


def build_world() -> World:
    """The network of conftest, one reader per role (as in the matrix), a member of each scope's team with
    a crisis, its client, evidence, a break-glass grant and planted texts; and the "self" crisis, of the
    home team, assigned to every reader. Sessions and tokens for every reader."""
    from conftest import make_person, network, sign_in
    from crisisline.crises.evidence import attachment_add
    from crisisline.crises.models import Assignment, BreakGlass
    from crisisline.crises.services import Intake, crisis_open, facts_record, timeline_add
    from crisisline.lib.crypto import seal_with, unwrap
    from crisisline.network.models import Locality
    from crisisline.people.models import Role
    from crisisline.people.policy import RoleSpec
    from crisisline.people.services import person_invite, token_create

    # The fixture's own function: the same network as every other test's, built once for this module.
    teams = network.__wrapped__(None)["teams"]
    home = teams["mysuru"]
    scope_team = {
        "own": home,
        "district": teams["mysuru2"],
        "state": teams["belagavi"],
        "country": teams["madurai"],
    }
    place = {
        "pm_organisation": home.organisation,
        "pm_district": home.organisation.district,
        "pm_state": home.organisation.district.state,
        "pm_network": None,
    }
    actors: dict = {"anonymous": None, "no_role": make_person("door.nobody")}
    for kind in TEAM_MEMBERS:
        actors[kind] = make_person(f"door.{kind}", (kind, home))
    for name, level in place.items():
        actors[name] = make_person(f"door.{name}", (Role.Kind.PROGRAMME_MANAGER, level))
    actors["administrator"] = make_person("door.admin", ("administrator", None))
    colleagues = {
        scope: make_person(f"member.{scope}", ("responder", team)) for scope, team in scope_team.items()
    }
    plants = {scope: planted(scope, index) for index, scope in enumerate(SCOPES, start=11)}
    for scope, team in scope_team.items():
        Locality.objects.create(team=team, name=plants[scope].locality, kind=Locality.Kind.LODGE)

    crises, attachments, steps = {}, {}, {}
    for scope in SCOPES:
        plant, colleague = plants[scope], colleagues["own" if scope == "self" else scope]
        intake = Intake(crisis_type="other", phone=plant.phone, place=plant.place, note=plant.note)
        crisis = crisis_open(
            team=scope_team["own" if scope == "self" else scope], intake=intake, by=colleague
        ).crisis
        client = crisis.client
        key = unwrap(client.data_key_wrapped)
        client.name_sealed = seal_with(key, plant.name, purpose="client.name")
        client.address_sealed = seal_with(key, plant.address, purpose="client.address")
        client.save(update_fields=["name_sealed", "address_sealed"])
        timeline_add(crisis=crisis, kind="call", text=plant.timeline, by=colleague)
        facts_record(crisis=crisis, values={"what_happened": plant.incident}, by=colleague)
        upload = PDF % plant.file.encode()
        attachments[scope] = attachment_add(
            crisis=crisis,
            upload=upload,
            content_type="application/pdf",
            description=plant.description,
            by=colleague,
        )
        plants[scope] = Planted(**{**plant.__dict__, "attachment_token": attachments[scope].token})
        crises[scope] = crisis
        steps[scope] = crisis.steps.order_by("position", "pk").first()

    now = timezone.now()
    grants = {
        scope: BreakGlass.objects.create(
            crisis=crises[scope],
            person=colleagues[scope],
            reason=plants[scope].reason,
            expires_at=now + timedelta(hours=4),
        )
        for scope in TEAMS
    }
    sessions, tokens, spare_tokens, own_grants = {}, {}, {}, {}
    for role, person in actors.items():
        if person is None:
            continue
        Assignment.objects.create(crisis=crises["self"], person=person)
        # Expired, so that it opens nothing: it is here to be reviewed, by someone else.
        own_grants[role] = BreakGlass.objects.create(
            crisis=crises["self"],
            person=person,
            reason=plants["self"].reason,
            opened_at=now - timedelta(hours=3),
            expires_at=now - timedelta(hours=1),
        )
        client = sign_in(Client(), person)
        session = client.session
        session["signed_in_at"] = session["seen_at"] = int(now.timestamp())  # as the sign-in page leaves it
        session.save()
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        tokens[role] = token_create(person=person, name="doors").plaintext
        spare_tokens[role] = token_create(person=person, name="spare").token
    colleague_tokens = {
        scope: token_create(person=person, name="theirs").token for scope, person in colleagues.items()
    }
    invited = person_invite(
        username="door.invitee", roles=[RoleSpec(kind=Role.Kind.RESPONDER, team=home)], by=None
    )
    return World(
        actors=actors,
        sessions=sessions,
        tokens=tokens,
        spare_tokens=spare_tokens,
        teams={"self": home, **scope_team},
        colleagues=colleagues,
        colleague_tokens=colleague_tokens,
        crises=crises,
        attachments=attachments,
        grants=grants,
        own_grants=own_grants,
        steps=steps,
        invitation_code=invited.code,
        planted=plants,
    )


# --- Doors and probes -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Req:
    path: str
    data: dict | None = None  # form fields (web) or the JSON body (API); a value may be an upload
    ident: str = ""  # the object's name in the path or body, for the guessed-name test


Build = Callable[[World, str, str], Req]


@dataclass(frozen=True)
class Probe:
    method: str
    scopes: tuple[str, ...]
    build: Build
    # 4xx answers that come only after the access check passed (a refusal the reader could fix).
    passed_with: frozenset[int] = frozenset()
    # Redirects to these pages are the door's own answer, not a refusal (e.g. sign-out goes to sign-in).
    own_redirects: frozenset[str] = frozenset()
    # Where the status cannot tell, the database does: whether the request did what it asks.
    went_through: Callable[[World, str, str], bool] | None = None


@dataclass(frozen=True)
class Door:
    rule: Action | str
    probes: tuple[Probe, ...]
    why: str = ""  # the reason for a PUBLIC, SELF_ONLY or NOBODY rule, or for an unusual mapping


def is_api(key) -> bool:
    return isinstance(key, tuple)


def get(scopes, build, **options) -> Probe:
    return Probe("GET", scopes, build, **options)


def post(scopes, build, **options) -> Probe:
    return Probe("POST", scopes, build, **options)


def door(rule, *probes: Probe, why: str = "") -> Door:
    if not isinstance(rule, Action) and not why:
        raise ValueError(f"a {rule} door needs its reason")
    return Door(rule, probes, why)


def fixed(path: str, data: dict | None = None) -> Build:
    return lambda w, role, scope: Req(path, data)


def named(name: str, data: dict | None = None) -> Build:
    return lambda w, role, scope: Req(reverse(name), data)


def at_team(name: str, data=None) -> Build:
    def build(w, role, scope):
        code = w.team(scope).code
        return Req(reverse(name, args=[code]), data(w, role, scope) if callable(data) else data, code)

    return build


POLICY_FORM = {"name": "Probe", "level0_target0": "role:team_lead", "level0_timeout": "5", "repeat": "1"}


def at_policy(name: str, data=None) -> Build:
    """A policy of the scope's team, made for the probe."""

    def build(w, role, scope):
        from crisisline.oncall.models import EscalationPolicy

        team = w.team(scope)
        policy, _created = EscalationPolicy.objects.get_or_create(
            team=team, name="Door probe", defaults={"levels": [{"timeout_minutes": 5, "targets": []}]}
        )
        return Req(reverse(name, args=[team.code, policy.pk]), data, team.code)

    return build


# --- Rosters: a rotation, an override and a calendar feed of the scope's team, made for the probe ------
def _door_rotation(w, scope):
    from datetime import time

    from crisisline.oncall.models import Rotation, RotationMember

    team = w.team(scope)
    rotation = Rotation.objects.create(
        team=team, name="Door rota", duty="responder", starts_on=timezone.localdate(), handoff=time(9)
    )
    RotationMember.objects.create(rotation=rotation, person=w.colleague(scope), position=0)
    return rotation


def rota_form(w, role, scope) -> dict:
    return {
        "name": "Door rota new",
        "duty": "responder",
        "starts_on": timezone.localdate().isoformat(),
        "handoff": "09:00",
        "shift_hours": "24",
        "days": [str(day) for day in range(7)],
        f"position-{w.colleague(scope).pk}": "1",
    }


def _override_form(w, role, scope) -> dict:
    start = timezone.localtime() + timedelta(days=1)
    return {
        "duty": "responder",
        "person": str(w.colleague(scope).pk),
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    }


def at_rotation(name: str, data=None) -> Build:
    def build(w, role, scope):
        team = w.team(scope)
        rotation = _door_rotation(w, scope)
        body = data(w, role, scope) if callable(data) else data
        return Req(reverse(name, args=[team.code, rotation.pk]), body, team.code)

    return build


def at_override(name: str) -> Build:
    def build(w, role, scope):
        from crisisline.oncall.models import Override

        team, start = w.team(scope), timezone.now() + timedelta(days=1)
        override = Override.objects.create(
            team=team,
            duty="responder",
            person=w.colleague(scope),
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        )
        return Req(reverse(name, args=[team.code, override.pk]), {}, team.code)

    return build


def at_team_feed(name: str) -> Build:
    def build(w, role, scope):
        from crisisline.oncall.models import CalendarFeed

        team = w.team(scope)
        feed = CalendarFeed.objects.create(team=team, digest=uuid.uuid4().hex)
        return Req(reverse(name, args=[team.code, feed.pk]), {}, team.code)

    return build


def live_calendar(w, role, scope) -> Req:
    """A team feed made for the probe: its secret opens it for anyone, signed in or not."""
    from crisisline.oncall.services_rosters import calendar_feed_create

    _door_rotation(w, "own")
    _feed, secret = calendar_feed_create(by=w.actors["administrator"], team=w.team("own"))
    return Req(reverse("oncall_calendar", args=[secret]))


def api_rotation_body(w, role, scope) -> dict:
    return {
        "name": "Door rota new",
        "duty": "responder",
        "members": [w.colleague(scope).username],
        "starts_on": timezone.localdate().isoformat(),
        "handoff": "09:00",
    }


def api_team(suffix: str, body=None, *, rotation: bool = False) -> Build:
    def build(w, role, scope):
        code = w.team(scope).code
        path = f"{API}/teams/{code}{suffix}"
        if rotation:
            path += f"/{_door_rotation(w, scope).pk}"
        return Req(path, body(w, role, scope) if callable(body) else body, code)

    return build


def api_policy(suffix: str) -> Build:
    """A policy of the scope's team (made for the probe), at its API address."""
    team_path = api_team(suffix)

    def build(w, role, scope):
        at_policy("oncall_policy_edit")(w, role, scope)  # makes "Door probe" for the team if it is gone
        return team_path(w, role, scope)

    return build


def at_crisis(name: str, data=None) -> Build:
    def build(w, role, scope):
        reference = w.crisis(scope).reference
        return Req(
            reverse(name, args=[reference]), data(w, role, scope) if callable(data) else data, reference
        )

    return build


def at_step(name: str, data: dict) -> Build:
    def build(w, role, scope):
        reference = w.crisis(scope).reference
        return Req(reverse(name, args=[reference, w.steps[scope].pk]), data, reference)

    return build


def at_person(name: str, data=None) -> Build:
    def build(w, role, scope):
        username = w.person(role, scope).username
        return Req(reverse(name, args=[username]), data(w, role, scope) if callable(data) else data, username)

    return build


def at_channel(name: str, *, own: bool) -> Build:
    """A channel of the scope's person, made for the probe (people in the world have none)."""

    def build(w, role, scope):
        from crisisline.messaging.services import contact_point_add

        person = w.person(role, scope)
        point = contact_point_add(person=person, channel="console", address=f"probe-{person.pk}")
        args = [point.pk] if own else [person.username, point.pk]
        return Req(reverse(name, args=args), {}, str(point.pk))

    return build


def at_client(name: str, data: dict | None = None) -> Build:
    def build(w, role, scope):
        code = w.crisis(scope).client.code
        return Req(reverse(name, args=[code]), data, code)

    return build


def pdf_upload(w, role, scope) -> dict:
    return {
        "file": SimpleUploadedFile("report.pdf", PDF % b"upload", "application/pdf"),
        "description": "a form",
    }


def grant_went_through(w, role, scope) -> bool:
    from crisisline.crises.models import BreakGlass

    person = w.actors[role]
    return (
        person is not None
        and BreakGlass.objects.active().filter(crisis=w.crisis(scope), person=person).exists()
    )


def _local_time_ahead() -> str:
    return (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")


def _invite_form(w, role, scope) -> dict:
    return {
        "username": f"door.new.{uuid.uuid4().hex[:8]}",
        "language": "en",
        "role-TOTAL_FORMS": "3",
        "role-INITIAL_FORMS": "0",
        "role-0-kind": "responder",
        "role-0-team": w.team(scope).code,
    }


# A refusal the reader can fix (CrisisError: 409 already done, 422 a field) comes only after the access check:
# the crisis doors look the crisis up with the reader's scope first, then the service asks the policy again.
FIXABLE = frozenset({409, 422})


def webhook_door(name: str, *methods: str, args=()) -> Door:
    """A provider's webhook. Only the provider's credential opens it (Twilio's signature; Exotel's secret
    path segment from an allowed network), never a person's session or role. These probes carry no such
    credential, so every reader is refused (403); each provider's tests pass the real ones."""
    provider = name.split("_")[0]

    def build(w, role, scope):
        return Req(
            reverse(name, args=list(args)), {"CallSid": "CA1", "From": "+1", "To": "+2", "Body": "1 C7K3P"}
        )

    return door(
        NOBODY,
        *(Probe(method, ("own",), build) for method in methods),
        why=f"a {provider} webhook: only the provider's credential opens it (messaging/providers/{provider})",
    )


WEB_DOORS: dict[str, Door] = {
    # --- Public and own-account pages ---
    "login": door(PUBLIC, get(("own",), named("login")), why="the sign-in page"),
    "logout": door(
        PUBLIC,
        post(("own",), named("logout"), own_redirects=frozenset({"login"})),
        why="signing out: to sign-in",
    ),
    "second_factor_verify": door(
        SELF_ONLY, get(("self",), named("second_factor_verify")), why="the second step of one's own sign-in"
    ),
    "second_factor_setup": door(
        SELF_ONLY,
        get(("self",), named("second_factor_setup"), own_redirects=frozenset({"second_factor_verify"})),
        why="setting up one's own second factor (who has one is sent to the second step)",
    ),
    "backup_codes": door(SELF_ONLY, get(("self",), named("backup_codes")), why="one's own backup codes"),
    "quick_exit": door(
        PUBLIC, post(("own",), named("quick_exit")), why="quick exit: anyone must be able to leave"
    ),
    "set_language": door(
        PUBLIC,
        post(("own",), named("set_language", {"language": "hi", "next": "/"})),
        why="the language switch",
    ),
    "healthz": door(
        PUBLIC,
        get(("own",), lambda w, role, scope: _with_heartbeat(Req(reverse("healthz")))),
        why="health check for monitoring: no data",
    ),
    "invitation_accept": door(
        PUBLIC,
        get(("own",), lambda w, role, scope: Req(reverse("invitation_accept", args=[w.invitation_code]))),
        why="the one-time invitation link: its code is the credential",
    ),
    "api-v1:openapi-json": door(
        PUBLIC, get(("own",), fixed(f"{API}/openapi.json")), why="the API's description"
    ),
    "api-v1:api-root": door(NOBODY, get(("own",), fixed(f"{API}/")), why="django-ninja's root: 404 for all"),
    "account_home": door(SELF_ONLY, get(("self",), named("account_home")), why="one's own account"),
    "account_token_create": door(
        SELF_ONLY,
        post(("self",), named("account_token_create", {"name": "laptop"})),
        why="a token for oneself",
    ),
    "account_token_revoke": door(
        SELF_ONLY,
        post(
            ALL,
            lambda w, role, scope: Req(
                reverse("account_token_revoke", args=[w.token(role, scope).prefix]),
                {},
                w.token(role, scope).prefix,
            ),
        ),
        why="one's own tokens only (an administrator revokes others' through the API)",
    ),
    "account_data": door(SELF_ONLY, post(("self",), named("account_data")), why="downloading one's own data"),
    "account_channels": door(
        SELF_ONLY,
        get(("self",), named("account_channels")),
        post(("self",), named("account_channels", {"channel": "console", "address": "probe"})),
        why="how pages reach oneself",
    ),
    **{
        name: door(SELF_ONLY, post(("self",), at_channel(name, own=True)), why="one's own channels")
        for name in ("account_channel_remove", "account_channel_up", "account_channel_test")
    },
    "person_channels": door(
        Action.PEOPLE_MANAGE,
        get(ALL, at_person("person_channels")),
        post(ALL, at_person("person_channels", {"channel": "console", "address": "probe"})),
    ),
    **{
        name: door(Action.PEOPLE_MANAGE, post(ALL, at_channel(name, own=False)))
        for name in ("person_channel_remove", "person_channel_up", "person_channel_test")
    },
    # --- The network ---
    "home": door(Action.NETWORK_VIEW, get(("own",), named("home"))),
    "state": door(
        Action.NETWORK_VIEW,
        get(
            ("own", "country"),
            lambda w, role, scope: Req(
                reverse("state", args=[w.team(scope).organisation.district.state.code]),
                ident=w.team(scope).organisation.district.state.code,
            ),
        ),
    ),
    "team": door(Action.NETWORK_VIEW, get(TEAMS, at_team("team"))),
    # --- On call ---
    "page_link": door(
        NOBODY,
        get(("own",), fixed("/p/no-such-page-token")),
        post(("own",), fixed("/p/no-such-page-token", {"answer": "accept"})),
        why="a page's one-time link opens for the paged person only (test_page_link.py)",
    ),
    "oncall_alerts": door(Action.CHANNELS_MANAGE, get(("own",), named("oncall_alerts"))),
    "messaging_templates": door(Action.CHANNELS_MANAGE, get(("own",), named("messaging_templates"))),
    "oncall_policies": door(Action.ROSTER_VIEW, get(TEAMS, at_team("oncall_policies"))),
    "oncall_policy_new": door(
        Action.ROSTER_MANAGE,
        get(TEAMS, at_team("oncall_policy_new")),
        post(TEAMS, at_team("oncall_policy_new", POLICY_FORM)),
    ),
    "oncall_policy_edit": door(
        Action.ROSTER_MANAGE,
        get(TEAMS, at_policy("oncall_policy_edit")),
        post(TEAMS, at_policy("oncall_policy_edit", POLICY_FORM)),
    ),
    "oncall_policy_remove": door(Action.ROSTER_MANAGE, post(TEAMS, at_policy("oncall_policy_remove"))),
    # --- Rosters ---
    "oncall_mine": door(Action.ROSTER_VIEW, get(("self",), named("oncall_mine"))),
    "oncall_calendar": door(
        PUBLIC,
        get(("own",), live_calendar),
        why="a calendar feed for a phone's calendar app: the secret in its address is the credential",
    ),
    "oncall_team": door(Action.ROSTER_VIEW, get(TEAMS, at_team("oncall_team"))),
    "oncall_rotation_new": door(
        Action.ROSTER_MANAGE,
        get(TEAMS, at_team("oncall_rotation_new")),
        post(TEAMS, at_team("oncall_rotation_new", rota_form), passed_with=FIXABLE),
    ),
    "oncall_rotation_edit": door(
        Action.ROSTER_MANAGE,
        get(TEAMS, at_rotation("oncall_rotation_edit")),
        post(TEAMS, at_rotation("oncall_rotation_edit", rota_form), passed_with=FIXABLE),
    ),
    "oncall_rotation_delete": door(
        Action.ROSTER_MANAGE, post(TEAMS, at_rotation("oncall_rotation_delete", {}))
    ),
    "oncall_rotation_swap": door(
        Action.ROSTER_MANAGE,
        get(TEAMS, at_rotation("oncall_rotation_swap")),
        post(TEAMS, at_rotation("oncall_rotation_swap", {"shift_a": "", "shift_b": ""}), passed_with=FIXABLE),
    ),
    "oncall_override_new": door(
        Action.ROSTER_MANAGE,
        get(TEAMS, at_team("oncall_override_new")),
        post(TEAMS, at_team("oncall_override_new", _override_form), passed_with=FIXABLE),
    ),
    "oncall_override_cancel": door(Action.ROSTER_MANAGE, post(TEAMS, at_override("oncall_override_cancel"))),
    # A feed of one's own shifts, from the page of a team one may see; a team's feed is its lead's.
    "oncall_feed_new": door(Action.ROSTER_VIEW, post(TEAMS, at_team("oncall_feed_new", {"of": "person"}))),
    "oncall_feed_revoke": door(Action.ROSTER_MANAGE, post(TEAMS, at_team_feed("oncall_feed_revoke"))),
    # --- People ---
    "people_list": door(
        SELF_ONLY,
        get(("self",), named("people_list")),
        why="everyone opens it; what it lists is narrowed by PEOPLE_VIEW (test_lists_...)",
    ),
    "people_invite": door(
        Action.PEOPLE_MANAGE,
        get(("own",), named("people_invite")),
        # The invitee's role is in the scope's team: a lead invites into the own team only.
        post(
            TEAMS,
            lambda w, role, scope: Req(reverse("people_invite"), _invite_form(w, role, scope)),
            passed_with=frozenset({400}),
        ),
        why="who may manage someone new in the own team: leads and administrators",
    ),
    "people_person": door(Action.PEOPLE_VIEW, get(ALL, at_person("people_person"))),
    # Giving or taking a role asks both PEOPLE_MANAGE (the person) and ROLE_GRANT (the role): the stricter
    # one, PEOPLE_MANAGE, is the row (ROLE_GRANT allows a lead at "self" only for someone else's role).
    "people_role_grant": door(
        Action.PEOPLE_MANAGE,
        post(
            ALL,
            at_person(
                "people_role_grant", lambda w, role, scope: {"kind": "lawyer", "team": w.team(scope).code}
            ),
            passed_with=frozenset({400}),
        ),
    ),
    "people_role_revoke": door(
        Action.PEOPLE_MANAGE,
        post(
            ALL,
            lambda w, role, scope: Req(
                reverse("people_role_revoke", args=[w.person(role, scope).username, w.role_id(role, scope)]),
                {},
                w.person(role, scope).username,
            ),
        ),
    ),
    "people_active": door(
        Action.PEOPLE_MANAGE, post(ALL, at_person("people_active", {"active": "0", "confirm": "yes"}))
    ),
    "people_invitation": door(
        Action.PEOPLE_MANAGE, post(ALL, at_person("people_invitation", {"confirm": "yes"}))
    ),
    "people_second_factor_reset": door(
        Action.PEOPLE_MANAGE, post(ALL, at_person("people_second_factor_reset", {"confirm": "yes"}))
    ),
    # --- Crises ---
    # The board of a team: its members (crisis team, social workers and lawyers) see the crises they may
    # open; that is CRISIS_VIEW of a crisis of the own team assigned to them, the "self" column.
    "crisis_my_board": door(Action.CRISIS_VIEW, get(("self",), named("crisis_my_board"))),
    "crisis_board": door(
        Action.CRISIS_VIEW, get(("self", "district", "state", "country"), at_team("crisis_board"))
    ),
    "crisis_new": door(
        Action.CRISIS_CREATE,
        get(TEAMS, at_team("crisis_new")),
        post(TEAMS, at_team("crisis_new", {"crisis_type": "other", "idempotency_key": ""})),
    ),
    "crisis": door(Action.CRISIS_VIEW, get(ALL, at_crisis("crisis"))),
    "crisis_identity": door(Action.IDENTITY_VIEW, post(ALL, at_crisis("crisis_identity"))),
    "crisis_step_done": door(
        Action.CRISIS_WORK, post(ALL, at_step("crisis_step_done", {}), passed_with=FIXABLE)
    ),
    "crisis_step_not_applicable": door(
        Action.CRISIS_WORK,
        post(ALL, at_step("crisis_step_not_applicable", {"reason": "done elsewhere"}), passed_with=FIXABLE),
    ),
    "crisis_timeline_add": door(
        Action.CRISIS_WORK,
        post(
            ALL,
            at_crisis("crisis_timeline_add", {"kind": "call", "text": "called back"}),
            passed_with=FIXABLE,
        ),
    ),
    "crisis_assign": door(
        Action.CRISIS_WORK,
        post(
            ALL,
            at_crisis("crisis_assign", lambda w, role, scope: {"person": str(w.colleague(scope).pk)}),
            passed_with=FIXABLE,
        ),
    ),
    "crisis_status": door(
        Action.CRISIS_WORK,
        post(ALL, at_crisis("crisis_status", {"status": "acknowledged"}), passed_with=FIXABLE),
    ),
    "crisis_close": door(
        Action.CRISIS_WORK,
        post(ALL, at_crisis("crisis_close", {"outcome": "safe", "redressed": "yes"}), passed_with=FIXABLE),
    ),
    "crisis_reopen": door(
        Action.CRISIS_WORK,
        # The crisis is open: "only a resolved or closed crisis can be reopened" (409) after the check.
        post(ALL, at_crisis("crisis_reopen", {"reason": "again"}), passed_with=FIXABLE),
    ),
    "crisis_follow_up": door(
        Action.CRISIS_WORK,
        post(
            ALL,
            at_crisis("crisis_follow_up", lambda w, role, scope: {"due_at": _local_time_ahead()}),
            passed_with=FIXABLE,
        ),
    ),
    "crisis_consent": door(
        Action.CRISIS_WORK,
        post(ALL, at_crisis("crisis_consent", {"purpose": "refer", "given": "1"}), passed_with=FIXABLE),
    ),
    # Someone who may open the crisis already is sent to it: only a grant made tells that glass was broken.
    "crisis_break_glass": door(
        Action.BREAK_GLASS,
        post(
            ALL,
            at_crisis("crisis_break_glass", {"hours": "4", "reason": "she is at the police station"}),
            went_through=grant_went_through,
        ),
    ),
    "crisis_break_glass_review": door(
        Action.BREAK_GLASS_REVIEW,
        get(
            ALL,
            lambda w, role, scope: Req(reverse("crisis_break_glass_review", args=[w.grant(role, scope).pk])),
        ),
        post(
            ALL,
            lambda w, role, scope: Req(
                reverse("crisis_break_glass_review", args=[w.grant(role, scope).pk]), {"note": "fine"}
            ),
        ),
    ),
    "evidence_upload": door(Action.CRISIS_WORK, post(ALL, at_crisis("evidence_upload", pdf_upload))),
    "evidence": door(
        Action.CRISIS_VIEW,
        get(
            ALL,
            lambda w, role, scope: Req(
                reverse("evidence", args=[w.attachments[scope].token]), ident=w.attachments[scope].token
            ),
        ),
    ),
    # --- A client's rights ---
    "client": door(Action.CLIENT_RIGHTS, get(ALL, at_client("client"))),
    "client_download": door(Action.CLIENT_RIGHTS, post(ALL, at_client("client_download"))),
    "client_details": door(Action.CLIENT_RIGHTS, post(ALL, at_client("client_details"))),
    "client_correct": door(
        Action.CLIENT_RIGHTS,
        post(
            ALL, at_client("client_correct", {"name": "Renamed", "reason": "she asked"}), passed_with=FIXABLE
        ),
    ),
    "client_erase": door(
        Action.CLIENT_RIGHTS,
        get(ALL, at_client("client_erase")),
        post(ALL, at_client("client_erase", {"understood": "1", "reason": "she asked"}), passed_with=FIXABLE),
    ),
    # --- Incident details: reading them is viewing the crisis, saving them working on it (same rows) ---
    "crisis_details": door(
        Action.CRISIS_VIEW,
        get(ALL, at_crisis("crisis_details")),
        post(
            ALL,
            at_crisis("crisis_details", {"injuries": "a cut on the arm", "reason": "she said more"}),
            passed_with=FIXABLE,
        ),
    ),
    "crisis_detail_history": door(
        Action.CRISIS_VIEW,
        get(
            ALL,
            lambda w, role, scope: Req(
                reverse("crisis_detail_history", args=[w.crisis(scope).reference, "what_happened"]),
                ident=w.crisis(scope).reference,
            ),
        ),
    ),
    # --- Twilio's and Exotel's webhooks: no person's session or role opens them (webhook_door) ---
    "twilio_sms": webhook_door("twilio_sms", "POST"),
    "twilio_status": webhook_door("twilio_status", "POST"),
    "twilio_call": webhook_door("twilio_call", "POST"),
    "twilio_voice": webhook_door("twilio_voice", "GET", "POST", args=["a-token"]),
    "twilio_voice_key": webhook_door("twilio_voice_key", "POST", args=["a-token"]),
    "exotel_sms": webhook_door("exotel_sms", "GET", "POST", args=["not-the-secret"]),
    "exotel_status": webhook_door("exotel_status", "POST", args=["not-the-secret"]),
    "exotel_missed_call": webhook_door("exotel_missed_call", "GET", args=["not-the-secret"]),
    "exotel_voice": webhook_door("exotel_voice", "GET", args=["not-the-secret"]),
    "exotel_voice_key": webhook_door("exotel_voice_key", "GET", args=["not-the-secret"]),
    "android_webhook": webhook_door("android_webhook", "POST"),
    "http_sms": webhook_door("http_sms", "GET", "POST", args=["not-the-secret"]),
    "http_status": webhook_door("http_status", "GET", "POST", args=["not-the-secret"]),
}


def _with_heartbeat(req: Req) -> Req:
    """/healthz answers 503 without a running worker: a fresh heartbeat, inside the request's savepoint."""
    from crisisline.worker.models import Heartbeat

    Heartbeat.objects.update_or_create(worker_id="doors", defaults={"beat_at": timezone.now()})
    return req


# --- API ------------------------------------------------------------------------------------------------
def api_crisis(suffix: str = "", body=None) -> Build:
    def build(w, role, scope):
        reference = w.crisis(scope).reference
        return Req(
            f"{API}/crises/{reference}{suffix}", body(w, role, scope) if callable(body) else body, reference
        )

    return build


def api_step(action: str, body: dict) -> Build:
    def build(w, role, scope):
        reference = w.crisis(scope).reference
        return Req(f"{API}/crises/{reference}/steps/{w.steps[scope].code}/{action}", body, reference)

    return build


def api_code(collection: str, of: Callable) -> Build:
    def build(w, role, scope):
        code = of(w.team(scope)).code
        return Req(f"{API}/{collection}/{code}", ident=code)

    return build


def api_client(suffix: str, body: dict | None = None) -> Build:
    def build(w, role, scope):
        code = w.crisis(scope).client.code
        return Req(f"{API}/clients/{code}{suffix}", body, code)

    return build


def api_door(rule, method: str, scopes, build: Build, *, passed_with=frozenset(), why: str = "") -> Door:
    return door(rule, Probe(method, scopes, build, passed_with=frozenset(passed_with)), why=why)


API_DOORS: dict[tuple[str, str], Door] = {
    ("GET", f"{API}/states"): api_door(Action.NETWORK_VIEW, "GET", ("own",), fixed(f"{API}/states")),
    ("GET", f"{API}/states/{{code}}"): api_door(
        Action.NETWORK_VIEW,
        "GET",
        ("own", "country"),
        api_code("states", lambda t: t.organisation.district.state),
    ),
    ("GET", f"{API}/districts"): api_door(Action.NETWORK_VIEW, "GET", ("own",), fixed(f"{API}/districts")),
    ("GET", f"{API}/districts/{{code}}"): api_door(
        Action.NETWORK_VIEW,
        "GET",
        ("own", "state", "country"),
        api_code("districts", lambda t: t.organisation.district),
    ),
    ("GET", f"{API}/organisations"): api_door(
        Action.NETWORK_VIEW, "GET", ("own",), fixed(f"{API}/organisations")
    ),
    ("GET", f"{API}/organisations/{{code}}"): api_door(
        Action.NETWORK_VIEW,
        "GET",
        ("own", "state", "country"),
        api_code("organisations", lambda t: t.organisation),
    ),
    # --- Rosters ---
    ("GET", f"{API}/teams/{{code}}/on-call"): api_door(
        Action.ROSTER_VIEW, "GET", TEAMS, api_team("/on-call")
    ),
    ("GET", f"{API}/teams/{{code}}/shifts"): api_door(Action.ROSTER_VIEW, "GET", TEAMS, api_team("/shifts")),
    ("POST", f"{API}/teams/{{code}}/rotations"): api_door(
        Action.ROSTER_MANAGE, "POST", TEAMS, api_team("/rotations", api_rotation_body), passed_with=FIXABLE
    ),
    ("PUT", f"{API}/teams/{{code}}/rotations/{{rotation_id}}"): api_door(
        Action.ROSTER_MANAGE,
        "PUT",
        TEAMS,
        api_team("/rotations", api_rotation_body, rotation=True),
        passed_with=FIXABLE,
    ),
    ("POST", f"{API}/teams/{{code}}/overrides"): api_door(
        Action.ROSTER_MANAGE,
        "POST",
        TEAMS,
        api_team(
            "/overrides",
            lambda w, role, scope: {
                "duty": "responder",
                "username": w.colleague(scope).username,
                "starts_at": (timezone.now() + timedelta(days=1)).isoformat(),
                "ends_at": (timezone.now() + timedelta(days=1, hours=2)).isoformat(),
            },
        ),
        passed_with=FIXABLE,
    ),
    # --- Escalation ---
    ("GET", f"{API}/teams/{{code}}/escalation-policies"): api_door(
        Action.ROSTER_VIEW, "GET", TEAMS, api_team("/escalation-policies")
    ),
    ("PUT", f"{API}/teams/{{code}}/escalation-policies/{{name}}"): api_door(
        Action.ROSTER_MANAGE,
        "PUT",
        TEAMS,
        api_team(
            "/escalation-policies/Probe",
            lambda w, role, scope: {
                "levels": [{"timeout_minutes": 5, "targets": [{"kind": "district_coordinator"}]}]
            },
        ),
        passed_with=FIXABLE,
    ),
    ("DELETE", f"{API}/teams/{{code}}/escalation-policies/{{name}}"): api_door(
        Action.ROSTER_MANAGE, "DELETE", TEAMS, api_policy("/escalation-policies/Door%20probe")
    ),
    ("GET", f"{API}/crises/{{reference}}/paging"): api_door(
        Action.CRISIS_VIEW, "GET", ALL, api_crisis("/paging")
    ),
    ("GET", f"{API}/teams"): api_door(Action.NETWORK_VIEW, "GET", ("own",), fixed(f"{API}/teams")),
    ("GET", f"{API}/teams/{{code}}"): api_door(
        Action.NETWORK_VIEW, "GET", TEAMS, api_code("teams", lambda t: t)
    ),
    ("GET", f"{API}/standards"): api_door(Action.NETWORK_VIEW, "GET", ("own",), fixed(f"{API}/standards")),
    ("GET", f"{API}/me"): api_door(SELF_ONLY, "GET", ("self",), fixed(f"{API}/me"), why="one's own account"),
    # Another person's tokens: an administrator's business only.
    ("GET", f"{API}/me/tokens"): api_door(
        Action.TOKEN_MANAGE,
        "GET",
        ALL,
        lambda w, role, scope: Req(
            f"{API}/me/tokens?person={w.person(role, scope).username}", ident=w.person(role, scope).username
        ),
    ),
    ("POST", f"{API}/me/tokens"): api_door(
        SELF_ONLY, "POST", ("self",), fixed(f"{API}/me/tokens", {"name": "laptop"}), why="a token for oneself"
    ),
    ("DELETE", f"{API}/me/tokens/{{prefix}}"): api_door(
        Action.TOKEN_MANAGE,
        "DELETE",
        ALL,
        lambda w, role, scope: Req(
            f"{API}/me/tokens/{w.token(role, scope).prefix}", ident=w.token(role, scope).prefix
        ),
    ),
    ("GET", f"{API}/people"): api_door(
        SELF_ONLY,
        "GET",
        ("self",),
        fixed(f"{API}/people"),
        why="everyone may ask; what it lists is narrowed by PEOPLE_VIEW (test_lists_...)",
    ),
    ("GET", f"{API}/people/{{username}}"): api_door(
        Action.PEOPLE_VIEW,
        "GET",
        ALL,
        lambda w, role, scope: Req(
            f"{API}/people/{w.person(role, scope).username}", ident=w.person(role, scope).username
        ),
    ),
    ("POST", f"{API}/crises"): api_door(
        Action.CRISIS_CREATE,
        "POST",
        TEAMS,
        lambda w, role, scope: Req(
            f"{API}/crises", {"team": w.team(scope).code, "crisis_type": "other"}, w.team(scope).code
        ),
    ),
    ("GET", f"{API}/crises"): api_door(
        SELF_ONLY,
        "GET",
        ("self",),
        fixed(f"{API}/crises"),
        why="everyone may ask; what it lists is narrowed by CRISIS_VIEW (test_lists_...)",
    ),
    ("GET", f"{API}/crises/{{reference}}"): api_door(Action.CRISIS_VIEW, "GET", ALL, api_crisis()),
    ("PATCH", f"{API}/crises/{{reference}}"): api_door(
        Action.CRISIS_WORK, "PATCH", ALL, api_crisis("", {"status": "acknowledged"}), passed_with=FIXABLE
    ),
    ("GET", f"{API}/crises/{{reference}}/identity"): api_door(
        Action.IDENTITY_VIEW, "GET", ALL, api_crisis("/identity")
    ),
    ("POST", f"{API}/crises/{{reference}}/timeline"): api_door(
        Action.CRISIS_WORK,
        "POST",
        ALL,
        api_crisis("/timeline", {"kind": "call", "text": "called"}),
        passed_with=FIXABLE,
    ),
    ("POST", f"{API}/crises/{{reference}}/steps/{{code}}/complete"): api_door(
        Action.CRISIS_WORK, "POST", ALL, api_step("complete", {}), passed_with=FIXABLE
    ),
    ("POST", f"{API}/crises/{{reference}}/steps/{{code}}/not-applicable"): api_door(
        Action.CRISIS_WORK,
        "POST",
        ALL,
        api_step("not-applicable", {"reason": "done elsewhere"}),
        passed_with=FIXABLE,
    ),
    ("POST", f"{API}/crises/{{reference}}/close"): api_door(
        Action.CRISIS_WORK,
        "POST",
        ALL,
        api_crisis("/close", {"outcome": "safe", "redressed": True}),
        passed_with=FIXABLE,
    ),
    ("POST", f"{API}/crises/{{reference}}/reopen"): api_door(
        # The crisis is open: 409 after the check.
        Action.CRISIS_WORK,
        "POST",
        ALL,
        api_crisis("/reopen", {"reason": "again"}),
        passed_with=FIXABLE,
    ),
    ("POST", f"{API}/crises/{{reference}}/assign"): api_door(
        Action.CRISIS_WORK,
        "POST",
        ALL,
        api_crisis("/assign", lambda w, role, scope: {"username": w.colleague(scope).username}),
        passed_with=FIXABLE,
    ),
    ("POST", f"{API}/crises/{{reference}}/consents"): api_door(
        Action.CRISIS_WORK,
        "POST",
        ALL,
        api_crisis("/consents", {"purpose": "refer", "given": True}),
        passed_with=FIXABLE,
    ),
    ("POST", f"{API}/crises/{{reference}}/attachments"): api_door(
        Action.CRISIS_WORK, "POST", ALL, api_crisis("/attachments", pdf_upload), passed_with=FIXABLE
    ),
    ("GET", f"{API}/crises/{{reference}}/attachments"): api_door(
        Action.CRISIS_VIEW, "GET", ALL, api_crisis("/attachments")
    ),
    ("GET", f"{API}/attachments/{{token}}"): api_door(
        Action.CRISIS_VIEW,
        "GET",
        ALL,
        lambda w, role, scope: Req(
            f"{API}/attachments/{w.attachments[scope].token}", ident=w.attachments[scope].token
        ),
    ),
    ("GET", f"{API}/crises/{{reference}}/facts"): api_door(
        Action.CRISIS_VIEW, "GET", ALL, api_crisis("/facts")
    ),
    ("POST", f"{API}/crises/{{reference}}/facts"): api_door(
        Action.CRISIS_WORK,
        "POST",
        ALL,
        api_crisis("/facts", {"values": {"injuries": "a cut on the arm"}, "reason": "she said more"}),
        passed_with=FIXABLE,
    ),
    # --- A client's rights ---
    ("GET", f"{API}/clients/{{code}}"): api_door(Action.CLIENT_RIGHTS, "GET", ALL, api_client("")),
    # A client is assigned to nobody: the "self" column (a crisis assigned to the reader, which lets a
    # social worker or lawyer see its identity) does not apply. The crisis's identity door covers it.
    ("GET", f"{API}/clients/{{code}}/identity"): api_door(
        Action.IDENTITY_VIEW, "GET", TEAMS, api_client("/identity")
    ),
    ("POST", f"{API}/clients/{{code}}/export"): api_door(
        Action.CLIENT_RIGHTS, "POST", ALL, api_client("/export")
    ),
    ("PATCH", f"{API}/clients/{{code}}"): api_door(
        Action.CLIENT_RIGHTS,
        "PATCH",
        ALL,
        api_client("", {"name": "Renamed", "reason": "she asked"}),
        passed_with=FIXABLE,
    ),
    ("POST", f"{API}/clients/{{code}}/erase"): api_door(
        Action.CLIENT_RIGHTS,
        "POST",
        ALL,
        api_client("/erase", {"reason": "she asked", "confirm": True}),
        passed_with=FIXABLE,
    ),
}

DOORS: dict = {**WEB_DOORS, **API_DOORS}


# --- What exists ------------------------------------------------------------------------------------------
def api_operations(document: dict) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }


def _as_template(route: str) -> str:
    """A Django route as the OpenAPI document writes it: api/v1/crises/<ref> -> /api/v1/crises/{ref}."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def web_pages(api_paths: set[str]) -> dict[str, str]:
    """Every URL pattern, by name (namespace:name inside a namespace), except the static files and the API
    operations, which come from the OpenAPI document. Everything else django-ninja adds under api/v1/ (the
    document itself, its root) is a door too."""
    found: dict[str, str] = {}
    static = settings.STATIC_URL.lstrip("/")

    def walk(resolver, prefix: str, namespace: str) -> None:
        for item in resolver.url_patterns:
            route = prefix + str(item.pattern)
            if isinstance(item, URLResolver):
                walk(item, route, ":".join(part for part in (namespace, item.namespace) if part))
                continue
            if route.startswith(static) or _as_template(route) in api_paths:
                continue
            key = f"{namespace}:{item.name}" if namespace and item.name else item.name or route
            if key in found:
                raise AssertionError(f"two URL patterns are named {key}: {found[key]} and {route}")
            found[key] = route

    walk(get_resolver(), "", "")
    return found


def doors_that_exist(document: dict) -> set:
    operations = api_operations(document)
    return set(web_pages({path for _, path in operations})) | operations


def door_id(key) -> str:
    return " ".join(key) if isinstance(key, tuple) else key
