"""`crisisline simulate`: a stream of crises through the real on-call engine, on a simulated clock.

Everything that decides runs as in production: `crisis_open` (with on call's hook that starts the
escalation), the worker's pass (`Worker.run_once` with an injected clock: escalations, deliveries, the
auditor) and `page_answer` for every answer. Three things are stood in for:

- the clock: simulated time starts now and moves in steps of a few seconds, `speed` times faster than real
  time, so that an hour of dispatch and escalation plays in a minute;
- the responders: each person who may be paged answers after their own fashion (quickly, slowly, often
  "cannot go", or never), drawn from the seed, so the same seed plays the same story;
- the providers: one transport hands every message to the console channel (the outbox file), except that
  one channel (SMS) is down for a stretch of the run and fails with a temporary error.

It prints one line per event, from what the system recorded (the crisis timeline, the pages, the messages),
with usernames only: never a phone number or a place. It must run on a scratch database only; the management
command makes one."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from crisisline.crises.catalogue import BY_CODE, Urgency
from crisisline.crises.models import Crisis, CrisisStep, TimelineEntry
from crisisline.crises.services import Intake, crisis_open, step_complete
from crisisline.lib.phones import demo_number
from crisisline.messaging import transport as transports
from crisisline.messaging.models import Channel, Message
from crisisline.messaging.providers.console.transport import ConsoleTransport
from crisisline.messaging.services import contact_point_add
from crisisline.messaging.transport import OutboundMessage, Receipt, TransportError
from crisisline.network.demo import DemoSize, demo_build, network_exists
from crisisline.network.models import Team
from crisisline.oncall.models import Escalation, Page, Rotation, RotationMember
from crisisline.oncall.rosters import local, on_call_at
from crisisline.oncall.services import page_answer
from crisisline.people.models import Person, Role
from crisisline.people.policy import Action, can
from crisisline.worker.loop import Worker

WORKER_ID = "simulate"
# Crisis types in the stream, with how often each comes (a busy evening for an urban team).
MIX = (
    ("physical_violence", 30),
    ("police_harassment", 20),
    ("partner_family_violence", 15),
    ("sexual_violence", 10),
    ("arrest", 10),
    ("suicide_risk", 5),
    ("health_emergency", 5),
    ("other", 5),
)
# How an answer comes back, by the channel the page reached the person on; else by the link in it.
VIA = {Channel.SMS: Page.Via.SMS, Channel.VOICE: Page.Via.VOICE}


@dataclass(frozen=True)
class Profile:
    """How a simulated person answers the page in their hand: how likely they accept or say "cannot go"
    (the rest never answer), and after how many minutes (a range)."""

    name: str  # how it reads in the cast list
    accept: float
    decline: float
    accept_after: tuple[float, float]
    decline_after: tuple[float, float] = (0.5, 2)


PROFILES = {
    "quick": Profile("answers quickly", 0.8, 0.1, (1, 3)),
    "slow": Profile("answers slowly", 0.55, 0.1, (3, 9)),
    "busy": Profile("often cannot go", 0.25, 0.55, (2, 6)),
    "away": Profile("never answers (phone off)", 0.0, 0.0, (0, 0)),
}
ROLE_PROFILES = {
    Role.Kind.RESPONDER: ("quick", "slow", "slow", "busy", "busy", "away"),
    Role.Kind.TEAM_LEAD: ("quick", "quick", "quick", "slow"),
    Role.Kind.SOCIAL_WORKER: ("slow", "away"),
    Role.Kind.LAWYER: ("quick", "slow"),
    Role.Kind.PROGRAMME_MANAGER: ("quick", "slow"),
}
# The first channel each role is reached on: responders and social workers are out in the field (SMS),
# coordinators take calls (voice), everyone else has the console (the embedded stand-in for an app).
FIRST_CHANNEL = {
    Role.Kind.RESPONDER: Channel.SMS,
    Role.Kind.SOCIAL_WORKER: Channel.SMS,
    Role.Kind.PROGRAMME_MANAGER: Channel.VOICE,
}
PAGED_KINDS = (*ROLE_PROFILES, Role.Kind.CALL_RECEIVER, Role.Kind.ADMINISTRATOR)


@dataclass(frozen=True)
class Plan:
    crises: int = 12
    minutes: int = 60  # simulated
    seed: int = 1
    speed: float = 60.0  # simulated seconds per real second; 0: as fast as the machine goes
    teams: int = 2
    failing_channel: str = Channel.SMS
    outage: tuple[float, float] | None = None  # minutes from the start; default: 10% to 35% of the run
    tick: timedelta = timedelta(seconds=5)

    def outage_minutes(self) -> tuple[float, float]:
        return self.outage or (max(1.0, self.minutes * 0.1), max(2.0, self.minutes * 0.35))


class Clock:
    def __init__(self, start: datetime) -> None:
        self.start = self.now_at = start

    def now(self) -> datetime:
        return self.now_at

    def elapsed(self, at: datetime | None = None) -> str:
        minutes = int(((at or self.now_at) - self.start).total_seconds() // 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"


class OutageTransport:
    """Every provider at once: the console's outbox, except `channel` fails (temporarily) in the window."""

    name = "simulated"
    channels = frozenset({"sms", "voice", "email", "console"})

    def __init__(self, clock: Clock, channel: str, window: tuple[datetime, datetime]) -> None:
        self.clock, self.channel, self.window = clock, channel, window
        self.console = ConsoleTransport()

    def down(self, at: datetime) -> bool:
        return self.window[0] <= at < self.window[1]

    def send(self, message: OutboundMessage) -> Receipt:
        if message.channel == self.channel and self.down(self.clock.now()):
            raise TransportError("provider down", permanent=False)
        return self.console.send(message)

    def lookup(self, idempotency_key: str) -> Receipt | None:
        return self.console.lookup(idempotency_key)


@dataclass
class Cast:
    teams: list[Team]
    call_receivers: dict[int, Person]  # team id -> who logs its crises
    profiles: dict[int, Profile]  # person id -> how they answer
    usernames: dict[int, str]
    first_channels: dict[int, str]


def cast_prepare(*, plan: Plan, start: datetime) -> Cast:
    """The demo network (built when the database has none), every person who may be paged with a console
    channel and a demo phone number, a responders' rotation per team whose handoff falls half-way through
    the run, and how each person answers."""
    rng = random.Random(plan.seed)
    if not network_exists():
        demo_build(DemoSize(states=1, teams=plan.teams, seed=plan.seed), progress=False)
    teams = list(Team.objects.select_related("organisation").order_by("code")[: plan.teams])
    districts = {team.organisation.district_id for team in teams}
    roles = (
        Role.objects.filter(
            Q(team__in=teams, kind__in=PAGED_KINDS)
            | Q(kind=Role.Kind.PROGRAMME_MANAGER, district__in=districts)
            | Q(kind=Role.Kind.ADMINISTRATOR)
        )
        .select_related("person")
        .order_by("person__username", "pk")
    )
    cast = Cast(teams=teams, call_receivers={}, profiles={}, usernames={}, first_channels={})
    for role in roles:
        person = role.person
        if role.kind == Role.Kind.CALL_RECEIVER:
            cast.call_receivers.setdefault(role.team_id, person)
        if person.pk in cast.usernames:
            continue
        cast.usernames[person.pk] = person.username
        cast.profiles[person.pk] = PROFILES[rng.choice(ROLE_PROFILES.get(role.kind, ("slow", "away")))]
        first = FIRST_CHANNEL.get(role.kind, Channel.CONSOLE)
        number = demo_number(900 + len(cast.usernames))
        channels = [(first, person.username if first == Channel.CONSOLE else number)]
        channels += (
            [(Channel.CONSOLE, person.username)] if first != Channel.CONSOLE else [(Channel.SMS, number)]
        )
        for position, (channel, address) in enumerate(channels):
            contact_point_add(person=person, channel=channel, address=address, position=position)
        cast.first_channels[person.pk] = first
    handoff = start + timedelta(minutes=plan.minutes / 2)
    for team in teams:
        responders = [r.person for r in roles if r.team_id == team.pk and r.kind == Role.Kind.RESPONDER]
        wall = local(handoff, team.time_zone).replace(second=0, microsecond=0)
        rotation, _ = Rotation.objects.get_or_create(
            team=team,
            name="Responders (simulation)",
            defaults={
                "duty": Role.Kind.RESPONDER,
                "starts_on": (wall - timedelta(days=1)).date(),
                "handoff": wall.time(),
                "shift_hours": 24,
            },
        )
        for position, person in enumerate(responders):
            RotationMember.objects.get_or_create(
                rotation=rotation, position=position, defaults={"person": person}
            )
    return cast


def arrivals(plan: Plan, start: datetime, rng: random.Random) -> list[tuple[datetime, str, str, int]]:
    """When each crisis comes, of what type and urgency, to which team: the first half a minute in (so that
    something happens at once), the others spread over the first 70% of the run."""
    span = plan.minutes * 60 * 0.7
    seconds = sorted([30.0] + [rng.uniform(30, max(31, span)) for _ in range(plan.crises - 1)])
    codes, weights = zip(*MIX, strict=True)
    found = []
    for index, offset in enumerate(seconds[: plan.crises]):
        code = rng.choices(codes, weights)[0]
        urgency = BY_CODE[code].urgency if rng.random() < 0.8 else rng.choice(list(Urgency.ORDER))
        found.append((start + timedelta(seconds=offset), code, urgency, index % max(1, plan.teams)))
    return found


@dataclass
class Summary:
    crises: int = 0
    pages: int = 0
    accepted: set = field(default_factory=set)  # crisis ids
    accept_seconds: dict = field(default_factory=dict)  # crisis id -> seconds to the first acceptance
    escalated: set = field(default_factory=set)  # crisis ids paged beyond the first level
    unanswered: set = field(default_factory=set)
    opened: set = field(default_factory=set)
    retries: int = 0  # temporary failures retried
    failovers: int = 0  # messages failed for good (the page moved to the next channel)
    stopped_at: str = ""

    def still_paging(self) -> int:
        return len(self.opened - self.accepted - self.unanswered)

    def median_minutes(self) -> float | None:
        values = list(self.accept_seconds.values())
        return statistics.median(values) / 60 if values else None

    def rows(self) -> list[tuple[str, str]]:
        median = self.median_minutes()
        return [
            ("crises", str(self.crises)),
            ("pages", str(self.pages)),
            ("accepted", str(len(self.accepted))),
            ("median time to accept", "-" if median is None else f"{median:.1f} min"),
            ("escalated to level 2+", str(len(self.escalated))),
            ("unanswered (alert raised)", str(len(self.unanswered - self.accepted))),
            ("still paging at the end", str(self.still_paging())),
            ("temporary failures retried", str(self.retries)),
            ("moved to the next channel", str(self.failovers)),
        ]


class Simulation:
    def __init__(self, plan: Plan, cast: Cast, *, start: datetime, write: Callable[[str], None]) -> None:
        self.plan, self.cast, self.write = plan, cast, write
        self.rng = random.Random(plan.seed * 7919 + 1)
        self.clock = Clock(start)
        outage = plan.outage_minutes()
        self.window = (start + timedelta(minutes=outage[0]), start + timedelta(minutes=outage[1]))
        self.transport = OutageTransport(self.clock, plan.failing_channel, self.window)
        self.summary = Summary()
        self.coming = arrivals(plan, start, random.Random(plan.seed))
        self.answers: list[tuple[datetime, int, bool, str]] = []  # (at, page id, accept, via)
        self.steps_due: list[tuple[datetime, int, int]] = []  # (at, crisis id, person id)
        self.undecided: set[int] = set()  # pages whose message has not reached the person yet
        self.watched: dict[int, int] = {}  # message id -> attempts seen
        self.last_message = Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        self.last_entry = TimelineEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        self.introduced: set[int] = set()
        self.groups: dict[int, list[int]] = {}  # crisis id -> the pages of the level paged last
        self.printed: set[int] = set()  # pages shown
        self.on_call: dict[int, list[int]] = {}

    # --- the run ----------------------------------------------------------------------------------------
    def run(
        self,
        *,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        progress: Callable[[float], None] | None = None,
    ) -> Summary:
        """Play the plan: every tick, the crises that arrive, the answers that are due, the worker's passes;
        then print what happened. Sleeps between ticks to keep `speed`; a KeyboardInterrupt stops it early
        with the summary so far."""
        saved = dict(transports.OVERRIDES)
        for name in transports.PROVIDERS:
            transports.OVERRIDES[name] = self.transport
        worker = Worker(worker_id=WORKER_ID, clock=self.clock.now)
        end = self.clock.start + timedelta(minutes=self.plan.minutes)
        began = monotonic()
        worker.start()
        try:
            self._watch_rotations(announce=False)
            while self.clock.now_at <= end:
                self._tick(worker)
                if progress:
                    progress((self.clock.now_at - self.clock.start).total_seconds() / 60)
                self.clock.now_at += self.plan.tick
                if self.plan.speed > 0:
                    ahead = (self.clock.now_at - self.clock.start).total_seconds() / self.plan.speed
                    sleep(max(0.0, began + ahead - monotonic()))
        except KeyboardInterrupt:
            self.summary.stopped_at = self.clock.elapsed()
        finally:
            worker.finish()
            transports.OVERRIDES.clear()
            transports.OVERRIDES.update(saved)
        return self.summary

    def _tick(self, worker: Worker) -> None:
        now = self.clock.now()
        self._outage_edges(now)
        while self.coming and self.coming[0][0] <= now:
            _at, code, urgency, team_index = self.coming.pop(0)
            self._open(code, urgency, team_index, now)
        self._answer(now)
        for _ in range(20):  # until nothing more is due at this moment
            if not worker.run_once():
                break
        if (now - self.clock.start) % timedelta(minutes=1) < self.plan.tick:
            self._watch_rotations(announce=True)  # handoffs are on the minute
        self._report(now)

    def _open(self, code: str, urgency: str, team_index: int, now: datetime) -> None:
        team = self.cast.teams[team_index % len(self.cast.teams)]
        opened = crisis_open(
            team=team,
            intake=Intake(crisis_type=code, urgency=urgency),
            by=self.cast.call_receivers.get(team.pk),
            opened_at=now,
        )
        self.summary.crises += 1
        self.summary.opened.add(opened.crisis.pk)

    def _answer(self, now: datetime) -> None:
        """The simulated people answer what is due; someone who accepted does the first step later."""
        due = sorted(a for a in self.answers if a[0] <= now)
        self.answers = [a for a in self.answers if a[0] > now]
        for _at, page_id, accept, via in due:
            page = Page.objects.select_related("crisis").get(pk=page_id)
            outcome = page_answer(page=page, accept=accept, via=via, now=now)
            taker = (
                Escalation.objects.filter(pk=page.escalation_id).values_list("accepted_by", flat=True).first()
            )
            if outcome == "taken" and taker != page.person_id:  # not their own earlier page
                self._line(page.crisis, f"{self._name(page.person_id)} answered too: already taken")
            elif outcome == "accepted":
                self._first_step(page, now)
        self._steps(now)

    def _first_step(self, page: Page, now: datetime) -> None:
        """A first step already due (a suicide risk: stay on the call) is done at once; others some minutes
        later, and now and then forgotten, which the acknowledgement timeout catches."""
        first = CrisisStep.objects.filter(crisis_id=page.crisis_id).order_by("position").first()
        if first is None:
            return
        if first.due_at <= now + timedelta(minutes=1):
            self.steps_due.append((now, page.crisis_id, page.person_id))
            self._steps(now)
        elif self.rng.random() < 0.85:
            later = now + timedelta(minutes=self.rng.uniform(2, 8))
            self.steps_due.append((later, page.crisis_id, page.person_id))

    def _steps(self, now: datetime) -> None:
        """The first open step done by whoever accepted, if they may work the crisis (a coordinator who
        accepted coordinates; the team does the steps)."""
        due = [s for s in self.steps_due if s[0] <= now]
        self.steps_due = [s for s in self.steps_due if s[0] > now]
        for _at, crisis_id, person_id in due:
            step = CrisisStep.objects.filter(crisis_id=crisis_id, state=CrisisStep.State.OPEN)
            step = step.select_related("crisis").order_by("position").first()
            person = Person.objects.get(pk=person_id)
            if step is not None and can(person, Action.CRISIS_WORK, step.crisis):
                step_complete(step=step, by=person, at=now)

    def _decide(self, page_id: int, person_id: int, channel: str, now: datetime) -> None:
        """A page has reached its person: will they accept, say "cannot go", or never answer?"""
        profile = self.cast.profiles.get(person_id, PROFILES["away"])
        roll = self.rng.random()
        via = VIA.get(channel, Page.Via.LINK)
        if roll < profile.accept:
            after = self.rng.uniform(*profile.accept_after)
            self.answers.append((now + timedelta(minutes=after), page_id, True, via))
        elif roll < profile.accept + profile.decline:
            after = self.rng.uniform(*profile.decline_after)
            self.answers.append((now + timedelta(minutes=after), page_id, False, via))

    # --- what happened --------------------------------------------------------------------------------
    def _report(self, now: datetime) -> None:
        entries = list(
            TimelineEntry.objects.filter(pk__gt=self.last_entry)
            .select_related("crisis__crisis_type")
            .order_by("pk")
        )
        for entry in entries:
            self.last_entry = entry.pk
            if entry.kind == TimelineEntry.Kind.PAGING and entry.crisis_id in self.summary.opened:
                self._event(entry, now)
        self._messages(now)

    def _event(self, entry: TimelineEntry, now: datetime) -> None:
        crisis, data = entry.crisis, entry.data
        what = data.get("escalation") or data.get("page")
        if what == "paged":
            self._paged(crisis, level=data["level"] - 1, round_=data["round"] - 1, reason="escalation")
        elif what == "ack_timeout":
            self._paged(crisis, level=data["level"] - 1, round_=None, reason="ack_timeout")
        elif what == "skipped":
            levels = data.get("levels") or [data.get("level")]
            named = ", ".join(str(n) for n in levels)
            self._line(crisis, f"level{'s' if len(levels) > 1 else ''} {named}: nobody to page, skipped")
        elif what == "unanswered":
            self.summary.unanswered.add(crisis.pk)
            self._line(crisis, "nobody answered -> alert to the team lead and administrators")
        elif what == "accepted":
            minutes = round((now - crisis.opened_at).total_seconds() / 60)
            self._line(crisis, f"accepted by {self._name(entry.by_id)} via {data['via']} ({minutes} min)")
            if crisis.pk not in self.summary.accepted:
                self.summary.accepted.add(crisis.pk)
                self.summary.accept_seconds[crisis.pk] = (now - crisis.opened_at).total_seconds()
        elif what == "declined":
            self._line(crisis, f"{self._name(entry.by_id)}: cannot go")
        elif what == "failed":
            self._line(crisis, "a page reached nobody on any channel")

    def _paged(self, crisis: Crisis, *, level: int, round_: int | None, reason: str) -> None:
        pages = Page.objects.filter(crisis=crisis, level=level, reason=reason).order_by("pk")
        if round_ is not None:
            pages = pages.filter(round=round_)
        pages = [p for p in pages if p.pk not in self.printed]
        if not pages:
            return
        channels = dict(
            Message.objects.filter(page__in=pages, idempotency_key__endswith=":ch0").values_list(
                "page_id", "channel"
            )
        )
        if reason == "ack_timeout":
            cause = "first step not done in time -> paged again"
        elif level == 0 and not round_:
            cause = "-> paged"
        else:
            self.summary.escalated.add(crisis.pk)
            cause = (
                f"{self._cause(crisis.pk)} -> {f'round {round_ + 1}, ' if round_ else ''}level {level + 1}:"
            )
        for index, page in enumerate(pages):
            self.printed.add(page.pk)
            self.summary.pages += 1
            self.undecided.add(page.pk)
            who, channel = self._name(page.person_id), channels.get(page.pk, "no channel")
            if cause.endswith(":"):
                self._line(crisis, f"{cause if index == 0 else '   and'} {who} ({channel})")
            else:
                self._line(
                    crisis, f"{cause if index == 0 else '-> also paged'} {who} (level {level + 1}, {channel})"
                )
        self.groups[crisis.pk] = [p.pk for p in pages]

    def _cause(self, crisis_id: int) -> str:
        states = set(
            Page.objects.filter(pk__in=self.groups.get(crisis_id, [])).values_list("state", flat=True)
        )
        if Page.State.EXPIRED in states or not states:
            return "no answer"
        if Page.State.DECLINED in states:
            return "cannot go"
        if Page.State.FAILED in states:
            return "not reachable"
        return "no answer"

    def _messages(self, now: datetime) -> None:
        """Messages of pages: who got theirs (and so may answer), what failed and is retried, what moved on
        to the person's next channel."""
        rows = list(
            Message.objects.filter(Q(pk__in=list(self.watched)) | Q(pk__gt=self.last_message))
            .select_related("page__crisis__crisis_type")
            .order_by("pk")
        )
        self.last_message = max([self.last_message, *(m.pk for m in rows)])
        for message in rows:
            page = message.page
            if page is None:
                continue  # an alert or a notice, not a page
            seen = self.watched.pop(message.pk, 0)  # attempts already counted
            if message.state in (Message.State.SENT, Message.State.DELIVERED):
                self.summary.retries += max(message.attempts - 1 - seen, 0)
                if page.pk in self.undecided:
                    self.undecided.discard(page.pk)
                    self._decide(page.pk, page.person_id, message.channel, now)
                if message.attempts > 1:
                    self._line(
                        page.crisis,
                        f"{message.channel} to {self._name(page.person_id)} went through "
                        f"(attempt {message.attempts})",
                    )
            elif message.state == Message.State.FAILED:
                self.summary.retries += max(message.attempts - 1 - seen, 0)
                self.summary.failovers += 1
                self._line(
                    page.crisis,
                    f"{message.channel} failed {message.attempts} times -> next channel for "
                    f"{self._name(page.person_id)}",
                )
            else:
                if message.attempts > seen and message.last_error:
                    self.summary.retries += message.attempts - seen
                    wait = round((message.due_at - now).total_seconds())
                    self._line(
                        page.crisis, f"{message.channel} failed ({message.last_error}), retrying in {wait}s"
                    )
                self.watched[message.pk] = message.attempts

    def _outage_edges(self, now: datetime) -> None:
        tick = self.plan.tick
        if self.window[0] <= now < self.window[0] + tick:
            self._note(f"{self.plan.failing_channel} provider goes down")
        if self.window[1] <= now < self.window[1] + tick:
            self._note(f"{self.plan.failing_channel} provider is back")

    def _watch_rotations(self, *, announce: bool) -> None:
        for team in self.cast.teams:
            now_on = [entry.person_id for entry in on_call_at(team, Role.Kind.RESPONDER, self.clock.now())]
            if announce and now_on != self.on_call.get(team.pk):
                names = ", ".join(self._name(pid) for pid in now_on) or "nobody"
                self._note(f"handoff in {team.code}: {names} now on call")
            self.on_call[team.pk] = now_on

    # --- printing ---------------------------------------------------------------------------------------
    def _name(self, person_id: int | None) -> str:
        if person_id is None:
            return "someone"
        if person_id not in self.cast.usernames:
            self.cast.usernames[person_id] = Person.objects.get(pk=person_id).username
        return self.cast.usernames[person_id]

    def _line(self, crisis: Crisis, text: str) -> None:
        if crisis.pk not in self.introduced:
            self.introduced.add(crisis.pk)
            kind = BY_CODE.get(crisis.crisis_type.code)
            label = str(kind.label if kind else crisis.crisis_type.name).lower()
            text = f"{label}, {crisis.get_urgency_display().lower()}  {text}"
        self.write(f"{self.clock.elapsed()}  {crisis.reference:8} {text}")

    def _note(self, text: str) -> None:
        self.write(f"{self.clock.elapsed()}  {'':8} {text}")


def summary_lines(summary: Summary, *, plan: Plan) -> list[str]:
    lines = [f"Summary ({plan.minutes} simulated minutes, seed {plan.seed}"]
    lines[0] += f", stopped at {summary.stopped_at})" if summary.stopped_at else ")"
    width = max(len(name) for name, _ in summary.rows())
    lines += [f"  {name:{width}}  {value:>9}" for name, value in summary.rows()]
    return lines


def cast_lines(cast: Cast) -> list[str]:
    """Who is who in the simulation, and how each answers."""
    return [
        f"  {cast.usernames[pid]:28} first by {cast.first_channels[pid]:8} {profile.name}"
        for pid, profile in cast.profiles.items()
    ]


def simulate(
    plan: Plan,
    *,
    write: Callable[[str], None],
    start: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[float], None] | None = None,
) -> Summary:
    """Set up the cast, print it, play the plan, print the summary; returns the summary."""
    start = start or timezone.now()
    cast = cast_prepare(plan=plan, start=start)
    outage = plan.outage_minutes()
    write(
        f"{plan.crises} crises over {plan.minutes} simulated minutes"
        + (f", {plan.speed:g} times real time" if plan.speed else ", as fast as it goes")
        + f"; {plan.failing_channel} is down from minute {outage[0]:g} to {outage[1]:g}."
    )
    write("Who may be paged (all simulated):")
    for line in cast_lines(cast):
        write(line)
    write("")
    simulation = Simulation(plan, cast, start=start, write=write)
    summary = simulation.run(sleep=sleep, progress=progress)
    write("")
    for line in summary_lines(summary, plan=plan):
        write(line)
    return summary
