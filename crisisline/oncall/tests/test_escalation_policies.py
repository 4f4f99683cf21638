"""Which policy runs depends on the crisis type and urgency; the policy is frozen into the crisis."""

import pytest

from conftest import make_person
from crisisline.oncall.models import Escalation, EscalationPolicy, Page
from crisisline.oncall.services import PolicyError, policy_save, policy_validate
from crisisline.oncall.tests.conftest import minutes, tick
from crisisline.oncall.tests.test_escalation_on_timeout import open_crisis, paged


def test_suicide_risk_pages_several_people_at_once(world):
    social_worker = make_person("saira", ("social_worker", world.team))
    crisis = open_crisis(world, "suicide_risk", "immediate")
    assert set(paged(crisis)) == {"rekha", "lead", social_worker.username}
    assert Escalation.objects.get(crisis=crisis).policy_name.startswith("Suicide risk")


def test_an_arrest_pages_the_on_call_lawyer_with_the_team(world):
    crisis = open_crisis(world, "arrest", "immediate")
    assert set(paged(crisis)) == {"rekha", "advocate"}  # no lawyer rotation: every lawyer of the team


def test_emergencies_escalate_faster_than_routine_crises(world):
    crisis = open_crisis(world, "health_emergency", "immediate")
    tick(minutes(3))
    assert paged(crisis) == ["rekha", "lead"]


def test_a_team_policy_comes_before_the_network_one(world):
    policy_save(
        team=world.team,
        name="Lawyer first",
        crisis_types=["police_harassment"],
        urgencies=[],
        levels=[{"timeout_minutes": 2, "targets": [{"kind": "person", "person": world.lawyer.pk}]}],
        repeat=1,
        by=world.lead,
    )
    crisis = open_crisis(world, "police_harassment", "urgent")
    assert paged(crisis) == ["advocate"]
    other_team_crisis_type = open_crisis(world, "physical_violence", "urgent")
    assert paged(other_team_crisis_type) == ["rekha"]


def test_the_policy_is_frozen_into_the_crisis_when_it_starts(world):
    crisis = open_crisis(world)
    standard = EscalationPolicy.objects.get(team=None, built_in="standard")
    standard.levels = [{"timeout_minutes": 1, "targets": [{"kind": "role", "role": "lawyer"}]}]
    standard.save()
    tick(minutes(5))
    assert paged(crisis) == ["rekha", "lead"]  # the copy it started with, not the edited policy


def test_a_policy_with_bad_levels_is_refused(world):
    bad = [
        [],
        [{"timeout_minutes": 0, "targets": [{"kind": "role", "role": "lawyer"}]}],
        [{"timeout_minutes": 5, "targets": []}],
        [{"timeout_minutes": 5, "targets": [{"kind": "astrologer"}]}],
        [{"timeout_minutes": 5, "targets": [{"kind": "on_call", "duty": "pilot"}]}],
    ]
    for levels in bad:
        with pytest.raises(PolicyError):
            policy_validate(levels=levels, repeat=1)
    with pytest.raises(PolicyError):
        policy_validate(
            levels=[{"timeout_minutes": 5, "targets": [{"kind": "district_coordinator"}]}], repeat=0
        )


def test_only_the_lead_may_change_the_teams_policy(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        policy_save(
            team=world.team,
            name="Mine",
            crisis_types=[],
            urgencies=[],
            repeat=1,
            by=world.responders[0],
            levels=[{"timeout_minutes": 2, "targets": [{"kind": "district_coordinator"}]}],
        )
    assert not EscalationPolicy.objects.filter(name="Mine").exists()


def test_a_level_with_nobody_to_page_is_skipped_at_once(world):
    # Nobody in the team holds the social worker role: the first level of this policy is empty.
    policy_save(
        team=world.team,
        name="Social first",
        crisis_types=["family_community_conflict"],
        urgencies=[],
        repeat=1,
        levels=[
            {"timeout_minutes": 10, "targets": [{"kind": "role", "role": "social_worker"}]},
            {"timeout_minutes": 10, "targets": [{"kind": "role", "role": "team_lead"}]},
        ],
        by=world.lead,
    )
    crisis = open_crisis(world, "family_community_conflict", "routine")
    assert paged(crisis) == ["lead"]
    skipped = [e.data for e in crisis.timeline.filter(kind="paging") if e.data.get("escalation") == "skipped"]
    assert skipped == [{"escalation": "skipped", "levels": [1], "round": 1}]


def test_a_team_with_nobody_to_page_raises_the_alarm_at_once(world, network):
    from crisisline.crises.services import Intake, crisis_open
    from crisisline.oncall.models import Alert

    empty_team = network["teams"]["madurai"]  # nobody in it, no neighbour, no coordinator
    crisis = crisis_open(
        team=empty_team, intake=Intake(crisis_type="other", urgency="routine"), by=None
    ).crisis
    assert Escalation.objects.get(crisis=crisis).state == Escalation.State.EXHAUSTED
    assert Alert.objects.filter(key=f"unanswered:{crisis.pk}").exists()
    entries = [e.data for e in crisis.timeline.filter(kind="paging")]
    assert entries == [
        {"escalation": "skipped", "levels": [1, 2, 3, 4], "round": 1},
        {"escalation": "unanswered"},
    ]


def test_a_hole_in_the_rota_moves_on_at_once(world):
    world.rotation.days = [(world.now.weekday() + 3) % 7]  # covers another day only
    world.rotation.save()
    crisis = open_crisis(world)
    assert paged(crisis) == ["lead"]


def test_neighbouring_team_and_district_coordinator(world):
    policy_save(
        team=world.team,
        name="Far",
        crisis_types=["other"],
        urgencies=[],
        repeat=1,
        levels=[
            {"timeout_minutes": 5, "targets": [{"kind": "neighbour_on_call", "duty": "responder"}]},
            {"timeout_minutes": 5, "targets": [{"kind": "district_coordinator"}]},
        ],
        by=world.lead,
    )
    crisis = open_crisis(world, "other", "routine")
    assert paged(crisis) == ["lakshmi"]
    tick(minutes(5))
    assert paged(crisis) == ["lakshmi", "coordinator"]
    page = Page.objects.get(crisis=crisis, person=world.neighbour_responder)
    from crisisline.oncall.services import page_answer
    from crisisline.people.policy import Action, can

    assert not can(world.neighbour_responder, Action.CRISIS_VIEW, crisis)
    assert page_answer(page=page, accept=True, via="sms") == "accepted"
    assert can(world.neighbour_responder, Action.CRISIS_VIEW, crisis)  # mutual aid: she works it now
