"""Where on call plugs into the other apps' moments (their hook lists), so that they need not import it."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from crisisline.crises import jobs as crisis_jobs
from crisisline.crises import services as crisis_services
from crisisline.messaging import services as messaging
from crisisline.messaging.services import Text
from crisisline.oncall import services
from crisisline.people.models import Role

ANSWER_TEXTS = {"accepted": "accepted", "taken": "taken", "closed": "taken"}


def _on_open(crisis) -> None:
    # Paging starts when the crisis is logged: a call logged twenty minutes late still gives the first
    # level its whole timeout. A crisis opened "in the future" (the simulator's fast clock) starts then.
    services.escalation_start(crisis, now=max(crisis.opened_at, timezone.now()))


def _on_reply(*, person, text: str, event) -> str | None:
    outcome = services.sms_reply(person=person, text=text, event=event)
    if outcome in ANSWER_TEXTS:
        services.notify(
            people=[person.pk],
            key=f"reply:{event.pk}",
            now=timezone.now(),
            text=Text(ANSWER_TEXTS[outcome], {"ref": _reference_in(text)}),
        )
    return outcome


def _reference_in(text: str) -> str:
    match = services.REPLY.match(text or "")
    return "C-" + match.group(2).upper().replace("-", "").removeprefix("C") if match else ""


def _on_break_glass(grant) -> None:
    crisis = grant.crisis
    leads = Role.objects.filter(team_id=crisis.team_id, kind=Role.Kind.TEAM_LEAD).values_list(
        "person_id", flat=True
    )
    services.notify(
        people=list(leads),
        key=f"break_glass:{grant.pk}",
        now=timezone.now(),
        text=Text(
            "break_glass", {"ref": crisis.reference, "link": f"{settings.BASE_URL}/crises/{crisis.reference}"}
        ),
    )


def _on_reminder(follow_up) -> None:
    crisis = follow_up.crisis
    people = crisis.assignments.filter(ended_at__isnull=True).values_list("person_id", flat=True)
    services.notify(
        people=list(people),
        key=f"reminder:{follow_up.pk}",
        now=timezone.now(),
        text=Text(
            "reminder", {"ref": crisis.reference, "link": f"{settings.BASE_URL}/crises/{crisis.reference}"}
        ),
    )


crisis_services.ON_OPEN.append(_on_open)
crisis_services.ON_BREAK_GLASS.append(_on_break_glass)
crisis_jobs.ON_REMINDER.append(_on_reminder)
messaging.ON_REPLY.append(_on_reply)
messaging.ON_FAILED.append(services.page_channel_failed)
messaging.ON_VOICE_KEY.append(services.voice_key)
