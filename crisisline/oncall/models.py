"""On call: who answers when, and how a crisis finds them.

A rotation hands a team's duty (responder, call receiver, lawyer...) from member to member at a local
wall-clock time, in the team's time zone, so that a 09:00 handoff stays at 09:00 across daylight-saving
changes. Overrides put someone else on call for a stretch (a swap is two overrides). An escalation policy
says whom to page, level by level; the policy that fits a crisis is copied into its Escalation when the
crisis opens (frozen: a later edit of the policy changes nothing for a running crisis). Pages are rows the
worker delivers, one per person per level per round, each with its own idempotency key."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Rotation(models.Model):
    """A team's duty handed round its members in order, `shift_hours` each, from `starts_on` at `handoff`.

    Cover can be limited to some days of the week (0 = Monday) and some hours of the day (`active_from` to
    `active_until`, local; a window that ends before it starts runs past midnight). Outside them the
    rotation covers nobody."""

    team = models.ForeignKey("network.Team", on_delete=models.CASCADE, related_name="rotations")
    name = models.CharField(max_length=64)
    duty = models.CharField(max_length=24, default="responder")  # a team Role.Kind
    starts_on = models.DateField()
    handoff = models.TimeField()
    shift_hours = models.PositiveSmallIntegerField(default=24)
    days = models.JSONField(default=list)  # weekdays covered, 0 = Monday; empty = every day
    active_from = models.TimeField(null=True, blank=True)
    active_until = models.TimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["team_id", "duty", "name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="rotation_name_unique"),
            models.CheckConstraint(
                condition=Q(shift_hours__gte=1, shift_hours__lte=24 * 14), name="rotation_shift_length"
            ),
            models.CheckConstraint(
                condition=Q(active_from__isnull=True, active_until__isnull=True)
                | Q(active_from__isnull=False, active_until__isnull=False),
                name="rotation_active_hours_both_or_none",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RotationMember(models.Model):
    rotation = models.ForeignKey(Rotation, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["rotation_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rotation", "position"], name="rotation_member_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.rotation_id}:{self.position}"


class Override(models.Model):
    """`person` is on call for the team's `duty` from `starts_at` to `ends_at`, in place of whoever the
    rotations say. A swap between two members is a pair of overrides made together."""

    team = models.ForeignKey("network.Team", on_delete=models.CASCADE, related_name="overrides")
    duty = models.CharField(max_length=24, default="responder")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["team", "duty", "starts_at"], name="override_lookup")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="override_has_length")
        ]

    def __str__(self) -> str:
        return self.duty


class CalendarFeed(models.Model):
    """An iCalendar feed of on-call shifts, for one person or one team. Its URL carries a random secret
    (only its digest is kept); revoking it ends the feed. The feed holds no names or numbers."""

    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    team = models.ForeignKey(
        "network.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=True) ^ Q(team__isnull=True), name="calendar_feed_one_owner"
            )
        ]

    def __str__(self) -> str:
        return f"feed {self.pk}"


class CoverGap(models.Model):
    """A stretch ahead with nobody on call for a duty; the team lead is told once per gap."""

    team = models.ForeignKey("network.Team", on_delete=models.CASCADE, related_name="cover_gaps")
    duty = models.CharField(max_length=24)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    found_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "duty", "starts_at"], name="cover_gap_once"),
        ]

    def __str__(self) -> str:
        return self.duty


class EscalationPolicy(models.Model):
    """Whom to page for a crisis, level by level. `levels` is a list of
    {"timeout_minutes": int, "targets": [target, ...]}, a target one of
    {"kind": "on_call", "duty": "responder"}, {"kind": "role", "role": "lawyer"},
    {"kind": "person", "person": <id>}, {"kind": "neighbour_on_call", "duty": "responder"},
    {"kind": "district_coordinator"}. The whole list runs `repeat` times.

    A team's policies come before the network's (team is null); within them, one that names the crisis type
    before one that does not, then `position`."""

    team = models.ForeignKey(
        "network.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="escalation_policies"
    )
    name = models.CharField(max_length=80)
    crisis_types = models.JSONField(default=list)  # codes; empty: every type
    urgencies = models.JSONField(default=list)  # empty: every urgency
    levels = models.JSONField(default=list)
    repeat = models.PositiveSmallIntegerField(default=2)
    position = models.PositiveSmallIntegerField(default=100)
    built_in = models.CharField(max_length=40, blank=True)  # the code of a network default it came from
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "escalation policies"
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="escalation_policy_name_unique"),
            models.CheckConstraint(
                condition=Q(repeat__gte=1, repeat__lte=10), name="escalation_repeat_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Escalation(models.Model):
    """A crisis's search for someone who answers: the frozen policy, where it has got to, and when it moves
    on. The worker claims it when `due_at` passes (conditional UPDATE on `lease_until`)."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Paging")
        ACCEPTED = "accepted", _("Accepted")
        EXHAUSTED = "exhausted", _("Nobody accepted")
        STOPPED = "stopped", _("Stopped")

    crisis = models.OneToOneField("crises.Crisis", on_delete=models.CASCADE, related_name="escalation")
    team = models.ForeignKey("network.Team", on_delete=models.CASCADE, related_name="+")
    policy_name = models.CharField(max_length=80)
    policy = models.JSONField()  # {"levels": [...], "repeat": n}: the snapshot
    state = models.CharField(max_length=12, choices=State.choices, default=State.ACTIVE)
    level = models.PositiveSmallIntegerField(default=0)  # the level paged last
    round = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(null=True, blank=True)  # when the next step is due (null: nothing to do)
    claimed_by = models.CharField(max_length=96, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    repaged_at = models.DateTimeField(null=True, blank=True)  # acknowledgement timeout, once per acceptance

    class Meta:
        indexes = [
            models.Index(
                fields=["due_at"],
                name="escalation_due",
                condition=Q(due_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.state


class Page(models.Model):
    """One person asked to take one crisis, at one level of one round. The link token and the short reply
    code are kept as digests; `idempotency_key` makes a page exist once whatever happens to the worker."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Cannot go")
        EXPIRED = "expired", _("No answer")
        CANCELLED = "cancelled", _("No longer needed")
        FAILED = "failed", _("Could not be delivered")

    class Via(models.TextChoices):
        LINK = "link", _("Link")
        SMS = "sms", _("SMS reply")
        VOICE = "voice", _("Key on a call")
        WEB = "web", _("Crisis page")

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="pages")
    crisis = models.ForeignKey("crises.Crisis", on_delete=models.CASCADE, related_name="pages")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="pages")
    level = models.PositiveSmallIntegerField()
    round = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=24, default="escalation")  # escalation | ack_timeout | call_back
    idempotency_key = models.CharField(max_length=96, unique=True)
    token_digest = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_via = models.CharField(max_length=8, choices=Via.choices, blank=True)
    channel_index = models.PositiveSmallIntegerField(default=0)  # which of the person's channels is in use

    class Meta:
        indexes = [
            models.Index(fields=["crisis", "state"], name="page_by_crisis"),
            models.Index(fields=["person", "state"], name="page_by_person"),
        ]

    def __str__(self) -> str:
        return self.state


class Alert(models.Model):
    """Something an administrator must see: nobody accepted a crisis, work found late by the auditor, a
    provider failing. Raised once per key; shown on the administrator's pages and sent to them."""

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=32)
    team = models.ForeignKey(
        "network.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    crisis = models.ForeignKey(
        "crises.Crisis", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    detail = models.JSONField(default=dict)  # codes and counts, never an identity
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.kind
