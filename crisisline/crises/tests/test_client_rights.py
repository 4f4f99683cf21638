"""A person's rights over what is held about them: see it, correct it, erase it; each audited."""

import pytest
from django.core.exceptions import PermissionDenied

from crisisline.audit.models import AuditEntry
from crisisline.crises.models import Client, Crisis, TimelineEntry
from crisisline.crises.services import (
    CrisisError,
    client_correct,
    client_erase,
    client_export,
    crisis_identity,
    timeline_add,
)


@pytest.fixture
def crisis(open_crisis):
    return open_crisis(
        "physical_violence", phone="9845012345", place="behind the bus stand", note="Lakshmi, 32"
    )


def test_the_team_reads_the_identity_and_each_read_is_audited(crisis, responder):
    identity = crisis_identity(crisis=crisis, by=responder, reason="calling her back")
    assert identity.phone == "+919845012345"
    read = AuditEntry.objects.get(action="identity.read")
    assert read.actor_id == responder.pk and read.reason == "calling her back"
    assert "9845012345" not in str(read.details)


def test_export_holds_everything_and_only_the_lead_or_documenter_may_make_it(crisis, lead, responder):
    client = crisis.client
    client_correct(client=client, by=lead, reason="she gave her name", name="Lakshmi")
    with pytest.raises(PermissionDenied):
        client_export(client=client, by=responder)
    exported = client_export(client=client, by=lead)
    assert exported["client"]["name"] == "Lakshmi" and exported["client"]["phone"] == "+919845012345"
    assert exported["crises"][0]["place"] == "behind the bus stand"
    assert AuditEntry.objects.filter(action="client.export", object_id=str(client.pk)).exists()


def test_corrections_need_a_reason_and_keep_the_phone_index_right(crisis, lead):
    client = crisis.client
    with pytest.raises(CrisisError):
        client_correct(client=client, by=lead, reason="", name="x")
    client_correct(client=client, by=lead, reason="new number", phone="9900112233")
    client.refresh_from_db()
    from crisisline.crises.services import phone_index

    assert client.phone_index == phone_index("+919900112233")
    assert AuditEntry.objects.get(action="client.correct").details == {"fields": ["phone"]}


def test_erasing_destroys_the_keys_and_leaves_the_figures(crisis, lead, responder):
    timeline_add(crisis=crisis, kind="call", text="spoke with Lakshmi", by=responder)
    client_erase(client=crisis.client, by=lead, reason="she asked us to")
    client = Client.objects.get(pk=crisis.client_id)
    assert client.erased_at and not client.data_key_wrapped and client.phone_index is None
    assert not client.name_sealed and not client.phone_sealed
    crisis = Crisis.objects.get(pk=crisis.pk)
    assert not crisis.data_key_wrapped and not crisis.note_sealed and not crisis.place_sealed
    assert not TimelineEntry.objects.filter(crisis=crisis).exclude(text_sealed="").exists()
    # What identifies no one stays, for the figures.
    assert crisis.crisis_type.code == "physical_violence" and crisis.steps.count() == 4
    assert crisis_identity(crisis=crisis, by=responder).phone == ""
    with pytest.raises(CrisisError):
        timeline_add(crisis=crisis, kind="note", text="more", by=responder)
