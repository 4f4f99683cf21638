"""The second factor: a TOTP authenticator app (lib/totp.py), and single-use backup codes for a lost phone.

The secret is sealed with a master key (lib/crypto.py); backup codes are kept only as keyed digests, so
that a copy of the database gives neither. A code is accepted once: each accepted time step is remembered
(`totp_last_step`) and a backup code is marked used by one conditional UPDATE, so that two requests with
the same code cannot both pass. Counting wrong codes towards the lock is sign_in.py's job."""

from __future__ import annotations

import secrets
from datetime import datetime

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from crisisline.audit.services import audit_record
from crisisline.lib import totp
from crisisline.lib.crypto import keyed_digest, seal, unseal
from crisisline.people.models import BackupCode, Person, TrustedDevice
from crisisline.people.policy import Action, require

BACKUP_CODE_COUNT = 10
# Lower-case letters and digits without the ones that look alike (0/o, 1/l/i): 31^8, about 40 bits, with
# the account lock after a few wrong tries.
BACKUP_CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
_BACKUP_CODE_LENGTH = 8


class SecondFactorError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Setting it up ------------------------------------------------------------------------------------
def second_factor_enrol(*, person: Person) -> str:
    """The secret being set up, made on the first call and the same until it is confirmed, so that
    reloading the set-up page shows the QR code the person may already have scanned."""
    if person.has_second_factor:
        raise SecondFactorError(_("Two-factor sign-in is set up already."))
    if person.totp_secret_sealed:
        return _secret_of(person)
    sealed = seal(totp.new_secret().encode(), purpose="totp")
    # Conditional, so that two set-up pages opened at once end up showing the same secret.
    Person.objects.filter(pk=person.pk, totp_secret_sealed="").update(totp_secret_sealed=sealed)
    person.refresh_from_db(fields=["totp_secret_sealed", "totp_confirmed_at", "totp_last_step"])
    return _secret_of(person)


def second_factor_confirm(
    *, person: Person, code: str, request: HttpRequest | None = None, now: datetime | None = None
) -> list[str]:
    """Confirm the set-up with a first code from the app. Returns the backup codes, to be shown once."""
    now = now or timezone.now()
    if person.has_second_factor or not person.totp_secret_sealed:
        raise SecondFactorError(_("Start the set-up again."))
    step = totp.matching_step(_secret_of(person), code, now)
    if step is None:
        raise SecondFactorError(_("That code is not right. Type the 6 digits the app shows now."))
    with transaction.atomic():
        confirmed = Person.objects.filter(
            pk=person.pk, totp_confirmed_at__isnull=True, totp_secret_sealed=person.totp_secret_sealed
        ).update(totp_confirmed_at=now, totp_last_step=step)
        if confirmed != 1:  # confirmed in another tab meanwhile, or reset
            raise SecondFactorError(_("Start the set-up again."))
        person.refresh_from_db(fields=["totp_secret_sealed", "totp_confirmed_at", "totp_last_step"])
        codes = _replace_backup_codes(person)
        audit_record(actor=person, action="second_factor.enrol", obj=person, request=request)
    return codes


def qr_code_data_uri(text: str) -> str:
    """An SVG QR code as a data: URI, for an <img> the Content-Security-Policy allows (img-src data:)."""
    return segno.make(text, error="m").svg_data_uri(scale=5, border=2)


def provisioning_uri(*, person: Person, secret: str) -> str:
    """The issuer is what the authenticator app shows beside the code. Someone checking a sex worker's phone
    can read it, so it is set per installation (CRISISLINE_TOTP_ISSUER) and says nothing by default."""
    return totp.provisioning_uri(secret, account=person.username, issuer=settings.TOTP_ISSUER)


def secret_for_typing(secret: str) -> str:
    """In groups of 4, as authenticator apps accept it typed in with or without the spaces."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# --- Using it -----------------------------------------------------------------------------------------
def second_factor_check(*, person: Person, code: str, now: datetime | None = None) -> str | None:
    """Which way `code` passes the second step, "totp" or "backup_code" (and that code is now used up),
    or None when it does not."""
    compact = "".join(code.split()).replace("-", "").lower()
    if len(compact) == totp.DIGITS and compact.isdigit():
        return "totp" if _totp_passes(person=person, code=compact, now=now or timezone.now()) else None
    if len(compact) == _BACKUP_CODE_LENGTH:
        return "backup_code" if backup_code_use(person=person, code=compact, now=now) else None
    return None


def code_kind(code: str) -> str:
    """What `code` looks like, for the audit trail of a wrong one: "totp", "backup_code" or "other"."""
    compact = "".join(code.split()).replace("-", "")
    if len(compact) == totp.DIGITS and compact.isdigit():
        return "totp"
    return "backup_code" if len(compact) == _BACKUP_CODE_LENGTH else "other"


def _totp_passes(*, person: Person, code: str, now: datetime) -> bool:
    if not person.has_second_factor:
        return False
    step = totp.matching_step(_secret_of(person), code, now)
    if step is None or step <= person.totp_last_step:
        return False
    # A step is accepted once, even by two requests at the same moment: no replay.
    used = Person.objects.filter(pk=person.pk, totp_last_step__lt=step).update(totp_last_step=step)
    if used == 1:
        person.totp_last_step = step
    return used == 1


def _secret_of(person: Person) -> str:
    return unseal(person.totp_secret_sealed, purpose="totp").decode()


# --- Backup codes -------------------------------------------------------------------------------------
def _backup_digest(compact: str) -> str:
    return keyed_digest(compact.encode(), purpose="backup_code")


def _new_backup_code() -> str:
    text = "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(_BACKUP_CODE_LENGTH))
    return f"{text[:4]}-{text[4:]}"


def _replace_backup_codes(person: Person) -> list[str]:
    codes: list[str] = []
    while len(codes) < BACKUP_CODE_COUNT:
        code = _new_backup_code()
        if code not in codes:
            codes.append(code)
    BackupCode.objects.filter(person=person).delete()
    BackupCode.objects.bulk_create(
        [BackupCode(person=person, digest=_backup_digest(code.replace("-", ""))) for code in codes]
    )
    return codes


def backup_codes_new(*, person: Person, request: HttpRequest | None = None) -> list[str]:
    """A new set of backup codes; the old ones stop working. Shown once: only digests are kept."""
    if not person.has_second_factor:
        raise SecondFactorError(_("Set up two-factor sign-in first."))
    with transaction.atomic():
        codes = _replace_backup_codes(person)
        audit_record(actor=person, action="second_factor.backup_codes_new", obj=person, request=request)
    return codes


def backup_codes_left(*, person: Person) -> int:
    return BackupCode.objects.filter(person=person, used_at__isnull=True).count()


def backup_code_use(*, person: Person, code: str, now: datetime | None = None) -> bool:
    """Whether `code` is one of the person's unused backup codes; if it is, it is used up."""
    compact = "".join(code.split()).replace("-", "").lower()
    if len(compact) != _BACKUP_CODE_LENGTH or not person.has_second_factor:
        return False
    used = BackupCode.objects.filter(
        person=person, digest=_backup_digest(compact), used_at__isnull=True
    ).update(used_at=now or timezone.now())
    return used == 1


# --- Reset --------------------------------------------------------------------------------------------
def second_factor_reset(*, person: Person, by: Person, request: HttpRequest | None = None) -> None:
    """For a lost or changed phone: the secret, the backup codes and the browsers trusted for this account
    are forgotten. The person sets up the second step again at their next sign-in; a session that had
    passed the old one ends at its next request (people/middleware.py), since it may be on the lost phone."""
    require(by, Action.PEOPLE_MANAGE, person)
    with transaction.atomic():
        Person.objects.filter(pk=person.pk).update(
            totp_secret_sealed="", totp_confirmed_at=None, totp_last_step=0
        )
        BackupCode.objects.filter(person=person).delete()
        TrustedDevice.objects.filter(person=person).delete()
        audit_record(actor=by, action="second_factor.reset", obj=person, request=request)
    person.refresh_from_db(fields=["totp_secret_sealed", "totp_confirmed_at", "totp_last_step"])
