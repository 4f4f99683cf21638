"""Giving and taking away roles: an administrator any role anywhere; a team lead only the roles a lead may
give (LEAD_GRANTABLE), only in their own team, and never to someone who also holds a role elsewhere. Each
change is one audit entry; a refusal changes nothing and is a 403, not a 500."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from conftest import make_person, sign_in
from crisisline.audit.models import AuditEntry
from crisisline.people.models import Role
from crisisline.people.policy import LEAD_GRANTABLE, RoleSpec
from crisisline.people.services import role_grant, role_revoke


@pytest.fixture
def teams(network):
    return network["teams"]


@pytest.fixture
def lead(teams):
    return make_person("lakshmi", ("team_lead", teams["mysuru"]))


@pytest.fixture
def ravi(teams):
    """A call receiver in Mysuru who is also a lawyer in Madurai: a role outside the Mysuru lead's team."""
    return make_person("ravi", ("call_receiver", teams["mysuru"]), ("lawyer", teams["madurai"]))


def grant(client, username: str, kind: str, team: str = "", level: str = ""):
    return client.post(f"/people/person/{username}/roles/", {"kind": kind, "team": team, "level": level})


def remove(client, role: Role):
    return client.post(f"/people/person/{role.person.username}/roles/{role.pk}/remove/")


def kinds_of(person) -> set[tuple[str, str | None]]:
    return {(r.kind, r.team.code if r.team else None) for r in Role.objects.filter(person=person)}


def entries(action: str) -> list[tuple[str, str, dict]]:
    return list(AuditEntry.objects.filter(action=action).values_list("actor", "object_id", "details"))


# --- Administrator ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "team", "level", "place"),
    [
        ("responder", "KA-BEL-01", "", {"team__code": "KA-BEL-01"}),
        ("team_lead", "TN-MAD-01", "", {"team__code": "TN-MAD-01"}),
        ("programme_manager", "", "district:KA-MYS", {"district__code": "KA-MYS"}),
        ("programme_manager", "", "organisation:KA-MYS-O1", {"organisation__code": "KA-MYS-O1"}),
        ("programme_manager", "", "network", {"state": None, "district": None, "organisation": None}),
        ("administrator", "", "", {"team": None}),
    ],
)
def test_administrator_gives_any_role_anywhere(client, administrator, person, kind, team, level, place):
    sign_in(client, administrator)
    response = grant(client, "meena", kind, team, level)
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == "/people/person/meena/"
    role = Role.objects.get(person=person, kind=kind, **place)
    assert role.granted_by == administrator
    assert entries("role.grant") == [("admin", str(person.pk), {"kind": kind, **_place_ids(role)})]


def _place_ids(role: Role) -> dict:
    return {
        name: getattr(role, f"{name}_id")
        for name in ("team", "organisation", "district", "state")
        if getattr(role, f"{name}_id")
    }


def test_administrator_removes_any_role(client, administrator, ravi):
    sign_in(client, administrator)
    lawyer = ravi.roles.get(kind="lawyer")
    response = remove(client, lawyer)
    assert response.status_code == 302
    assert kinds_of(ravi) == {("call_receiver", "KA-MYS-01")}
    assert entries("role.revoke") == [("admin", str(ravi.pk), {"kind": "lawyer", "role": lawyer.pk})]


def test_giving_a_role_held_already_changes_nothing(client, administrator, person):
    sign_in(client, administrator)
    assert grant(client, "meena", "call_receiver", "KA-MYS-01").status_code == 302
    assert Role.objects.filter(person=person).count() == 1
    assert entries("role.grant") == []


@pytest.mark.parametrize(
    ("kind", "team", "level", "message"),
    [
        ("call_receiver", "", "", "Choose the team."),
        ("call_receiver", "KA-MYS-01", "state:KA", "This role belongs to a team."),
        ("programme_manager", "", "", "Choose the level"),
        ("programme_manager", "KA-MYS-01", "state:KA", "A programme manager belongs to one"),
        ("administrator", "KA-MYS-01", "", "Administrators belong to the whole network."),
        ("", "KA-MYS-01", "", "Choose a role."),
        ("lawyer", "NOPE", "", "There is no team with this code."),
        ("programme_manager", "", "state:XX", "Choose a level from the list."),
    ],
)
def test_a_wrong_role_is_explained_and_nothing_changes(
    client, administrator, person, kind, team, level, message
):
    sign_in(client, administrator)
    response = grant(client, "meena", kind, team, level)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert kinds_of(person) == {("call_receiver", "KA-MYS-01")}
    assert entries("role.grant") == []


# --- Team lead -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", sorted(LEAD_GRANTABLE))
def test_lead_gives_and_removes_grantable_roles_in_own_team(client, lead, person, kind):
    sign_in(client, lead)
    assert grant(client, "meena", kind, "KA-MYS-01").status_code == 302
    role = Role.objects.get(person=person, kind=kind, team__code="KA-MYS-01")
    if kind != "call_receiver":
        assert entries("role.grant") == [("lakshmi", str(person.pk), {"kind": kind, "team": role.team_id})]
    assert remove(client, role).status_code == 302
    assert not Role.objects.filter(pk=role.pk).exists()
    assert [actor for actor, _, _ in entries("role.revoke")] == ["lakshmi"]


@pytest.mark.parametrize(
    ("kind", "team", "level"),
    [
        ("responder", "KA-MYS-02", ""),  # a team of the same organisation, not led by her
        ("responder", "TN-MAD-01", ""),
        ("team_lead", "KA-MYS-01", ""),
        ("programme_manager", "", "network"),
        ("administrator", "", ""),
    ],
)
def test_lead_may_not_give_other_roles_or_in_other_teams(client, lead, person, kind, team, level):
    sign_in(client, lead)
    response = grant(client, "meena", kind, team, level)
    assert response.status_code == 403
    assert kinds_of(person) == {("call_receiver", "KA-MYS-01")}
    assert entries("role.grant") == []


def test_lead_may_not_remove_a_fellow_leads_role(client, lead, teams):
    other_lead = make_person("gowri", ("team_lead", teams["mysuru"]))
    sign_in(client, lead)
    assert remove(client, other_lead.roles.get()).status_code == 403
    assert other_lead.roles.exists()


def test_lead_may_not_change_own_roles(client, lead, teams):
    sign_in(client, lead)
    assert grant(client, "lakshmi", "responder", "KA-MYS-01").status_code == 403
    assert remove(client, lead.roles.get()).status_code == 403
    assert kinds_of(lead) == {("team_lead", "KA-MYS-01")}


def test_lead_cannot_touch_someone_who_holds_a_role_elsewhere(client, lead, ravi):
    sign_in(client, lead)
    page = client.get("/people/person/ravi/")
    assert page.status_code == 200  # a member of her team: she sees him...
    text = page.content.decode()
    assert "also holds roles elsewhere" in text
    assert "Madurai" not in text and "Lawyer" not in text  # ...but not where else he serves
    assert "Give this role" not in text

    assert grant(client, "ravi", "responder", "KA-MYS-01").status_code == 403
    assert remove(client, ravi.roles.get(kind="call_receiver")).status_code == 403
    assert kinds_of(ravi) == {("call_receiver", "KA-MYS-01"), ("lawyer", "TN-MAD-01")}
    assert entries("role.grant") == entries("role.revoke") == []


def test_service_refuses_the_lead_the_same_way(lead, ravi, teams):
    with pytest.raises(PermissionDenied):
        role_grant(person=ravi, spec=RoleSpec(kind="responder", team=teams["mysuru"]), by=lead)
    with pytest.raises(PermissionDenied):
        role_revoke(role=ravi.roles.get(kind="call_receiver"), by=lead)
    assert not AuditEntry.objects.exists()


def test_people_outside_the_leads_teams_are_not_found(client, lead, teams):
    make_person("selvi", ("call_receiver", teams["madurai"]))
    sign_in(client, lead)
    assert client.get("/people/person/selvi/").status_code == 404
    assert grant(client, "selvi", "responder", "KA-MYS-01").status_code == 404
    assert client.get("/people/person/nobody-at-all/").status_code == 404


def test_a_role_of_someone_else_is_not_found_under_this_person(client, administrator, person, ravi):
    sign_in(client, administrator)
    lawyer = ravi.roles.get(kind="lawyer")
    assert client.post(f"/people/person/meena/roles/{lawyer.pk}/remove/").status_code == 404
    assert Role.objects.filter(pk=lawyer.pk).exists()


def test_changes_need_post_and_a_signed_in_person(client, administrator, person):
    assert grant(client, "meena", "responder", "KA-MYS-01").status_code == 302  # to sign-in
    assert not Role.objects.filter(kind="responder").exists()
    sign_in(client, administrator)
    assert client.get("/people/person/meena/roles/").status_code == 405


def test_after_removing_the_last_role_in_her_team_the_lead_returns_to_the_list(client, lead, person):
    sign_in(client, lead)
    response = remove(client, person.roles.get())
    assert response.status_code == 302
    assert response["Location"] == "/people/"
    assert client.get("/people/person/meena/").status_code == 404  # no longer one of hers
