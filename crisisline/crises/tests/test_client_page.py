"""A client's page: the person's rights over what is held about them. Only the team lead and the data
documenter of the client's team reach it (404 for anyone else, as for a code nobody has); it shows whether a
name, phone and address are recorded, never what they are, until "Show current details" (audited); the
download, the correction and the erasure each go through their service and are audited. After erasure
nothing identifying is left on any page."""

from __future__ import annotations

import json
import re
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.test import Client as HttpClient

from conftest import make_person, sign_in
from crisisline.audit.models import AuditEntry
from crisisline.crises.models import Client
from crisisline.crises.services import client_correct, client_identity, facts_record, timeline_add

NAME = "Lakshmi Devi"
PHONE_DIGITS = "9845012345"
PHONE = f"+91{PHONE_DIGITS}"
ADDRESS = "12 Temple Street, Mysuru"
PLACE = "behind the lodge on KR Road"
NOTE = "hurt by a client, needs a doctor"
CALLED = "called her back, she is at her sister's"  # the apostrophe comes escaped: pages are unescaped
INJURIES = "cut on the left arm from a bottle"
PLANTED = (NAME, PHONE_DIGITS, ADDRESS, PLACE, NOTE, CALLED, INJURIES)


@pytest.fixture(autouse=True)
def _static_files_by_plain_name(settings):
    """Plain static names whatever a `collectstatic` run left in the data folder (web/tests/conftest.py)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def crisis(open_crisis, lead, responder):
    crisis = open_crisis("physical_violence", phone=f"0{PHONE_DIGITS}", place=PLACE, note=NOTE)
    client_correct(client=crisis.client, by=lead, reason="she gave them", name=NAME, address=ADDRESS)
    timeline_add(crisis=crisis, kind="call", text=CALLED, by=responder)
    facts_record(crisis=crisis, values={"injuries": INJURIES}, by=responder)
    return crisis


@pytest.fixture
def the_client(crisis) -> Client:
    return Client.objects.get(pk=crisis.client_id)


@pytest.fixture
def as_lead(lead):
    return sign_in(HttpClient(), lead)


@pytest.fixture
def documenter(team):
    return make_person("divya", ("data_documenter", team))


def url(client: Client, action: str = "") -> str:
    return f"/clients/{client.code}" + (f"/{action}" if action else "")


def held(client: Client, by):
    """What is recorded now (read fresh: the fixture's object was read before the request)."""
    client.refresh_from_db()
    return client_identity(client=client, by=by)


def holds_nothing_planted(html: str) -> bool:
    page = unescape(html)
    return not any(text in page for text in PLANTED)


# --- Who reaches it --------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["lead", "documenter"])
def test_the_team_lead_and_the_data_documenter_see_the_page(request, who, the_client, crisis):
    browser = sign_in(HttpClient(), request.getfixturevalue(who))
    response = browser.get(url(the_client))
    html = response.content.decode()

    assert response.status_code == 200
    assert f'<h1 class="reference">{the_client.code}</h1>' in html
    assert (
        f'href="/crises/{crisis.reference}"' in html and "Physical violence" in html and "In progress" in html
    )
    assert "1 crisis" in html
    assert re.search(r"Name or alias</dt><dd>Yes</dd>", html)
    assert re.search(r"Phone</dt><dd>Yes</dd>", html) and re.search(r"Address</dt><dd>Yes</dd>", html)
    assert "Download everything held" in html and "Show current details" in html and "Erase" in html
    assert holds_nothing_planted(html)
    assert response.headers["Cache-Control"] == "no-store"


def test_a_lowercase_code_finds_the_client(as_lead, the_client):
    assert as_lead.get(f"/clients/{the_client.code.lower()}").status_code == 200


@pytest.fixture(
    params=["call receiver", "responder", "another team's lead", "programme manager", "administrator"]
)
def outsider(request, network, person, responder):
    """Everyone but the lead and the data documenter of the client's team (`person` logged the crisis)."""
    return {
        "call receiver": lambda: person,
        "responder": lambda: responder,
        "another team's lead": lambda: make_person("kavya", ("team_lead", network["teams"]["belagavi"])),
        "programme manager": lambda: make_person("pm", ("programme_manager", network["states"]["KA"])),
        "administrator": lambda: make_person("root", ("administrator", None)),
    }[request.param]()


def test_anyone_else_gets_404_for_every_door(outsider, the_client):
    browser = sign_in(HttpClient(), outsider)
    before = AuditEntry.objects.count()

    assert browser.get(url(the_client)).status_code == 404
    assert browser.get(url(the_client, "erase")).status_code == 404
    for action in ("download", "details", "correct", "erase"):
        response = browser.post(
            url(the_client, action), {"reason": "x", "understood": "1", "name": "Someone"}
        )
        assert response.status_code == 404, action
        assert holds_nothing_planted(response.content.decode())
    assert AuditEntry.objects.count() == before
    assert not Client.objects.get(pk=the_client.pk).erased_at


def test_a_code_nobody_has_answers_the_same_404(as_lead):
    assert as_lead.get("/clients/K-ZZZZZ").status_code == 404


def test_signed_out_goes_to_sign_in(client, the_client):
    response = client.get(url(the_client))
    assert response.status_code == 302 and "/accounts/" in response.headers["Location"]


# --- The crisis page links to it, for those who may use it ---------------------------------------------
def test_the_crisis_page_links_to_client_only_for_those_who_may_use_it(as_lead, signed_in, crisis):
    link = f'<a href="/clients/{crisis.client.code}">Client {crisis.client.code}</a>'
    assert link in as_lead.get(f"/crises/{crisis.reference}").content.decode()
    assert link not in signed_in.get(f"/crises/{crisis.reference}").content.decode()  # the call receiver


# --- Seeing the current details --------------------------------------------------------------------------
def test_the_details_are_shown_only_when_asked_and_that_read_is_audited(as_lead, lead, the_client):
    assert not AuditEntry.objects.filter(action="identity.read").exists()
    response = as_lead.post(url(the_client, "details"))
    html = response.content.decode()

    assert response.status_code == 200
    assert f'value="{NAME}"' in html and f'value="{PHONE}"' in html and f">{ADDRESS}</textarea>" in html
    read = AuditEntry.objects.get(action="identity.read")
    assert read.actor_id == lead.pk and read.reason == "shown to correct"
    assert read.object_id == str(the_client.pk)
    assert PHONE_DIGITS not in str(read.details)
    assert holds_nothing_planted(as_lead.get(url(the_client)).content.decode())  # shown that once only


def test_showing_the_details_needs_a_post(as_lead, the_client):
    assert as_lead.get(url(the_client, "details")).status_code == 405
    assert not AuditEntry.objects.filter(action="identity.read").exists()


# --- Download --------------------------------------------------------------------------------------------
def test_the_download_holds_everything_and_is_audited(as_lead, lead, the_client, crisis):
    response = as_lead.post(url(the_client, "download"))

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{the_client.code}-data.json"'
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert data["client"] == {
        "code": the_client.code, "name": NAME, "phone": PHONE, "address": ADDRESS,
        "since": the_client.created_at.isoformat(),
    }  # fmt: skip
    [held] = data["crises"]
    assert held["reference"] == crisis.reference and held["place"] == PLACE and held["note"] == NOTE
    assert CALLED in [entry["text"] for entry in held["timeline"]]
    export = AuditEntry.objects.get(action="client.export")
    assert export.actor_id == lead.pk and export.object_id == str(the_client.pk)
    assert PHONE_DIGITS not in str(export.details) and NAME not in str(export.details)


def test_the_download_needs_a_post(as_lead, the_client):
    assert as_lead.get(url(the_client, "download")).status_code == 405
    assert not AuditEntry.objects.filter(action="client.export").exists()


# --- Correcting ------------------------------------------------------------------------------------------
def test_a_correction_needs_a_reason(as_lead, lead, the_client):
    before = AuditEntry.objects.filter(action="client.correct").count()
    response = as_lead.post(url(the_client, "correct"), {"name": "Lakshmi D.", "reason": " "})

    assert response.status_code == 422
    html = response.content.decode()
    assert "Say why this is corrected." in html and "A reason is needed." in html
    assert held(the_client, lead).name == NAME
    assert AuditEntry.objects.filter(action="client.correct").count() == before


def test_a_correction_changes_only_the_fields_written_and_is_audited(as_lead, lead, the_client):
    response = as_lead.post(url(the_client, "correct"), {"phone": "99001 12233", "reason": "new number"})

    assert response.status_code == 302 and response.headers["Location"] == url(the_client)
    identity = held(the_client, lead)
    assert (identity.name, identity.phone, identity.address) == (NAME, "+919900112233", ADDRESS)
    entry = AuditEntry.objects.filter(action="client.correct").latest("pk")
    assert entry.details == {"fields": ["phone"]} and entry.reason == "new number"
    assert "Corrected: Phone." in as_lead.get(url(the_client)).content.decode()


def test_after_showing_the_details_only_what_differs_is_saved_and_an_emptied_field_is_removed(
    as_lead, lead, the_client
):
    shown = as_lead.post(url(the_client, "details")).content.decode()
    digests = dict(re.findall(r'name="(\w+_shown)" value="([0-9a-f]+)"', shown))
    assert set(digests) == {"name_shown", "phone_shown", "address_shown"}

    form = {"shown": "1", **digests, "name": NAME, "phone": PHONE, "address": "", "reason": "moved away"}
    assert as_lead.post(url(the_client, "correct"), form).status_code == 302

    identity = held(the_client, lead)
    assert (identity.name, identity.phone, identity.address) == (NAME, PHONE, "")
    assert AuditEntry.objects.filter(action="client.correct").latest("pk").details == {"fields": ["address"]}


def test_a_wrong_phone_number_changes_nothing_and_says_why(as_lead, lead, the_client):
    response = as_lead.post(url(the_client, "correct"), {"name": "Lakshmi D.", "phone": "12", "reason": "x"})

    assert response.status_code == 422
    assert 'aria-describedby="correct-phone-error"' in response.content.decode()
    identity = held(the_client, lead)
    assert (identity.name, identity.phone) == (NAME, PHONE)


# --- Erasing ---------------------------------------------------------------------------------------------
def test_the_erase_page_says_what_goes_and_what_stays(as_lead, the_client):
    html = as_lead.get(url(the_client, "erase")).content.decode()
    assert "This cannot be undone." in html
    assert "What will be destroyed" in html and "The name or alias, the phone number and the address." in html
    assert "In 1 crisis: the place, the notes" in html
    assert "What stays, for the figures" in html and "Nothing that stays can identify the person." in html
    assert "I understand this cannot be undone" in html and holds_nothing_planted(html)


@pytest.mark.parametrize(
    ("form", "problem"),
    [
        ({"reason": "she asked us to"}, "Tick the box to say you understand"),
        ({"reason": "  ", "understood": "1"}, "A reason is needed."),
    ],
)
def test_erasing_needs_a_reason_and_the_confirmation(as_lead, the_client, form, problem):
    response = as_lead.post(url(the_client, "erase"), form)

    assert response.status_code == 422 and problem in response.content.decode()
    assert not Client.objects.get(pk=the_client.pk).erased_at
    assert not AuditEntry.objects.filter(action="client.erase").exists()


def test_after_erasure_nothing_identifying_is_on_any_page(as_lead, lead, the_client, crisis, responder):
    before = unescape(as_lead.get(f"/crises/{crisis.reference}").content.decode())
    assert PLACE in before and NOTE in before and CALLED in before  # so that the search below means something

    response = as_lead.post(url(the_client, "erase"), {"reason": "she asked us to", "understood": "1"})
    assert response.status_code == 302 and response.headers["Location"] == url(the_client)
    erased = Client.objects.get(pk=the_client.pk)
    assert AuditEntry.objects.get(action="client.erase").reason == "she asked us to"

    page = as_lead.get(url(the_client)).content.decode()
    when = erased.erased_at.astimezone(ZoneInfo(crisis.team.time_zone))
    assert f"This client was erased on {when.day} {when:%b %Y}." in page
    assert "<form" not in page.split("<main", 1)[1].split("</main>", 1)[0]  # nothing else is offered
    for action in ("download", "details", "correct", "erase"):
        refused = as_lead.post(url(the_client, action), {"reason": "x", "understood": "1", "name": "Someone"})
        assert refused.status_code == 409, action
        assert holds_nothing_planted(refused.content.decode())

    crisis_page = as_lead.get(f"/crises/{crisis.reference}").content.decode()
    assert "Physical violence" in crisis_page  # the figures' part stays
    as_responder = sign_in(HttpClient(), responder)
    as_responder.post(f"/crises/{crisis.reference}/identity")  # the identity reveal, after erasure
    revealed = as_responder.get(f"/crises/{crisis.reference}").content.decode()
    assert "Erased at the person's request." in revealed

    pages = [
        page,
        crisis_page,
        revealed,
        as_lead.get(url(the_client, "erase")).content.decode(),
        as_lead.get(f"/teams/{crisis.team.code}/board").content.decode(),
    ]
    for html in pages:
        assert holds_nothing_planted(html)
