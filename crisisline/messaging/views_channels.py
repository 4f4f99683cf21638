"""How a person is paged: their channels in order (SMS, voice call, email, console), added, removed, moved
up, and tried with a test message. One's own on the account pages; a team lead or an administrator for the
people they manage. Numbers are shown masked; the full number is never on a page after it is saved."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from crisisline.lib.phones import masked
from crisisline.messaging.models import Channel, ContactPoint
from crisisline.messaging.services import (
    MessagingError,
    Text,
    contact_address,
    contact_point_add,
    contact_point_move_up,
    contact_point_remove,
    message_queue,
)
from crisisline.people.models import Person
from crisisline.people.policy import Action, can


def _person(request: HttpRequest, username: str | None) -> Person:
    """The person whose channels these are: oneself, or someone the reader manages. 404 otherwise."""
    if username is None:
        return request.user
    person = Person.objects.filter(username=username).first()
    if person is None or not can(request.user, Action.PEOPLE_MANAGE, person):
        raise Http404
    return person


def _shown(point: ContactPoint) -> str:
    address = contact_address(point)
    if point.channel in (Channel.SMS, Channel.VOICE):
        return masked(address)
    if point.channel == Channel.EMAIL:
        name, _at, domain = address.partition("@")
        return f"{name[:1]}•••@{domain}"
    return address


def _back(person: Person, request: HttpRequest) -> HttpResponse:
    if person.pk == request.user.pk:
        return redirect("account_channels")
    return redirect("person_channels", username=person.username)


@login_required
@require_http_methods(["GET", "POST"])
def channels(request: HttpRequest, username: str | None = None) -> HttpResponse:
    person = _person(request, username)
    error, posted = "", {}
    if request.method == "POST":
        posted = {"channel": request.POST.get("channel", ""), "address": request.POST.get("address", "")}
        if posted["channel"] not in Channel.values:
            error = _("Choose how to reach this person.")
        else:
            try:
                contact_point_add(
                    person=person, channel=posted["channel"], address=posted["address"], by=request.user
                )
            except MessagingError as problem:
                error = str(problem)
            else:
                messages.success(request, _("Added. Send a test to check it arrives."))
                return _back(person, request)
    points = [(point, _shown(point)) for point in person.contact_points.order_by("position", "pk")]
    context = {
        "person": person,
        "points": points,
        "channels": Channel.choices,
        "error": error,
        "posted": posted,
        "own": person.pk == request.user.pk,
    }
    return render(request, "messaging/channels.html", context, status=400 if error else 200)


def _point(request: HttpRequest, username: str | None, pk: int) -> tuple[Person, ContactPoint]:
    person = _person(request, username)
    point = person.contact_points.filter(pk=pk).first()
    if point is None:
        raise Http404
    return person, point


@login_required
@require_POST
def channel_remove(request: HttpRequest, pk: int, username: str | None = None) -> HttpResponse:
    person, point = _point(request, username, pk)
    contact_point_remove(point=point, by=request.user)
    messages.success(request, _("Removed."))
    return _back(person, request)


@login_required
@require_POST
def channel_up(request: HttpRequest, pk: int, username: str | None = None) -> HttpResponse:
    person, point = _point(request, username, pk)
    contact_point_move_up(point=point, by=request.user)
    return _back(person, request)


@login_required
@require_POST
def channel_test(request: HttpRequest, pk: int, username: str | None = None) -> HttpResponse:
    person, point = _point(request, username, pk)
    if not person.is_active:
        raise PermissionDenied
    message_queue(
        key=f"test:{point.pk}:{int(timezone.now().timestamp())}", point=point, text=Text("test", {})
    )
    messages.success(request, _("A test message is on its way."))
    return _back(person, request)
