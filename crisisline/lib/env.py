"""Strict readers for settings that come from the environment.

A bad value stops Crisisline at start-up with a message naming the variable and what it expects; it never
falls back silently to a default. Secrets are never echoed back in those messages.
"""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import Mapping
from urllib.parse import urlsplit


class ConfigError(Exception):
    """A setting from the environment is missing or malformed."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    value = (environ if environ is not None else os.environ).get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def env_str(name: str, default: str | None = None, *, environ: Mapping[str, str] | None = None) -> str | None:
    value = _raw(name, environ)
    return default if value is None else value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false (also accepted: 1/0, yes/no, on/off), not {value!r}.")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    value = _raw(name, environ)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {number}.")
    if maximum is not None and number > maximum:
        raise ConfigError(f"{name} must be at most {maximum}, not {number}.")
    return number


def env_list(name: str, default: list[str], *, environ: Mapping[str, str] | None = None) -> list[str]:
    value = _raw(name, environ)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise ConfigError(f"{name} must be a comma-separated list with no empty items, not {value!r}.")
    return items


def env_choice(
    name: str, default: str, choices: list[str], *, environ: Mapping[str, str] | None = None
) -> str:
    value = _raw(name, environ)
    if value is None:
        return default
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def env_time_zone(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ) or default
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{name} must be an IANA time zone such as Asia/Kolkata, not {value!r}.") from None
    return value


def env_url(
    name: str, default: str | None, *, schemes: tuple[str, ...], environ: Mapping[str, str] | None = None
) -> str | None:
    """A URL whose scheme is one of `schemes`. The value is not echoed, since it may hold a password."""
    value = _raw(name, environ)
    if value is None:
        return default
    try:
        parts = urlsplit(value)
    except ValueError:
        raise ConfigError(f"{name} is not a valid URL.") from None
    if parts.scheme not in schemes:
        shown = parts.scheme or "(none)"
        raise ConfigError(
            f"{name} must start with one of {', '.join(s + '://' for s in schemes)}; scheme {shown}."
        )
    return value
