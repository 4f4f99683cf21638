"""The worker's roster job: warn a team lead well before a stretch with nobody on call."""

from __future__ import annotations

from datetime import datetime, timedelta

from crisisline.oncall.services_rosters import cover_gaps_warn
from crisisline.worker.registry import periodic


@periodic("cover_gaps", every=timedelta(minutes=15))
def cover_gaps(now: datetime) -> dict:
    return {"new_gaps": cover_gaps_warn(now=now)}
