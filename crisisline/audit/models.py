"""The audit trail: append-only, hash-chained, written in the same transaction as what it records.

No foreign keys: an entry must never change after it is written, not even when a person or an object it
names is deleted. And never an identifying value: entries say which object, not what it holds."""

from __future__ import annotations

from django.db import models


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)  # position in the chain, from 1, without gaps
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True)  # a Person, or None for the system (worker, commands)
    actor = models.CharField(max_length=64, blank=True)  # the username then: people/ may rename later
    action = models.CharField(max_length=64)  # e.g. "sign_in", "team.create", "identity.read"
    object_type = models.CharField(max_length=32, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    team_id = models.BigIntegerField(null=True)  # the team whose work this touches, for review lists
    address = models.CharField(max_length=45, blank=True)  # from where: the client's IP address
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["team_id", "at"], name="audit_team_time"),
            models.Index(fields=["actor_id", "at"], name="audit_actor_time"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditHead(models.Model):
    """The one row that holds the chain's end. Appending locks it, so entries take their places in turn."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_single_row")]

    def __str__(self) -> str:
        return f"head #{self.seq}"
