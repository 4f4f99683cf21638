"""What reads crises for the pages: the intake choices, a team's board, one crisis with its steps and
timeline. Every list is narrowed by policy.scope; decrypting a text is left to the page that shows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from crisisline.crises.catalogue import BUILT_IN, Urgency
from crisisline.crises.models import (
    Assignment,
    BreakGlass,
    Consent,
    Crisis,
    CrisisStep,
    CrisisType,
    FollowUp,
    TimelineEntry,
)
from crisisline.network.models import Locality, Team
from crisisline.people.models import Person, Role
from crisisline.people.policy import Action, can, scope, team_ids

CALL_BACK = "call_back"
ICONS = frozenset(kind.icon for kind in BUILT_IN)


# --- Teams -----------------------------------------------------------------------------------------------
def team_by_code(*, code: str) -> Team | None:
    return Team.objects.select_related("organisation__district").filter(code=code).first()


def teams_with_board(*, person: Person) -> list[Team]:
    """The teams whose board `person` may open: those they hold a team role in."""
    return list(Team.objects.filter(pk__in=team_ids(person)).order_by("name"))


def may_see_board(person: Person, team: Team) -> bool:
    return team.pk in team_ids(person)


def team_members(*, team: Team) -> list[Person]:
    """Who a crisis of the team may be given to: its crisis members, social workers and lawyers."""
    return list(
        Person.objects.filter(is_active=True, roles__team=team, roles__kind__in=Role.TEAM_KINDS)
        .distinct()
        .order_by("display_name", "username")
    )


# --- Intake ----------------------------------------------------------------------------------------------
def intake_types(*, team: Team) -> list[CrisisType]:
    """The buttons at intake: the network's types offered at intake (catalogue order), then the active
    types the team's state or the team itself added."""
    offered = [kind.code for kind in BUILT_IN if kind.intake]
    types = CrisisType.objects.filter(active=True).filter(
        Q(code__in=offered, state__isnull=True, team__isnull=True)
        | Q(team=team)
        | Q(state_id=team.organisation.district.state_id)
    )
    built_in = Case(When(code__in=offered, then=Value(0)), default=Value(1), output_field=IntegerField())
    return list(types.annotate(built_in=built_in).order_by("built_in", "position", "code"))


def icon_of(crisis_type: CrisisType) -> str:
    """A local type may name an icon we do not draw: it gets the plain one."""
    return crisis_type.icon if crisis_type.icon in ICONS else "other"


def team_localities(*, person: Person, team: Team) -> QuerySet[Locality]:
    return scope(person, Action.LOCALITIES_VIEW, Locality.objects.filter(team=team)).order_by("name")


# --- The board -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BoardCard:
    crisis: Crisis
    next_step: CrisisStep | None
    seconds_to_due: int | None  # negative once overdue
    responders: list[Person]

    @property
    def overdue(self) -> bool:
        return self.seconds_to_due is not None and self.seconds_to_due < 0

    @property
    def icon(self) -> str:
        return icon_of(self.crisis.crisis_type)

    @property
    def call_back(self) -> bool:
        return self.crisis.crisis_type.code == CALL_BACK


def _urgency_rank() -> Case:
    return Case(
        *[When(urgency=urgency, then=Value(rank)) for urgency, rank in Urgency.ORDER.items()],
        default=Value(len(Urgency.ORDER)),
        output_field=IntegerField(),
    )


def board(*, person: Person, team: Team, now: datetime | None = None) -> list[BoardCard]:
    """The team's crises not yet closed, that `person` may see: call backs first, then those nobody
    accepted, then by urgency, then by the next due step (none due last), then oldest first."""
    now = now or timezone.now()
    crises = (
        scope(
            person, Action.CRISIS_VIEW, Crisis.objects.filter(team=team).exclude(status=Crisis.Status.CLOSED)
        )
        .select_related("crisis_type", "escalation")
        .annotate(
            call_back_rank=Case(
                When(crisis_type__code=CALL_BACK, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            # Nobody accepted after every level of on call's escalation.
            unanswered_rank=Case(
                When(escalation__state="exhausted", then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            urgency_rank=_urgency_rank(),
        )
        .order_by(
            "call_back_rank",
            "unanswered_rank",
            "urgency_rank",
            F("next_due_at").asc(nulls_last=True),
            "opened_at",
            "pk",
        )
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=CrisisStep.objects.filter(state=CrisisStep.State.OPEN).order_by(
                    "due_at", "position"
                ),
                to_attr="open_steps",
            ),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(ended_at__isnull=True)
                .select_related("person")
                .order_by("at"),
                to_attr="current_assignments",
            ),
        )
    )
    cards = []
    for crisis in crises:
        step = crisis.open_steps[0] if crisis.open_steps else None
        seconds = None if step is None else int((step.due_at - now).total_seconds())
        cards.append(BoardCard(crisis, step, seconds, [a.person for a in crisis.current_assignments]))
    return cards


def break_glass_to_review(*, person: Person, team: Team) -> list[BreakGlass]:
    """Break-glass grants on the team's crises that nobody has reviewed yet and `person` may review."""
    grants = (
        BreakGlass.objects.awaiting_review()
        .filter(crisis__team=team)
        .select_related("crisis", "person")
        .order_by("opened_at")
    )
    return [grant for grant in grants if can(person, Action.BREAK_GLASS_REVIEW, grant)]


def break_glass_by_id(*, pk: int) -> BreakGlass | None:
    return BreakGlass.objects.select_related("crisis__team", "person").filter(pk=pk).first()


# --- One crisis ------------------------------------------------------------------------------------------
def crisis_by_reference(*, reference: str) -> Crisis | None:
    return (
        Crisis.objects.select_related(
            "team__organisation__district", "crisis_type", "locality", "opened_by", "client"
        )
        .filter(reference=reference.strip().upper())
        .first()
    )


def crisis_by_idempotency_key(*, team: Team, key: str) -> Crisis | None:
    return Crisis.objects.filter(team=team, idempotency_key=key).first()


def active_break_glass(*, person: Person, crisis: Crisis) -> BreakGlass | None:
    """The grant through which `person` sees `crisis`, if that is how."""
    return BreakGlass.objects.active().filter(crisis=crisis, person=person).order_by("-expires_at").first()


@dataclass(frozen=True)
class CrisisDetail:
    steps: list[CrisisStep]
    timeline: list[TimelineEntry]
    people: dict[int, Person]  # everyone a timeline entry names by id (an assignment, a page)
    consents: dict[str, Consent | None]  # the latest word per purpose; None: never asked
    responders: list[Person]
    follow_ups: list[FollowUp]


def crisis_detail(*, crisis: Crisis) -> CrisisDetail:
    steps = list(crisis.steps.select_related("done_by"))
    timeline = list(crisis.timeline.select_related("by"))
    named = {entry.data.get("person") for entry in timeline if entry.kind == TimelineEntry.Kind.ASSIGNED}
    for entry in timeline:
        if entry.kind == TimelineEntry.Kind.PAGING:
            named.update(entry.data.get("to", []))
    people = Person.objects.in_bulk([pk for pk in named if isinstance(pk, int)])
    consents: dict[str, Consent | None] = dict.fromkeys(Consent.Purpose.values)
    for consent in crisis.consents.order_by("at", "pk"):
        consents[consent.purpose] = consent
    responders = [
        a.person
        for a in crisis.assignments.filter(ended_at__isnull=True).select_related("person").order_by("at")
    ]
    follow_ups = list(crisis.follow_ups.filter(done_at__isnull=True).order_by("due_at"))
    return CrisisDetail(steps, timeline, people, consents, responders, follow_ups)
