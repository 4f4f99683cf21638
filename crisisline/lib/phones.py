"""Phone numbers: parsed and validated with `phonenumbers`, stored as E.164.

Error messages never repeat the number they refuse: a phone number is an identity."""

from __future__ import annotations

import phonenumbers
from django.utils.translation import gettext as _


class InvalidPhoneNumber(ValueError):
    pass


def to_e164(text: str, *, default_region: str = "IN") -> str:
    """'098450 12345' or '+91 98450 12345' -> '+919845012345'. Raises InvalidPhoneNumber."""
    if not text or not text.strip():
        raise InvalidPhoneNumber(_("A phone number is required."))
    try:
        parsed = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        raise InvalidPhoneNumber(_("This is not a phone number.")) from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhoneNumber(_("This phone number is not valid: check the digits and the country code."))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def masked(e164: str) -> str:
    """For screens that must show which number without showing it: '+91•••••••345'."""
    return e164[:3] + "•" * max(len(e164) - 6, 0) + e164[-3:]


# India has no range of numbers reserved for fiction. Demo data therefore uses the UK regulator's
# ranges reserved for drama, which are valid numbers that are never assigned to anyone.
DEMO_RANGES: tuple[str, ...] = (
    "+44207946",  # London 020 7946 0000-0999
    "+44113496",  # Leeds
    "+44116496",  # Leicester
    "+44117496",  # Bristol
    "+44118496",  # Reading
    "+44121496",  # Birmingham
    "+44131496",  # Edinburgh
    "+44141496",  # Glasgow
    "+44151496",  # Liverpool
    "+44161496",  # Manchester
    "+44191498",  # Tyneside
    "+44292018",  # Cardiff
)
DEMO_NUMBERS_AVAILABLE = len(DEMO_RANGES) * 1000


def demo_number(index: int) -> str:
    """The index-th number of the demo ranges (0 <= index < DEMO_NUMBERS_AVAILABLE)."""
    if not 0 <= index < DEMO_NUMBERS_AVAILABLE:
        raise ValueError(f"demo number index out of range: {index}")
    return f"{DEMO_RANGES[index // 1000]}0{index % 1000:03d}"


def is_demo_number(e164: str) -> bool:
    return any(e164.startswith(prefix + "0") and len(e164) == len(prefix) + 4 for prefix in DEMO_RANGES)
