"""Escalation: from a crisis opened to someone who has accepted it, level by level, never dropped.

- `escalation_start` (inside the crisis's opening transaction) freezes the policy that fits the crisis into
  an Escalation row and pages its first level at once.
- `escalation_advance` (the worker, when a level's timeout passes) pages the next level, or the first level
  of the next round, or, when every round is spent, raises the alarm (`unanswered`).
- `page_answer` takes an accept or a "cannot go" from any door (link, SMS reply, key on a call, crisis page).
- A level with nobody to page is skipped at once; a level whose every page was declined or failed moves on
  at once too, without waiting for its timeout.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crisisline.audit.services import audit_record
from crisisline.crises.models import Assignment, Crisis, CrisisStep, TimelineEntry
from crisisline.messaging.models import ContactPoint, Message
from crisisline.messaging.services import Text, message_queue
from crisisline.oncall.models import Alert, Escalation, EscalationPolicy, Page
from crisisline.oncall.rosters import has_rotation, on_call_at
from crisisline.people.models import Person, Role

log = logging.getLogger("crisisline.oncall")

TARGET_KINDS = ("on_call", "role", "person", "neighbour_on_call", "district_coordinator")
TEAM_DUTIES = {k.value for k in Role.TEAM_KINDS}
OPEN_PAGE_STATES = (Page.State.PENDING, Page.State.EXPIRED)


class PolicyError(ValueError):
    def __init__(self, message: str, fields: dict | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


# --- Policies ----------------------------------------------------------------------------------------------
def policy_validate(*, levels: list, repeat: int) -> list[dict]:
    """Check a policy's levels; a clean copy, or PolicyError naming what is wrong."""
    if not isinstance(levels, list) or not levels:
        raise PolicyError(_("A policy needs at least one level."), {"levels": _("Add a level.")})
    if not isinstance(repeat, int) or not 1 <= repeat <= 10:
        raise PolicyError(_("Repeat the policy 1 to 10 times."), {"repeat": _("Between 1 and 10.")})
    clean = []
    for n, level in enumerate(levels, start=1):
        where = f"levels.{n}"
        if not isinstance(level, dict):
            raise PolicyError(_("Level %(n)s is not a level.") % {"n": n}, {where: _("Not a level.")})
        timeout = level.get("timeout_minutes")
        if not isinstance(timeout, int) or not 1 <= timeout <= 240:
            raise PolicyError(
                _("Level %(n)s needs a timeout of 1 to 240 minutes.") % {"n": n},
                {where: _("Timeout: 1 to 240 minutes.")},
            )
        targets = level.get("targets")
        if not isinstance(targets, list) or not targets:
            raise PolicyError(_("Level %(n)s pages nobody.") % {"n": n}, {where: _("Add a target.")})
        clean_targets = []
        for target in targets:
            kind = target.get("kind") if isinstance(target, dict) else None
            if kind not in TARGET_KINDS:
                raise PolicyError(
                    _("Level %(n)s has a target of an unknown kind.") % {"n": n},
                    {where: _("Unknown target.")},
                )
            if kind in ("on_call", "neighbour_on_call"):
                if target.get("duty") not in TEAM_DUTIES:
                    raise PolicyError(
                        _("Level %(n)s: on call for which duty?") % {"n": n}, {where: _("Unknown duty.")}
                    )
                clean_targets.append({"kind": kind, "duty": target["duty"]})
            elif kind == "role":
                if target.get("role") not in TEAM_DUTIES:
                    raise PolicyError(_("Level %(n)s: which role?") % {"n": n}, {where: _("Unknown role.")})
                clean_targets.append({"kind": kind, "role": target["role"]})
            elif kind == "person":
                if not isinstance(target.get("person"), int):
                    raise PolicyError(
                        _("Level %(n)s: which person?") % {"n": n}, {where: _("Unknown person.")}
                    )
                clean_targets.append({"kind": kind, "person": target["person"]})
            else:
                clean_targets.append({"kind": kind})
        clean.append({"timeout_minutes": timeout, "targets": clean_targets})
    return clean


def policy_rank(policy: EscalationPolicy) -> tuple:
    """The order policies are tried in: the team's before the network's; naming the crisis type before
    naming only the urgency, before naming neither; then by position."""
    return (policy.team_id is None, not policy.crisis_types, not policy.urgencies, policy.position, policy.pk)


def policy_for(crisis: Crisis) -> EscalationPolicy:
    """The first policy in that order that fits the crisis's type and urgency."""
    candidates = EscalationPolicy.objects.filter(Q(team=crisis.team_id) | Q(team__isnull=True))
    code = crisis.crisis_type.code

    def fits(policy: EscalationPolicy) -> bool:
        return (not policy.crisis_types or code in policy.crisis_types) and (
            not policy.urgencies or crisis.urgency in policy.urgencies
        )

    fitting = sorted((p for p in candidates if fits(p)), key=policy_rank)
    if not fitting:
        from crisisline.oncall.defaults import policies_sync

        policies_sync()  # the network defaults include a catch-all; a database without them gets them now
        return policy_for(crisis)
    return fitting[0]


def policy_save(
    *,
    team,
    name: str,
    crisis_types: list[str],
    urgencies: list[str],
    levels: list,
    repeat: int,
    position: int = 50,
    by: Person,
    policy: EscalationPolicy | None = None,
) -> EscalationPolicy:
    from crisisline.people.policy import Action, require

    require(by, Action.ROSTER_MANAGE, team) if team is not None else require(by, Action.NETWORK_MANAGE)
    clean = policy_validate(levels=levels, repeat=repeat)
    if not name.strip():
        raise PolicyError(_("Give the policy a name."), {"name": _("Required.")})
    with transaction.atomic():
        if policy is None:
            policy = EscalationPolicy(team=team)
        policy.name, policy.crisis_types, policy.urgencies = name.strip()[:80], crisis_types, urgencies
        policy.levels, policy.repeat, policy.position, policy.updated_at = (
            clean,
            repeat,
            position,
            timezone.now(),
        )
        policy.save()
        audit_record(
            actor=by,
            action="oncall.policy.save",
            obj=policy,
            team=team,
            details={"levels": len(clean), "repeat": repeat},
        )
    return policy


def policy_delete(*, policy: EscalationPolicy, by: Person) -> None:
    """Remove a team's policy. Running crises keep their frozen copy."""
    from crisisline.people.policy import Action, require

    if policy.team_id is None:
        require(by, Action.NETWORK_MANAGE)
    else:
        require(by, Action.ROSTER_MANAGE, policy.team)
    with transaction.atomic():
        audit_record(actor=by, action="oncall.policy.delete", obj=policy, team=policy.team, details={})
        policy.delete()


# --- Starting and moving an escalation ---------------------------------------------------------------------
def escalation_start(crisis: Crisis, *, now: datetime | None = None) -> Escalation:
    """Freeze the fitting policy into the crisis and page its first level, in the caller's transaction."""
    now = now or timezone.now()
    existing = Escalation.objects.filter(crisis=crisis).first()
    if existing is not None:
        return existing
    policy = policy_for(crisis)
    escalation = Escalation.objects.create(
        crisis=crisis,
        team_id=crisis.team_id,
        policy_name=policy.name,
        policy={"levels": policy.levels, "repeat": policy.repeat, "id": policy.pk},
        started_at=now,
        due_at=now,
    )
    _page_from(escalation, level=0, round_=0, now=now)
    return escalation


def _page_from(escalation: Escalation, *, level: int, round_: int, now: datetime) -> None:
    """Page `level` of `round_`, or the first later level that has anyone to page (the levels passed over
    are noted once on the timeline); when every round is spent, the crisis is unanswered. A whole round
    with nobody to page at any level is not repeated: at the same moment it would find nobody again."""
    levels = escalation.policy["levels"]
    repeat = escalation.policy["repeat"]
    skipped: list[int] = []
    while round_ < repeat:
        whole_round = level == 0
        while level < len(levels):
            people = resolve_targets(escalation, levels[level]["targets"], now)
            if people:
                _note_skipped(escalation, now, skipped, round_)
                _page_level(escalation, people, level=level, round_=round_, now=now)
                timeout = timedelta(minutes=levels[level]["timeout_minutes"])
                Escalation.objects.filter(pk=escalation.pk).update(
                    level=level, round=round_, due_at=now + timeout
                )
                escalation.level, escalation.round, escalation.due_at = level, round_, now + timeout
                paged = {
                    "escalation": "paged",
                    "level": level + 1,
                    "round": round_ + 1,
                    "people": len(people),
                }
                _timeline(escalation, now, paged | {"to": [person.pk for person, _duty in people]})
                return
            skipped.append(level + 1)
            level += 1
        if whole_round:
            break
        level, round_ = 0, round_ + 1
    _note_skipped(escalation, now, skipped, round_)
    _unanswered(escalation, now)


def _note_skipped(escalation: Escalation, now: datetime, skipped: list[int], round_: int) -> None:
    if skipped:
        _timeline(
            escalation, now, {"escalation": "skipped", "levels": sorted(set(skipped)), "round": round_ + 1}
        )


def resolve_targets(escalation: Escalation, targets: list[dict], now: datetime) -> list[tuple[Person, str]]:
    """The people a level pages right now, each once, with the duty they are paged for."""
    from crisisline.network.models import Team

    team = Team.objects.get(pk=escalation.team_id)
    found: dict[int, str] = {}
    for target in targets:
        kind = target["kind"]
        if kind == "on_call":
            for person_id in _on_call_ids(team, target["duty"], now):
                found.setdefault(person_id, target["duty"])
        elif kind == "role":
            for person_id in _role_ids(team, target["role"]):
                found.setdefault(person_id, target["role"])
        elif kind == "person":
            found.setdefault(target["person"], "person")
        elif kind == "neighbour_on_call":
            neighbours = Team.objects.filter(organisation__district=team.organisation.district_id).exclude(
                pk=team.pk
            )
            for neighbour in neighbours.order_by("code"):
                ids = _on_call_ids(neighbour, target["duty"], now)
                if ids:
                    for person_id in ids:
                        found.setdefault(person_id, "neighbour")
                    break
        elif kind == "district_coordinator":
            district = team.organisation.district_id
            for person_id in Role.objects.filter(
                kind=Role.Kind.PROGRAMME_MANAGER, district=district
            ).values_list("person_id", flat=True):
                found.setdefault(person_id, "district_coordinator")
    people = Person.objects.filter(pk__in=found, is_active=True).order_by("pk")
    return [(person, found[person.pk]) for person in people]


def _on_call_ids(team, duty: str, now: datetime) -> list[int]:
    """Who is on call for the duty. A team without any rotation for a duty has everyone in that role on call
    (a small team often works so); with rotations, a hole in them is a hole: the level is skipped."""
    if has_rotation(team, duty):
        return [entry.person_id for entry in on_call_at(team, duty, now)]
    return _role_ids(team, duty)


def _role_ids(team, kind: str) -> list[int]:
    return list(
        Role.objects.filter(team=team, kind=kind).order_by("person_id").values_list("person_id", flat=True)
    )


def _page_level(
    escalation: Escalation,
    people: list[tuple[Person, str]],
    *,
    level: int,
    round_: int,
    now: datetime,
    reason: str = "escalation",
) -> list[Page]:
    pages = []
    for person, _duty in people:
        key = f"page:{escalation.crisis_id}:{reason}:{round_}:{level}:{person.pk}"
        if reason == "ack_timeout":
            key += f":{int(now.timestamp())}"
        token = secrets.token_urlsafe(16)
        page, created = Page.objects.get_or_create(
            idempotency_key=key,
            defaults={
                "escalation": escalation,
                "crisis_id": escalation.crisis_id,
                "person": person,
                "level": level,
                "round": round_,
                "reason": reason,
                "token_digest": token_digest(token),
                "created_at": now,
            },
        )
        if created:
            _send_page(page, token=token, channel_index=0, now=now)
        pages.append(page)
    return pages


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def reply_code(reference: str) -> str:
    """What a responder types to answer: the reference without its dash ("C-7K3P" -> "C7K3P")."""
    return reference.replace("-", "")


def _send_page(page: Page, *, token: str, channel_index: int, now: datetime) -> bool:
    """Queue the page's message on the person's `channel_index`-th contact point. False if they have none."""
    points = list(ContactPoint.objects.filter(person_id=page.person_id).order_by("position", "pk"))
    if channel_index >= len(points):
        return False
    crisis = Crisis.objects.select_related("crisis_type").get(pk=page.crisis_id)
    template = {"ack_timeout": "page_repeat"}.get(page.reason, "page")
    if page.reason == "escalation" and crisis.crisis_type.code == "call_back":
        template = "call_back"
    values = {
        "ref": crisis.reference,
        "urgency": crisis.urgency,
        "code": reply_code(crisis.reference),
        "link": f"{settings.BASE_URL}/p/{token}",
    }
    message_queue(
        key=f"{page.idempotency_key}:ch{channel_index}",
        point=points[channel_index],
        text=Text(template, values),
        page=page,
        due_at=now,
    )
    if page.channel_index != channel_index:
        Page.objects.filter(pk=page.pk).update(channel_index=channel_index)
    return True


def escalation_advance(escalation: Escalation, *, now: datetime) -> None:
    """The worker's step for a due escalation: next level (or round) when paging; the acknowledgement check
    when accepted."""
    if escalation.state == Escalation.State.ACTIVE:
        Page.objects.filter(
            escalation=escalation, state=Page.State.PENDING, level=escalation.level, round=escalation.round
        ).update(state=Page.State.EXPIRED)
        _page_from(escalation, level=escalation.level + 1, round_=escalation.round, now=now)
    elif escalation.state == Escalation.State.ACCEPTED:
        _acknowledgement_check(escalation, now)
    else:
        Escalation.objects.filter(pk=escalation.pk).update(due_at=None)


def _unanswered(escalation: Escalation, now: datetime) -> None:
    """Every level of every round paged and nobody accepted: never silence. The crisis stays at the top of
    the board marked unanswered; the team lead and administrators are alerted; pages stay open to accept."""
    Escalation.objects.filter(pk=escalation.pk).update(state=Escalation.State.EXHAUSTED, due_at=None)
    escalation.state = Escalation.State.EXHAUSTED
    _timeline(escalation, now, {"escalation": "unanswered"})
    alert_raise(
        key=f"unanswered:{escalation.crisis_id}",
        kind="unanswered",
        team_id=escalation.team_id,
        crisis_id=escalation.crisis_id,
        detail={"rounds": escalation.policy["repeat"]},
        now=now,
    )


def _acknowledgement_check(escalation: Escalation, now: datetime) -> None:
    """An accepted crisis whose first step is past due with nothing done: page the responder again, and if
    that is not answered in the level's timeout, go on to the next level."""
    Escalation.objects.filter(pk=escalation.pk).update(due_at=None)
    first = CrisisStep.objects.filter(crisis_id=escalation.crisis_id).order_by("position").first()
    if first is None or first.state != CrisisStep.State.OPEN or escalation.repaged_at is not None:
        return
    if escalation.accepted_by_id is None:
        return
    level = min(escalation.level, len(escalation.policy["levels"]) - 1)
    timeout = timedelta(minutes=escalation.policy["levels"][level]["timeout_minutes"])
    person = Person.objects.get(pk=escalation.accepted_by_id)
    Escalation.objects.filter(pk=escalation.pk).update(
        state=Escalation.State.ACTIVE,
        repaged_at=now,
        due_at=now + timeout,
        accepted_at=None,
        accepted_by=None,
    )
    escalation.refresh_from_db()
    _page_level(
        escalation,
        [(person, "responder")],
        level=level,
        round_=escalation.round,
        now=now,
        reason="ack_timeout",
    )
    _timeline(escalation, now, {"escalation": "ack_timeout", "level": level + 1})


# --- Answers -----------------------------------------------------------------------------------------------
class AnswerError(ValueError):
    pass


def page_answer(*, page: Page, accept: bool, via: str, now: datetime | None = None) -> str:
    """Accept or "cannot go". Returns "accepted", "declined", "taken" (someone else has it), "closed" (the
    crisis no longer needs anyone) or "already_answered" (this page was answered before: nothing changes)."""
    now = now or timezone.now()
    with transaction.atomic():
        escalation = Escalation.objects.select_for_update().get(pk=page.escalation_id)
        page.refresh_from_db()
        crisis = Crisis.objects.get(pk=page.crisis_id)
        if crisis.status in (Crisis.Status.RESOLVED, Crisis.Status.CLOSED):
            return "closed"
        if page.state not in OPEN_PAGE_STATES:
            return "taken" if page.state == Page.State.CANCELLED else "already_answered"
        if escalation.state == Escalation.State.ACCEPTED:
            Page.objects.filter(pk=page.pk).update(state=Page.State.CANCELLED)
            return "taken"
        if not accept:
            Page.objects.filter(pk=page.pk).update(
                state=Page.State.DECLINED, answered_at=now, answered_via=via
            )
            _timeline(
                escalation, now, {"page": "declined", "level": page.level + 1, "via": via}, by=page.person
            )
            audit_record(
                actor=page.person, action="oncall.page.decline", obj=crisis, at=now, details={"via": via}
            )
            _level_settled(escalation, now)
            return "declined"
        Page.objects.filter(pk=page.pk).update(state=Page.State.ACCEPTED, answered_at=now, answered_via=via)
        Page.objects.filter(escalation=escalation, state__in=OPEN_PAGE_STATES).exclude(pk=page.pk).update(
            state=Page.State.CANCELLED
        )
        first = (
            CrisisStep.objects.filter(crisis=crisis, state=CrisisStep.State.OPEN).order_by("position").first()
        )
        check_at = first.due_at if first and escalation.repaged_at is None else None
        Escalation.objects.filter(pk=escalation.pk).update(
            state=Escalation.State.ACCEPTED,
            accepted_at=now,
            accepted_by=page.person,
            due_at=check_at,
            claimed_by="",
            lease_until=None,
        )
        _assign(crisis, page.person, now)
        if crisis.acknowledged_at is None:
            Crisis.objects.filter(pk=crisis.pk).update(acknowledged_at=now)
            if crisis.status == Crisis.Status.NEW:
                Crisis.objects.filter(pk=crisis.pk).update(status=Crisis.Status.ACKNOWLEDGED)
        _timeline(escalation, now, {"page": "accepted", "level": page.level + 1, "via": via}, by=page.person)
        audit_record(actor=page.person, action="oncall.page.accept", obj=crisis, at=now, details={"via": via})
        Alert.objects.filter(key=f"unanswered:{crisis.pk}", resolved_at__isnull=True).update(resolved_at=now)
        return "accepted"


def _assign(crisis: Crisis, person: Person, now: datetime) -> None:
    """The responder who accepted works the crisis (programme managers coordinate; they are not assigned)."""
    if not Role.objects.filter(person=person, team__isnull=False).exists():
        return
    if Assignment.objects.filter(crisis=crisis, person=person, ended_at__isnull=True).exists():
        return
    Assignment.objects.create(crisis=crisis, person=person, at=now)
    TimelineEntry.objects.create(
        crisis=crisis, kind=TimelineEntry.Kind.ASSIGNED, at=now, by=person, data={"via": "page"}
    )


def _level_settled(escalation: Escalation, now: datetime) -> None:
    """If nobody paged at the current level can still answer (all declined or undeliverable), move on now."""
    open_pages = Page.objects.filter(
        escalation=escalation, level=escalation.level, round=escalation.round, state=Page.State.PENDING
    )
    if escalation.state == Escalation.State.ACTIVE and not open_pages.exists():
        escalation_advance(escalation, now=now)


def page_by_token(token: str) -> Page | None:
    return Page.objects.select_related("crisis", "person").filter(token_digest=token_digest(token)).first()


REPLY = re.compile(r"^\s*([12])\s*[-.,:]?\s*([0-9A-Z][0-9A-Z-]{3,9})\s*$", re.IGNORECASE)


def reply_references(code: str) -> set[str]:
    """The references a typed code may mean: "C7K3P", "C-7K3P" and "7K3P" all mean C-7K3P."""
    code = code.upper().replace("-", "")
    found = {f"C-{code}"}
    if code.startswith("C") and len(code) > 4:
        found.add(f"C-{code[1:]}")
    return found


def sms_reply(*, person: Person, text: str, event=None) -> str | None:
    """ "1 C7K3P" accepts, "2 C7K3P" cannot go. None when the text is not a reply to one of the person's
    pages, so that it is treated as an SMS to the helpline (a member may be in crisis herself)."""
    match = REPLY.match(text or "")
    if not match:
        return None
    pages = Page.objects.filter(person=person, crisis__reference__in=reply_references(match.group(2)))
    page = pages.filter(state__in=OPEN_PAGE_STATES).order_by("-created_at").first()
    if page is None:
        return "taken" if pages.exists() else None
    return page_answer(page=page, accept=match.group(1) == "1", via=Page.Via.SMS)


def voice_key(*, message: Message, digit: str) -> str | None:
    if digit not in ("1", "2") or message.page_id is None:
        return "not_understood"
    return page_answer(page=message.page, accept=digit == "1", via=Page.Via.VOICE)


def page_channel_failed(message: Message) -> None:
    """A page's message failed for good: try the person's next channel; with none left, the page failed,
    and the level moves on if nobody else at it can answer."""
    if message.page_id is None:
        return
    page = Page.objects.get(pk=message.page_id)
    if page.state not in OPEN_PAGE_STATES:
        return
    now = timezone.now()
    token = secrets.token_urlsafe(16)
    # The link in the earlier message is replaced by a fresh one: only the newest is live.
    Page.objects.filter(pk=page.pk).update(token_digest=token_digest(token))
    if _send_page(page, token=token, channel_index=page.channel_index + 1, now=now):
        return
    Page.objects.filter(pk=page.pk).update(state=Page.State.FAILED)
    escalation = Escalation.objects.get(pk=page.escalation_id)
    _timeline(escalation, now, {"page": "failed", "level": page.level + 1})
    if page.level == escalation.level and page.round == escalation.round:
        _level_settled(escalation, now)


def escalation_stop(crisis: Crisis, now: datetime | None = None) -> None:
    """The crisis is resolved or closed: nobody needs paging for it any more."""
    now = now or timezone.now()
    Escalation.objects.filter(crisis=crisis).exclude(state=Escalation.State.STOPPED).update(
        state=Escalation.State.STOPPED, due_at=None
    )
    Page.objects.filter(crisis=crisis, state__in=OPEN_PAGE_STATES).update(state=Page.State.CANCELLED)
    Message.objects.filter(page__crisis=crisis, state=Message.State.QUEUED).update(
        state=Message.State.FAILED, failed_at=now, last_error="no longer needed"
    )


# --- Alerts ------------------------------------------------------------------------------------------------
def alert_raise(
    *, key: str, kind: str, now: datetime, team_id=None, crisis_id=None, detail=None
) -> Alert | None:
    """Raise an alert once per key, and tell the team lead (for a team's crisis) and the administrators."""
    alert, created = Alert.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "team_id": team_id,
            "crisis_id": crisis_id,
            "detail": detail or {},
            "raised_at": now,
        },
    )
    if not created:
        return None
    audit_record(
        actor=None,
        action=f"oncall.alert.{kind}",
        object_type="alert",
        object_id=alert.pk,
        at=now,
        details=detail or {},
    )
    people = set(Role.objects.filter(kind=Role.Kind.ADMINISTRATOR).values_list("person_id", flat=True))
    if team_id is not None:
        people |= set(_role_ids_by_team(team_id, Role.Kind.TEAM_LEAD))
    values = {"link": f"{settings.BASE_URL}/oncall/alerts", "count": detail.get("count", 1) if detail else 1}
    template = "alert"
    if crisis_id is not None:
        crisis = Crisis.objects.only("reference", "urgency").get(pk=crisis_id)
        values |= {
            "ref": crisis.reference,
            "urgency": crisis.urgency,
            "link": f"{settings.BASE_URL}/crises/{crisis.reference}",
        }
        template = "unanswered" if kind == "unanswered" else "alert"
    notify(people=people, key=f"alert:{alert.pk}", text=Text(template, values), now=now)
    return alert


def _role_ids_by_team(team_id: int, kind: str) -> list[int]:
    return list(Role.objects.filter(team_id=team_id, kind=kind).values_list("person_id", flat=True))


def notify(*, people, key: str, text: Text, now: datetime) -> int:
    """Tell each person once (their first channel), outside any page."""
    points = {}
    for point in (
        ContactPoint.objects.filter(person_id__in=list(people), person__is_active=True)
        .select_related("person")
        .order_by("person_id", "position", "pk")
    ):
        points.setdefault(point.person_id, point)
    for person_id, point in points.items():
        message_queue(key=f"{key}:{person_id}", point=point, text=text, due_at=now)
    return len(points)


def _timeline(escalation: Escalation, now: datetime, data: dict, by: Person | None = None) -> None:
    TimelineEntry.objects.create(
        crisis_id=escalation.crisis_id, kind=TimelineEntry.Kind.PAGING, at=now, by=by, data=data
    )
