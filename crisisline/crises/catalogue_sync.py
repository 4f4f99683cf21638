"""Keep the network's crisis types and protocols in step with catalogue.py.

A changed protocol in the catalogue becomes a new version; crises already open keep the version they
started with. Local types and protocols (a state's or a team's) are left alone."""

from __future__ import annotations

from django.db import transaction

from crisisline.crises.catalogue import BUILT_IN
from crisisline.crises.models import CrisisType, Protocol, ProtocolStep


def _steps_of(protocol: Protocol) -> list[tuple]:
    return [(s.code, s.label, s.minutes, s.standard) for s in protocol.steps.order_by("position")]


def catalogue_sync() -> int:
    """Returns how many protocol versions it created."""
    created = 0
    with transaction.atomic():
        for position, kind in enumerate(BUILT_IN, start=1):
            crisis_type, _ = CrisisType.objects.update_or_create(
                code=kind.code,
                defaults={
                    "name": str(kind.label),
                    "icon": kind.icon,
                    "gbvims": kind.gbvims,
                    "default_urgency": kind.urgency,
                    "position": position,
                    "state": None,
                    "team": None,
                },
            )
            wanted = [(s.code, str(s.label), s.minutes, s.standard) for s in kind.steps]
            current = (
                Protocol.objects.filter(
                    crisis_type=crisis_type, state__isnull=True, team__isnull=True, is_current=True
                )
                .order_by("-version")
                .first()
            )
            if current is not None and _steps_of(current) == wanted:
                continue
            version = 1 if current is None else current.version + 1
            if current is not None:
                Protocol.objects.filter(pk=current.pk).update(is_current=False)
            protocol = Protocol.objects.create(crisis_type=crisis_type, version=version)
            ProtocolStep.objects.bulk_create(
                ProtocolStep(
                    protocol=protocol, position=i, code=code, label=label, minutes=minutes, standard=standard
                )
                for i, (code, label, minutes, standard) in enumerate(wanted, start=1)
            )
            created += 1
    return created
