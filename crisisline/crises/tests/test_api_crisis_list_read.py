"""Listing and reading crises through the API: only what the reader may see, filtered and paged; a crisis
read whole, with its protocol steps and timeline, and without an identity."""

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from conftest import make_person
from crisisline.crises.services import (
    Intake,
    consent_record,
    crisis_assign,
    crisis_close,
    crisis_open,
    step_complete,
    timeline_add,
)
from crisisline.people.services import token_create

URL = "/api/v1/crises"


@pytest.fixture
def api_as():
    def _client(person) -> HttpClient:
        token = token_create(person=person, name="tests").plaintext
        return HttpClient(HTTP_AUTHORIZATION=f"Bearer {token}")

    return _client


@pytest.fixture
def elsewhere(network):
    """A crisis of the Belagavi team, logged by its own call receiver."""
    team = network["teams"]["belagavi"]
    logger = make_person("savitha", ("call_receiver", team))
    return crisis_open(team=team, intake=Intake(crisis_type="arrest"), by=logger).crisis


def references(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["reference"] for item in response.json()["items"]]


def test_a_person_of_another_team_never_sees_the_crisis(api, api_as, open_crisis, elsewhere, network):
    ours = open_crisis()
    assert references(api.get(URL)) == [ours.reference]
    assert references(api.get(URL, {"team": "KA-BEL-01"})) == []
    hidden = api.get(f"{URL}/{elsewhere.reference}")
    missing = api.get(f"{URL}/C-NONE")
    assert hidden.status_code == missing.status_code == 404
    assert (
        hidden.json()["error"]["message"].replace(elsewhere.reference, "C-NONE")
        == (missing.json()["error"]["message"])
    )
    belagavi = api_as(make_person("kavya", ("responder", network["teams"]["belagavi"])))
    assert references(belagavi.get(URL)) == [elsewhere.reference]
    assert belagavi.get(f"{URL}/{ours.reference}").status_code == 404


def test_a_programme_manager_or_administrator_sees_no_case(api_as, open_crisis, network, administrator):
    open_crisis()
    manager = make_person("pm", ("programme_manager", network["states"]["KA"]))
    assert references(api_as(manager).get(URL)) == []
    assert references(api_as(administrator).get(URL)) == []


def test_list_items_carry_no_identity_and_no_notes(api, open_crisis):
    crisis = open_crisis(phone="9845012345", note="hurt at the lodge", place="behind the bus stand")
    response = api.get(URL)
    (item,) = response.json()["items"]
    assert set(item) == {
        "reference", "team", "crisis_type", "urgency", "status", "opened_at", "next_due_at", "overdue",
        "client_code",
    }  # fmt: skip
    assert item["client_code"] == crisis.client.code and item["team"] == "KA-MYS-01"
    text = response.content.decode()
    assert "9845012345" not in text and "lodge" not in text and "bus stand" not in text


def test_filter_by_team_status_and_type(api, open_crisis, person, network):
    other_team = network["teams"]["mysuru2"]
    person.roles.create(kind="call_receiver", team=other_team)
    arrest = open_crisis("arrest")
    violence = open_crisis("physical_violence")
    closed = open_crisis("other")
    crisis_close(crisis=closed, by=person, outcome="she is safe", redressed=True)
    market = crisis_open(team=other_team, intake=Intake(crisis_type="other"), by=person).crisis

    assert references(api.get(URL, {"team": "KA-MYS-02"})) == [market.reference]
    assert set(references(api.get(URL, {"team": "KA-MYS-01"}))) == {
        arrest.reference, violence.reference, closed.reference
    }  # fmt: skip
    assert references(api.get(URL, {"status": "closed"})) == [closed.reference]
    assert set(references(api.get(URL, {"status": ["closed", "new"], "team": "KA-MYS-01"}))) == {
        arrest.reference, violence.reference, closed.reference
    }  # fmt: skip
    assert set(references(api.get(URL, {"status": "closed,new", "team": "KA-MYS-01"}))) == {
        arrest.reference, violence.reference, closed.reference
    }  # fmt: skip
    assert references(api.get(URL, {"crisis_type": "arrest"})) == [arrest.reference]
    assert api.get(URL, {"status": "sleeping"}).json()["error"]["fields"] == {"status": "Unknown status."}
    assert "crisis_type" in api.get(URL, {"crisis_type": "teleport"}).json()["error"]["fields"]
    assert api.get(URL, {"team": "XX-NONE-01"}).status_code == 404


def test_filter_overdue_finds_an_open_step_past_its_due_time(api, team, person):
    ninety_minutes_ago = timezone.now() - timedelta(minutes=90)
    late = crisis_open(
        team=team, intake=Intake(crisis_type="sexual_violence"), by=person, opened_at=ninety_minutes_ago
    ).crisis  # first contact was due within the hour; medical care within two
    fresh = crisis_open(team=team, intake=Intake(crisis_type="sexual_violence"), by=person).crisis
    assert references(api.get(URL, {"overdue": "true"})) == [late.reference]
    assert references(api.get(URL, {"overdue": "false"})) == [fresh.reference]
    items = {item["reference"]: item for item in api.get(URL).json()["items"]}
    assert items[late.reference]["overdue"] is True and items[fresh.reference]["overdue"] is False
    # Done late is no longer overdue: the next step is due in half an hour.
    step_complete(step=late.steps.get(code="first_contact"), by=person)
    assert references(api.get(URL, {"overdue": "true"})) == []


def test_filter_by_when_it_was_opened(api, team, person):
    now = timezone.now()
    old = crisis_open(
        team=team, intake=Intake(crisis_type="other"), by=person, opened_at=now - timedelta(days=10)
    ).crisis
    new = crisis_open(team=team, intake=Intake(crisis_type="other"), by=person).crisis
    middle = (now - timedelta(days=5)).isoformat()
    assert references(api.get(URL, {"opened_after": middle})) == [new.reference]
    assert references(api.get(URL, {"opened_before": middle})) == [old.reference]
    naive_local = timezone.localtime(now - timedelta(days=5)).replace(tzinfo=None).isoformat()
    assert references(api.get(URL, {"opened_after": naive_local})) == [new.reference]
    refused = api.get(URL, {"opened_after": "last tuesday"})
    assert refused.status_code == 422 and "opened_after" in refused.json()["error"]["fields"]


def test_pages_newest_first(api, team, person):
    now = timezone.now()
    opened = [
        crisis_open(
            team=team, intake=Intake(crisis_type="other"), by=person, opened_at=now - timedelta(hours=hours)
        ).crisis
        for hours in (3, 2, 1)
    ]
    first = api.get(URL, {"page_size": 2}).json()
    assert (first["count"], first["page"], first["pages"]) == (3, 1, 2)
    assert [i["reference"] for i in first["items"]] == [opened[2].reference, opened[1].reference]
    second = api.get(URL, {"page_size": 2, "page": 2}).json()
    assert [i["reference"] for i in second["items"]] == [opened[0].reference]
    assert api.get(URL, {"page_size": 2, "page": 3}).status_code == 404


def test_a_crisis_reads_whole_with_steps_timeline_consents_and_assignments(
    api, open_crisis, person, responder
):
    crisis = open_crisis(note="hurt at the lodge", place="behind the bus stand", phone="9845012345")
    step_complete(step=crisis.steps.get(code="first_contact"), by=responder, note="called her")
    timeline_add(crisis=crisis, kind="hospital", text="went with her to the district hospital", by=responder)
    consent_record(crisis=crisis, purpose="refer", given=True, by=person)
    consent_record(crisis=crisis, purpose="refer", given=False, by=responder)
    consent_record(crisis=crisis, purpose="count", given=True, by=person)
    crisis_assign(crisis=crisis, person=responder, by=person)

    response = api.get(f"{URL}/{crisis.reference}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["note"] == "hurt at the lodge" and body["place"] == "behind the bus stand"
    assert body["crisis_type"] == "sexual_violence" and body["crisis_type_label"] == "Sexual violence"
    assert body["status"] == "in_progress" and body["first_contact_at"] is not None
    first = body["steps"][0]
    assert (first["code"], first["state"], first["done_by"]) == ("first_contact", "done", "rekha")
    assert first["label"] == "First contact with her" and first["due_at"]
    assert body["steps"][1]["state"] == "open" and body["steps"][1]["done_at"] is None
    work = [entry for entry in body["timeline"] if entry["kind"] != "paging"]  # paging: on call's entries
    assert [entry["kind"] for entry in work[:3]] == ["opened", "step_done", "status"]
    done = work[1]
    assert done["by"] == "rekha" and done["text"] == "called her" and done["data"]["step"] == "first_contact"
    hospital = next(entry for entry in body["timeline"] if entry["kind"] == "hospital")
    assert hospital["text"] == "went with her to the district hospital"
    assert {(c["purpose"], c["given"], c["by"]) for c in body["consents"]} == {
        ("refer", False, "rekha"), ("count", True, "meena")
    }  # fmt: skip
    assert [(a["username"], a["ended_at"]) for a in body["assignments"]] == [("rekha", None)]
    assert "9845012345" not in response.content.decode()
    assert "phone" not in body and "name" not in body
