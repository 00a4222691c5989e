"""Calendar invitations for mentoring meetings (RFC 5545), written by hand: the format is small,
and one pure function keeps the project free of another dependency.

`calendar` returns the text of a VCALENDAR with one VEVENT; `parse` reads such text back into
(name, parameters, value) triples, unfolded, for tests and for anyone checking an invitation.
Times are written in UTC, so no VTIMEZONE is needed; each reschedule raises SEQUENCE, so a
calendar application replaces the event it already holds rather than adding another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

CRLF = "\r\n"
LIMIT = 75  # octets per line, not counting the CRLF (RFC 5545 section 3.1)
PRODID = "-//Allied//Mentoring meetings//EN"


@dataclass(frozen=True)
class Event:
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    sequence: int = 0
    description: str = ""
    location: str = ""
    url: str = ""
    cancelled: bool = False
    organiser: tuple[str, str] | None = None  # (name, email)
    attendees: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def escape(text: str) -> str:
    """Returns TEXT escaped as section 3.3.11 asks: backslash, semicolon, comma, newline."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _param(value: str) -> str:
    """Returns a parameter value, quoted when it holds characters a bare value cannot."""
    value = value.replace('"', "'").replace("\r", " ").replace("\n", " ")
    return f'"{value}"' if any(c in value for c in ":;,") else value


def fold(line: str) -> str:
    """Returns the content line folded so that no line exceeds 75 octets, never splitting a
    UTF-8 character; continuation lines start with one space (which counts)."""
    out: list[str] = []
    current = ""
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > LIMIT:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return CRLF.join(out)


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("Calendar times must be timezone-aware.")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(event: Event, *, now: datetime, method: str = "PUBLISH") -> str:
    """Returns the VCALENDAR text (CRLF line endings, folded) for one event.

    `method` is PUBLISH for a download and REQUEST for an emailed invitation; a cancelled
    event is sent with METHOD:CANCEL when it is emailed as a request, as RFC 5546 asks."""
    if event.cancelled and method == "REQUEST":
        method = "CANCEL"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{_utc(now)}",
        f"DTSTART:{_utc(event.starts_at)}",
        f"DTEND:{_utc(event.ends_at)}",
        f"SEQUENCE:{int(event.sequence)}",
        f"SUMMARY:{escape(event.summary)}",
        f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{escape(event.description)}")
    if event.location:
        lines.append(f"LOCATION:{escape(event.location)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    if event.organiser:
        name, email = event.organiser
        lines.append(f"ORGANIZER;CN={_param(name)}:mailto:{email}")
    for name, email in event.attendees:
        lines.append(
            f"ATTENDEE;CN={_param(name)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:mailto:{email}"
        )
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + CRLF for line in lines)


def unescape(text: str) -> str:
    out: list[str] = []
    chars = iter(text)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            out.append("\n" if following in "nN" else following)
        else:
            out.append(char)
    return "".join(out)


def parse(text: str) -> list[tuple[str, dict[str, str], str]]:
    """Returns the content lines of calendar text as (NAME, {PARAM: value}, raw value),
    after unfolding. Raises ValueError on a line without a colon."""
    unfolded = text.replace("\r\n ", "").replace("\r\n\t", "")
    out = []
    for line in unfolded.split("\r\n"):
        if not line:
            continue
        head, colon, value = _split_value(line)
        if not colon:
            raise ValueError(f"Not a content line: {line!r}")
        name, *params = head.split(";")
        parsed = {}
        for param in params:
            key, _, raw = param.partition("=")
            parsed[key.upper()] = raw.strip('"')
        out.append((name.upper(), parsed, value))
    return out


def _split_value(line: str) -> tuple[str, str, str]:
    """Splits at the first colon outside a quoted parameter value."""
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return line[:index], ":", line[index + 1 :]
    return line, "", ""
