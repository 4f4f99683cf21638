"""The team board says who is being paged and puts a crisis nobody accepted above the others."""

from conftest import sign_in
from crisisline.oncall.models import Escalation
from crisisline.oncall.tests.conftest import minutes, tick
from crisisline.oncall.tests.test_escalation_on_timeout import open_crisis


def test_paging_level_and_unanswered_on_the_board(world, client):
    routine = open_crisis(world, "other", "routine")
    urgent = open_crisis(world, "physical_violence", "urgent")
    Escalation.objects.filter(crisis=routine).update(state=Escalation.State.EXHAUSTED, due_at=None)
    tick(minutes(5))  # the urgent one moves to level 2
    html = sign_in(client, world.lead).get(f"/teams/{world.team.code}/board").content.decode()
    assert html.index(routine.reference) < html.index(urgent.reference)
    card = html.split(urgent.reference, 1)[1].split("</li>", 1)[0]
    assert "Paging: level 2" in card
    card = html.split(routine.reference, 1)[1].split("</li>", 1)[0]
    assert "Nobody accepted" in card


def test_the_crisis_timeline_names_who_was_paged_and_what_they_said(world, client):
    from crisisline.oncall.models import Page
    from crisisline.oncall.services import page_answer

    crisis = open_crisis(world)
    page_answer(page=Page.objects.get(crisis=crisis), accept=False, via="sms")
    html = sign_in(client, world.lead).get(f"/crises/{crisis.reference}").content.decode()
    timeline = html.split('id="timeline"', 1)[1]
    assert "paged level 1 (round 1): rekha" in timeline
    assert "cannot go (level 1, by SMS reply)" in timeline
    assert "paged level 2 (round 1): lead" in timeline
