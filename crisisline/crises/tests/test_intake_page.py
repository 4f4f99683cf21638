"""Logging a crisis on the intake page: what happened and Save at least, six things at most, no name ever;
a bad field says what is wrong in the reader's language and nothing is saved; a double tap opens one."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core.management import call_command

from conftest import make_person, sign_in
from crisisline.crises.models import Client, Crisis, CrisisType
from crisisline.crises.services import Intake, crisis_identity, crisis_open, crisis_text
from crisisline.network.models import Locality

URL = "/teams/KA-MYS-01/crises/new"


@pytest.fixture(autouse=True)
def _static_files_by_plain_name(settings):
    """Plain static names whatever a `collectstatic` run left in the data folder (web/tests/conftest.py)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _post(client, key: str | None = None, **fields):
    return client.post(URL, {"idempotency_key": key or uuid.uuid4().hex, **fields})


def _opened(response) -> Crisis:
    assert response.status_code == 302, response.content.decode()[:2000]
    reference = re.fullmatch(r"/crises/(C-\w+)", response.headers["Location"]).group(1)
    return Crisis.objects.get(reference=reference)


def test_the_form_offers_type_buttons_four_urgencies_a_place_and_no_name_field(signed_in, network):
    response = signed_in.get(URL)
    html = response.content.decode()

    assert response.status_code == 200
    types = re.findall(r'name="crisis_type" value="(\w+)"', html)
    assert types[0] == "sexual_violence" and len(types) == 10 and "call_back" not in types
    assert 'src="/static/crises/icons/sexual.svg"' in html and "Sexual violence" in html
    assert re.findall(r'name="urgency" value="(\w+)"', html) == ["immediate", "urgent", "today", "routine"]
    assert ">Bus stand</option>" in html
    assert not re.search(r'name="(name|client_name|full_name)"', html), "the intake never asks for a name"
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', html).group(1)
    assert key not in signed_in.get(URL).content.decode(), "each form gets its own key"
    assert 'src="/static/crises/intake.js"' in html and "<script>" not in html and " style=" not in html


def test_a_team_or_state_type_of_its_own_is_offered_and_others_are_not(signed_in, network):
    team, other = network["teams"]["mysuru"], network["teams"]["madurai"]
    CrisisType.objects.create(code="water_cut", name="Water cut off", default_urgency="today", team=team)
    CrisisType.objects.create(code="ka_eviction", name="Eviction drive", default_urgency="urgent",
                              state=network["states"]["KA"])  # fmt: skip
    CrisisType.objects.create(code="tn_only", name="Temple festival", default_urgency="today", team=other)
    html = signed_in.get(URL).content.decode()
    assert "Water cut off" in html and "Eviction drive" in html and "Temple festival" not in html
    assert 'value="water_cut" data-urgency="today"' in html
    assert 'src="/static/crises/icons/other.svg"' in html


def test_the_shortest_intake_is_what_happened_then_save(signed_in, person, network):
    crisis = _opened(_post(signed_in, crisis_type="suicide_risk"))

    assert crisis.crisis_type.code == "suicide_risk" and crisis.urgency == "immediate"  # the type's own
    assert crisis.team == network["teams"]["mysuru"] and crisis.opened_by == person and crisis.via == "web"
    assert crisis.client is None and crisis.locality is None
    page = signed_in.get(f"/crises/{crisis.reference}").content.decode()
    assert f'<h1 class="reference">{crisis.reference}</h1>' in page
    assert f"Crisis logged. Its reference is {crisis.reference}." in page


def test_the_full_intake_keeps_every_answer(signed_in, person, network):
    locality = Locality.objects.get(team=network["teams"]["mysuru"])
    crisis = _opened(
        _post(
            signed_in,
            crisis_type="physical_violence",
            urgency="immediate",
            locality=str(locality.pk),
            place="behind the lodge",
            who="098450 12345",
            note="hit by a client, bleeding",
        )
    )

    assert crisis.crisis_type.code == "physical_violence" and crisis.urgency == "immediate"
    assert crisis.locality == locality
    assert crisis_text(crisis, crisis.place_sealed, purpose="crisis.place") == "behind the lodge"
    assert crisis_text(crisis, crisis.note_sealed, purpose="crisis.note") == "hit by a client, bleeding"
    assert crisis_identity(crisis=crisis, by=person).phone == "+919845012345"


def test_who_may_be_a_client_code_typed_loosely(signed_in, person, network):
    team = network["teams"]["mysuru"]
    earlier = crisis_open(team=team, intake=Intake(crisis_type="other", phone="9845012345"), by=person).crisis
    code = earlier.client.code  # K-4F7Q9
    crisis = _opened(_post(signed_in, crisis_type="arrest", who=f" {code[2:].lower()} "))
    assert crisis.client == earlier.client and Client.objects.count() == 1


@pytest.fixture
def locality_elsewhere(network):
    return Locality.objects.get(team=network["teams"]["madurai"])


BAD_FIELDS = [
    ({}, "crisis_type", "Choose what happened."),
    ({"crisis_type": "teleport"}, "crisis_type", "Choose what happened."),
    ({"crisis_type": "call_back_x"}, "crisis_type", "Choose what happened."),
    ({"crisis_type": "other", "urgency": "whenever"}, "urgency", "Choose how urgent it is."),
    ({"crisis_type": "other", "locality": "elsewhere"}, "locality", "Choose a place from your team"),
    ({"crisis_type": "other", "locality": "twelve"}, "locality", "Choose a place from your team"),
    ({"crisis_type": "other", "place": "x" * 201}, "place", "Keep the place to a few words"),
    ({"crisis_type": "other", "note": "x" * 2001}, "note", "Keep the note short"),
    # Six digits or fewer are a client code (codes may be all digits); seven or more, a phone number.
    ({"crisis_type": "other", "who": "98450"}, "who", "Check the code, or leave it empty."),
    ({"crisis_type": "other", "who": "1234567"}, "who", "This phone number is not valid"),
    ({"crisis_type": "other", "who": "K-XXXXX"}, "who", "Check the code, or leave it empty."),
]


@pytest.mark.parametrize(("fields", "field", "message"), BAD_FIELDS)
def test_each_bad_field_shows_its_message_and_nothing_is_saved(
    signed_in, network, locality_elsewhere, fields, field, message
):
    if fields.get("locality") == "elsewhere":
        fields = {**fields, "locality": str(locality_elsewhere.pk)}
    response = _post(signed_in, **fields)
    html = response.content.decode()

    assert response.status_code == 422
    assert re.search(rf'<p class="field-error" id="{field}-error">{re.escape(message)}', html), html
    assert re.search(r'role="alert">(The crisis was not saved.|No client with this code in your team.)', html)
    assert Crisis.objects.count() == 0 and Client.objects.count() == 0
    if fields.get("crisis_type") == "other":  # what was chosen stays chosen
        assert 'value="other" data-urgency="today" checked' in html


def test_the_form_comes_back_with_what_was_typed(signed_in, network):
    html = _post(signed_in, crisis_type="other", place="near the temple", note="x" * 2001).content.decode()
    assert 'value="near the temple"' in html and "x" * 2001 + "</textarea>" in html
    assert 'name="urgency" value="today" checked' in html  # the suggestion, shown as what it will be


@pytest.fixture
def hindi():
    call_command("compiletranslations", verbosity=0)


def translation_of(text: str) -> str:
    from django.utils import translation

    with translation.override("hi"):
        return translation.gettext(text)


def test_messages_are_in_the_readers_language(signed_in, network, hindi):
    response = signed_in.post(
        URL,
        {"crisis_type": "other", "who": "1234567", "idempotency_key": uuid.uuid4().hex},
        HTTP_ACCEPT_LANGUAGE="hi",
    )
    assert response.status_code == 422
    hindi = str(translation_of("This phone number is not valid: check the digits and the country code."))
    assert hindi != "This phone number is not valid: check the digits and the country code."
    assert hindi in response.content.decode()


def test_a_double_tap_on_save_opens_one_crisis(signed_in, network):
    key = uuid.uuid4().hex
    fields = {"crisis_type": "arrest", "who": "098450 12345", "note": "taken to the station"}
    first = _opened(_post(signed_in, key, **fields))
    second = _opened(_post(signed_in, key, **fields))

    assert first == second and Crisis.objects.count() == 1 and Client.objects.count() == 1


def test_the_same_form_sent_again_with_other_contents_points_to_the_first_crisis(signed_in, network):
    key = uuid.uuid4().hex
    first = _opened(_post(signed_in, key, crisis_type="arrest"))
    response = _post(signed_in, key, crisis_type="arrest", note="two of them")
    html = response.content.decode()

    assert response.status_code == 409 and Crisis.objects.count() == 1
    assert "This form was saved already." in html and f'href="/crises/{first.reference}"' in html
    assert f'name="idempotency_key" value="{key}"' not in html, "saving again must log a new crisis"
    _opened(signed_in.post(URL, {"idempotency_key": re.search(r'name="idempotency_key" value="(\w+)"', html)
                                 .group(1), "crisis_type": "arrest", "note": "two of them"}))  # fmt: skip
    assert Crisis.objects.count() == 2


@pytest.mark.parametrize("method", ["get", "post"])
def test_someone_of_another_team_gets_not_found(client, network, method):
    stranger = make_person("kavya", ("call_receiver", network["teams"]["madurai"]))
    sign_in(client, stranger)
    response = getattr(client, method)(URL, {"crisis_type": "other", "idempotency_key": uuid.uuid4().hex})
    assert response.status_code == 404 and Crisis.objects.count() == 0


def test_an_administrator_without_a_case_role_gets_not_found(client, administrator, network):
    sign_in(client, administrator)
    assert client.get(URL).status_code == 404
    assert client.get("/teams/NO-SUCH/crises/new").status_code == 404


def test_signed_out_goes_to_sign_in(client, network):
    response = client.get(URL)
    assert response.status_code == 302 and response.headers["Location"].startswith("/accounts/login/")


def test_a_client_code_that_starts_with_k_is_found_typed_any_way(signed_in, person, network):
    team = network["teams"]["mysuru"]
    earlier = crisis_open(team=team, intake=Intake(crisis_type="other", phone="9845012345"), by=person).crisis
    Client.objects.filter(pk=earlier.client.pk).update(code="K-K4F7Q")
    other = crisis_open(team=team, intake=Intake(crisis_type="other", phone="9845012346"), by=person).crisis
    Client.objects.filter(pk=other.client.pk).update(code="K-4F7Q9")
    for typed, client in (("k4f7q", earlier), ("K-K4F7Q", earlier), ("k4f7q9", other), ("4f7q9", other)):
        crisis = _opened(_post(signed_in, crisis_type="arrest", who=typed))
        assert crisis.client.pk == client.client.pk, typed
