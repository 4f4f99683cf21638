from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone


class PersonManager(BaseUserManager["Person"]):
    def create_user(self, username: str, password: str | None = None, **fields) -> Person:
        person = self.model(username=username, **fields)
        person.set_password(password)
        person.save()
        return person


class Person(AbstractBaseUser):
    """Someone who signs in: a call receiver, responder, lawyer, manager or administrator.

    Deliberately no real name, e-mail or phone here: most team members are sex workers themselves, and
    their own identities need the same care as their clients'."""

    username = models.CharField(max_length=64, unique=True)
    display_name = models.CharField(max_length=64, blank=True)
    language = models.CharField(max_length=8, default="en")
    is_active = models.BooleanField(default=True)
    # Network administrators configure the network; the roles and their rules live in policy.py.
    is_administrator = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []
    objects = PersonManager()

    def __str__(self) -> str:
        return self.display_name or self.username


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
