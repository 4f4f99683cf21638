"""Resetting someone's two-factor sign-in from their page (a lost phone): administrators for anyone, a
team lead for the people of their own team. It calls people.second_factor.second_factor_reset; the person
sets it up again at next sign-in, and the session that passed the old one ends."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import make_person, sign_in
from crisisline.audit.models import AuditEntry
from crisisline.people.models import Person


def reset(client, username: str):
    return client.post(f"/people/person/{username}/second-factor/reset/", {"confirm": "yes"})


@pytest.fixture
def teams(network):
    return network["teams"]


def test_administrator_resets_it(client, administrator, person):
    phone = sign_in(Client(), person)
    assert phone.get("/account/").status_code == 200  # in use on the phone that is then lost
    sign_in(client, administrator)
    assert "Reset two-factor sign-in" in client.get("/people/person/meena/").content.decode()

    response = reset(client, "meena")

    assert response.status_code == 302
    assert response["Location"] == "/people/person/meena/"
    meena = Person.objects.get(pk=person.pk)
    assert (meena.has_second_factor, meena.totp_secret_sealed) == (False, "")
    assert list(
        AuditEntry.objects.filter(action="second_factor.reset").values_list("actor", "object_id")
    ) == [("admin", str(person.pk))]
    page = client.get("/people/person/meena/").content.decode()
    assert "Two-factor sign-in was reset." in page
    assert "Reset two-factor sign-in" not in page  # nothing left to reset
    assert phone.get("/account/").status_code == 302  # the session on the lost phone ends


def test_lead_resets_it_for_own_team_only(client, person, teams):
    ravi = make_person("ravi", ("call_receiver", teams["mysuru"]), ("lawyer", teams["madurai"]))
    selvi = make_person("selvi", ("call_receiver", teams["madurai"]))
    sign_in(client, make_person("lakshmi", ("team_lead", teams["mysuru"])))
    assert reset(client, "meena").status_code == 302
    assert reset(client, "ravi").status_code == 403  # holds a role elsewhere
    assert reset(client, "selvi").status_code == 404  # outside her teams
    assert Person.objects.get(pk=ravi.pk).has_second_factor
    assert Person.objects.get(pk=selvi.pk).has_second_factor
    assert AuditEntry.objects.filter(action="second_factor.reset").count() == 1


def test_a_call_receiver_cannot_reset_even_their_own(client, person):
    sign_in(client, person)
    assert reset(client, "meena").status_code == 403
    assert Person.objects.get(pk=person.pk).has_second_factor


def test_resetting_needs_the_box_ticked(client, administrator, person):
    sign_in(client, administrator)
    assert client.post("/people/person/meena/second-factor/reset/").status_code == 302
    assert Person.objects.get(pk=person.pk).has_second_factor
    assert not AuditEntry.objects.filter(action="second_factor.reset").exists()
