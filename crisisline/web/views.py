"""The web pages: thin doors onto the selectors and services of each app."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from crisisline.network.languages import TEAM_LANGUAGES
from crisisline.network.models import District, State, Team
from crisisline.network.selectors import effective_standards
from crisisline.oncall.health import paging_health
from crisisline.people.policy import Action, can, require, scope
from crisisline.worker.selectors import worker_health


@login_required
def home(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.NETWORK_VIEW)
    states = (
        scope(request.user, Action.NETWORK_VIEW, State.objects.all())
        .annotate(
            district_count=Count("districts", distinct=True),
            team_count=Count("districts__organisations__teams", distinct=True),
        )
        .order_by("name")
    )  # Meta.ordering does not apply to queries with GROUP BY
    return render(request, "web/home.html", {"states": states})


@login_required
def state_detail(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, Action.NETWORK_VIEW)
    state = get_object_or_404(scope(request.user, Action.NETWORK_VIEW, State.objects.all()), code=code)
    districts = (
        District.objects.filter(state=state)
        .prefetch_related("organisations__teams")
        .annotate(team_count=Count("organisations__teams"))
        .order_by("name")
    )
    return render(request, "web/state.html", {"state": state, "districts": districts})


@login_required
def team_detail(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, Action.NETWORK_VIEW)
    teams = scope(
        request.user, Action.NETWORK_VIEW, Team.objects.select_related("organisation__district__state")
    )
    team = get_object_or_404(teams.prefetch_related("helplines"), code=code)
    context = {
        "team": team,
        "languages": [TEAM_LANGUAGES.get(code, code) for code in team.languages],
        "standards": effective_standards(team),
        # Hotspots can expose people to raids: only the team itself and administrators see them.
        "localities": scope(request.user, Action.LOCALITIES_VIEW, team.localities.all()),
        "may_see_localities": can(request.user, Action.LOCALITIES_VIEW, team),
        "may_see_roster": can(request.user, Action.ROSTER_VIEW, team),
    }
    return render(request, "web/team.html", context)


@require_POST
def quick_exit(request: HttpRequest) -> HttpResponse:
    """Sign out at once and go to a neutral page. The page script calls this in the background and
    replaces the page itself; without script the form posts here and the redirect does the rest."""
    logout(request)
    response = HttpResponseRedirect(settings.QUICK_EXIT_URL, status=303)
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, worker and paging state for monitoring: 200 when all are fine, 503 when any is not (paging:
    an escalation or a message past due by more than the auditor's grace period)."""
    now = timezone.now()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = {"ok": True}
        health = worker_health(now=now)
        worker = {
            "ok": health.ok,
            "running": health.running,
            "last_heartbeat_age_seconds": None
            if health.last_beat_age_seconds is None
            else round(health.last_beat_age_seconds, 1),
            "stale_after_seconds": settings.WORKER_STALE_SECONDS,
        }
        paging = paging_health(now=now)
    except DatabaseError as error:
        database = {"ok": False, "error": type(error).__name__}
        worker = {"ok": False, "running": None, "last_heartbeat_age_seconds": None}
        paging = {"ok": False}
    ok = database["ok"] and worker["ok"] and paging["ok"]
    body = {"status": "ok" if ok else "failing", "database": database, "worker": worker, "paging": paging}
    return JsonResponse(body, status=200 if ok else 503)
