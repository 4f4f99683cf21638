"""Answering a page from its one-time link, and the administrators' alerts. Thin doors onto services.py.

The link names only the page's random token. Opening it needs the page's own person signed in (with the
second factor, like every page); anyone else gets 404, as if the link did not exist. Once answered, the
link shows what became of the page and does nothing more."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from crisisline.crises.selectors import icon_of
from crisisline.oncall.models import Alert, Escalation, Page
from crisisline.oncall.services import OPEN_PAGE_STATES, page_answer, page_by_token
from crisisline.people.policy import Action, can, require


@login_required
@require_http_methods(["GET", "POST"])
def page_link(request: HttpRequest, token: str) -> HttpResponse:
    page = page_by_token(token)
    if page is None or page.person_id != request.user.pk:
        raise Http404
    outcome = ""
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer not in ("accept", "decline"):
            outcome = "not_understood"
        else:
            outcome = page_answer(page=page, accept=answer == "accept", via=Page.Via.LINK)
            if outcome == "accepted" and can(request.user, Action.CRISIS_VIEW, page.crisis):
                return redirect("crisis", reference=page.crisis.reference)
        page.refresh_from_db()
    crisis = page.crisis
    escalation = Escalation.objects.filter(pk=page.escalation_id).first()
    context = {
        "page": page,
        "crisis": crisis,
        "icon": icon_of(crisis.crisis_type),
        "open": page.state in OPEN_PAGE_STATES
        and escalation
        and escalation.state != Escalation.State.ACCEPTED,
        "outcome": outcome,
        "taken": escalation is not None and escalation.state == Escalation.State.ACCEPTED,
        "may_open": can(request.user, Action.CRISIS_VIEW, crisis),
        "token": token,
    }
    return render(request, "oncall/page.html", context, status=200)


@login_required
@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.CHANNELS_MANAGE)
    rows = Alert.objects.select_related("team", "crisis").order_by("resolved_at", "-raised_at")[:200]
    return render(request, "oncall/alerts.html", {"alerts": rows, "self_url": reverse("oncall_alerts")})
