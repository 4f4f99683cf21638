"""An entry is written in the transaction of the change it records: both are saved, or neither. Positions
follow each other without gaps, and each entry carries the hash of the one before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone

from conftest import make_person
from crisisline.audit.models import AuditEntry, AuditHead
from crisisline.audit.selectors import audit_verify
from crisisline.audit.services import GENESIS, audit_record
from crisisline.network.models import Team
from crisisline.network.services import TeamDraft, team_create


class Abandoned(Exception):
    pass


def head() -> tuple:
    return AuditHead.objects.values_list("seq", "hash", "at").get()


def draft(network) -> TeamDraft:
    return TeamDraft(
        organisation=network["organisation"], code="KA-MYS-09", name="Mysuru Lodges", languages=["kn"]
    )


def test_a_change_and_its_entry_are_saved_together(network):
    admin = make_person("asha", ("administrator", None))
    request = RequestFactory().post("/teams/", REMOTE_ADDR="203.0.113.7")
    before = timezone.now()
    team = team_create(draft=draft(network), by=admin, request=request)

    entry = AuditEntry.objects.get(action="team.create")
    assert (entry.actor_id, entry.actor) == (admin.pk, "asha")
    assert (entry.object_type, entry.object_id, entry.team_id) == ("team", str(team.pk), team.pk)
    assert entry.address == "203.0.113.7"
    assert before <= entry.at <= timezone.now()
    assert head() == (entry.seq, entry.hash, entry.at)


def test_when_the_change_rolls_back_so_does_its_entry(network):
    before = (AuditEntry.objects.count(), head())
    with pytest.raises(Abandoned), transaction.atomic():
        team_create(draft=draft(network))
        assert AuditEntry.objects.filter(action="team.create").exists()
        raise Abandoned
    assert not Team.objects.filter(code="KA-MYS-09").exists()
    assert (AuditEntry.objects.count(), head()) == before


def test_an_entry_alone_rolls_back_too(db):
    with pytest.raises(Abandoned), transaction.atomic():
        audit_record(actor=None, action="test.abandoned")
        raise Abandoned
    assert not AuditEntry.objects.exists()
    assert head() == (0, GENESIS, None)


def test_positions_follow_each_other_without_gaps_and_each_entry_names_the_one_before(db):
    audit_record(actor=None, action="test.one")
    audit_record(actor=None, action="test.two")
    with pytest.raises(Abandoned), transaction.atomic():
        audit_record(actor=None, action="test.abandoned")  # takes #3, then gives it back
        raise Abandoned
    audit_record(actor=None, action="test.three")
    audit_record(actor=None, action="test.four")

    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3, 4]
    assert [e.action for e in entries] == ["test.one", "test.two", "test.three", "test.four"]
    assert [e.prev_hash for e in entries] == [GENESIS] + [e.hash for e in entries[:-1]]
    assert len({e.hash for e in entries}) == 4
    assert audit_verify().ok


def test_an_entry_is_never_dated_before_the_one_it_follows(db):
    """A clock that steps back (NTP, a wrong time zone on a laptop) must not make the trail run backwards."""
    first = audit_record(actor=None, action="test.one")
    second = audit_record(actor=None, action="test.two", at=first.at - timedelta(hours=1))
    assert second.at == first.at
    assert audit_verify().ok
