"""iCalendar (RFC 5545) feeds of on-call shifts, written by hand: a handful of properties is all a phone's
calendar needs, and text we write ourselves is text we can test.

Times are UTC ("Z"), so no VTIMEZONE is needed and a phone shows each shift in its own zone. Lines end in
CRLF and are folded at 75 octets (a continuation line starts with one space). A feed names no one but by
username (the team feed), never a phone number, a real name, a team's name or a place."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext as _

from crisisline.oncall.models import CalendarFeed
from crisisline.oncall.selectors import people_by_id, person_shifts, team_shifts

PRODID = "-//Crisisline//On call//EN"
PAST = timedelta(days=14)
AHEAD = timedelta(days=90)
LINE_OCTETS = 75


@dataclass(frozen=True)
class Event:
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape(text: str) -> str:
    """TEXT values: backslash, semicolon, comma and line breaks escaped (RFC 5545, 3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """One content line, folded so that no line is longer than 75 octets, never inside a UTF-8 character;
    the space that starts a continuation line counts towards its 75."""
    parts: list[str] = []
    current, size, limit = [], 0, LINE_OCTETS
    for char in line:
        octets = len(char.encode())
        if size + octets > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1
        current.append(char)
        size += octets
    parts.append("".join(current))
    return "\r\n ".join(parts)


def calendar_text(events: Iterable[Event], *, name: str, now: datetime) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    stamp = utc_text(now)
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{utc_text(event.starts_at)}",
            f"DTEND:{utc_text(event.ends_at)}",
            f"SUMMARY:{escape(event.summary)}",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def duty_word(duty: str) -> str:
    """ "call_receiver" -> "call receiver": the duty as a word, without the role's longer label."""
    return duty.replace("_", " ")


def feed_text(feed: CalendarFeed, *, now: datetime) -> str:
    """The feed's calendar: shifts from two weeks ago to three months ahead."""
    start, end = now - PAST, now + AHEAD
    if feed.person_id is not None:
        events = [
            Event(
                shift.uid(duty),
                shift.starts_at,
                shift.ends_at,
                _("On call: %(duty)s") % {"duty": duty_word(duty)},
            )
            for _team, duty, shift in person_shifts(feed.person, start, end)
        ]
        return calendar_text(events, name=_("My on-call shifts"), now=now)
    found = team_shifts(feed.team, start, end)
    people = people_by_id(shift.person_id for _duty, shift in found)
    events = [
        Event(
            shift.uid(duty),
            shift.starts_at,
            shift.ends_at,
            # The username only: never the display name, which may be a real one.
            _("On call: %(duty)s (%(username)s)")
            % {"duty": duty_word(duty), "username": people[shift.person_id].get_username()},
        )
        for duty, shift in found
        if shift.person_id in people
    ]
    return calendar_text(events, name=_("Team on-call shifts"), now=now)
