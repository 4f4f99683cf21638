"""Audit entries say which object, never what it holds: no phone numbers, token secrets, invitation codes,
passwords or names. A phone number in `details` is refused; one typed into a reason is removed. The entries
the services write are searched for values planted in them."""

from __future__ import annotations

import json

import pytest

from conftest import make_person
from crisisline.audit.models import AuditEntry, AuditHead
from crisisline.audit.services import audit_record
from crisisline.lib.logs import scrub
from crisisline.lib.phones import to_e164
from crisisline.network.services import TeamDraft, team_create
from crisisline.people.policy import RoleSpec
from crisisline.people.services import invitation_accept, person_invite, role_grant, token_create

HELPLINES = ["098450 12345", "+91 98860 54321"]
PASSWORD = "planted-Password-4711"
DISPLAY_NAME = "Lakshmi Planted-Name"


@pytest.mark.parametrize(
    "details",
    [
        {"caller": "+91 98450 12345"},
        {"numbers": ["ok", {"deep": "098450-12345"}]},
        {"9845012345": "as a key"},
        {"caller": "९८४५०१२३४५"},  # the same number in Devanagari digits
    ],
)
def test_details_holding_a_phone_number_are_refused_and_nothing_is_written(db, details):
    with pytest.raises(ValueError, match="must not hold phone numbers"):
        audit_record(actor=None, action="test.refused", details=details)
    assert not AuditEntry.objects.exists()
    assert AuditHead.objects.get().seq == 0


def test_a_phone_number_typed_into_a_reason_is_removed(db):
    entry = audit_record(actor=None, action="test.reason", reason="called back on 98450 12345 at night")
    assert entry.reason == "called back on [number removed] at night"
    assert AuditEntry.objects.get().reason == entry.reason


def test_entries_written_by_the_services_hold_no_planted_value(network):
    admin = make_person("asha", ("administrator", None))
    team = team_create(
        draft=TeamDraft(
            organisation=network["organisation"],
            code="KA-MYS-07",
            name="Mysuru Highway",
            languages=["kn"],
            helplines=list(HELPLINES),
        ),
        by=admin,
    )
    meena = make_person("meena-cr")
    token = token_create(person=meena, name="script", by=admin)
    role_grant(person=meena, spec=RoleSpec(kind="call_receiver", team=team), by=admin)
    invited = person_invite(
        username="lakshmi",
        display_name=DISPLAY_NAME,
        roles=[RoleSpec(kind="call_receiver", team=team)],
        by=admin,
    )
    person = invitation_accept(code=invited.code, password=PASSWORD)

    entries = list(AuditEntry.objects.order_by("seq").values())
    actions = {entry["action"] for entry in entries}
    assert {
        "team.create",
        "token.create",
        "role.grant",
        "person.invite",
        "person.invitation_accept",
    } <= actions

    text = json.dumps(entries, default=str, ensure_ascii=False)
    planted = [
        *HELPLINES,
        *(to_e164(number) for number in HELPLINES),
        *(to_e164(number).removeprefix("+91") for number in HELPLINES),
        token.plaintext,
        token.plaintext.rsplit("_", 1)[1],  # the secret part alone
        invited.code,
        PASSWORD,
        person.password,  # its hash
        DISPLAY_NAME,
        "Planted-Name",
    ]
    for value in planted:
        assert value not in text, f"an audit entry holds {value!r}"
    # Nor anything else that looks like a phone number (hashes and times aside, which are not identities).
    for entry in entries:
        readable = {k: v for k, v in entry.items() if k not in ("hash", "prev_hash", "at")}
        flat = json.dumps(readable, default=str, ensure_ascii=False)
        assert scrub(flat) == flat, entry
