"""Messages in and out: the channels a person can be reached on, the outbound messages the worker delivers,
and the raw inbound webhooks.

Addresses (phone numbers, email addresses) are identities of the team's own members: they are sealed, with a
keyed digest to match an inbound SMS to its sender. Message texts are built from fixed templates that hold
only a crisis reference, its urgency and a link or reply code (texts.py), so the body is kept as it is."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    VOICE = "voice", _("Voice call")
    EMAIL = "email", _("Email")
    CONSOLE = "console", _("Console (this computer)")


class ContactPoint(models.Model):
    """One way to reach a person, in the order they are tried."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="contact_points")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    address_sealed = models.TextField()
    address_digest = models.CharField(max_length=64, db_index=True)  # keyed digest: inbound SMS -> person
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["person_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "channel", "address_digest"], name="contact_point_once"
            ),
        ]

    def __str__(self) -> str:
        return self.channel


def new_token() -> str:
    return secrets.token_urlsafe(16)


class Message(models.Model):
    """An outbound message, a row from the moment it is decided until the provider has it.

    The worker claims due rows (conditional UPDATE, or FOR UPDATE SKIP LOCKED on PostgreSQL), records the
    attempt, then hands the message to the channel's transport with `idempotency_key`. A worker killed
    mid-send leaves a lease that runs out; the next one asks the provider whether it already has the key
    (where the provider can say) before sending again."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    idempotency_key = models.CharField(max_length=120, unique=True)
    # Names the message in a provider's callbacks (voice script, key pressed): random, never guessable.
    token = models.CharField(max_length=32, unique=True, default=new_token)
    page = models.ForeignKey(
        "oncall.Page", null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact_point = models.ForeignKey(ContactPoint, null=True, blank=True, on_delete=models.SET_NULL)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    provider = models.CharField(max_length=16)
    to_sealed = models.TextField()
    template = models.CharField(max_length=32)
    language = models.CharField(max_length=8, default="en")
    body = models.TextField()  # from a template: a reference, an urgency, a link or code; never an identity
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=96, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=96, blank=True, db_index=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["due_at"], name="message_due", condition=Q(state__in=["queued", "sending"])),
        ]

    def __str__(self) -> str:
        return self.idempotency_key


class InboundEvent(models.Model):
    """A webhook as it came: the raw payload sealed (it holds phone numbers), a key that makes a repeat
    delivery a no-op, and what became of it."""

    class Kind(models.TextChoices):
        SMS = "sms", _("SMS received")
        MISSED_CALL = "missed_call", _("Missed call")
        VOICE = "voice", _("Key pressed on a call")
        RECEIPT = "receipt", _("Delivery report")
        REFUSED = "refused", _("Refused")

    provider = models.CharField(max_length=16)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    dedupe_key = models.CharField(max_length=160, unique=True)
    payload_sealed = models.TextField()
    received_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(
        max_length=48, blank=True
    )  # a code: accepted, declined, call_back, unknown_sender...

    class Meta:
        indexes = [models.Index(fields=["-received_at"], name="inbound_latest")]

    def __str__(self) -> str:
        return self.kind
