"""Crisis references and client codes: short, random, clear when read aloud over a bad line, safe in an SMS.

The alphabet leaves out what is easily confused by ear or eye: 0/O, 1/I/L, 5/S, 8/B, U/V, G/J/Z, E, Q."""

from __future__ import annotations

import secrets
from collections.abc import Callable

ALPHABET = "234679ACDFHKMNPRTWXY"


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def unique_code(prefix: str, taken: Callable[[str], bool], *, shortest: int = 4) -> str:
    """A code not yet taken: `shortest` characters while they are plentiful, longer as they fill up."""
    for length in range(shortest, shortest + 4):
        for _ in range(6):
            code = f"{prefix}-{_random(length)}"
            if not taken(code):
                return code
    raise RuntimeError("no free code after 24 tries")  # ~10^-30 unless the table holds billions of rows
