"""A team's escalation policies in words, and the lead's form to add, change and remove the team's own."""

from conftest import sign_in
from crisisline.oncall.models import EscalationPolicy
from crisisline.oncall.tests.test_escalation_on_timeout import open_crisis, paged


def test_members_read_the_policies_in_the_order_they_are_tried(world, client):
    html = sign_in(client, world.responders[0]).get(f"/teams/{world.team.code}/escalation").content.decode()
    assert html.index("Suicide risk") < html.index("Every other crisis")
    assert "on call: Responder" in html and "the district coordinator" in html
    assert "Add a policy" not in html  # responders read, leads change


def test_the_lead_adds_a_policy_that_new_crises_follow(world, client):
    sign_in(client, world.lead)
    form = {
        "name": "Lawyer at once",
        "crisis_types": ["police_harassment"],
        "level0_target0": "on_call:responder",
        "level0_target1": f"person:{world.lawyer.pk}",
        "level0_timeout": "4",
        "level1_target0": "district_coordinator",
        "level1_timeout": "10",
        "repeat": "1",
    }
    answer = client.post(f"/teams/{world.team.code}/escalation/new", form)
    assert answer.status_code == 302
    policy = EscalationPolicy.objects.get(team=world.team, name="Lawyer at once")
    assert policy.levels == [
        {
            "timeout_minutes": 4,
            "targets": [
                {"kind": "on_call", "duty": "responder"},
                {"kind": "person", "person": world.lawyer.pk},
            ],
        },
        {"timeout_minutes": 10, "targets": [{"kind": "district_coordinator"}]},
    ]
    crisis = open_crisis(world, "police_harassment", "urgent")
    assert set(paged(crisis)) == {"rekha", "advocate"}
    html = client.get(f"/teams/{world.team.code}/escalation").content.decode()
    assert "advocate" in html

    assert client.post(f"/teams/{world.team.code}/escalation/{policy.pk}/remove").status_code == 302
    assert not EscalationPolicy.objects.filter(pk=policy.pk).exists()


def test_a_policy_without_a_timeout_is_refused_and_nothing_saved(world, client):
    sign_in(client, world.lead)
    answer = client.post(
        f"/teams/{world.team.code}/escalation/new",
        {"name": "Broken", "level0_target0": "role:lawyer", "level0_timeout": "", "repeat": "1"},
    )
    assert answer.status_code == 400 and "timeout" in answer.content.decode()
    assert not EscalationPolicy.objects.filter(name="Broken").exists()


def test_others_cannot_see_or_change_a_teams_policies(world, client):
    sign_in(client, world.neighbour_responder)
    assert client.get(f"/teams/{world.team.code}/escalation").status_code == 404
    client.logout()
    sign_in(client, world.responders[0])
    assert client.post(f"/teams/{world.team.code}/escalation/new", {"name": "x"}).status_code == 404
