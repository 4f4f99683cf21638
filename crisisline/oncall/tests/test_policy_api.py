"""The escalation API: the policies in the order they are tried, a team's own set and removed, and a
crisis's paging as it stands."""

from crisisline.oncall.models import EscalationPolicy
from crisisline.oncall.tests.test_escalation_on_timeout import open_crisis
from crisisline.people.services import token_create


def client_for(client, person):
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token_create(person=person, name='t').plaintext}"
    return client


def test_members_list_the_policies_in_order(world, client):
    answer = client_for(client, world.responders[0]).get(
        f"/api/v1/teams/{world.team.code}/escalation-policies"
    )
    assert answer.status_code == 200
    names = [p["name"] for p in answer.json()]
    assert names.index("Suicide risk: several people at once") < names.index("Every other crisis")
    assert all(p["team"] is None for p in answer.json())


def test_the_lead_sets_and_removes_a_team_policy(world, client):
    api = client_for(client, world.lead)
    body = {
        "crisis_types": ["other"],
        "levels": [{"timeout_minutes": 3, "targets": [{"kind": "role", "role": "lawyer"}]}],
        "repeat": 1,
    }
    url = f"/api/v1/teams/{world.team.code}/escalation-policies/Lawyer%20first"
    answer = api.put(url, body, content_type="application/json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["team"] == world.team.code and answer.json()["levels"][0]["timeout_minutes"] == 3
    assert api.get(f"/api/v1/teams/{world.team.code}/escalation-policies").json()[0]["name"] == "Lawyer first"
    bad = api.put(
        url, body | {"levels": [{"timeout_minutes": 0, "targets": []}]}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid"
    assert EscalationPolicy.objects.get(name="Lawyer first").levels[0]["timeout_minutes"] == 3
    removed = api.delete(url)
    assert removed.status_code == 200 and removed.json()["name"] == "Lawyer first"
    assert not EscalationPolicy.objects.filter(name="Lawyer first").exists()


def test_a_responder_cannot_change_them_and_strangers_see_404(world, client):
    url = f"/api/v1/teams/{world.team.code}/escalation-policies/Mine"
    body = {"levels": [{"timeout_minutes": 3, "targets": [{"kind": "district_coordinator"}]}]}
    assert (
        client_for(client, world.responders[0]).put(url, body, content_type="application/json").status_code
        == 403
    )
    stranger = client_for(client, world.neighbour_responder)
    assert stranger.get(f"/api/v1/teams/{world.team.code}/escalation-policies").status_code == 404
    assert not EscalationPolicy.objects.filter(name="Mine").exists()


def test_a_crisis_paging_as_it_stands(world, client):
    crisis = open_crisis(world)
    answer = client_for(client, world.lead).get(f"/api/v1/crises/{crisis.reference}/paging")
    assert answer.status_code == 200
    paging = answer.json()
    assert (
        paging["state"] == "active" and paging["level"] == 1 and paging["policy_name"] == "Every other crisis"
    )
    assert [p["username"] for p in paging["pages"]] == ["rekha"]
    assert (
        client_for(client, world.neighbour_responder)
        .get(f"/api/v1/crises/{crisis.reference}/paging")
        .status_code
        == 404
    )
