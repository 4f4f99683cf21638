"""The demo network can page: everyone has a channel, every team a rota, and old demo crises do not wake
the auditor."""

from django.utils import timezone

from crisisline.crises.demo import demo_crises
from crisisline.crises.models import Crisis
from crisisline.network.demo import DemoSize, demo_build
from crisisline.network.models import Team
from crisisline.oncall.demo import demo_oncall
from crisisline.oncall.jobs import auditor
from crisisline.oncall.rosters import on_call_at
from crisisline.people.models import Person


def test_the_demo_network_is_ready_to_page(db):
    demo_build(DemoSize(states=1, teams=3, seed=2), progress=False)
    demo_crises(count=60, seed=2, progress=False)
    counts = demo_oncall(progress=False)
    assert counts["escalations"] == Crisis.objects.count() == 60
    assert all(person.contact_points.exists() for person in Person.objects.all())
    now = timezone.now()
    for team in Team.objects.all():
        assert len(on_call_at(team, "responder", now)) == 1
        assert len(on_call_at(team, "call_receiver", now)) == 1
    assert auditor(now) == {"late": 0}
