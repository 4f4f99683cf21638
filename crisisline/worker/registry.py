"""What the worker runs. Each app registers its work when it loads (AppConfig.ready):

- `@periodic(name, every=...)`: a function run every so often, as a PeriodicJob row;
- `@poller(name)`: a function that claims its own due rows (escalations, pages, messages) and returns how
  many it handled; the worker calls every poller on every pass and sleeps only when all return 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta
    run: Callable[[datetime], object]


@dataclass(frozen=True)
class Poller:
    name: str
    run: Callable[[datetime, str], int]  # (now, worker_id) -> rows handled


PERIODIC: dict[str, Periodic] = {}
POLLERS: dict[str, Poller] = {}


def periodic(name: str, *, every: timedelta):
    def register(function: Callable[[datetime], object]):
        PERIODIC[name] = Periodic(name=name, every=every, run=function)
        return function

    return register


def poller(name: str):
    def register(function: Callable[[datetime, str], int]):
        POLLERS[name] = Poller(name=name, run=function)
        return function

    return register
