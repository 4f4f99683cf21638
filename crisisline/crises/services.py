"""What changes crises and clients. Each function is one transaction with its audit entry: saved whole or
not at all. Web pages, the API and provider webhooks all come through here."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from crisisline.audit.services import audit_record
from crisisline.crises import facts as fact_fields
from crisisline.crises.catalogue import Urgency
from crisisline.crises.models import (
    Assignment,
    BreakGlass,
    Client,
    Consent,
    Crisis,
    CrisisStep,
    CrisisType,
    Fact,
    FollowUp,
    Protocol,
    ProtocolStep,
    TimelineEntry,
)
from crisisline.crises.references import unique_code
from crisisline.lib.crypto import keyed_digest, new_data_key, open_with, seal_with, unwrap
from crisisline.lib.phones import InvalidPhoneNumber, to_e164
from crisisline.network.models import Locality, Team
from crisisline.network.selectors import effective_standards
from crisisline.people.models import Person
from crisisline.people.policy import Action, require

NOTE_MAX = 2000
PLACE_MAX = 200
BREAK_GLASS_LONGEST = timedelta(hours=12)
S = Crisis.Status
# Which status may follow which. Closing needs an outcome (crisis_close); reopening goes back to work.
TRANSITIONS: dict[str, set[str]] = {
    S.NEW: {S.ACKNOWLEDGED, S.IN_PROGRESS, S.RESOLVED},
    S.ACKNOWLEDGED: {S.IN_PROGRESS, S.RESOLVED},
    S.IN_PROGRESS: {S.RESOLVED},
    S.RESOLVED: {S.CLOSED, S.IN_PROGRESS},
    S.CLOSED: {S.IN_PROGRESS},
}


class CrisisError(Exception):
    """A request about a crisis was refused; `fields` says which field and why, in the reader's language."""

    def __init__(self, message: str, fields: dict[str, str] | None = None, *, status: int = 422):
        super().__init__(message)
        self.message, self.fields, self.status = message, fields or {}, status


@dataclass(frozen=True)
class Intake:
    """What a call receiver gives: only the type is required."""

    crisis_type: str
    urgency: str = ""
    locality_id: int | None = None
    place: str = ""
    client_code: str = ""
    phone: str = ""
    note: str = ""

    def fingerprint(self) -> str:
        """For idempotency: the same key with different contents is a conflict, not a repeat."""
        return hashlib.sha256(json.dumps(self.__dict__, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Opened:
    crisis: Crisis
    replayed: bool  # True when the idempotency key named a crisis opened before: nothing new was saved


# --- Protocols -----------------------------------------------------------------------------------------
def current_protocol(*, crisis_type: CrisisType, team: Team) -> Protocol:
    """The team's own version if it has one, else its state's, else the network's."""
    protocols = Protocol.objects.filter(crisis_type=crisis_type, is_current=True)
    for level in ({"team": team}, {"state_id": team.organisation.district.state_id, "team": None}):
        found = protocols.filter(**level).order_by("-version").first()
        if found:
            return found
    found = protocols.filter(state__isnull=True, team__isnull=True).order_by("-version").first()
    if found is None:
        raise CrisisError(_("This crisis type has no protocol yet."), {"crisis_type": _("No protocol.")})
    return found


def step_minutes(step, standards: dict) -> int:
    """A protocol step's target in minutes from the call: its own, or the team's effective standard
    (`standards`: code -> EffectiveStandard). A local protocol may be stricter than a standard, not looser."""
    if not step.standard:
        return step.minutes
    item = standards[step.standard]
    from_standard = item.standard.in_minutes(item.value)
    return from_standard if step.minutes is None else min(step.minutes, from_standard)


def _step_due_times(protocol: Protocol, team: Team, opened_at: datetime) -> list[tuple[object, datetime]]:
    standards = {item.standard.code: item for item in effective_standards(team)}
    return [
        (step, opened_at + timedelta(minutes=step_minutes(step, standards))) for step in protocol.steps.all()
    ]


# --- Clients -------------------------------------------------------------------------------------------
def phone_index(e164: str) -> str:
    return keyed_digest(e164.encode(), purpose="client.phone")


def _client_for(*, team: Team, intake: Intake, at: datetime) -> Client | None:
    """The client named by code, or recognised by phone, or new when a phone is given; else none."""
    if intake.client_code:
        code = intake.client_code.strip().upper()
        # "K4F7Q9" typed for a code may be K-4F7Q9 with its prefix, or a code that itself starts with K.
        candidates = [code, f"K-{code[3:]}"] if code.startswith("K-K") and len(code) > 7 else [code]
        found = {
            c.code: c for c in Client.objects.filter(code__in=candidates, team=team, erased_at__isnull=True)
        }
        client = next((found[c] for c in candidates if c in found), None)
        if client is None:
            raise CrisisError(
                _("No client with this code in your team."),
                {"client_code": _("Check the code, or leave it empty.")},
            )
        return client
    if not intake.phone:
        return None
    try:
        e164 = to_e164(intake.phone)
    except InvalidPhoneNumber as error:
        raise CrisisError(_("The crisis was not saved."), {"phone": str(error)}) from None
    index = phone_index(e164)
    known = Client.objects.filter(team=team, phone_index=index, erased_at__isnull=True).first()
    if known:
        return known
    key, wrapped = new_data_key()
    try:
        with transaction.atomic():  # a savepoint: the same new number may be arriving at this moment too
            client = Client.objects.create(
                code=unique_code("K", lambda code: Client.objects.filter(code=code).exists(), shortest=5),
                team=team,
                created_at=at,
                data_key_wrapped=wrapped,
                phone_sealed=seal_with(key, e164, purpose="client.phone"),
                phone_index=index,
            )
    except IntegrityError:
        # The other request created her first (the unique index made us wait for it): she is known now.
        return Client.objects.get(team=team, phone_index=index)
    return client


# --- Opening a crisis ----------------------------------------------------------------------------------
def _validate(intake: Intake, team: Team) -> tuple[CrisisType, str, Locality | None]:
    problems: dict[str, str] = {}
    crisis_type = CrisisType.objects.filter(code=intake.crisis_type, active=True).first()
    if (
        crisis_type is None
        or (crisis_type.team_id and crisis_type.team_id != team.pk)
        or (crisis_type.state_id and crisis_type.state_id != team.organisation.district.state_id)
    ):
        problems["crisis_type"] = _("Choose what happened.")
    urgency = intake.urgency or (crisis_type.default_urgency if crisis_type else "")
    if urgency not in Urgency.ORDER:
        problems["urgency"] = _("Choose how urgent it is.")
    locality = None
    if intake.locality_id is not None:
        locality = Locality.objects.filter(pk=intake.locality_id, team=team).first()
        if locality is None:
            problems["locality"] = _("Choose a place from your team's list, or write a few words.")
    if len(intake.place) > PLACE_MAX:
        problems["place"] = _("Keep the place to a few words (at most %(n)s letters).") % {"n": PLACE_MAX}
    if len(intake.note) > NOTE_MAX:
        problems["note"] = _("Keep the note short (at most %(n)s letters).") % {"n": NOTE_MAX}
    if problems:
        raise CrisisError(_("The crisis was not saved."), problems)
    return crisis_type, urgency, locality


def crisis_open(
    *,
    team: Team,
    intake: Intake,
    by: Person | None,
    via: str = Crisis.Via.WEB,
    idempotency_key: str | None = None,
    opened_at: datetime | None = None,
    request=None,
) -> Opened:
    """Log a crisis: client, crisis, protocol steps with due times, timeline and audit, in one transaction.
    A repeat of the same idempotency key returns the crisis it opened; the same key with other contents is
    refused."""
    if by is not None:
        require(by, Action.CRISIS_CREATE, team)
    crisis_type, urgency, locality = _validate(intake, team)
    fingerprint = intake.fingerprint()
    if idempotency_key:
        earlier = _replay(team, idempotency_key, fingerprint)
        if earlier is not None:
            return Opened(crisis=earlier, replayed=True)
    at = opened_at or timezone.now()
    try:
        with transaction.atomic():
            client = _client_for(team=team, intake=intake, at=at)
            protocol = current_protocol(crisis_type=crisis_type, team=team)
            key, wrapped = new_data_key()
            crisis = Crisis.objects.create(
                reference=unique_code("C", lambda ref: Crisis.objects.filter(reference=ref).exists()),
                team=team,
                crisis_type=crisis_type,
                protocol=protocol,
                urgency=urgency,
                client=client,
                locality=locality,
                data_key_wrapped=wrapped,
                place_sealed=seal_with(key, intake.place.strip(), purpose="crisis.place"),
                note_sealed=seal_with(key, intake.note.strip(), purpose="crisis.note"),
                via=via,
                opened_at=at,
                opened_by=by,
                idempotency_key=idempotency_key or None,
            )
            steps = [
                CrisisStep(
                    crisis=crisis, position=step.position, code=step.code, label=step.label, due_at=due
                )
                for step, due in _step_due_times(protocol, team, at)
            ]
            CrisisStep.objects.bulk_create(steps)
            crisis.next_due_at = min((s.due_at for s in steps), default=None)
            crisis.save(update_fields=["next_due_at"])
            TimelineEntry.objects.create(
                crisis=crisis,
                kind=TimelineEntry.Kind.OPENED,
                at=at,
                by=by,
                data={"type": crisis_type.code, "urgency": urgency, "via": via, "intake": fingerprint[:16]},
            )
            audit_record(
                actor=by,
                action="crisis.open",
                obj=crisis,
                request=request,
                details={"type": crisis_type.code, "via": via, "client": client.code if client else None},
            )
            for callback in ON_OPEN:
                callback(crisis)
    except IntegrityError:
        # Two requests with the same idempotency key at once: the other one won.
        earlier = _replay(team, idempotency_key, fingerprint) if idempotency_key else None
        if earlier is None:
            raise
        return Opened(crisis=earlier, replayed=True)
    return Opened(crisis=crisis, replayed=False)


# Functions other apps register to run inside the opening transaction (on-call: start the escalation).
ON_OPEN: list = []


def _replay(team: Team, key: str, fingerprint: str) -> Crisis | None:
    earlier = Crisis.objects.filter(team=team, idempotency_key=key).first()
    if earlier is None:
        return None
    opened = earlier.timeline.filter(kind=TimelineEntry.Kind.OPENED).first()
    if opened is None or opened.data.get("intake") != fingerprint[:16]:
        raise CrisisError(
            _("This idempotency key was used for another crisis (%(ref)s).") % {"ref": earlier.reference},
            {"idempotency_key": _("Use a new key for a new crisis.")},
            status=409,
        )
    return earlier


def call_back_open(*, team: Team, phone: str, via: str, received_at: datetime | None = None) -> Opened:
    """A missed call or an SMS on the team's helpline: a "call back" crisis at the top of its board. The
    messaging webhooks call this; the caller's number is kept only sealed, with the client it identifies."""
    intake = Intake(crisis_type="call_back", urgency=Urgency.URGENT, phone=phone)
    earlier = _open_call_back(team, phone)
    if earlier is not None:
        # People often ring off and ring again: one call back per caller, each call on its timeline.
        TimelineEntry.objects.create(
            crisis=earlier,
            kind=TimelineEntry.Kind.CALL,
            at=received_at or timezone.now(),
            data={"again": via},
        )
        audit_record(actor=None, action="crisis.call_back.again", obj=earlier, details={"via": via})
        return Opened(crisis=earlier, replayed=True)
    try:
        return crisis_open(team=team, intake=intake, by=None, via=via, opened_at=received_at)
    except CrisisError as error:
        if "phone" not in error.fields:
            raise
        # A number that is not valid (withheld, short code): still call-back-able by the team from the log.
        return crisis_open(team=team, intake=Intake(crisis_type="call_back", urgency=Urgency.URGENT), by=None,
                           via=via, opened_at=received_at)  # fmt: skip


def _open_call_back(team: Team, phone: str) -> Crisis | None:
    """A call back for this caller that nobody has resolved yet, if there is one."""
    try:
        index = phone_index(to_e164(phone))
    except InvalidPhoneNumber:
        return None
    return (
        Crisis.objects.filter(team=team, crisis_type__code="call_back", client__phone_index=index)
        .exclude(status__in=[Crisis.Status.RESOLVED, Crisis.Status.CLOSED])
        .order_by("-opened_at")
        .first()
    )


# --- Working a crisis ----------------------------------------------------------------------------------
def _work(by: Person, crisis: Crisis) -> None:
    require(by, Action.CRISIS_WORK, crisis)
    if crisis.client_id and crisis.client.erased_at:
        raise CrisisError(_("This crisis's client was erased; it can no longer change."), status=409)


def _refresh_next_due(crisis: Crisis) -> None:
    crisis.next_due_at = crisis.steps.filter(state=CrisisStep.State.OPEN).aggregate(m=Min("due_at"))["m"]
    crisis.save(update_fields=["next_due_at"])


def _data_key(crisis: Crisis) -> bytes:
    return unwrap(crisis.data_key_wrapped)


def step_complete(
    *, step: CrisisStep, by: Person, note: str = "", at: datetime | None = None, request=None
) -> CrisisStep:
    crisis = step.crisis
    _work(by, crisis)
    if step.state != CrisisStep.State.OPEN:
        raise CrisisError(_("This step is already closed."), {"step": step.get_state_display()}, status=409)
    moment = at or timezone.now()
    if moment < crisis.opened_at:
        raise CrisisError(_("A step cannot be done before the crisis was logged."), {"at": _("Too early.")})
    with transaction.atomic():
        updated = CrisisStep.objects.filter(pk=step.pk, state=CrisisStep.State.OPEN).update(
            state=CrisisStep.State.DONE, done_at=moment, done_by=by
        )
        if updated != 1:
            raise CrisisError(_("This step is already closed."), status=409)
        step.refresh_from_db()
        TimelineEntry.objects.create(
            crisis=crisis,
            kind=TimelineEntry.Kind.STEP_DONE,
            at=moment,
            by=by,
            text_sealed=seal_with(_data_key(crisis), note.strip(), purpose="timeline"),
            data={"step": step.code, "on_time": moment <= step.due_at},
        )
        if crisis.first_contact_at is None and step.position == 1:
            crisis.first_contact_at = moment
            crisis.save(update_fields=["first_contact_at"])
        if crisis.status in (S.NEW, S.ACKNOWLEDGED):
            _set_status(crisis, S.IN_PROGRESS, by=by, at=moment)
        _refresh_next_due(crisis)
        audit_record(
            actor=by, action="crisis.step_done", obj=crisis, request=request, details={"step": step.code}
        )
    return step


def step_not_applicable(*, step: CrisisStep, by: Person, reason: str, request=None) -> CrisisStep:
    crisis = step.crisis
    _work(by, crisis)
    if not reason.strip():
        raise CrisisError(_("Say why this step does not apply."), {"reason": _("A reason is needed.")})
    with transaction.atomic():
        updated = CrisisStep.objects.filter(pk=step.pk, state=CrisisStep.State.OPEN).update(
            state=CrisisStep.State.NOT_APPLICABLE, done_at=timezone.now(), done_by=by
        )
        if updated != 1:
            raise CrisisError(_("This step is already closed."), status=409)
        step.refresh_from_db()
        TimelineEntry.objects.create(
            crisis=crisis,
            kind=TimelineEntry.Kind.STEP_NOT_APPLICABLE,
            by=by,
            text_sealed=seal_with(_data_key(crisis), reason.strip(), purpose="timeline"),
            data={"step": step.code},
        )
        _refresh_next_due(crisis)
        audit_record(
            actor=by,
            action="crisis.step_not_applicable",
            obj=crisis,
            request=request,
            details={"step": step.code},
        )
    return step


ACTIVITY_KINDS = {
    TimelineEntry.Kind.CALL,
    TimelineEntry.Kind.VISIT,
    TimelineEntry.Kind.HOSPITAL,
    TimelineEntry.Kind.POLICE_STATION,
    TimelineEntry.Kind.COUNSELLING,
    TimelineEntry.Kind.MEDIATION,
    TimelineEntry.Kind.NOTE,
}


def timeline_add(
    *, crisis: Crisis, kind: str, text: str, by: Person, at: datetime | None = None, request=None
) -> TimelineEntry:
    """Something done for the crisis: a call, a visit, going with her to hospital or the police station,
    counselling, mediation, or a note."""
    _work(by, crisis)
    problems = {}
    if kind not in ACTIVITY_KINDS:
        problems["kind"] = _("Choose what was done.")
    if len(text) > NOTE_MAX:
        problems["text"] = _("Keep the note short (at most %(n)s letters).") % {"n": NOTE_MAX}
    moment = at or timezone.now()
    if moment > timezone.now() + timedelta(minutes=5):
        problems["at"] = _("This time is in the future.")
    elif moment < crisis.opened_at - timedelta(days=1):
        problems["at"] = _("This time is before the crisis was logged.")
    if problems:
        raise CrisisError(_("Nothing was added."), problems)
    with transaction.atomic():
        entry = TimelineEntry.objects.create(
            crisis=crisis,
            kind=kind,
            at=moment,
            by=by,
            text_sealed=seal_with(_data_key(crisis), text.strip(), purpose="timeline"),
        )
        if crisis.first_contact_at is None and kind in (TimelineEntry.Kind.CALL, TimelineEntry.Kind.VISIT):
            crisis.first_contact_at = moment
            crisis.save(update_fields=["first_contact_at"])
        if crisis.status in (S.NEW, S.ACKNOWLEDGED):
            _set_status(crisis, S.IN_PROGRESS, by=by, at=moment)
        audit_record(
            actor=by, action="crisis.timeline_add", obj=crisis, request=request, details={"kind": kind}
        )
    return entry


def _set_status(
    crisis: Crisis, status: str, *, by: Person | None, at: datetime, data: dict | None = None
) -> None:
    if status not in TRANSITIONS[crisis.status]:
        raise CrisisError(
            _("A crisis that is %(now)s cannot become %(next)s.")
            % {"now": crisis.get_status_display(), "next": S(status).label},
            {"status": _("Not allowed from here.")},
            status=409,
        )
    before = crisis.status
    crisis.status = status
    if status == S.ACKNOWLEDGED and crisis.acknowledged_at is None:
        crisis.acknowledged_at = at
    elif status == S.RESOLVED:
        crisis.resolved_at = at
    elif status == S.CLOSED:
        crisis.closed_at = at
    elif before in (S.RESOLVED, S.CLOSED):  # reopened: resolved again only when it is resolved again
        crisis.resolved_at = crisis.closed_at = None
    crisis.save(update_fields=["status", "acknowledged_at", "resolved_at", "closed_at"])
    kind = (
        TimelineEntry.Kind.REOPENED
        if before in (S.RESOLVED, S.CLOSED) and status == S.IN_PROGRESS
        else (TimelineEntry.Kind.CLOSED if status == S.CLOSED else TimelineEntry.Kind.STATUS)
    )
    TimelineEntry.objects.create(
        crisis=crisis, kind=kind, at=at, by=by, data={"from": before, "to": status, **(data or {})}
    )


def crisis_set_status(*, crisis: Crisis, status: str, by: Person, request=None) -> Crisis:
    """Acknowledge, start, resolve or reopen. Closing goes through crisis_close: it asks for the outcome."""
    _work(by, crisis)
    if status == S.CLOSED:
        raise CrisisError(_("Closing needs the outcome: use Close."), {"status": _("Use Close.")})
    if status not in S.values:
        raise CrisisError(_("Unknown status."), {"status": _("Unknown status.")})
    if crisis.status in (S.RESOLVED, S.CLOSED):
        raise CrisisError(_("A resolved or closed crisis is reopened with a reason: use Reopen."), status=409)
    with transaction.atomic():
        locked = Crisis.objects.select_for_update().get(pk=crisis.pk)
        _set_status(locked, status, by=by, at=timezone.now())
        audit_record(actor=by, action="crisis.status", obj=locked, request=request, details={"to": status})
    crisis.refresh_from_db()
    return crisis


def crisis_update(
    *,
    crisis: Crisis,
    by: Person,
    urgency: str | None = None,
    locality_id: int | None = None,
    reason: str,
    request=None,
) -> Crisis:
    """Correct how urgent a crisis is or where it happened (None: leave as it is). The row takes the new
    value; the timeline keeps the old one, in a correction entry per field that says who changed it and why
    and names the entry it corrects."""
    _work(by, crisis)
    problems: dict[str, str] = {}
    if urgency is not None and urgency not in Urgency.ORDER:
        problems["urgency"] = _("Choose how urgent it is.")
    if (
        locality_id is not None
        and not Locality.objects.filter(pk=locality_id, team_id=crisis.team_id).exists()
    ):
        problems["locality"] = _("Choose a place from your team's list.")
    if problems:
        raise CrisisError(_("Nothing was changed."), problems)
    with transaction.atomic():
        locked = Crisis.objects.select_for_update().get(pk=crisis.pk)
        wanted = {"urgency": ("urgency", urgency), "locality": ("locality_id", locality_id)}
        changes = {
            field: (getattr(locked, attribute), value)
            for field, (attribute, value) in wanted.items()
            if value is not None and value != getattr(locked, attribute)
        }
        if not changes:
            raise CrisisError(_("Nothing to change."))
        if not reason.strip():
            raise CrisisError(_("Say why this is corrected."), {"reason": _("A reason is needed.")})
        for field, (_before, after) in changes.items():
            setattr(locked, wanted[field][0], after)
        locked.save(update_fields=[wanted[field][0] for field in changes])
        for field, (before, after) in changes.items():
            corrected = (
                locked.timeline.filter(kind=TimelineEntry.Kind.CORRECTION, data__field=field)
                .order_by("-at", "-pk")
                .first()
            ) or locked.timeline.filter(kind=TimelineEntry.Kind.OPENED).first()
            TimelineEntry.objects.create(
                crisis=locked,
                kind=TimelineEntry.Kind.CORRECTION,
                by=by,
                data={"field": field, "from": before, "to": after},
                corrects=corrected,
                reason=reason.strip()[:200],
            )
        audit_record(
            actor=by,
            action="crisis.correct",
            obj=locked,
            request=request,
            reason=reason.strip(),
            details={field: {"from": before, "to": after} for field, (before, after) in changes.items()},
        )
    crisis.refresh_from_db()
    return crisis


def crisis_close(*, crisis: Crisis, by: Person, outcome: str, redressed: bool, request=None) -> Crisis:
    """Close with the outcome: what happened in the end, whether it was redressed and how."""
    _work(by, crisis)
    if not outcome.strip():
        raise CrisisError(_("Write the outcome before closing."), {"outcome": _("What happened in the end?")})
    if len(outcome) > NOTE_MAX:
        raise CrisisError(
            _("Keep the outcome short."), {"outcome": _("At most %(n)s letters.") % {"n": NOTE_MAX}}
        )
    now = timezone.now()
    with transaction.atomic():
        locked = Crisis.objects.select_for_update().get(pk=crisis.pk)
        if locked.status not in (S.RESOLVED, S.CLOSED):
            _set_status(locked, S.RESOLVED, by=by, at=now)
        minutes = int(((locked.resolved_at or now) - locked.opened_at).total_seconds() // 60)
        locked.redressed = redressed
        locked.outcome_sealed = seal_with(_data_key(locked), outcome.strip(), purpose="crisis.outcome")
        locked.save(update_fields=["redressed", "outcome_sealed"])
        _set_status(
            locked, S.CLOSED, by=by, at=now, data={"redressed": redressed, "minutes_to_redress": minutes}
        )
        audit_record(
            actor=by, action="crisis.close", obj=locked, request=request, details={"redressed": redressed}
        )
    crisis.refresh_from_db()
    return crisis


def crisis_reopen(*, crisis: Crisis, by: Person, reason: str, request=None) -> Crisis:
    _work(by, crisis)
    if not reason.strip():
        raise CrisisError(_("Say why the crisis is reopened."), {"reason": _("A reason is needed.")})
    with transaction.atomic():
        locked = Crisis.objects.select_for_update().get(pk=crisis.pk)
        if locked.status not in (S.RESOLVED, S.CLOSED):
            raise CrisisError(_("Only a resolved or closed crisis can be reopened."), status=409)
        _set_status(locked, S.IN_PROGRESS, by=by, at=timezone.now())
        TimelineEntry.objects.create(
            crisis=locked, kind=TimelineEntry.Kind.NOTE, by=by, reason=reason.strip()[:200],
            text_sealed=seal_with(_data_key(locked), reason.strip(), purpose="timeline"),
        )  # fmt: skip
        audit_record(actor=by, action="crisis.reopen", obj=locked, request=request, reason=reason.strip())
    crisis.refresh_from_db()
    return crisis


def crisis_assign(*, crisis: Crisis, person: Person, by: Person, request=None) -> Assignment:
    """Give the crisis to a responder (or a social worker or lawyer of the team)."""
    _work(by, crisis)
    from crisisline.people.policy import team_ids

    if not person.is_active or crisis.team_id not in team_ids(person):
        raise CrisisError(
            _("This person is not in the crisis's team."), {"person": _("Choose someone in the team.")}
        )
    with transaction.atomic():
        assignment, created = Assignment.objects.get_or_create(crisis=crisis, person=person, ended_at=None)
        if created:
            TimelineEntry.objects.create(
                crisis=crisis, kind=TimelineEntry.Kind.ASSIGNED, by=by, data={"person": person.pk}
            )
            if crisis.status == S.NEW:
                _set_status(crisis, S.ACKNOWLEDGED, by=by, at=timezone.now())
            audit_record(
                actor=by, action="crisis.assign", obj=crisis, request=request, details={"person": person.pk}
            )
    return assignment


def follow_up_schedule(*, crisis: Crisis, due_at: datetime, by: Person, request=None) -> FollowUp:
    _work(by, crisis)
    if due_at <= timezone.now():
        raise CrisisError(_("A follow-up is for later: choose a time ahead."), {"due_at": _("In the past.")})
    with transaction.atomic():
        follow_up = FollowUp.objects.create(crisis=crisis, due_at=due_at, by=by)
        TimelineEntry.objects.create(
            crisis=crisis, kind=TimelineEntry.Kind.FOLLOW_UP, by=by, data={"due_at": due_at.isoformat()}
        )
        audit_record(actor=by, action="crisis.follow_up", obj=crisis, request=request)
    return follow_up


def consent_record(*, crisis: Crisis, purpose: str, given: bool, by: Person, request=None) -> Consent:
    """Consent per purpose, given or withdrawn; withdrawing is as easy as giving."""
    _work(by, crisis)
    if purpose not in Consent.Purpose.values:
        raise CrisisError(_("Unknown purpose."), {"purpose": _("Unknown purpose.")})
    with transaction.atomic():
        consent = Consent.objects.create(crisis=crisis, purpose=purpose, given=given, by=by)
        TimelineEntry.objects.create(
            crisis=crisis, kind=TimelineEntry.Kind.CONSENT, by=by, data={"purpose": purpose, "given": given}
        )
        audit_record(
            actor=by,
            action="crisis.consent",
            obj=crisis,
            request=request,
            details={"purpose": purpose, "given": given},
        )
    return consent


def consent_given(crisis: Crisis, purpose: str) -> bool:
    """The latest word on this purpose; no word is no consent."""
    latest = crisis.consents.filter(purpose=purpose).order_by("-at", "-pk").first()
    return bool(latest and latest.given)


# --- Identities: read only after the policy says yes, and every read audited ---------------------------
@dataclass(frozen=True)
class Identity:
    client_code: str
    name: str
    phone: str
    address: str


def client_identity(*, client: Client, by: Person, reason: str = "", request=None) -> Identity:
    require(by, Action.IDENTITY_VIEW, client)
    return _identity(client, by=by, reason=reason, request=request)


def crisis_identity(*, crisis: Crisis, by: Person, reason: str = "", request=None) -> Identity | None:
    require(by, Action.IDENTITY_VIEW, crisis)
    if crisis.client is None:
        return None
    return _identity(crisis.client, by=by, reason=reason, request=request, crisis=crisis)


def _identity(client: Client, *, by: Person, reason: str, request, crisis: Crisis | None = None) -> Identity:
    if client.erased_at:
        return Identity(client.code, "", "", "")
    key = unwrap(client.data_key_wrapped)
    audit_record(
        actor=by, action="identity.read", obj=client, team=client.team_id, request=request, reason=reason,
        details={"crisis": crisis.reference if crisis else None},
    )  # fmt: skip
    return Identity(
        client_code=client.code,
        name=open_with(key, client.name_sealed, purpose="client.name"),
        phone=open_with(key, client.phone_sealed, purpose="client.phone"),
        address=open_with(key, client.address_sealed, purpose="client.address"),
    )


def crisis_text(crisis: Crisis, token: str, *, purpose: str) -> str:
    """Open a sealed text of a crisis (place, note, outcome, timeline) for a reader the caller has checked."""
    if not crisis.data_key_wrapped:
        return ""
    return open_with(_data_key(crisis), token, purpose=purpose)


# --- The person's rights: see, correct, erase ---------------------------------------------------------
def client_correct(
    *, client: Client, by: Person, reason: str, name=None, phone=None, address=None, request=None
) -> Client:
    """Correct what is held about a client; each change audited with its reason (never the values)."""
    require(by, Action.CLIENT_RIGHTS, client)
    if client.erased_at:
        raise CrisisError(_("This client was erased."), status=409)
    if not reason.strip():
        raise CrisisError(_("Say why this is corrected."), {"reason": _("A reason is needed.")})
    key = unwrap(client.data_key_wrapped)
    changed = []
    fields = {}
    if name is not None:
        client.name_sealed = seal_with(key, name.strip()[:120], purpose="client.name")
        changed.append("name")
    if address is not None:
        client.address_sealed = seal_with(key, address.strip()[:300], purpose="client.address")
        changed.append("address")
    if phone is not None:
        if phone.strip():
            try:
                e164 = to_e164(phone)
            except InvalidPhoneNumber as error:
                raise CrisisError(_("Nothing was changed."), {"phone": str(error)}) from None
            client.phone_sealed = seal_with(key, e164, purpose="client.phone")
            client.phone_index = phone_index(e164)
        else:
            client.phone_sealed, client.phone_index = "", None
        changed.append("phone")
    if not changed:
        raise CrisisError(_("Nothing to change."), fields)
    with transaction.atomic():
        try:
            client.save(update_fields=["name_sealed", "address_sealed", "phone_sealed", "phone_index"])
        except IntegrityError:
            raise CrisisError(
                _("Nothing was changed."), {"phone": _("Another client of the team has this number.")}
            ) from None
        audit_record(
            actor=by,
            action="client.correct",
            obj=client,
            request=request,
            reason=reason,
            details={"fields": changed},
        )
    return client


def client_export(*, client: Client, by: Person, request=None) -> dict:
    """Everything held about one client, for a request to see it: identity, crises, steps, timelines."""
    require(by, Action.CLIENT_RIGHTS, client)
    identity = _identity(client, by=by, reason="export for the person", request=request)
    crises = []
    for crisis in client.crises.select_related("crisis_type").prefetch_related(
        "steps", "timeline", "consents"
    ):
        crises.append(
            {
                "reference": crisis.reference,
                "type": crisis.crisis_type.code,
                "opened_at": crisis.opened_at.isoformat(),
                "status": crisis.status,
                "place": crisis_text(crisis, crisis.place_sealed, purpose="crisis.place"),
                "note": crisis_text(crisis, crisis.note_sealed, purpose="crisis.note"),
                "outcome": crisis_text(crisis, crisis.outcome_sealed, purpose="crisis.outcome"),
                "steps": [
                    {
                        "step": s.code,
                        "state": s.state,
                        "due_at": s.due_at.isoformat(),
                        "done_at": s.done_at.isoformat() if s.done_at else None,
                    }
                    for s in crisis.steps.all()
                ],
                "timeline": [
                    {
                        "kind": e.kind,
                        "at": e.at.isoformat(),
                        "text": crisis_text(crisis, e.text_sealed, purpose="timeline"),
                        "data": e.data,
                    }
                    for e in crisis.timeline.all()
                ],
                "consents": [
                    {"purpose": c.purpose, "given": c.given, "at": c.at.isoformat()}
                    for c in crisis.consents.all()
                ],
            }
        )
    audit_record(actor=by, action="client.export", obj=client, request=request)
    return {
        "client": {
            "code": client.code,
            "name": identity.name,
            "phone": identity.phone,
            "address": identity.address,
            "since": client.created_at.isoformat(),
        },
        "crises": crises,
    }


def client_erase(*, client: Client, by: Person, reason: str, request=None) -> Client:
    """Erase a client: destroy their data key and those of their crises (crypto-shredding), drop the blind
    index, blank the sealed fields. What stays is what identifies no one: types, dates, steps, outcomes'
    redressed yes/no, for the figures."""
    require(by, Action.CLIENT_RIGHTS, client)
    if not reason.strip():
        raise CrisisError(_("Say why the client is erased."), {"reason": _("A reason is needed.")})
    with transaction.atomic():
        Client.objects.filter(pk=client.pk).update(
            data_key_wrapped="", name_sealed="", phone_sealed="", address_sealed="", phone_index=None,
            erased_at=timezone.now(),
        )  # fmt: skip
        crises = Crisis.objects.filter(client=client)
        TimelineEntry.objects.filter(crisis__in=crises).update(text_sealed="")
        crises.update(data_key_wrapped="", place_sealed="", note_sealed="", outcome_sealed="")
        from crisisline.crises.evidence import evidence_shred  # here: evidence.py imports this module

        transaction.on_commit(partial(evidence_shred, list(crises.values_list("pk", flat=True))), robust=True)
        audit_record(actor=by, action="client.erase", obj=client, request=request, reason=reason.strip())
    client.refresh_from_db()
    return client


# --- Break-glass ---------------------------------------------------------------------------------------
def break_glass_open(*, crisis: Crisis, by: Person, reason: str, hours: int = 4, request=None) -> BreakGlass:
    require(by, Action.BREAK_GLASS, crisis)
    if len(reason.strip()) < 10:
        raise CrisisError(_("Say why you need this crisis now."), {"reason": _("A few words at least.")})
    if not 1 <= hours <= BREAK_GLASS_LONGEST.total_seconds() // 3600:
        raise CrisisError(_("Choose from 1 to 12 hours."), {"hours": _("From 1 to 12 hours.")})
    duration = timedelta(hours=hours)
    with transaction.atomic():
        grant = BreakGlass.objects.create(
            crisis=crisis, person=by, reason=reason.strip(), expires_at=timezone.now() + duration
        )
        audit_record(actor=by, action="break_glass.open", obj=crisis, request=request, reason=reason.strip(),
                     details={"hours": duration.total_seconds() / 3600})  # fmt: skip
        for callback in ON_BREAK_GLASS:
            callback(grant)
    from crisisline.people.policy import forget_roles

    forget_roles(by)
    return grant


ON_BREAK_GLASS: list = []  # on-call registers here to tell the team lead by SMS


def break_glass_review(*, grant: BreakGlass, by: Person, note: str = "", request=None) -> BreakGlass:
    require(by, Action.BREAK_GLASS_REVIEW, grant)
    with transaction.atomic():
        updated = BreakGlass.objects.filter(pk=grant.pk, reviewed_at__isnull=True).update(
            reviewed_by=by, reviewed_at=timezone.now(), review_note=note.strip()
        )
        if updated != 1:
            raise CrisisError(_("This was reviewed already."), status=409)
        audit_record(
            actor=by, action="break_glass.review", obj=grant.crisis, request=request, reason=note.strip()
        )
    grant.refresh_from_db()
    return grant


# --- Incident details: recorded field by field, corrected by new entries ----------------------------------
def current_facts(crisis: Crisis) -> dict[str, Fact]:
    """The latest entry of each field."""
    latest: dict[str, Fact] = {}
    for fact in crisis.facts.order_by("at", "pk"):
        latest[fact.field] = fact
    return latest


def fact_value(crisis: Crisis, fact: Fact) -> object:
    field = fact_fields.BY_CODE[fact.field]
    if field.kind == "text":
        return crisis_text(crisis, fact.text_sealed, purpose=f"fact.{fact.field}")
    return fact.value


def _same_fact(code: str, before: object, after: object) -> bool:
    """Whether a new value says the same as the recorded one: the same moment written with another offset,
    or an empty text cleared again, is no change (and needs no reason)."""
    if before in (None, "") and after in (None, ""):
        return True
    if fact_fields.BY_CODE[code].kind == "datetime" and before and after:
        from django.utils.dateparse import parse_datetime

        return parse_datetime(str(before)) == parse_datetime(str(after))
    return before == after


def facts_record(
    *, crisis: Crisis, values: dict[str, object], by: Person, reason: str = "", request=None
) -> list[Fact]:
    """Record incident details. A field that already has a different value is corrected: that needs a reason,
    and the earlier value stays in the history. Every value is checked before anything is saved."""
    _work(by, crisis)
    problems: dict[str, str] = {}
    cleaned: dict[str, object] = {}
    for code, raw in values.items():
        field = fact_fields.BY_CODE.get(code)
        if field is None or (field.arrest_only and crisis.crisis_type.code != "arrest"):
            problems[code] = _("Not a detail of this kind of crisis.")
            continue
        try:
            cleaned[code] = fact_fields.clean(field, raw)
        except fact_fields.FactError as error:
            problems[code] = str(error)
    if problems:
        raise CrisisError(_("Nothing was saved."), problems)
    current = current_facts(crisis)
    changes = {
        code: value
        for code, value in cleaned.items()
        if not _same_fact(code, fact_value(crisis, current[code]) if code in current else None, value)
    }
    corrections = [code for code in changes if code in current]
    if corrections and not reason.strip():
        raise CrisisError(
            _("Say why you change what was recorded."),
            {code: _("A reason is needed to correct this.") for code in corrections},
        )
    key = _data_key(crisis)
    saved = []
    with transaction.atomic():
        for code, value in changes.items():
            text = fact_fields.BY_CODE[code].kind == "text"
            fact = Fact.objects.create(
                crisis=crisis,
                field=code,
                value=None if text else value,
                text_sealed=seal_with(key, value or "", purpose=f"fact.{code}") if text else "",
                by=by,
                reason=reason.strip()[:200] if code in current else "",
            )
            TimelineEntry.objects.create(
                crisis=crisis,
                kind=TimelineEntry.Kind.CORRECTION if code in current else TimelineEntry.Kind.FACT,
                by=by,
                data={
                    "field": code,
                    "fact": fact.pk,
                    "corrects": current[code].pk if code in current else None,
                },
                reason=reason.strip()[:200] if code in current else "",
            )
            saved.append(fact)
        if saved:
            audit_record(
                actor=by, action="crisis.facts", obj=crisis, request=request, reason=reason.strip(),
                details={"fields": sorted(changes), "corrected": sorted(corrections)},
            )  # fmt: skip
    return saved


# --- Local crisis types and protocols ----------------------------------------------------------------------
@dataclass(frozen=True)
class StepSpec:
    code: str
    label: str
    minutes: int | None = None
    standard: str = ""


def _level_of(at) -> dict:
    from crisisline.network.models import State

    return {"state": at, "team": None} if isinstance(at, State) else {"state": None, "team": at}


def _strictest_for(at, code: str) -> int:
    """The effective value of a standard, in minutes, at a state (its strictest team would be stricter
    still, so a state-level protocol is checked against the state's value) or a team."""
    from crisisline.network.models import State
    from crisisline.network.selectors import parent_effective_value
    from crisisline.network.standards import BY_CODE as STANDARD

    standard = STANDARD[code]
    if isinstance(at, State):
        rows = at.standards.filter(code=code).values_list("value", flat=True)
        value = standard.strictest([parent_effective_value(standard), *rows])
    else:
        value = next(item.value for item in effective_standards(at) if item.standard.code == code)
    return standard.in_minutes(value)


def protocol_change(
    *, crisis_type: CrisisType, at, steps: list[StepSpec], by: Person | None, request=None
) -> Protocol:
    """A new local version of a crisis type's protocol for a state or a team. Only within the minimum
    standards: every step the network's protocol ties to a standard stays, and no target is looser than the
    standard. Crises already open keep their version."""
    from crisisline.network.standards import BY_CODE as STANDARD

    if by is not None:
        require(by, Action.PROTOCOL_MANAGE, at)
    problems: dict[str, str] = {}
    codes = [step.code for step in steps]
    if not steps or len(set(codes)) != len(codes):
        problems["steps"] = _("Give the steps in order, each with its own code.")
    network = Protocol.objects.filter(crisis_type=crisis_type, state=None, team=None, is_current=True).first()
    required = {s.code: s.standard for s in network.steps.all() if s.standard} if network else {}
    for code in required:
        if code not in codes:
            problems[code] = _("This step is part of the minimum standards and cannot be left out.")
    for step in steps:
        if step.standard and step.standard not in STANDARD:
            problems[step.code] = _("Unknown standard.")
        elif step.standard and step.minutes is not None and step.minutes > _strictest_for(at, step.standard):
            problems[step.code] = _("Looser than the minimum standard.")
        elif not step.standard and (step.minutes is None or step.minutes < 0):
            problems[step.code] = _("Give a target in minutes from the call.")
        elif required.get(step.code) and step.standard != required[step.code]:
            problems[step.code] = _("This step keeps its minimum standard.")
        if not step.label.strip():
            problems[step.code] = _("Give the step a name.")
    if problems:
        raise CrisisError(_("The protocol was not changed."), problems)
    level = _level_of(at)
    with transaction.atomic():
        previous = Protocol.objects.filter(crisis_type=crisis_type, **level).order_by("-version").first()
        Protocol.objects.filter(crisis_type=crisis_type, **level, is_current=True).update(is_current=False)
        protocol = Protocol.objects.create(
            crisis_type=crisis_type, version=(previous.version + 1) if previous else 1, **level
        )
        ProtocolStep.objects.bulk_create(
            ProtocolStep(
                protocol=protocol,
                position=i,
                code=s.code,
                label=s.label.strip(),
                minutes=s.minutes,
                standard=s.standard,
            )
            for i, s in enumerate(steps, start=1)
        )
        audit_record(
            actor=by, action="protocol.change", obj=protocol, team=level["team"], request=request,
            details={"type": crisis_type.code, "version": protocol.version, "steps": codes},
        )  # fmt: skip
    return protocol


def crisis_type_add(
    *, code: str, name: str, urgency: str, at, steps: list[StepSpec], by: Person | None, icon: str = "other",
    gbvims: str = "", request=None,
) -> CrisisType:  # fmt: skip
    """A crisis type of a state's or a team's own, with its protocol."""
    import re

    if by is not None:
        require(by, Action.PROTOCOL_MANAGE, at)
    problems = {}
    if not re.fullmatch(r"[a-z][a-z0-9_]{2,39}", code or ""):
        problems["code"] = _("3 to 40 small letters, digits or underscores.")
    elif CrisisType.objects.filter(code=code).exists():
        problems["code"] = _("This code is taken.")
    if not name.strip():
        problems["name"] = _("Give the type a name.")
    if urgency not in Urgency.ORDER:
        problems["urgency"] = _("Choose how urgent it usually is.")
    if problems:
        raise CrisisError(_("The crisis type was not added."), problems)
    with transaction.atomic():
        crisis_type = CrisisType.objects.create(
            code=code,
            name=name.strip()[:80],
            icon=icon,
            gbvims=gbvims,
            default_urgency=urgency,
            **_level_of(at),
        )
        protocol_change(crisis_type=crisis_type, at=at, steps=steps, by=by, request=request)
        audit_record(
            actor=by, action="crisis_type.add", obj=crisis_type, team=_level_of(at)["team"], request=request
        )
    return crisis_type
