"""The calendar invitation writer (`allied.programmes.ics`): RFC 5545 lines, folding, escaping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from allied.mentoring import ics

NOW = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
START = datetime(2026, 5, 14, 15, 30, tzinfo=timezone(timedelta(hours=1)))


def event(**changes) -> ics.Event:
    values = {
        "uid": "0b6f2c1e-1111-4222-8333-444455556666@allied",
        "starts_at": START,
        "ends_at": START + timedelta(minutes=60),
        "summary": "Mentoring meeting",
        "sequence": 2,
        "description": "Between Mía Ñandú, and Max; a long line " + "x" * 120,
        "location": "Room 4, Block B; or https://meet.example/abc",
        "organiser": ("Max Mentor", "max@alder.example"),
        "attendees": (("Mía Ñandú", "mia@alder.example"), ("Max Mentor", "max@alder.example")),
    }
    values.update(changes)
    return ics.Event(**values)


def lines_of(text: str) -> list[str]:
    assert text.endswith("\r\n")
    return text[:-2].split("\r\n")


def test_every_line_is_crlf_terminated_and_at_most_75_octets():
    text = ics.calendar(event(), now=NOW)
    assert "\n" not in text.replace("\r\n", "")
    for line in lines_of(text):
        assert len(line.encode("utf-8")) <= 75, line


def test_it_has_the_required_properties_with_times_in_utc():
    properties = {name: value for name, _, value in ics.parse(ics.calendar(event(), now=NOW))}
    assert properties["VERSION"] == "2.0"
    assert properties["PRODID"]
    assert properties["METHOD"] == "PUBLISH"
    assert properties["UID"] == "0b6f2c1e-1111-4222-8333-444455556666@allied"
    assert properties["DTSTAMP"] == "20260501T090000Z"
    assert properties["DTSTART"] == "20260514T143000Z"
    assert properties["DTEND"] == "20260514T153000Z"
    assert properties["SEQUENCE"] == "2"
    assert properties["SUMMARY"] == "Mentoring meeting"
    assert properties["STATUS"] == "CONFIRMED"
    names = [name for name, _, _ in ics.parse(ics.calendar(event(), now=NOW))]
    assert names[0] == "BEGIN" and names[-1] == "END"
    assert names.count("BEGIN") == names.count("END") == 2


def test_text_is_escaped_and_reads_back_unchanged():
    parsed = ics.parse(ics.calendar(event(), now=NOW))
    found = {name: value for name, _, value in parsed}
    assert "\\;" in found["LOCATION"] and "\\," in found["LOCATION"]
    assert ics.unescape(found["LOCATION"]) == "Room 4, Block B; or https://meet.example/abc"
    assert ics.unescape(found["DESCRIPTION"]) == event().description


def test_a_cancelled_event_says_so_and_an_emailed_one_is_a_cancel():
    published = {n: v for n, _, v in ics.parse(ics.calendar(event(cancelled=True), now=NOW))}
    assert published["STATUS"] == "CANCELLED"
    emailed = {
        n: v
        for n, _, v in ics.parse(ics.calendar(event(cancelled=True), now=NOW, method="REQUEST"))
    }
    assert emailed["METHOD"] == "CANCEL"
    request = {n: v for n, _, v in ics.parse(ics.calendar(event(), now=NOW, method="REQUEST"))}
    assert request["METHOD"] == "REQUEST"


def test_attendees_carry_their_names_as_parameters():
    parsed = ics.parse(ics.calendar(event(), now=NOW))
    attendees = [(params["CN"], value) for name, params, value in parsed if name == "ATTENDEE"]
    assert ("Mía Ñandú", "mailto:mia@alder.example") in attendees


@given(st.text(min_size=0, max_size=400))
def test_folding_never_splits_a_character_and_unfolds_to_the_original(text):
    line = "DESCRIPTION:" + ics.escape(text)
    folded = ics.fold(line)
    for part in folded.split("\r\n"):
        assert len(part.encode("utf-8")) <= 75
    assert folded.replace("\r\n ", "") == line
    assert ics.unescape(ics.escape(text)) == text.replace("\r\n", "\n").replace("\r", "\n")
