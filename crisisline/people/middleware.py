"""What every signed-in request passes: the session's time limits, and the second step.

- A session ends after SESSION_IDLE_MINUTES without a request and SESSION_HOURS after sign-in, whatever
  happens in between: phones are shared, lost and taken.
- A person whose roles need a second factor (policy.needs_second_factor) and whose session has not passed
  it sees nothing but the second-step pages, sign-out, quick exit and the language switch.
- A session that passed a second factor which has since been reset ends: it may be on the lost phone.
- A session of a disabled account is thrown away (Django already treats it as signed out; throwing it away
  means enabling the account again does not bring the session back).

The session holds the times as whole seconds since the epoch, so that a clock can be injected by patching
django.utils.timezone.now."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import cache
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crisisline.people.models import Person
from crisisline.people.policy import needs_second_factor

SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
SECOND_FACTOR_VERIFIED = "second_factor_verified"  # True once the second step is passed (conftest.sign_in)
SECOND_FACTOR_SINCE = "second_factor_since"  # which set-up it was passed with
# Last activity is written at most this often, so that reading pages does not write the session each time.
_SEEN_RESOLUTION_SECONDS = 60
_DJANGO_SESSION_KEY = re.compile(r"[a-z0-9]{32}")  # as SessionBase._get_new_session_key makes them


def session_clock_start(request: HttpRequest, *, now: datetime | None = None) -> None:
    moment = int((now or timezone.now()).timestamp())
    request.session[SIGNED_IN_AT] = moment
    request.session[SEEN_AT] = moment


def second_factor_passed(request: HttpRequest, person: Person) -> None:
    # A new session key for the raised privilege, as at sign-in.
    request.session.cycle_key()
    request.session[SECOND_FACTOR_VERIFIED] = True
    request.session[SECOND_FACTOR_SINCE] = _set_up_at(person)


def fully_signed_in(request: HttpRequest) -> bool:
    user = request.user
    return user.is_authenticated and (
        request.session.get(SECOND_FACTOR_VERIFIED) is True or not needs_second_factor(user)
    )


def _set_up_at(person: Person) -> str:
    return person.totp_confirmed_at.isoformat() if person.totp_confirmed_at else ""


@cache
def _open_paths() -> frozenset[str]:
    """Pages a signed-in person reaches before the second step, and after a session ended."""
    names = ["login", "logout", "second_factor_verify", "second_factor_setup"]
    names += ["quick_exit", "set_language", "healthz"]
    return frozenset(reverse(name) for name in names)


def _untouched(path: str) -> bool:
    # Static files need no session; the API signs in with tokens, not with the session.
    return path.startswith((settings.STATIC_URL, "/api/"))


class SignedInSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _drop_made_up_session_key(request)
        if _untouched(request.path):
            return self.get_response(request)
        if not request.user.is_authenticated:
            if SESSION_KEY in request.session:  # a disabled account's, or one Django no longer accepts
                request.session.flush()
            return self.get_response(request)
        return self._ended(request) or self._second_step(request) or self.get_response(request)

    def _ended(self, request: HttpRequest) -> HttpResponse | None:
        session = request.session
        now = int(timezone.now().timestamp())
        started, seen = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
        if started is None and seen is None:  # signed in by other means (tests' force_login)
            session[SIGNED_IN_AT] = session[SEEN_AT] = now
            return None
        idle_limit = settings.SESSION_IDLE_MINUTES * 60
        if not isinstance(started, int) or not isinstance(seen, int):
            message = _("Please sign in again.")
        elif now - started >= settings.SESSION_HOURS * 60 * 60:
            message = ngettext(
                "You were signed out: a session lasts at most %(hours)d hour.",
                "You were signed out: a session lasts at most %(hours)d hours.",
                settings.SESSION_HOURS,
            ) % {"hours": settings.SESSION_HOURS}
        elif now - seen >= idle_limit:
            message = ngettext(
                "You were signed out after %(minutes)d minute without activity.",
                "You were signed out after %(minutes)d minutes without activity.",
                settings.SESSION_IDLE_MINUTES,
            ) % {"minutes": settings.SESSION_IDLE_MINUTES}
        elif self._second_factor_reset(request):
            message = _("Your two-factor sign-in was reset. Please sign in again.")
        else:
            if now - seen >= _SEEN_RESOLUTION_SECONDS:
                session[SEEN_AT] = now
            return None
        return self._sign_out(request, message)

    def _second_factor_reset(self, request: HttpRequest) -> bool:
        session, person = request.session, request.user
        if session.get(SECOND_FACTOR_VERIFIED) is not True or not needs_second_factor(person):
            return False
        since = session.get(SECOND_FACTOR_SINCE)
        return not person.has_second_factor or (since is not None and since != _set_up_at(person))

    def _sign_out(self, request: HttpRequest, message: str) -> HttpResponse | None:
        logout(request)
        if request.path in _open_paths():
            return None  # quick exit, sign-in and the rest work as they do for anyone signed out
        messages.info(request, message)
        return _redirect(reverse("login"), request.get_full_path())

    def _second_step(self, request: HttpRequest) -> HttpResponse | None:
        if request.path in _open_paths() or request.session.get(SECOND_FACTOR_VERIFIED) is True:
            return None
        person = request.user
        if not needs_second_factor(person):
            return None
        page = "second_factor_verify" if person.has_second_factor else "second_factor_setup"
        return _redirect(reverse(page), request.get_full_path())


def _drop_made_up_session_key(request: HttpRequest) -> None:
    """A session cookie that is not a key Django could have made is replaced by an empty session before
    anything reads it (request.user is still lazy here). Django passes any key of 8 characters or more to
    the database, and a quoted cookie can smuggle in a NUL character ("\\000"), which PostgreSQL refuses
    with an error: a 500 instead of a sign-in page."""
    key = request.session.session_key
    if key is not None and not _DJANGO_SESSION_KEY.fullmatch(key):
        request.session = import_module(settings.SESSION_ENGINE).SessionStore()


def _redirect(url: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{url}?{urlencode({'next': next_url})}")
