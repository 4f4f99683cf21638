"""Signing in: the password step, the second step, and the guards against guessing.

Two guards, neither of which lets a stranger keep a person out of Crisisline when a crisis needs them:

- per account: after SIGN_IN_LOCK_FAILURES failed attempts in a row (passwords or codes) the account
  refuses browsers it does not know for SIGN_IN_LOCK_MINUTES;
- per network address: after SIGN_IN_ADDRESS_FAILURES failures in ADDRESS_WINDOW from one address (an
  IPv6 /64), browsers it does not know are refused there until the count falls.

A browser in which a person has signed in fully before carries a device cookie (OWASP "Slow down online
guessing attacks with device cookies"): for that person it passes both guards, because many people share
one mobile-network address and anyone can type a username. It has its own failure counter instead, and
after DEVICE_FAILURES failures it is trusted no longer.

Every attempt goes into the audit trail. The typed username of an unknown account is never kept, nor any
password or code."""

from __future__ import annotations

import ipaddress
import re
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_variables

from crisisline.audit.services import audit_record
from crisisline.lib.crypto import keyed_digest
from crisisline.lib.http import client_address
from crisisline.people.models import Person, SignInAttempt, TrustedDevice
from crisisline.people.policy import needs_second_factor
from crisisline.people.second_factor import code_kind, second_factor_check

ADDRESS_WINDOW = timedelta(minutes=10)
ATTEMPTS_KEPT = timedelta(days=1)
DEVICE_FAILURES = 10
DEVICE_TRUSTED_FOR = timedelta(days=90)
DEVICE_COOKIE = "crisisline_device"
_DEVICE_SALT = "crisisline.people.sign_in.device"
# A shared phone: the cookie holds the devices of the last few people who signed in with it.
_DEVICES_PER_BROWSER = 5
_DEVICE_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
_USERNAME_MAX = 150


class Refusal(StrEnum):
    WRONG_CREDENTIALS = "wrong_credentials"
    ACCOUNT_LOCKED = "account_locked"
    ADDRESS_THROTTLED = "address_throttled"
    WRONG_CODE = "wrong_code"


class SignInRefused(Exception):
    def __init__(self, reason: Refusal):
        super().__init__(reason.value)
        self.reason = reason

    @property
    def message(self) -> str:
        """For the person at the door, in the language of the request."""
        if self.reason is Refusal.ACCOUNT_LOCKED:
            minutes = settings.SIGN_IN_LOCK_MINUTES
            return ngettext(
                "Too many failed attempts for this account. Try again in %(minutes)d minute.",
                "Too many failed attempts for this account. Try again in %(minutes)d minutes.",
                minutes,
            ) % {"minutes": minutes}
        if self.reason is Refusal.ADDRESS_THROTTLED:
            return _("Too many failed sign-ins from this network. Try again in a few minutes.")
        if self.reason is Refusal.WRONG_CODE:
            return _("That code is not right. Try again with the code the app shows now.")
        return _("The username or password is not right. Try again.")


# --- The two steps ------------------------------------------------------------------------------------
@sensitive_variables("password")
def sign_in_check(
    *, username: str, password: str, request: HttpRequest, now: datetime | None = None
) -> Person:
    """The person whose username and password these are, if the guards let the attempt through. Raises
    SignInRefused. The caller signs the person in; then the second step, if policy asks for one, and
    sign_in_complete."""
    now = now or timezone.now()
    person = _person_named(username)
    device = _trusted_device(request=request, person=person, now=now) if person else None
    if device is None:
        _refuse_if_throttled(person=person, request=request, now=now, action="sign_in.throttled")
        _refuse_if_locked(person=person, request=request, now=now, action="sign_in.locked")
    if person is None:
        # Hash anyway, so that the time to answer does not tell whether the username exists.
        Person().set_password(password)
        password_right = False
    else:
        password_right = person.check_password(password)
    if password_right and person.is_active:
        if needs_second_factor(person):
            audit_record(
                actor=person,
                action="sign_in.first_factor",
                obj=person,
                request=request,
                details={"trusted_device": device is not None},
            )
        return person
    details = {"reason": "disabled"} if password_right else {}
    _count_failure(
        person=person, device=device, request=request, now=now, action="sign_in.failed", details=details
    )
    raise SignInRefused(Refusal.WRONG_CREDENTIALS)


def sign_in_second_factor(
    *, person: Person, code: str, request: HttpRequest, now: datetime | None = None
) -> str:
    """The second step for a person who passed the first: "totp" or "backup_code", the way the code
    passed. Wrong codes count towards the same lock as wrong passwords. Raises SignInRefused."""
    now = now or timezone.now()
    device = _trusted_device(request=request, person=person, now=now)
    if device is None:
        _refuse_if_throttled(person=person, request=request, now=now, action="second_factor.throttled")
        _refuse_if_locked(person=person, request=request, now=now, action="second_factor.locked")
    method = second_factor_check(person=person, code=code[:64], now=now)
    if method is not None:
        return method
    _count_failure(
        person=person,
        device=device,
        request=request,
        now=now,
        action="second_factor.failed",
        details={"method": code_kind(code[:64])},
    )
    raise SignInRefused(Refusal.WRONG_CODE)


def sign_in_complete(
    *, person: Person, request: HttpRequest, second_factor: str = "", now: datetime | None = None
) -> str:
    """Both steps passed: the failure counts start again, this browser is trusted for the person, and the
    sign-in goes into the audit trail. Returns the device cookie's new value (set_device_cookie)."""
    now = now or timezone.now()
    tokens = _cookie_tokens(request)
    with transaction.atomic():
        Person.objects.filter(pk=person.pk).update(failed_sign_ins=0, locked_until=None)
        device = _trusted_device(request=request, person=person, now=now)
        if device is not None:
            TrustedDevice.objects.filter(pk=device.pk).update(failures=0)
        else:
            token = secrets.token_urlsafe(24)
            TrustedDevice.objects.create(person=person, digest=_device_digest(token), created_at=now)
            tokens.append(token)
        audit_record(
            actor=person,
            action="sign_in",
            obj=person,
            request=request,
            details={"second_factor": second_factor or "none", "trusted_device": device is not None},
        )
    # Keep the tokens of devices that still exist, newest last, a few at most.
    known = set(
        TrustedDevice.objects.filter(digest__in=[_device_digest(t) for t in tokens]).values_list(
            "digest", flat=True
        )
    )
    return ".".join([t for t in tokens if _device_digest(t) in known][-_DEVICES_PER_BROWSER:])


def sign_out(*, request: HttpRequest) -> None:
    if request.user.is_authenticated:
        audit_record(actor=request.user, action="sign_out", obj=request.user, request=request)
    logout(request)


# --- The device cookie --------------------------------------------------------------------------------
def set_device_cookie(response: HttpResponse, value: str) -> None:
    """Signed, so that it cannot be made up; HttpOnly, so that a script cannot read it; sent only to the
    sign-in pages. It holds random tokens, and the database only their keyed digests."""
    if not value:
        return
    response.set_signed_cookie(
        DEVICE_COOKIE,
        value,
        salt=_DEVICE_SALT,
        max_age=int(DEVICE_TRUSTED_FOR.total_seconds()),
        path="/accounts/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _cookie_tokens(request: HttpRequest) -> list[str]:
    value = request.get_signed_cookie(
        DEVICE_COOKIE, default="", salt=_DEVICE_SALT, max_age=DEVICE_TRUSTED_FOR
    )
    return [token for token in value.split(".") if _DEVICE_TOKEN.match(token)][-_DEVICES_PER_BROWSER:]


def _device_digest(token: str) -> str:
    return keyed_digest(token.encode(), purpose="trusted_device")


def _trusted_device(*, request: HttpRequest, person: Person | None, now: datetime) -> TrustedDevice | None:
    """The device this browser's cookie names for `person`, if it is still trusted."""
    tokens = _cookie_tokens(request)
    if person is None or not tokens:
        return None
    return TrustedDevice.objects.filter(
        person=person,
        digest__in=[_device_digest(token) for token in tokens],
        created_at__gt=now - DEVICE_TRUSTED_FOR,
        failures__lt=DEVICE_FAILURES,
    ).first()


# --- The guards ---------------------------------------------------------------------------------------
def _person_named(username: str) -> Person | None:
    if not username or len(username) > _USERNAME_MAX or not username.isprintable():
        return None  # also keeps NUL characters away from PostgreSQL
    username = username.strip()
    # Phone keyboards like to start with a capital letter; usernames are made lower-case.
    return (
        Person.objects.filter(username=username).first()
        or Person.objects.filter(username=username.lower()).first()
    )


def address_key(request: HttpRequest | None) -> str | None:
    """The address the throttle counts by, or None if there is none. A phone on an IPv6 mobile network
    gets a whole /64 and can change its address within it at will, so the /64 counts as one address."""
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False).network_address)
    return str(address)


def _audit_actor(person: Person | None) -> dict:
    if person is None:
        return {"actor": None, "details": {"username_known": False}}
    return {"actor": person, "obj": person, "details": {}}


def _refuse_if_throttled(*, person: Person | None, request: HttpRequest, now: datetime, action: str) -> None:
    address = address_key(request)
    if address is None:
        return
    recent = SignInAttempt.objects.filter(address=address, at__gt=now - ADDRESS_WINDOW).count()
    if recent >= settings.SIGN_IN_ADDRESS_FAILURES:
        audit_record(action=action, request=request, **_audit_actor(person))
        raise SignInRefused(Refusal.ADDRESS_THROTTLED)


def _refuse_if_locked(*, person: Person | None, request: HttpRequest, now: datetime, action: str) -> None:
    # The lock is read before the password is: a locked account answers the same to right and wrong ones.
    if person is not None and person.locked_until is not None and person.locked_until > now:
        audit_record(action=action, request=request, **_audit_actor(person))
        raise SignInRefused(Refusal.ACCOUNT_LOCKED)


def _count_failure(
    *,
    person: Person | None,
    device: TrustedDevice | None,
    request: HttpRequest,
    now: datetime,
    action: str,
    details: dict,
) -> None:
    """A failed attempt counts against the trusted device it came from, or else against the address and
    the account. Raises SignInRefused(ACCOUNT_LOCKED) when this failure starts the lock."""
    entry = _audit_actor(person)
    entry["details"] |= details | {"trusted_device": device is not None}
    lock_started = False
    with transaction.atomic():
        if device is not None:
            device = TrustedDevice.objects.select_for_update().filter(pk=device.pk).first()
            if device is not None and device.failures + 1 >= DEVICE_FAILURES:
                device.delete()
                entry["details"]["device_trusted_no_longer"] = True
            elif device is not None:
                TrustedDevice.objects.filter(pk=device.pk).update(failures=F("failures") + 1)
        else:
            address = address_key(request)
            if address is not None:
                SignInAttempt.objects.create(address=address, at=now)
            if person is not None:
                failures = Person.objects.select_for_update().get(pk=person.pk).failed_sign_ins + 1
                if failures >= settings.SIGN_IN_LOCK_FAILURES:
                    person.failed_sign_ins = 0
                    person.locked_until = now + timedelta(minutes=settings.SIGN_IN_LOCK_MINUTES)
                    lock_started = True
                else:
                    person.failed_sign_ins = failures
                person.save(update_fields=["failed_sign_ins", "locked_until"])
                entry["details"]["lock_started"] = lock_started
        audit_record(action=action, request=request, **entry)
    if lock_started:
        raise SignInRefused(Refusal.ACCOUNT_LOCKED)


def attempts_forget(*, now: datetime) -> None:
    """The worker's housekeeping: failed attempts are kept a day, trusted devices DEVICE_TRUSTED_FOR."""
    SignInAttempt.objects.filter(at__lt=now - ATTEMPTS_KEPT).delete()
    TrustedDevice.objects.filter(created_at__lt=now - DEVICE_TRUSTED_FOR).delete()
