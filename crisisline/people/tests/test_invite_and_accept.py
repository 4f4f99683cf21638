"""Inviting someone: an administrator or a team lead creates the account with its roles and gets a one-time
link, shown once, to pass on; the new person chooses a password through it and then signs in normally."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.test import Client
from django.utils import timezone

from conftest import make_person, sign_in
from crisisline.audit.models import AuditEntry
from crisisline.people.models import Invitation, Person, Role
from crisisline.people.policy import RoleSpec
from crisisline.people.services import PeopleError, person_invite

INVITE_URL = "/people/invite/"
LINK = re.compile(r"http://testserver/invite/([A-Za-z0-9_-]{20,})")
NEW_PASSWORD = "plum rain over the old bus stand"


def invite_form(username: str = "kavya", *rows: tuple[str, str, str], **fields) -> dict:
    """The invite form as a browser posts it: three role rows, blank ones left empty."""
    rows = rows or (("call_receiver", "KA-MYS-01", ""),)
    data = {
        "username": username,
        "display_name": "Kavi",
        "language": "hi",
        "role-TOTAL_FORMS": "3",
        "role-INITIAL_FORMS": "0",
        "role-MIN_NUM_FORMS": "0",
        "role-MAX_NUM_FORMS": "3",
    }
    for index in range(3):
        kind, team, level = rows[index] if index < len(rows) else ("", "", "")
        data |= {f"role-{index}-kind": kind, f"role-{index}-team": team, f"role-{index}-level": level}
    return data | fields


def link_in(response) -> tuple[str, str]:
    match = LINK.search(response.content.decode())
    assert match, response.content.decode()
    return match[0], match[1]


@pytest.fixture
def lead(network):
    return make_person("lakshmi", ("team_lead", network["teams"]["mysuru"]))


# --- Inviting --------------------------------------------------------------------------------------------
def test_administrator_invites_and_sees_the_link_once(client, administrator, network):
    sign_in(client, administrator)
    assert client.get(INVITE_URL).status_code == 200

    response = client.post(INVITE_URL, invite_form())

    assert response.status_code == 201
    link, code = link_in(response)
    assert link == f"http://testserver/invite/{code}"
    kavya = Person.objects.get(username="kavya")
    assert (kavya.display_name, kavya.language, kavya.has_usable_password()) == ("Kavi", "hi", False)
    assert [(r.kind, r.team.code) for r in kavya.roles.all()] == [("call_receiver", "KA-MYS-01")]
    # Only a digest of the code is kept, and no page shows the link again.
    invitation = Invitation.objects.get(person=kavya)
    assert code not in invitation.digest
    assert code not in client.get(f"/people/person/{kavya.username}/").content.decode()
    actions = list(AuditEntry.objects.filter(object_id=str(kavya.pk)).values_list("actor", "action"))
    assert actions == [("admin", "person.invite"), ("admin", "role.grant")]


def test_administrator_invites_with_several_roles_and_levels(client, administrator, network):
    sign_in(client, administrator)
    rows = (("responder", "KA-MYS-02", ""), ("programme_manager", "", "state:KA"), ("administrator", "", ""))
    response = client.post(INVITE_URL, invite_form("ravi", *rows))
    assert response.status_code == 201, response.content.decode()
    roles = {(r.kind, r.team_id and r.team.code, r.state_id and r.state.code) for r in Role.objects.all()}
    assert {("responder", "KA-MYS-02", None), ("programme_manager", None, "KA")} < roles
    assert Role.objects.filter(person__username="ravi", kind="administrator").exists()


def test_team_lead_invites_into_own_team(client, lead, network):
    sign_in(client, lead)
    response = client.post(INVITE_URL, invite_form("kavya", ("responder", "KA-MYS-01", "")))
    assert response.status_code == 201
    link_in(response)
    assert Role.objects.get(person__username="kavya").kind == "responder"


@pytest.mark.parametrize(
    "row",
    [
        ("responder", "KA-BEL-01", ""),  # another team
        ("team_lead", "KA-MYS-01", ""),  # not a role a lead gives
        ("programme_manager", "", "network"),
        ("administrator", "", ""),
    ],
)
def test_team_lead_cannot_invite_beyond_what_they_may_give(client, lead, network, row):
    sign_in(client, lead)
    response = client.post(INVITE_URL, invite_form("kavya", row))
    assert response.status_code == 403
    assert not Person.objects.filter(username="kavya").exists()
    assert not AuditEntry.objects.filter(action="person.invite").exists()


def test_nothing_is_saved_when_one_of_several_roles_is_refused(client, lead, network):
    sign_in(client, lead)
    rows = (("responder", "KA-MYS-01", ""), ("lawyer", "TN-MAD-01", ""))
    assert client.post(INVITE_URL, invite_form("kavya", *rows)).status_code == 403
    assert not Person.objects.filter(username="kavya").exists()
    assert not Role.objects.filter(kind__in=["responder", "lawyer"]).exists()


def test_a_call_receiver_may_not_invite(client, person):
    sign_in(client, person)
    assert client.get(INVITE_URL).status_code == 403
    assert client.post(INVITE_URL, invite_form()).status_code == 403
    assert not Person.objects.filter(username="kavya").exists()


def test_signed_out_visitor_is_sent_to_sign_in(client, network):
    response = client.get(INVITE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("fields", "rows", "message"),
    [
        ({"username": "K"}, (), "3 to 32 small letters"),
        ({"username": "meena"}, (), "This username is taken."),
        ({}, (("", "", ""),), "Give at least one role."),
        ({}, (("call_receiver", "", ""),), "Choose the team."),
        ({}, (("call_receiver", "XX-00", ""),), "There is no team with this code."),
        ({}, (("programme_manager", "", ""),), "Choose the level"),
        ({}, (("programme_manager", "KA-MYS-01", "state:KA"),), "Choose one level."),
        ({}, (("astrologer", "KA-MYS-01", ""),), "Choose a role."),
        ({"language": "xx"}, (), "Select a valid choice"),
    ],
)
def test_invalid_invitations_say_what_is_wrong(client, administrator, person, fields, rows, message):
    sign_in(client, administrator)
    people_before = Person.objects.count()
    response = client.post(INVITE_URL, invite_form("kavya", *rows) | fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Person.objects.count() == people_before


# --- Accepting -------------------------------------------------------------------------------------------
@pytest.fixture
def invited(administrator, network):
    return person_invite(
        username="kavya",
        roles=[RoleSpec(kind="call_receiver", team=network["teams"]["mysuru"])],
        by=administrator,
    )


def accept(client: Client, code: str, password: str = NEW_PASSWORD, again: str | None = None):
    return client.post(f"/invite/{code}", {"password": password, "password_again": again or password})


def test_the_link_lets_the_person_choose_a_password_then_sign_in(client, invited):
    page = client.get(f"/invite/{invited.code}")
    assert page.status_code == 200
    assert "kavya" in page.content.decode()  # so that they know the username to sign in with

    response = accept(client, invited.code)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert authenticate(username="kavya", password=NEW_PASSWORD) == invited.person
    assert AuditEntry.objects.filter(action="person.invitation_accept", actor="kavya").count() == 1


def test_a_used_link_gets_a_clear_message(client, invited):
    accept(client, invited.code)
    for response in (
        client.get(f"/invite/{invited.code}"),
        accept(Client(), invited.code, "another long one 2"),
    ):
        assert response.status_code == 410
        assert "expired or was used already" in response.content.decode()
    assert authenticate(username="kavya", password=NEW_PASSWORD) == invited.person


def test_an_expired_link_gets_a_clear_message(client, invited):
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(f"/invite/{invited.code}")
    assert response.status_code == 410
    assert "expired or was used already" in response.content.decode()
    assert accept(client, invited.code).status_code == 410
    assert not Person.objects.get(username="kavya").has_usable_password()


def test_a_made_up_code_opens_nothing(client, invited):
    for code in ("x" * 32, invited.code[:-1], invited.code.upper()):
        assert client.get(f"/invite/{code}").status_code == 410


def test_the_two_passwords_must_match(client, invited):
    response = accept(client, invited.code, NEW_PASSWORD, NEW_PASSWORD + "!")
    assert response.status_code == 400
    assert "The two passwords are not the same." in response.content.decode()
    assert not Person.objects.get(username="kavya").has_usable_password()
    assert client.get(f"/invite/{invited.code}").status_code == 200  # the link still works


@pytest.mark.parametrize("weak", ["short", "1234567890123", "password1234", "qwertyuiop"])
def test_a_weak_password_is_refused_with_the_reason(client, invited, weak):
    response = accept(client, invited.code, weak)
    assert response.status_code == 400
    assert "This password is" in response.content.decode()
    assert not Person.objects.get(username="kavya").has_usable_password()


def test_accepting_signs_out_whoever_was_signed_in_on_this_phone(client, invited, person):
    sign_in(client, person)
    accept(client, invited.code)
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_new_link_replaces_the_old_one(client, administrator, invited):
    sign_in(client, administrator)
    assert client.post("/people/person/kavya/invitation/").status_code == 302  # the box was not ticked
    assert client.get(f"/invite/{invited.code}").status_code == 200
    response = client.post("/people/person/kavya/invitation/", {"confirm": "yes"})
    assert response.status_code == 200
    _link, code = link_in(response)
    assert code != invited.code
    anonymous = Client()
    assert anonymous.get(f"/invite/{invited.code}").status_code == 410
    assert accept(anonymous, code).status_code == 302
    assert AuditEntry.objects.filter(action="person.invitation_renew", actor="admin").count() == 1


def test_a_disabled_persons_link_does_not_open(client, administrator, invited):
    from crisisline.people.services import person_set_active

    person_set_active(person=invited.person, active=False, by=administrator)
    assert client.get(f"/invite/{invited.code}").status_code == 410


def test_service_refuses_a_taken_username(administrator, person):
    with pytest.raises(PeopleError) as refused:
        person_invite(
            username="Meena ",
            roles=[RoleSpec(kind="call_receiver", team=person.roles.get().team)],
            by=administrator,
        )
    assert refused.value.fields == {"username": "This username is taken."}
