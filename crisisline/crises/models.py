"""Crises and the people in them.

Identifying values (a client's name, phone and address; free text that may name someone) are sealed with
data keys (lib/crypto.py): each client has one, and so does each crisis. Erasing a client destroys their key
and the keys of their crises. History is append-only: a fact is changed by a new timeline entry that says who
changed what and why; the crisis row keeps only the current values, for lists and figures."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crisisline.crises.catalogue import Gbvims, Urgency


class CrisisType(models.Model):
    """A kind of crisis. The network's come from catalogue.py; a state or a team may add its own."""

    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=80)  # for local types; built-in ones show their translated label
    icon = models.CharField(max_length=24, default="other")
    gbvims = models.CharField(max_length=24, choices=Gbvims.CHOICES, blank=True)
    default_urgency = models.CharField(max_length=12, choices=Urgency.CHOICES)
    state = models.ForeignKey("network.State", null=True, blank=True, on_delete=models.CASCADE)
    team = models.ForeignKey("network.Team", null=True, blank=True, on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="crisis_type_code_unique"),
            models.CheckConstraint(
                condition=Q(state__isnull=True) | Q(team__isnull=True), name="crisis_type_one_level"
            ),
        ]

    def __str__(self) -> str:
        from crisisline.crises.catalogue import BY_CODE

        built_in = BY_CODE.get(self.code)
        return str(built_in.label) if built_in else self.name


class Protocol(models.Model):
    """One version of a crisis type's response protocol, for the network or changed locally. A crisis keeps
    the version it started with."""

    crisis_type = models.ForeignKey(CrisisType, on_delete=models.PROTECT, related_name="protocols")
    version = models.PositiveIntegerField()
    state = models.ForeignKey("network.State", null=True, blank=True, on_delete=models.PROTECT)
    team = models.ForeignKey("network.Team", null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(default=timezone.now)
    is_current = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["crisis_type", "state", "team", "version"], name="protocol_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(state__isnull=True) | Q(team__isnull=True), name="protocol_one_level"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.crisis_type.code} v{self.version}"


class ProtocolStep(models.Model):
    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=120)
    minutes = models.PositiveIntegerField(null=True, blank=True)  # target from the call
    standard = models.CharField(max_length=64, blank=True)  # or: the effective value of this standard

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["protocol", "code"], name="protocol_step_code_unique"),
            models.CheckConstraint(
                condition=Q(minutes__isnull=False) | ~Q(standard=""), name="protocol_step_has_target"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Client(models.Model):
    """The person in crisis: pseudonymous by default (a client code, no name needed), linked across crises."""

    code = models.CharField(max_length=12, unique=True)  # e.g. K-4F7Q9: random, safe to say and to write
    team = models.ForeignKey("network.Team", on_delete=models.PROTECT, related_name="clients")
    created_at = models.DateTimeField(default=timezone.now)
    data_key_wrapped = models.TextField(blank=True)  # empty once erased
    name_sealed = models.TextField(blank=True)  # name or alias
    phone_sealed = models.TextField(blank=True)
    address_sealed = models.TextField(blank=True)
    phone_index = models.CharField(
        max_length=64, null=True, blank=True
    )  # keyed blind index of the E.164 number
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "phone_index"], name="client_phone_unique_in_team")
        ]

    def __str__(self) -> str:
        return self.code


class Crisis(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    class Via(models.TextChoices):
        WEB = "web", _("Call, logged on the web")
        API = "api", _("API")
        MISSED_CALL = "missed_call", _("Missed call")
        SMS = "sms", _("SMS")

    reference = models.CharField(max_length=8, unique=True)  # C-7K3P: short, clear aloud, safe in an SMS
    team = models.ForeignKey("network.Team", on_delete=models.PROTECT, related_name="crises")
    crisis_type = models.ForeignKey(CrisisType, on_delete=models.PROTECT, related_name="crises")
    protocol = models.ForeignKey(Protocol, on_delete=models.PROTECT, related_name="crises")
    urgency = models.CharField(max_length=12, choices=Urgency.CHOICES)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    client = models.ForeignKey(Client, null=True, blank=True, on_delete=models.PROTECT, related_name="crises")
    locality = models.ForeignKey("network.Locality", null=True, blank=True, on_delete=models.SET_NULL)
    data_key_wrapped = models.TextField(blank=True)
    place_sealed = models.TextField(blank=True)  # "a few words" of where, when no locality fits
    note_sealed = models.TextField(blank=True)
    via = models.CharField(max_length=12, choices=Via.choices, default=Via.WEB)
    opened_at = models.DateTimeField(default=timezone.now)  # the call: protocol targets count from here
    opened_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)
    next_due_at = models.DateTimeField(null=True, blank=True)  # earliest open step: the board sorts by it
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    first_contact_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    redressed = models.BooleanField(null=True)
    outcome_sealed = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "crises"
        indexes = [
            models.Index(fields=["team", "status", "next_due_at"], name="crisis_board"),
            models.Index(fields=["opened_at"], name="crisis_opened"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["team", "idempotency_key"], name="crisis_idempotency_unique"),
        ]

    def __str__(self) -> str:
        return self.reference


class CrisisStep(models.Model):
    """A protocol step of one crisis, with its absolute due time."""

    class State(models.TextChoices):
        OPEN = "open", _("To do")
        DONE = "done", _("Done")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=120)
    due_at = models.DateTimeField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["crisis", "code"], name="crisis_step_unique")]
        indexes = [models.Index(fields=["state", "due_at"], name="crisis_step_due")]

    def __str__(self) -> str:
        return self.code


class TimelineEntry(models.Model):
    """Everything done on a crisis, in order, attributed and timed. Append-only: a correction is a new entry
    that names the one it corrects."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Crisis logged")
        STATUS = "status", _("Status changed")
        ASSIGNED = "assigned", _("Responder assigned")
        STEP_DONE = "step_done", _("Step done")
        STEP_NOT_APPLICABLE = "step_na", _("Step not applicable")
        CALL = "call", _("Call")
        VISIT = "visit", _("Visit")
        HOSPITAL = "hospital", _("Went with her to hospital")
        POLICE_STATION = "police_station", _("Went with her to the police station")
        COUNSELLING = "counselling", _("Counselling session")
        MEDIATION = "mediation", _("Family or community mediation")
        NOTE = "note", _("Note")
        FOLLOW_UP = "follow_up", _("Follow-up scheduled")
        FACT = "fact", _("Fact recorded")
        CORRECTION = "correction", _("Correction")
        CONSENT = "consent", _("Consent recorded")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")
        ATTACHMENT = "attachment", _("Evidence added")
        PAGING = "paging", _("Paging")

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)  # when it happened (may be before it was written)
    written_at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text_sealed = models.TextField(blank=True)  # free text, sealed with the crisis's data key
    data = models.JSONField(default=dict)  # structured, never identifying: codes, states, numbers
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    reason = models.CharField(max_length=200, blank=True)  # why, for a correction

    class Meta:
        ordering = ["at", "pk"]
        verbose_name_plural = "timeline entries"
        indexes = [models.Index(fields=["crisis", "at"], name="timeline_crisis_time")]

    def __str__(self) -> str:
        return self.kind


class Consent(models.Model):
    """Consent per purpose, as recorded at a moment; the latest row per purpose is the one that holds."""

    class Purpose(models.TextChoices):
        KEEP_RECORD = "keep_record", _("Keep a record")
        REFER = "refer", _("Refer to services")
        COUNT = "count", _("Be counted in statistics")
        POLICE = "police", _("Share with the police")
        SAFETY_ALERT = "safety_alert", _("Use in a community safety alert")

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    given = models.BooleanField()
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.purpose}={self.given}"


class Assignment(models.Model):
    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="assignments")
    at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["crisis", "person"], condition=Q(ended_at__isnull=True), name="assignment_open_unique"
            )
        ]

    def __str__(self) -> str:
        return "assignment"


class FollowUp(models.Model):
    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="follow_ups")
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)  # the worker's reminder went out (jobs.py)
    by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["done_at", "due_at"], name="follow_up_due")]

    def __str__(self) -> str:
        return "follow-up"


class BreakGlassQuerySet(models.QuerySet):
    def active(self, now=None):
        return self.filter(expires_at__gt=now or timezone.now(), ended_at__isnull=True)

    def awaiting_review(self):
        return self.filter(reviewed_at__isnull=True)


class BreakGlass(models.Model):
    """Emergency access to one crisis by someone without it (say, a neighbouring team's lead at night),
    for a limited time, with a stated reason. Listed for review until a second person reviews it."""

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="break_glass")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    opened_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["person", "expires_at"], name="break_glass_active")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("opened_at")), name="break_glass_expires_later"
            )
        ]

    def __str__(self) -> str:
        return "break-glass"


class Fact(models.Model):
    """One recorded value of an incident detail (facts.py lists them). Append-only: the latest row per field
    is the current value; an earlier one stays, with who changed it, when and why."""

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="facts")
    field = models.CharField(max_length=40)
    value = models.JSONField(null=True)  # for structured, non-identifying values
    text_sealed = models.TextField(blank=True)  # for free text, sealed with the crisis's data key
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=200, blank=True)  # required when it corrects an earlier value

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["crisis", "field", "at"], name="fact_current")]

    def __str__(self) -> str:
        return self.field


class Attachment(models.Model):
    """Evidence: a photo, a medical paper, a voice note. The original is kept encrypted with the crisis's
    data key, with its SHA-256 taken at upload; images also get a copy without metadata for the screen."""

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="attachments")
    token = models.CharField(max_length=32, unique=True)  # random: names the files, never guessable
    kind = models.CharField(max_length=16)  # photo, document, voice
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    has_display_copy = models.BooleanField(default=False)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey("people.Person", null=True, on_delete=models.SET_NULL, related_name="+")
    description_sealed = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"attachment {self.sha256[:12]}"
