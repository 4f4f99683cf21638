"""A year of demo crises: believable shapes, the same for the same seed and moment, nothing readable."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from crisisline.crises.demo import demo_crises, demo_crises_reset
from crisisline.crises.models import Client, Crisis
from crisisline.network.demo import DemoSize, demo_build

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@pytest.fixture
def demo_network(db):
    demo_build(DemoSize(states=2, teams=8, seed=2), progress=False)


def snapshot():
    return list(
        Crisis.objects.order_by("reference").values_list(
            "reference", "team__code", "crisis_type__code", "status"
        )
    )


def test_same_seed_and_moment_same_crises(demo_network):
    demo_crises(count=200, seed=5, now=NOW, progress=False)
    first = snapshot()
    demo_crises_reset()
    demo_crises(count=200, seed=5, now=NOW, progress=False)
    assert snapshot() == first and len(first) == 200


def test_the_shapes_are_believable(demo_network):
    demo_crises(count=600, seed=1, now=NOW, progress=False)
    crises = Crisis.objects.all()
    types = Counter(crises.values_list("crisis_type__code", flat=True))
    assert types.most_common(1)[0][0] == "physical_violence"
    assert types["suicide_risk"] < types["arrest"] < types["physical_violence"]
    assert all(NOW - timedelta(days=366) <= c.opened_at <= NOW for c in crises)
    statuses = Counter(crises.values_list("status", flat=True))
    assert (
        statuses["closed"] > 0.7 * 600
        and statuses["new"] + statuses["in_progress"] + statuses["acknowledged"] > 5
    )

    # Faster over the year, as Avahan's teams became.
    def median_first_contact(qs):
        minutes = sorted(
            (c.first_contact_at - c.opened_at).total_seconds() for c in qs.exclude(first_contact_at=None)
        )
        return minutes[len(minutes) // 2]

    early = crises.filter(opened_at__lt=NOW - timedelta(days=240))
    late = crises.filter(opened_at__gte=NOW - timedelta(days=120))
    assert median_first_contact(late) < median_first_contact(early)
    # Repeat callers: some clients have more than one crisis; every phone sealed.
    assert (
        Client.objects.filter(crises__isnull=False).distinct().count() < crises.exclude(client=None).count()
    )
    assert not Client.objects.filter(phone_sealed__contains="+44").exists()
