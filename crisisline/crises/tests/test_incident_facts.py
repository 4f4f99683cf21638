"""Incident details for documentation: each field checked; a change is a correction with a reason; the
history stays."""

from datetime import UTC, datetime

import pytest

from crisisline.audit.models import AuditEntry
from crisisline.crises.models import Fact, TimelineEntry
from crisisline.crises.services import CrisisError, current_facts, fact_value, facts_record


def test_details_are_recorded_and_free_text_sealed(open_crisis, responder):
    crisis = open_crisis("physical_violence")
    facts_record(
        crisis=crisis,
        by=responder,
        values={
            "incident_at": datetime(2026, 11, 27, 22, 30, tzinfo=UTC),
            "place_type": "lodge",
            "what_happened": "a client hit her with a bottle",
            "injuries": "cut on the left arm",
            "perpetrators": [{"category": "client", "count": 1, "sex": "male", "relation": "regular_client"}],
        },
    )
    current = current_facts(crisis)
    assert fact_value(crisis, current["what_happened"]) == "a client hit her with a bottle"
    assert "bottle" not in current["what_happened"].text_sealed and current["what_happened"].value is None
    assert current["perpetrators"].value[0]["category"] == "client"
    assert current["incident_at"].value == "2026-11-27T22:30:00+00:00"
    assert crisis.timeline.filter(kind=TimelineEntry.Kind.FACT).count() == 5
    assert AuditEntry.objects.get(action="crisis.facts").details["fields"][0] == "incident_at"


def test_a_change_is_a_correction_that_needs_a_reason_and_keeps_the_old_value(open_crisis, responder):
    crisis = open_crisis("physical_violence")
    facts_record(crisis=crisis, by=responder, values={"place_type": "street"})
    with pytest.raises(CrisisError) as refused:
        facts_record(crisis=crisis, by=responder, values={"place_type": "lodge"})
    assert "place_type" in refused.value.fields
    facts_record(crisis=crisis, by=responder, values={"place_type": "lodge"}, reason="she remembered better")
    assert current_facts(crisis)["place_type"].value == "lodge"
    assert list(Fact.objects.filter(field="place_type").values_list("value", flat=True)) == [
        "street",
        "lodge",
    ]
    correction = crisis.timeline.get(kind=TimelineEntry.Kind.CORRECTION)
    assert correction.reason == "she remembered better" and correction.data["corrects"] is not None
    # The same value again changes nothing and needs no reason.
    assert facts_record(crisis=crisis, by=responder, values={"place_type": "lodge"}) == []


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"incident_at": "last night"}, "incident_at"),
        ({"place_type": "moon"}, "place_type"),
        ({"perpetrators": [{"category": "client", "count": 0}]}, "perpetrators"),
        ({"perpetrators": [{"category": "client", "relation": "her uncle Ramesh"}]}, "perpetrators"),
        ({"what_happened": "x" * 2001}, "what_happened"),
        ({"grounds_told": "yes"}, "grounds_told"),  # an arrest detail on a crisis that is not an arrest
        ({"favourite_colour": "red"}, "favourite_colour"),
    ],
)
def test_bad_details_are_refused_and_nothing_is_saved(open_crisis, responder, values, field):
    crisis = open_crisis("physical_violence")
    with pytest.raises(CrisisError) as refused:
        facts_record(crisis=crisis, by=responder, values={"injuries": "bruises", **values})
    assert field in refused.value.fields
    assert not Fact.objects.exists()


def test_arrest_details(open_crisis, responder):
    crisis = open_crisis("arrest")
    facts_record(
        crisis=crisis,
        by=responder,
        values={
            "police_station": "City police station",
            "arrested_at": "2026-11-27T19:10:00+05:30",
            "grounds_told": "no",
            "lawyer_present": True,
            "magistrate_at": "2026-11-28T11:00:00+05:30",
            "bail_applied": True,
        },
    )
    current = current_facts(crisis)
    assert current["grounds_told"].value is False and current["lawyer_present"].value is True
    assert fact_value(crisis, current["police_station"]) == "City police station"


def test_the_same_moment_in_another_offset_or_an_empty_text_again_is_no_change(open_crisis, responder):
    crisis = open_crisis("physical_violence")
    facts_record(
        crisis=crisis, by=responder, values={"incident_at": "2026-11-27T22:30:00+05:30", "injuries": ""}
    )
    again = facts_record(
        crisis=crisis, by=responder, values={"incident_at": "2026-11-27T17:00:00+00:00", "injuries": None}
    )
    assert again == []
