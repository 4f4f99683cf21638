"""Readers for the HTTP gateway's settings (settings.py calls them): strict, like crisisline.lib.env, and
never echoing a value that may be a secret. No Django here: settings are still being read."""

from __future__ import annotations

import ipaddress

from crisisline.lib.env import ConfigError, env_list, env_str


def field_names(name: str, ours: tuple[str, ...], *, environ=None) -> dict[str, str]:
    """ "to=mobile,text=message" -> {"to": "mobile", "text": "message"}: the provider's name for each of
    ours. A provider's name may be a dotted path into a JSON body ("data.from")."""
    found: dict[str, str] = {}
    for item in env_list(name, [], environ=environ):
        field, sep, theirs = (part.strip() for part in item.partition("="))
        if not sep or not theirs or field not in ours:
            raise ConfigError(
                f"{name} must be pairs such as {ours[0]}=their_name, comma-separated, for the fields "
                f"{', '.join(ours)}; not {item!r}."
            )
        found[field] = theirs
    return found


def headers(name: str, *, environ=None) -> dict[str, str]:
    """ "Authorization: Bearer abc|X-Api-Key: xyz" -> a dict. Values are secrets: never shown."""
    text = env_str(name, "", environ=environ)
    found: dict[str, str] = {}
    for number, item in enumerate(text.split("|") if text else [], start=1):
        header, sep, value = item.partition(":")
        header, value = header.strip(), value.strip()
        if not sep or not value or not header.replace("-", "").isalnum():
            raise ConfigError(
                f"{name} must be 'Name: value' entries separated by '|'; entry {number} is not (not shown)."
            )
        found[header] = value
    return found


def networks(name: str, values: list[str]) -> list:
    found = []
    for value in values:
        try:
            found.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise ConfigError(f"{name} must be CIDRs such as 203.0.113.0/24, not {value!r}.") from None
    return found
