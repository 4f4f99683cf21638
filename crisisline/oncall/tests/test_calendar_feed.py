"""iCalendar feeds of on-call shifts, per person and per team, at /oncall/calendar/<secret>.ics without
signing in: the secret is the credential (only its digest is kept), revoking it makes the address answer
404, the text follows RFC 5545 (CRLF, lines folded at 75 octets, UTC times, DTSTAMP, a UID stable per
shift) and it names nobody but by username: no display name, no phone number, no team name or place."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from crisisline.audit.models import AuditEntry
from crisisline.lib.phones import demo_number
from crisisline.messaging.services import contact_point_add
from crisisline.oncall.calendar import Event, calendar_text, fold
from crisisline.oncall.models import CalendarFeed
from crisisline.oncall.services_rosters import calendar_feed_create, calendar_feed_revoke, override_add
from crisisline.oncall.tests.roster_helpers import holders, rotation, team_in

ZONE = "Asia/Kolkata"


def parse(text: str) -> list[dict[str, str]]:
    """A tiny RFC 5545 reader: checks the line endings and lengths, unfolds, and returns each VEVENT's
    properties (the calendar's own under the key "VCALENDAR")."""
    assert text.endswith("\r\n")
    raw = text[:-2].split("\r\n")
    assert all("\n" not in line and "\r" not in line for line in raw), "a bare line break"
    assert all(len(line.encode()) <= 75 for line in raw), "a line longer than 75 octets"
    lines: list[str] = []
    for line in raw:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    calendar: dict[str, str] = {}
    events: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in lines[1:-1]:
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        else:
            (calendar if current is None else current)[name] = value
    return [{"VCALENDAR": calendar}, *events]


def utc(value: str) -> datetime:
    assert re.fullmatch(r"\d{8}T\d{6}Z", value), value
    return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


@pytest.fixture
def team(network):
    return team_in(network, ZONE)


@pytest.fixture
def people(team):
    asha, bina = holders(team, "responder", "asha", "bina")
    asha.display_name = "Asha Devi Kumari"  # a real name: it must never reach a feed
    asha.save(update_fields=["display_name"])
    for n, person in enumerate((asha, bina)):
        contact_point_add(person=person, channel="sms", address=demo_number(300 + n))
    return asha, bina


@pytest.fixture
def rota(team, people):
    today = timezone.localdate()
    return rotation(team, list(people), starts_on=today - timedelta(days=3), handoff=time(9))


def test_a_person_feed_lists_their_shifts_in_utc_and_names_nobody(client, team, people, rota):
    asha, _bina = people
    feed, secret = calendar_feed_create(by=asha, person=asha)

    response = client.get(f"/oncall/calendar/{secret}.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    calendar, *events = parse(text)
    assert calendar["VCALENDAR"]["VERSION"] == "2.0" and calendar["VCALENDAR"]["PRODID"]
    assert "VTIMEZONE" not in text
    assert events and {e["SUMMARY"] for e in events} == {"On call: responder"}
    for event in events:
        start, end = utc(event["DTSTART"]), utc(event["DTEND"])
        assert end - start == timedelta(hours=24)
        assert start.astimezone(timezone.get_fixed_timezone(330)).hour == 9  # 09:00 in Kolkata
        assert utc(event["DTSTAMP"]) and event["UID"].endswith("@crisisline")
    assert len({e["UID"] for e in events}) == len(events)
    for forbidden in ("Asha", "asha", "bina", team.name, team.code, demo_number(300), demo_number(301)):
        assert forbidden not in text
    assert feed.digest == hashlib.sha256(secret.encode()).hexdigest() and secret not in feed.digest


def test_a_team_feed_names_people_by_username_only(client, team, people, rota):
    lead = holders(team, "team_lead", "lead")[0]
    _feed, secret = calendar_feed_create(by=lead, team=team)

    text = client.get(f"/oncall/calendar/{secret}.ics").content.decode()

    _calendar, *events = parse(text)
    assert {e["SUMMARY"] for e in events} == {"On call: responder (asha)", "On call: responder (bina)"}
    for forbidden in ("Asha Devi", "Kumari", team.name, team.code, demo_number(300), demo_number(301)):
        assert forbidden not in text


def test_uids_are_stable_from_one_fetch_to_the_next(client, team, people, rota):
    _feed, secret = calendar_feed_create(by=people[0], person=people[0])
    first = {
        e["UID"]: e["DTSTART"]
        for e in parse(client.get(f"/oncall/calendar/{secret}.ics").content.decode())[1:]
    }
    second = {
        e["UID"]: e["DTSTART"]
        for e in parse(client.get(f"/oncall/calendar/{secret}.ics").content.decode())[1:]
    }
    assert first == second and first


def test_an_override_shows_in_the_feed_of_the_person_covering(client, team, people, rota):
    _asha, bina = people
    start = timezone.now().replace(microsecond=0) + timedelta(days=30)
    override_add(
        team=team, duty="responder", person=bina, starts_at=start, ends_at=start + timedelta(hours=5), by=None
    )
    _feed, secret = calendar_feed_create(by=bina, person=bina)

    events = parse(client.get(f"/oncall/calendar/{secret}.ics").content.decode())[1:]

    assert any(utc(e["DTSTART"]) == start and utc(e["DTEND"]) == start + timedelta(hours=5) for e in events)


def test_a_revoked_or_unknown_feed_answers_404(client, team, people, rota):
    asha, _bina = people
    feed, secret = calendar_feed_create(by=asha, person=asha)
    assert client.get(f"/oncall/calendar/{secret}.ics").status_code == 200

    calendar_feed_revoke(feed=feed, by=asha)

    assert client.get(f"/oncall/calendar/{secret}.ics").status_code == 404
    assert client.get(f"/oncall/calendar/{secret[:-1]}x.ics").status_code == 404
    assert CalendarFeed.objects.get(pk=feed.pk).revoked_at is not None
    assert AuditEntry.objects.filter(action="oncall.calendar_feed.revoke", object_id=str(feed.pk)).exists()


def test_only_the_person_makes_or_revokes_their_feed_and_only_the_lead_the_team_feed(team, people):
    asha, bina = people
    with pytest.raises(PermissionDenied):
        calendar_feed_create(by=bina, person=asha)
    with pytest.raises(PermissionDenied):
        calendar_feed_create(by=asha, team=team)
    feed, _secret = calendar_feed_create(by=asha, person=asha)
    with pytest.raises(PermissionDenied):
        calendar_feed_revoke(feed=feed, by=bina)
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 1


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    summary = "On call: " + "ಕರೆ ಸ್ವೀಕರಿಸುವವರು, ಜವಾಬ್ದಾರಿ; " * 6
    start = datetime(2026, 3, 8, 14, tzinfo=UTC)
    text = calendar_text(
        [Event("u1@crisisline", start, start + timedelta(hours=23), summary)], name="On call", now=start
    )

    event = parse(text)[1]

    assert event["SUMMARY"] == summary.replace(",", "\\,").replace(";", "\\;")
    assert event["DTSTART"] == "20260308T140000Z" and event["DTEND"] == "20260309T130000Z"
    assert fold("x" * 75) == "x" * 75 and fold("x" * 76) == "x" * 75 + "\r\n x"
