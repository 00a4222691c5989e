"""One mentee's picture: the model's domains filled from their record, the questions with their
needs and agreement, and an accessible SVG and PNG of it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from allied.core.model import STUDY_MODEL, add_domain, merge_domains
from allied.core.model.picture import (
    ALLYSHIP,
    EMPTY,
    NOTHING_HERE,
    AllyshipRating,
    CircleRecord,
    MenteeRecord,
    Sponsorship,
    picture,
    picture_png,
    picture_svg,
    picture_text,
)

SVG = "{http://www.w3.org/2000/svg}"

RECORD = MenteeRecord(
    name="Amara Okafor",
    mentor="Sam Patel",
    needs={"need": ("Direction for career progression", "A band 7 role within two years")},
    agreement={"need": "We meet monthly.\n\nWe focus on my band 7 application.", "help": ""},
    sponsorship=(
        Sponsorship("Opportunity provided", date(2026, 3, 3), "Put forward to lead the audit."),
    ),
    allyship=(
        AllyshipRating("Mid-point review", 4, (("Felt believed", "Yes"),)),
        AllyshipRating("End review", None),
    ),
    preferences=("You asked for a mentor with the same profession (important): this was met.",),
    circle=CircleRecord("Circle 2", 6, attended=2, held=3, next_session=date(2026, 5, 12)),
)


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output)


def words(svg: str) -> list[str]:
    return [t.text or "" for t in parsed(svg).iter(f"{SVG}text")]


def test_each_domain_is_filled_from_its_own_part_of_the_record():
    shown = picture(STUDY_MODEL, RECORD)
    lines = {area.code: area.lines for area in shown.areas}
    assert lines["sponsorship"] == (
        "Opportunity provided, 3 March 2026: Put forward to lead the audit.",
    )
    assert lines["allyship"] == (
        "Mid-point review: mentor as an ally 4 of 5; felt believed: yes",
        "End review: no allyship answers",
    )
    assert lines["surface"] == RECORD.preferences
    assert lines["circles"] == (
        "Circle 2, 6 members",
        "Went to 2 of 3 sessions held",
        "Next session 12 May 2026",
    )
    assert shown.elsewhere == ()


def test_every_question_holds_the_needs_and_what_the_agreement_says():
    shown = picture(STUDY_MODEL, RECORD)
    need, help_, *_ = shown.questions
    assert (need.number, need.text) == (1, "What I need?")
    assert need.needs == ("Direction for career progression", "A band 7 role within two years")
    assert need.agreement == "We meet monthly. We focus on my band 7 application."
    assert (help_.needs, help_.agreement) == ((), "")
    assert [q.code for q in shown.questions] == ["need", "help", "support", "require"]


def test_an_empty_record_says_what_is_not_there_yet():
    shown = picture(STUDY_MODEL, MenteeRecord(name="Amara Okafor"))
    assert {area.code: area.empty for area in shown.areas if not area.lines} == EMPTY
    text = picture_text(shown)
    assert "No sponsorship confirmed yet" in text and "nothing written yet" in text


def test_a_withheld_part_shows_its_sentence_and_nothing_of_the_record():
    record = MenteeRecord(
        name="Amara Okafor",
        allyship=RECORD.allyship,
        withheld={ALLYSHIP: "Theirs alone."},
    )
    shown = picture(STUDY_MODEL, record)
    allyship = next(a for a in shown.areas if a.code == "allyship")
    assert (allyship.lines, allyship.empty) == ((), "Theirs alone.")
    assert "4 of 5" not in picture_svg(shown)


def test_a_domain_a_research_team_added_says_the_record_has_nothing_for_it_yet():
    model = add_domain(STUDY_MODEL, "Organisational culture")
    shown = picture(model, RECORD)
    added = shown.areas[-1]
    assert (added.name, added.lines, added.empty) == ("Organisational culture", (), NOTHING_HERE)


def test_a_part_whose_domain_was_merged_away_is_shown_beside_the_picture():
    model = merge_domains(STUDY_MODEL, "allyship", "circles", name="Allyship and peers")
    shown = picture(model, RECORD)
    assert [a.code for a in shown.areas] == ["sponsorship", "allyship", "surface"]
    assert [(a.name, a.lines[0]) for a in shown.elsewhere] == [
        ("Mentoring circles", "Circle 2, 6 members")
    ]
    assert "Also: Mentoring circles" in words(picture_svg(shown))


def test_the_svg_is_an_accessible_image_that_says_everything_in_words():
    svg = picture_svg(picture(STUDY_MODEL, RECORD), id_prefix="pic")
    root = parsed(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "pic-title pic-desc"
    assert root.find(f"{SVG}title").text == "Amara Okafor: my mentoring at a glance"
    desc = root.find(f"{SVG}desc").text
    for expected in (
        "Amara Okafor at the centre, mentored by Sam Patel",
        "Sponsorship: Opportunity provided, 3 March 2026",
        "What I need? Needs: Direction for career progression",
        "The agreement says: We meet monthly",
        "Mentoring circles: Circle 2, 6 members",
    ):
        assert expected in desc
    assert not any(el.get("style") for el in root.iter())  # the site's CSP forbids it
    assert "Amara Okafor" in words(svg)


def test_a_crowded_domain_says_how_many_more_and_the_text_keeps_them_all():
    many = tuple(
        Sponsorship("Signposting", date(2026, 1, day), f"Course number {day}")
        for day in range(1, 13)
    )
    shown = picture(STUDY_MODEL, MenteeRecord(name="Amara", sponsorship=many))
    drawn = words(picture_svg(shown))
    assert any(w.startswith("and ") and w.endswith("more (see the page)") for w in drawn)
    assert "Course number 12" in picture_text(shown)


def test_the_png_is_the_same_picture_with_its_text_alternative():
    png = picture_png(picture(STUDY_MODEL, RECORD), dpi=40)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"Description" in png and b"Circle 2, 6 members" in png


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60)


@given(name=TEXT, lines=st.lists(TEXT, max_size=15), agreement=TEXT)
def test_any_record_makes_a_well_formed_svg_whose_description_holds_it(name, lines, agreement):
    record = MenteeRecord(name=name, preferences=tuple(lines), agreement={"require": agreement})
    root = parsed(picture_svg(picture(STUDY_MODEL, record)))
    desc = root.find(f"{SVG}desc").text
    for line in lines:
        kept = "".join(c for c in line if c not in "\ufffe\uffff").rstrip(".")
        assert kept in desc or not kept.strip()


@given(name=st.text(max_size=40), lines=st.lists(st.text(max_size=40), max_size=5))
def test_words_with_characters_xml_cannot_hold_still_make_a_well_formed_svg(name, lines):
    parsed(picture_svg(picture(STUDY_MODEL, MenteeRecord(name=name, preferences=tuple(lines)))))
