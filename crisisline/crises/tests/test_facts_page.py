"""Incident details on the web: every field recorded through the form, in the team's time; a changed value
is a correction that needs a reason and keeps the history; arrest details only on arrests; outsiders get
404 and never see a word of what was written."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from conftest import make_person, sign_in
from crisisline.crises.facts import FIELDS
from crisisline.crises.models import Crisis, Fact, TimelineEntry
from crisisline.crises.services import current_facts, fact_value, facts_record

KATHMANDU = ZoneInfo("Asia/Kathmandu")  # +05:45: a zone whose times cannot be mistaken for UTC or IST
SECRET = "PLANTED hit her with a bottle near the water tank"


@pytest.fixture(autouse=True)
def _static_files_by_plain_name(settings):
    """Plain static names whatever a `collectstatic` run left in the data folder (web/tests/conftest.py)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _team_in_kathmandu(team):
    team.time_zone = "Asia/Kathmandu"
    team.save(update_fields=["time_zone"])


def _url(crisis: Crisis, part: str = "details") -> str:
    return f"/crises/{crisis.reference}/{part}"


def _values(crisis: Crisis) -> dict:
    return {code: fact_value(crisis, fact) for code, fact in current_facts(crisis).items()}


ARREST_FORM = {
    "incident_at": "2026-11-27T21:40",
    "place_type": "street",
    "what_happened": "police picked her up at the bus stand\r\nand took her phone",
    "injuries": "none seen",
    "perpetrator-rows": "5",
    "perpetrator-1-category": "police",
    "perpetrator-1-count": "3",
    "perpetrator-1-sex": "male",
    "perpetrator-1-relation": "authority",
    "perpetrator-2-category": "pimp_madam",
    "perpetrator-2-count": "",
    "perpetrator-2-sex": "",
    "perpetrator-2-relation": "",
    "police_station": "Lashkar police station",
    "arrested_at": "2026-11-27T22:05",
    "grounds_told": "no",
    "lawyer_present": "yes",
    "magistrate_at": "2026-11-28T15:30",
    "bail_applied": "yes",
    "bail_granted": "",
}


# --- Recording -------------------------------------------------------------------------------------------
def test_every_field_of_an_arrest_is_recorded_through_the_form(signed_in, open_crisis):
    crisis = open_crisis("arrest")
    form = signed_in.get(_url(crisis))
    html = form.content.decode()
    assert form.status_code == 200
    for field in FIELDS:
        if field.kind != "perpetrators":
            assert f'name="{field.code}"' in html, field.code
    assert html.count('class="perpetrator-row"') == 5  # five rows, whether or not a script runs
    assert 'name="reason"' not in html  # nothing recorded yet: nothing to correct
    assert "<script>" not in html and " style=" not in html

    saved = signed_in.post(_url(crisis), ARREST_FORM)
    assert saved.status_code == 302 and saved.headers["Location"] == f"/crises/{crisis.reference}#incident"
    assert _values(crisis) == {
        "incident_at": "2026-11-27T21:40:00+05:45",
        "place_type": "street",
        "what_happened": "police picked her up at the bus stand\nand took her phone",
        "injuries": "none seen",
        "perpetrators": [
            {"category": "police", "count": 3, "sex": "male", "relation": "authority"},
            {"category": "pimp_madam", "count": 1, "sex": "unknown", "relation": "unknown"},
        ],
        "police_station": "Lashkar police station",
        "arrested_at": "2026-11-27T22:05:00+05:45",
        "grounds_told": False,
        "lawyer_present": True,
        "magistrate_at": "2026-11-28T15:30:00+05:45",
        "bail_applied": True,
    }  # bail_granted left at "Not known": nothing recorded for it
    assert crisis.timeline.filter(kind=TimelineEntry.Kind.FACT).count() == 11

    page = signed_in.get(f"/crises/{crisis.reference}").content.decode()
    assert "Incident details saved." in page and 'id="incident"' in page
    assert (
        "27 Nov 2026, 21:40" in page and "Street or public place" in page and "Lashkar police station" in page
    )
    assert "Police: 3, Male, In authority (police, official)" in page
    assert "Pimp, broker, madam or lodge owner: 1, Not known, Not known" in page
    assert "recorded <time" in page and "· meena" in page
    assert f'href="/crises/{crisis.reference}/details/place_type/history"' in page


def test_the_form_sent_back_unchanged_records_nothing_and_needs_no_reason(signed_in, open_crisis):
    crisis = open_crisis("arrest")
    signed_in.post(_url(crisis), ARREST_FORM)
    before = Fact.objects.count()

    html = signed_in.get(_url(crisis)).content.decode()
    assert 'value="2026-11-27T21:40"' in html and '<option value="street" selected>' in html
    assert 'name="reason"' in html  # now there is something that a change would correct
    again = signed_in.post(_url(crisis), {**ARREST_FORM, "perpetrator-2-sex": "unknown", "reason": ""})
    assert again.status_code == 302
    assert Fact.objects.count() == before
    assert "Nothing was changed." in signed_in.get(f"/crises/{crisis.reference}").content.decode()


def test_an_empty_form_records_nothing(signed_in, open_crisis):
    crisis = open_crisis("physical_violence")
    response = signed_in.post(_url(crisis), {"perpetrator-rows": "5", "perpetrator-1-count": "1"})
    assert response.status_code == 302 and not Fact.objects.exists()


def test_times_typed_in_the_teams_zone_are_stored_as_that_moment(signed_in, open_crisis):
    crisis = open_crisis("physical_violence")
    signed_in.post(_url(crisis), {"incident_at": "2026-11-27T22:30"})

    stored = datetime.fromisoformat(current_facts(crisis)["incident_at"].value)
    assert stored == datetime(2026, 11, 27, 16, 45, tzinfo=UTC)  # 22:30 in Kathmandu (+05:45)
    assert stored.utcoffset().total_seconds() == 5 * 3600 + 45 * 60
    assert "27 Nov 2026, 22:30" in signed_in.get(f"/crises/{crisis.reference}").content.decode()
    assert 'value="2026-11-27T22:30"' in signed_in.get(_url(crisis)).content.decode()


def test_a_time_recorded_elsewhere_is_shown_in_the_teams_zone(signed_in, open_crisis, responder):
    crisis = open_crisis("physical_violence")
    facts_record(crisis=crisis, by=responder, values={"incident_at": "2026-11-27T16:45:00+00:00"})
    assert "27 Nov 2026, 22:30" in signed_in.get(f"/crises/{crisis.reference}").content.decode()
    # Sent back as shown, it is the same moment: no correction.
    assert signed_in.post(_url(crisis), {"incident_at": "2026-11-27T22:30"}).status_code == 302
    assert Fact.objects.count() == 1


def test_a_time_that_cannot_be_read_is_refused_by_its_field(signed_in, open_crisis):
    crisis = open_crisis("physical_violence")
    response = signed_in.post(_url(crisis), {"incident_at": "last night", "place_type": "lodge"})
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="detail-incident_at-error">Give a date and a time.</p>' in html
    assert '<option value="lodge" selected>' in html  # what was typed stays
    assert not Fact.objects.exists()


def test_a_half_filled_perpetrator_row_is_refused(signed_in, open_crisis):
    crisis = open_crisis("physical_violence")
    response = signed_in.post(
        _url(crisis), {"perpetrator-rows": "5", "perpetrator-1-sex": "male", "perpetrator-1-count": "1"}
    )
    assert response.status_code == 422
    assert "Each entry needs a category" in response.content.decode()
    assert not Fact.objects.exists()


# --- Corrections -----------------------------------------------------------------------------------------
def test_a_correction_needs_a_reason_and_the_history_keeps_what_it_replaced(signed_in, open_crisis):
    crisis = open_crisis("physical_violence")
    signed_in.post(_url(crisis), {"place_type": "street", "injuries": "a cut on the arm"})

    refused = signed_in.post(_url(crisis), {"place_type": "lodge", "injuries": "a cut on the arm"})
    html = refused.content.decode()
    assert refused.status_code == 422
    assert "Say why you change what was recorded." in html
    assert 'id="detail-place_type-error">A reason is needed to correct this.</p>' in html
    assert 'id="detail-reason-error">Say why: you change what was recorded.</p>' in html
    assert '<option value="lodge" selected>' in html  # the new choice is kept for the second try
    assert current_facts(crisis)["place_type"].value == "street"

    corrected = signed_in.post(
        _url(crisis),
        {"place_type": "lodge", "injuries": "a cut on the arm", "reason": "she remembered better"},
    )
    assert corrected.status_code == 302
    assert list(Fact.objects.filter(field="place_type").values_list("value", flat=True)) == [
        "street",
        "lodge",
    ]
    assert Fact.objects.filter(field="injuries").count() == 1  # unchanged, so not recorded again

    page = signed_in.get(f"/crises/{crisis.reference}").content.decode()
    section = page.split('id="incident"', 1)[1].split("</section>", 1)[0]
    assert "Lodge or hotel" in section and "corrected <time" in section
    assert "why: she remembered better" in page  # the timeline says it too

    history = signed_in.get(_url(crisis, "details/place_type/history"))
    text = history.content.decode()
    assert history.status_code == 200 and "History: Where: kind of place" in text
    assert text.index("Lodge or hotel") < text.index("Street or public place")  # newest first
    assert (
        "Why: she remembered better" in text and "· meena · changed" in text and "· meena · recorded" in text
    )
    assert "<script>" not in text and " style=" not in text


def test_clearing_a_recorded_value_is_a_correction_too(signed_in, open_crisis):
    crisis = open_crisis("physical_violence")
    signed_in.post(_url(crisis), {"what_happened": "slapped"})
    assert signed_in.post(_url(crisis), {"what_happened": ""}).status_code == 422
    signed_in.post(_url(crisis), {"what_happened": "", "reason": "wrong crisis"})
    assert _values(crisis)["what_happened"] == ""
    assert "Cleared" in signed_in.get(_url(crisis, "details/what_happened/history")).content.decode()


def test_a_field_never_recorded_has_an_empty_history(signed_in, open_crisis):
    crisis = open_crisis("physical_violence")
    assert "Not recorded yet." in signed_in.get(_url(crisis, "details/injuries/history")).content.decode()
    assert signed_in.get(_url(crisis, "details/favourite_colour/history")).status_code == 404


# --- Arrest details only on arrests ----------------------------------------------------------------------
def test_arrest_details_are_only_on_arrests(signed_in, open_crisis):
    crisis = open_crisis("physical_violence")
    form = signed_in.get(_url(crisis)).content.decode()
    page = signed_in.get(f"/crises/{crisis.reference}").content.decode()
    for name in (
        "police_station",
        "arrested_at",
        "grounds_told",
        "lawyer_present",
        "magistrate_at",
        "bail_applied",
    ):
        assert f'name="{name}"' not in form, name
    assert "Produced before a magistrate at" not in page and "Lawyer present" not in page
    assert signed_in.get(_url(crisis, "details/police_station/history")).status_code == 404

    # Sent anyway, they are not part of this form: nothing is recorded.
    signed_in.post(_url(crisis), {"police_station": "City", "lawyer_present": "yes"})
    assert not Fact.objects.exists()

    arrest = open_crisis("arrest")
    assert "Produced before a magistrate at" in signed_in.get(f"/crises/{arrest.reference}").content.decode()


# --- Who may see and change them -------------------------------------------------------------------------
@pytest.fixture
def recorded(open_crisis, responder):
    crisis = open_crisis("physical_violence")
    facts_record(crisis=crisis, by=responder, values={"what_happened": SECRET, "injuries": SECRET + " (arm)"})
    return crisis


@pytest.fixture
def outsiders(network, team, administrator):
    return [
        administrator,
        make_person("manager", ("programme_manager", network["states"]["KA"])),
        make_person("social", ("social_worker", team)),  # of the team, but not given this crisis
        make_person("kavya", ("call_receiver", network["teams"]["mysuru2"])),  # may only break glass
    ]


def test_outsiders_get_404_and_never_see_what_was_written(client, recorded, outsiders):
    for outsider in outsiders:
        sign_in(client, outsider)
        for url in (_url(recorded), _url(recorded, "details/what_happened/history")):
            response = client.get(url)
            assert response.status_code == 404, (outsider, url)
            assert "PLANTED" not in response.content.decode()
        refused = client.post(_url(recorded), {"what_happened": "changed", "reason": "x"})
        assert refused.status_code == 404 and "PLANTED" not in refused.content.decode()
        crisis_page = client.get(f"/crises/{recorded.reference}")  # 404, or the break-glass offer
        assert crisis_page.status_code in (403, 404) and "PLANTED" not in crisis_page.content.decode()
    assert _values(recorded)["what_happened"] == SECRET


def test_signed_out_visitors_are_sent_to_sign_in(client, recorded):
    response = client.get(_url(recorded))
    assert response.status_code == 302 and "/accounts/" in response.headers["Location"]
    assert "PLANTED" not in response.content.decode()


def test_the_team_sees_what_was_written(signed_in, recorded):
    page = signed_in.get(f"/crises/{recorded.reference}").content.decode()
    assert SECRET in page
    assert SECRET in signed_in.get(_url(recorded)).content.decode()  # in the form, to correct it
    assert SECRET in signed_in.get(_url(recorded, "details/what_happened/history")).content.decode()
    assert "PLANTED" not in "".join(Fact.objects.values_list("text_sealed", flat=True))  # sealed at rest


def test_a_social_worker_given_the_crisis_may_record_details(client, recorded, person):
    from crisisline.crises.services import crisis_assign

    social = make_person("social", ("social_worker", recorded.team))
    crisis_assign(crisis=recorded, person=social, by=person)
    sign_in(client, social)
    form = {"place_type": "home", "what_happened": SECRET, "injuries": SECRET + " (arm)"}
    assert client.post(_url(recorded), form).status_code == 302
    assert current_facts(recorded)["place_type"].by == social


def test_after_the_client_is_erased_the_details_can_no_longer_change(signed_in, open_crisis, lead):
    from crisisline.crises.services import client_erase

    crisis = open_crisis("physical_violence", phone="9845012345")
    signed_in.post(_url(crisis), {"place_type": "lodge"})
    client_erase(client=crisis.client, by=lead, reason="she asked us to")

    form = signed_in.get(_url(crisis)).content.decode()
    assert "it can no longer change" in form and 'name="place_type"' not in form
    refused = signed_in.post(_url(crisis), {"place_type": "street", "reason": "x"})
    assert refused.status_code == 409 and "it can no longer change" in refused.content.decode()
    assert "Add or correct details" not in signed_in.get(f"/crises/{crisis.reference}").content.decode()
    assert Fact.objects.count() == 1
