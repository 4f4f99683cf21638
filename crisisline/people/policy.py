"""The one access module: every door (web view, API endpoint, command, background job) asks here.

Default deny: an action that no rule below allows is refused. Lists are scoped through `scope()` so that a
list never holds what its reader may not open."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet


class Action(StrEnum):
    NETWORK_VIEW = "network.view"  # the structure: states, districts, organisations, teams, standards
    NETWORK_MANAGE = "network.manage"  # change the structure and the minimum standards


def _is_signed_in(person: Any) -> bool:
    return bool(person is not None and getattr(person, "is_authenticated", False) and person.is_active)


def can(person: Any, action: Action, obj: Any = None) -> bool:
    if not _is_signed_in(person):
        return False
    if action is Action.NETWORK_VIEW:
        return True
    if action is Action.NETWORK_MANAGE:
        return bool(person.is_administrator)
    return False


def require(person: Any, action: Action, obj: Any = None) -> None:
    if not can(person, action, obj):
        raise PermissionDenied(action.value)


def scope(person: Any, action: Action, queryset: QuerySet) -> QuerySet:
    """The part of `queryset` that `person` may see for `action`."""
    if action is Action.NETWORK_VIEW and can(person, action):
        return queryset
    return queryset.none()
