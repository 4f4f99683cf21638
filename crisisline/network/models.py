"""The network of teams: network > state > district > implementing organisation > crisis response team."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class State(models.Model):
    code = models.CharField(max_length=8, unique=True)  # ISO 3166-2:IN subdivision, e.g. "KA"
    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="districts")
    code = models.CharField(max_length=16, unique=True)  # e.g. "KA-BLR"
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["state", "name"], name="district_name_unique_in_state")
        ]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """An implementing organisation: delivers the programme with sex workers in a district."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="organisations")
    code = models.CharField(max_length=24, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A crisis response team serving its localities."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    code = models.CharField(max_length=24, unique=True)  # short, safe to read aloud and put in a URL
    name = models.CharField(max_length=120)
    time_zone = models.CharField(max_length=64, default="Asia/Kolkata")
    languages = models.JSONField(default=list)  # language codes from settings.TEAM_LANGUAGES, in order of use
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Helpline(models.Model):
    """A phone number people call to reach the team (E.164). One number belongs to one team."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="helplines")
    number = models.CharField(max_length=16, unique=True)
    label = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(number__regex=r"^\+[1-9][0-9]{6,14}$"), name="helpline_e164")
        ]

    def __str__(self) -> str:
        return self.label or "helpline"


class Locality(models.Model):
    """A locality or hotspot the team covers. These places can expose sex workers to raids: they are
    shown only to people who may see the team's work (policy.py), never in SMS texts or public figures."""

    class Kind(models.TextChoices):
        STREET = "street", _("Street")
        LODGE = "lodge", _("Lodge or hotel")
        BROTHEL = "brothel", _("Brothel")
        HOME = "home", _("Home-based")
        HIGHWAY = "highway", _("Highway or dhaba")
        MARKET = "market", _("Market or bus stand")
        OTHER = "other", _("Other")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="localities")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.OTHER)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "localities"
        constraints = [models.UniqueConstraint(fields=["team", "name"], name="locality_name_unique_in_team")]

    def __str__(self) -> str:
        return self.name


class StandardValue(models.Model):
    """One value of a minimum standard, set for the whole network or tightened by a state, an
    organisation or a team. Which standards exist, their units and which way is stricter: standards.py."""

    code = models.CharField(max_length=64)
    value = models.PositiveIntegerField()
    state = models.ForeignKey(
        State, null=True, blank=True, on_delete=models.CASCADE, related_name="standards"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="standards"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="standards")
    note = models.CharField(max_length=200, blank=True)
    set_at = models.DateTimeField(default=timezone.now)
    set_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="standard_one_level",
                condition=(
                    Q(state__isnull=True, organisation__isnull=True, team__isnull=True)
                    | Q(state__isnull=False, organisation__isnull=True, team__isnull=True)
                    | Q(state__isnull=True, organisation__isnull=False, team__isnull=True)
                    | Q(state__isnull=True, organisation__isnull=True, team__isnull=False)
                ),
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(state__isnull=True, organisation__isnull=True, team__isnull=True),
                name="standard_unique_network",
            ),
            models.UniqueConstraint(fields=["code", "state"], name="standard_unique_state"),
            models.UniqueConstraint(fields=["code", "organisation"], name="standard_unique_organisation"),
            models.UniqueConstraint(fields=["code", "team"], name="standard_unique_team"),
        ]

    def __str__(self) -> str:
        return f"{self.code}={self.value}"
