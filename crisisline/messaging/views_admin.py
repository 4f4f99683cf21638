"""What administrators see of messaging: every text Crisisline sends, its length and SMS segments."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from crisisline.messaging.texts import TEMPLATES, template_lengths
from crisisline.messaging.transport import provider_for
from crisisline.people.policy import Action, require


@login_required
@require_GET
def templates(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.CHANNELS_MANAGE)
    context = {
        "rows": template_lengths(),
        "purposes": {code: template.purpose for code, template in TEMPLATES.items()},
        "providers": [(channel, provider_for(channel)) for channel in ("sms", "voice", "email")],
    }
    return render(request, "messaging/templates.html", context)
