"""An entry hashes the same after a round trip through the database as when it was written, on SQLite and
PostgreSQL: times to the microsecond whatever zone they were given in, details whatever their key order,
script or size of numbers. Values that could not come back exactly are refused when written."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from crisisline.audit.models import AuditEntry, AuditHead
from crisisline.audit.selectors import audit_verify, recompute_hash
from crisisline.audit.services import audit_record

DETAILS = {
    "विवरण": "संकट में सहायता — पुलिस थाने से रिहाई",  # Devanagari with combining vowel signs, an em dash
    "zz": {"ज़िला": "मैसूरु", "nested": [{"b": 2, "a": 1}, [], {}, ["ಕನ್ನಡ", "தமிழ்", "🙂"]]},
    "aa": [0, -1, 2**63 - 1, 10**20, -(10**30), True, False, None],
    "floats": [4.0, 0.1, 2.5, -7.25, 1.5e-07, 5e-324, 123456789.12345679, 9999999999999998.0],
    'quote"and\\slash': "tab\tnew\nline",
}


def reloaded(entry: AuditEntry) -> AuditEntry:
    return AuditEntry.objects.get(pk=entry.pk)


def test_details_in_any_script_and_order_hash_the_same_after_the_round_trip(db):
    entry = audit_record(
        actor=None, action="test.unicode", reason="कारण: रात में फ़ोन आया\nदूसरी पंक्ति", details=DETAILS
    )
    stored = reloaded(entry)
    assert stored.details == DETAILS
    assert stored.reason == "कारण: रात में फ़ोन आया\nदूसरी पंक्ति"
    assert recompute_hash(stored) == stored.hash == entry.hash
    reordered = dict(reversed(list(DETAILS.items())))
    again = audit_record(actor=None, action="test.unicode", details=reordered)
    assert recompute_hash(reloaded(again)) == again.hash
    assert audit_verify().ok


@pytest.mark.parametrize(
    "at",
    [
        datetime(2026, 11, 28, 23, 59, 59, 999999, tzinfo=ZoneInfo("Asia/Kolkata")),
        datetime(2026, 11, 28, 18, 30, 0, 1, tzinfo=ZoneInfo("UTC")),
        datetime(2026, 7, 1, 12, 0, 0, 500000, tzinfo=ZoneInfo("America/New_York")),  # summer time
    ],
)
def test_times_come_back_to_the_microsecond_whatever_zone_they_were_given_in(db, at):
    entry = audit_record(actor=None, action="test.time", at=at)
    stored = reloaded(entry)
    assert stored.at == at
    assert stored.at.microsecond == at.astimezone(ZoneInfo("UTC")).microsecond
    assert AuditHead.objects.get().at == at
    assert recompute_hash(stored) == entry.hash
    assert audit_verify().ok


@pytest.mark.parametrize(
    ("details", "message"),
    [
        ({"big": 1e16}, r"details\.big must be a finite float below 1e16"),
        ({"n": [float("nan")]}, r"details\.n\[0\] must be a finite float"),
        ({"n": -float("inf")}, "must be a finite float"),
        ({"note": "a\x00b"}, "must not contain NUL"),
        ({"note": "\ud800"}, "must be valid Unicode text"),
        ({1: "one"}, "keys must be text"),
        ({"when": datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC"))}, "not datetime"),
        ({"team": object()}, "not object"),
    ],
)
def test_values_that_would_not_come_back_exactly_are_refused(db, details, message):
    with pytest.raises(ValueError, match=message):
        audit_record(actor=None, action="test.refused", details=details)
    assert not AuditEntry.objects.exists()


def test_negative_zero_is_written_as_zero(db):
    """PostgreSQL would give -0.0 back as 0.0, and the hash would differ."""
    entry = audit_record(actor=None, action="test.zero", details={"z": -0.0})
    assert str(AuditEntry.objects.get(pk=entry.pk).details["z"]) == "0.0"
    assert audit_verify().ok


def test_a_naive_time_or_a_nul_in_the_reason_is_refused(db):
    with pytest.raises(ValueError, match="aware"):
        audit_record(actor=None, action="test.refused", at=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="NUL"):
        audit_record(actor=None, action="test.refused", reason="a\x00b")
    assert not AuditEntry.objects.exists()
