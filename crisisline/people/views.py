"""Signing in and out, and the second step: thin doors onto people/sign_in.py and people/second_factor.py.

People-management pages live in views_manage.py."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from crisisline.people.middleware import fully_signed_in, second_factor_passed, session_clock_start
from crisisline.people.policy import needs_second_factor
from crisisline.people.second_factor import (
    SecondFactorError,
    backup_codes_left,
    backup_codes_new,
    provisioning_uri,
    qr_code_data_uri,
    second_factor_confirm,
    second_factor_enrol,
    secret_for_typing,
)
from crisisline.people.sign_in import (
    Refusal,
    SignInRefused,
    set_device_cookie,
    sign_in_check,
    sign_in_complete,
    sign_in_second_factor,
    sign_out,
)

# When a backup code is used and this few are left, the person is told to make new ones.
_FEW_BACKUP_CODES = 3


def _next_url(request: HttpRequest) -> str:
    """Where to go once signed in: the `next` asked for, if it is a page of this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    if next_url == resolve_url(settings.LOGIN_REDIRECT_URL):
        return reverse(name)
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


@sensitive_post_parameters("password")
@sensitive_variables("password")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_page(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if fully_signed_in(request):
        return redirect(next_url)
    context = {"next": next_url, "username": "", "error": ""}
    if request.method == "POST":
        username = request.POST.get("username", "")
        password = request.POST.get("password", "")
        try:
            person = sign_in_check(username=username, password=password, request=request)
        except SignInRefused as refusal:
            context |= {"username": username[:64], "error": refusal.message}
            return render(request, "people/sign_in.html", context)
        login(request, person)
        session_clock_start(request)
        if needs_second_factor(person):
            page = "second_factor_verify" if person.has_second_factor else "second_factor_setup"
            return redirect(_with_next(page, next_url))
        response = redirect(next_url)
        set_device_cookie(response, sign_in_complete(person=person, request=request))
        return response
    return render(request, "people/sign_in.html", context)


@require_POST
def sign_out_page(request: HttpRequest) -> HttpResponse:
    sign_out(request=request)
    response = redirect(settings.LOGOUT_REDIRECT_URL)
    # Everything this site left in the browser goes: cache, storage and every cookie, the trusted-device
    # cookie included. On a shared phone wiping everything is safer: nothing is left that shows someone
    # used Crisisline, or that would let the next person past the account lock. The price: after signing
    # out, this browser counts as unknown for the account lock and the address throttle until the next
    # full sign-in. Sessions that simply time out keep the device cookie.
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    person = request.user
    next_url = _next_url(request)
    if fully_signed_in(request):
        return redirect(next_url)
    if not person.has_second_factor:
        return redirect(_with_next("second_factor_setup", next_url))
    error = ""
    if request.method == "POST":
        try:
            method = sign_in_second_factor(person=person, code=request.POST.get("code", ""), request=request)
        except SignInRefused as refusal:
            if refusal.reason is not Refusal.WRONG_CODE:
                # Locked or throttled: the half-finished sign-in ends, and starts again at the password.
                logout(request)
                messages.error(request, refusal.message)
                return redirect(_with_next("login", next_url))
            error = refusal.message
        else:
            second_factor_passed(request, person)
            response = redirect(next_url)
            set_device_cookie(
                response, sign_in_complete(person=person, request=request, second_factor=method)
            )
            if method == "backup_code":
                _tell_backup_codes_left(request, person)
            return response
    return render(request, "people/second_factor_verify.html", {"next": next_url, "error": error})


def _tell_backup_codes_left(request: HttpRequest, person) -> None:
    left = backup_codes_left(person=person)
    if left <= _FEW_BACKUP_CODES:
        messages.warning(
            request,
            ngettext(
                "You have %(count)d backup code left. Make new ones from the backup codes page.",
                "You have %(count)d backup codes left. Make new ones from the backup codes page.",
                left,
            )
            % {"count": left},
        )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: for a person whose roles need a second factor and who has none."""
    person = request.user
    next_url = _next_url(request)
    if person.has_second_factor:
        return redirect(_with_next("second_factor_verify", next_url))
    if not needs_second_factor(person):
        return redirect(next_url)
    error = ""
    if request.method == "POST":
        try:
            codes = second_factor_confirm(person=person, code=request.POST.get("code", ""), request=request)
        except SecondFactorError as refusal:
            error = refusal.message
        else:
            second_factor_passed(request, person)
            response = render(
                request, "people/second_factor_backup_codes.html", {"codes": codes, "next": next_url}
            )
            set_device_cookie(
                response, sign_in_complete(person=person, request=request, second_factor="totp")
            )
            return response
    secret = second_factor_enrol(person=person)
    uri = provisioning_uri(person=person, secret=secret)
    context = {
        "next": next_url,
        "error": error,
        "qr": qr_code_data_uri(uri),
        "uri": uri,
        "secret": secret_for_typing(secret),
    }
    return render(request, "people/second_factor_setup.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def backup_codes(request: HttpRequest) -> HttpResponse:
    """New backup codes, shown once; the old ones stop working."""
    person = request.user
    if not person.has_second_factor:
        messages.info(request, _("Set up two-factor sign-in first."))
        return redirect("second_factor_setup" if needs_second_factor(person) else "home")
    if request.method == "POST":
        codes = backup_codes_new(person=person, request=request)
        next_url = resolve_url(settings.LOGIN_REDIRECT_URL)
        return render(request, "people/second_factor_backup_codes.html", {"codes": codes, "next": next_url})
    return render(
        request, "people/second_factor_backup_codes_new.html", {"left": backup_codes_left(person=person)}
    )
