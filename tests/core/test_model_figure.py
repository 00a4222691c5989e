"""The model as a picture (SVG and PNG) and as a table for a paper."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

from allied.core.model import (
    STUDY_MODEL,
    ThemeRef,
    TrailIdea,
    add_domain,
    figure_png,
    figure_svg,
    figure_text,
    model_table,
    place,
    table_csv,
    table_html,
)

SVG = "{http://www.w3.org/2000/svg}"

TRUST = ThemeRef(
    "theme-7",
    "Trust and an open relationship",
    "need",
    source="Demo workshop, question 1: What matters?",
    rank=1,
    total=14.0,
    voters=5,
    ideas=(TrailIdea(2, "Honest conversations", 1, 9.0, 4), TrailIdea(5, "Time", 4, 5.0, 2)),
    notes=("The group agreed trust comes first.",),
    note="Trust is essential before anything else.",
)
BUILT = place(
    place(STUDY_MODEL, TRUST, "allyship", "need"),
    ThemeRef("idea-3", "Open doors", "require"),
    "sponsorship",
    "require",
)


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output)


def test_the_figure_is_an_image_with_a_title_and_a_description():
    root = parsed(figure_svg(BUILT, id_prefix="m1"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "m1-title m1-desc"
    assert root.find(f"{SVG}title").text == f"{STUDY_MODEL.name} (version 1)"
    desc = root.find(f"{SVG}desc").text
    assert desc == figure_text(BUILT)
    assert "The mentee at the centre, surrounded by 4 intersecting domains" in desc
    assert "Allyship: What I need? Trust and an open relationship." in desc


def test_the_figure_draws_the_mentee_at_the_centre_of_every_domain_with_its_themes():
    root = parsed(figure_svg(BUILT))
    words = [t.text for t in root.iter(f"{SVG}text")]
    assert "The mentee" in words
    for name in ("Sponsorship", "Allyship", "Mentoring circles"):
        assert name in words
    assert "Q1 Trust and an open" in words and "relationship" in words
    assert "Q4 Open doors" in words
    assert len(list(root.iter(f"{SVG}circle"))) == 4 + 1


def test_the_figure_uses_no_inline_style_so_the_pages_policy_allows_it():
    svg = figure_svg(BUILT)
    assert "style" not in svg
    assert "<script" not in svg


def test_the_figure_escapes_what_people_typed():
    model = place(
        STUDY_MODEL, ThemeRef("t", '<script>alert("x")</script> & co', "need"), "surface", "need"
    )
    root = parsed(figure_svg(model))
    assert root.find(f"{SVG}script") is None
    assert any("<script>" in (t.text or "") for t in root.iter(f"{SVG}text"))


def test_the_figure_drops_characters_xml_cannot_hold():
    """An idea typed with a control character in it still gives a readable SVG."""
    model = place(
        STUDY_MODEL, ThemeRef("t", "Peer\x01support\x0b circles", "need"), "surface", "need"
    )
    root = parsed(figure_svg(model))
    assert any("Peersupport" in (t.text or "") for t in root.iter(f"{SVG}text"))


def test_the_figure_draws_any_number_of_domains():
    model = STUDY_MODEL
    for name in ("Peer support", "Wellbeing", "Leadership", "Networks"):
        model = add_domain(model, name)
    root = parsed(figure_svg(model))
    assert len(list(root.iter(f"{SVG}circle"))) == 8 + 1


def test_a_crowded_domain_says_how_many_more_themes_the_table_holds():
    model = STUDY_MODEL
    for number in range(12):
        model = place(model, ThemeRef(f"t{number}", f"Theme {number}", "need"), "surface", "need")
    words = [t.text for t in parsed(figure_svg(model)).iter(f"{SVG}text")]
    assert "and 4 more (see the table)" in words


def test_the_png_is_the_same_figure_with_its_text_alternative():
    png = figure_png(BUILT, dpi=50)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"Description" in png and b"Trust and an open relationship" in png


def test_the_table_has_a_row_per_theme_and_per_empty_domain():
    rows = model_table(BUILT)
    assert [(r.domain, r.question, r.theme) for r in rows] == [
        ("Sponsorship", "What I require?", "Open doors"),
        ("Allyship", "What I need?", "Trust and an open relationship"),
        ("Surface characteristics", "", ""),
        ("Mentoring circles", "", ""),
    ]
    trust = rows[1]
    assert trust.score == "rank 1, total 14, 5 voters"
    assert trust.ideas == (
        "2. Honest conversations (rank 1, total 9, 4 voters); 5. Time (rank 4, total 5, 2 voters)"
    )
    assert trust.notes == "The group agreed trust comes first."
    assert trust.note == "Trust is essential before anything else."
    assert trust.source == "Demo workshop, question 1: What matters?"


def test_the_csv_table_reads_back_and_never_starts_a_formula():
    model = place(STUDY_MODEL, ThemeRef("t", "=HYPERLINK(1)", "need"), "surface", "need")
    rows = list(csv.reader(io.StringIO(table_csv(model))))
    assert rows[0][:4] == ["Domain", "Definition", "Question", "Theme"]
    assert [rows[3][0], rows[3][2], rows[3][3]] == [
        "Surface characteristics",
        "What I need?",
        "'=HYPERLINK(1)",
    ]


def test_the_html_table_escapes_and_has_a_caption():
    model = place(STUDY_MODEL, ThemeRef("t", "<b>bold</b>", "need"), "surface", "need")
    html = table_html(model)
    assert "<caption>" in html and "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>" not in html
