from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PersonManager(BaseUserManager["Person"]):
    def create_user(self, username: str, password: str | None = None, **fields) -> Person:
        person = self.model(username=username, **fields)
        person.set_password(password)
        person.save()
        return person


class Person(AbstractBaseUser):
    """Someone who signs in: a call receiver, responder, lawyer, manager or administrator.

    Deliberately no real name, e-mail or phone here: most team members are sex workers themselves, and
    their own identities need the same care as their clients'. What a person may do comes from their roles,
    read by people/policy.py only."""

    username = models.CharField(max_length=64, unique=True)
    display_name = models.CharField(max_length=64, blank=True)
    language = models.CharField(max_length=8, default="en")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Second factor (RFC 6238 TOTP). The secret is sealed with a master key (lib/crypto.py).
    totp_secret_sealed = models.TextField(blank=True)
    totp_confirmed_at = models.DateTimeField(null=True, blank=True)
    totp_last_step = models.BigIntegerField(default=0)  # a code is accepted once: no replay
    # Lockout, counted per account: attempts from browsers not yet trusted for this account.
    failed_sign_ins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []
    objects = PersonManager()

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def has_second_factor(self) -> bool:
        return self.totp_confirmed_at is not None


class Role(models.Model):
    """A role a person holds, attached to a team or to a level of the network.

    Crisis team roles, social workers and lawyers belong to a team; a programme manager to an organisation,
    a district, a state or the whole network (no level set); an administrator to the network."""

    class Kind(models.TextChoices):
        CALL_RECEIVER = "call_receiver", _("Call receiver")
        RESPONDER = "responder", _("Responder (on call)")
        DATA_DOCUMENTER = "data_documenter", _("Data documenter")
        TEAM_LEAD = "team_lead", _("Team lead")
        SOCIAL_WORKER = "social_worker", _("Social worker")
        LAWYER = "lawyer", _("Lawyer")
        PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
        ADMINISTRATOR = "administrator", _("Administrator")

    TEAM_KINDS = (
        Kind.CALL_RECEIVER,
        Kind.RESPONDER,
        Kind.DATA_DOCUMENTER,
        Kind.TEAM_LEAD,
        Kind.SOCIAL_WORKER,
        Kind.LAWYER,
    )

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    team = models.ForeignKey(
        "network.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="roles"
    )
    organisation = models.ForeignKey(
        "network.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="roles"
    )
    district = models.ForeignKey(
        "network.District", null=True, blank=True, on_delete=models.CASCADE, related_name="roles"
    )
    state = models.ForeignKey(
        "network.State", null=True, blank=True, on_delete=models.CASCADE, related_name="roles"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="role_attached_where_its_kind_belongs",
                condition=(
                    Q(
                        kind__in=[
                            "call_receiver",
                            "responder",
                            "data_documenter",
                            "team_lead",
                            "social_worker",
                            "lawyer",
                        ],
                        team__isnull=False,
                        organisation__isnull=True,
                        district__isnull=True,
                        state__isnull=True,
                    )
                    | Q(
                        kind="administrator",
                        team__isnull=True,
                        organisation__isnull=True,
                        district__isnull=True,
                        state__isnull=True,
                    )
                    | Q(
                        kind="programme_manager",
                        team__isnull=True,
                    )
                    & (
                        Q(organisation__isnull=True, district__isnull=True, state__isnull=True)
                        | Q(organisation__isnull=False, district__isnull=True, state__isnull=True)
                        | Q(organisation__isnull=True, district__isnull=False, state__isnull=True)
                        | Q(organisation__isnull=True, district__isnull=True, state__isnull=False)
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.kind


class BackupCode(models.Model):
    """Single-use codes for when the phone with the authenticator is lost. Only a keyed digest is kept."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="backup_codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "digest"], name="backup_code_unique")]

    def __str__(self) -> str:
        return "backup code"


class Invitation(models.Model):
    """A one-time link for a new person to choose a password and set up the second factor."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="invitations")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return "invitation"


class TrustedDevice(models.Model):
    """A browser in which a person has signed in successfully before (OWASP "device cookie"). Attempts
    from it are not slowed by the per-address throttle, so that others on the same mobile-network address
    cannot lock its owner out."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="trusted_devices")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    failures = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return "trusted device"


class SignInAttempt(models.Model):
    """Failed sign-ins by network address, for the per-address throttle. Kept a day."""

    address = models.GenericIPAddressField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["address", "at"])]

    def __str__(self) -> str:
        return "sign-in attempt"


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 of the secret is kept; the token itself is shown once.

    Tokens are long random strings, so a fast hash is enough: there is nothing to brute-force."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=64, blank=True)
    prefix = models.CharField(max_length=12, unique=True)
    secret_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "revoked_at"])]

    def __str__(self) -> str:
        return f"token {self.prefix}"
