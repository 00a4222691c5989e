"""The mentoring model as data: the study's wording, JSON, validation and edits."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from allied.core import allyship
from allied.core.model import (
    STUDY_MODEL,
    Domain,
    MentoringModel,
    ModelError,
    Question,
    ThemeRef,
    TrailIdea,
    add_domain,
    code_for,
    define_domain,
    from_dict,
    from_json,
    merge_domains,
    place,
    problems,
    rename_domain,
    to_dict,
    to_json,
    unplace,
    without_themes,
)

# The study's wording ------------------------------------------------------------------------


def test_the_default_model_has_the_studys_four_domains_around_the_mentee():
    assert [d.name for d in STUDY_MODEL.domains] == [
        "Sponsorship",
        "Allyship",
        "Surface characteristics",
        "Mentoring circles",
    ]
    assert STUDY_MODEL.centre == "The mentee"


def test_the_default_model_asks_the_studys_four_questions_with_their_meanings():
    assert [(q.text, q.meaning) for q in STUDY_MODEL.questions] == [
        ("What I need?", "Essential for basic function."),
        ("What can help me?", "Provides or makes things easier, but not absolutely necessary."),
        (
            "What can support me?",
            "Offers guidance or assistance over time, enhancing outcomes but not mandatory.",
        ),
        ("What I require?", "A formal or necessary condition for proceeding."),
    ]


def test_the_default_model_carries_the_studys_picture_of_allyship():
    assert "kindness and courage" in STUDY_MODEL.allyship
    assert "believing, challenging, disrupting to bring about change" in STUDY_MODEL.allyship
    assert "kindness and courage" in STUDY_MODEL.domain("allyship").definition
    assert STUDY_MODEL.qualities == allyship.QUALITIES


def test_the_default_model_cites_the_study():
    assert "doi:10.1136/bmjopen-2024-089121" in STUDY_MODEL.citation
    assert STUDY_MODEL.citation.startswith("Sriram V, Atwal A, McKay EA.")


def test_the_default_model_is_valid_and_places_no_theme():
    assert problems(STUDY_MODEL) == []
    assert STUDY_MODEL.themes() == []


# JSON ---------------------------------------------------------------------------------------

texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
names = texts.filter(lambda s: s.strip() != "")
codes = st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True)
numbers = st.none() | st.floats(allow_nan=False, allow_infinity=False, width=64)
counts = st.none() | st.integers(min_value=0, max_value=10_000)


@st.composite
def models(draw) -> MentoringModel:
    question_codes = draw(st.lists(codes, min_size=1, max_size=5, unique=True))
    questions = tuple(Question(c, draw(names), draw(texts)) for c in question_codes)
    domain_codes = draw(st.lists(codes, min_size=1, max_size=6, unique=True))
    domain_names = draw(
        st.lists(
            names,
            min_size=len(domain_codes),
            max_size=len(domain_codes),
            unique_by=lambda s: s.strip().casefold(),
        )
    )
    keys = iter(draw(st.lists(codes, max_size=12, unique=True)))
    domains = []
    for code, name in zip(domain_codes, domain_names, strict=True):
        themes = []
        for _ in range(draw(st.integers(0, 3))):
            key = next(keys, None)
            if key is None:
                break
            themes.append(
                ThemeRef(
                    key=key,
                    name=draw(names),
                    question=draw(st.sampled_from(question_codes)),
                    source=draw(texts),
                    rank=draw(counts),
                    total=draw(numbers),
                    voters=draw(counts),
                    ideas=tuple(
                        TrailIdea(
                            draw(st.integers(1, 99)),
                            draw(texts),
                            draw(counts),
                            draw(numbers),
                            draw(counts),
                        )
                        for _ in range(draw(st.integers(0, 3)))
                    ),
                    notes=tuple(draw(st.lists(texts, max_size=3))),
                    note=draw(texts),
                )
            )
        domains.append(Domain(code, name, draw(texts), tuple(themes)))
    return MentoringModel(
        name=draw(names),
        version=draw(st.integers(1, 500)),
        domains=tuple(domains),
        questions=questions,
        qualities=allyship.QUALITIES[: draw(st.integers(0, len(allyship.QUALITIES)))],
        citation=draw(texts),
        centre=draw(names),
        allyship=draw(texts),
    )


@given(models())
def test_a_model_round_trips_through_json_exactly(model):
    text = to_json(model)
    again = from_json(text)
    assert again == model
    assert to_json(again) == text


@given(models())
def test_a_model_round_trips_through_plain_values(model):
    assert from_dict(json.loads(json.dumps(to_dict(model)))) == model


def test_the_study_model_round_trips_through_json():
    assert from_json(to_json(STUDY_MODEL)) == STUDY_MODEL


# Validation ---------------------------------------------------------------------------------


def test_it_lists_every_problem_at_once():
    broken = replace(
        STUDY_MODEL,
        name=" ",
        domains=(
            Domain("same", "Sponsorship"),
            Domain("same", ""),
            Domain("Bad Code", "sponsorship"),
        ),
        questions=(Question("need", "What I need?", ""), Question("need", "", "")),
    )
    found = problems(broken)
    assert "The model needs a name." in found
    assert "Two domains have the code 'same'." in found
    assert "Domain 2 (same) needs a name." in found
    assert "Two domains are called 'sponsorship'." in found
    assert any(p.startswith("Domain 3 has the code 'Bad Code'") for p in found)
    assert "Two questions have the code 'need'." in found
    assert "Question 2 (need) needs its wording." in found
    with pytest.raises(ModelError) as caught:
        from_json(to_json(broken))
    assert set(found) <= set(caught.value.problems)


def test_a_theme_under_a_question_the_model_does_not_ask_is_an_unknown_reference():
    domain = replace(STUDY_MODEL.domains[0], themes=(ThemeRef("theme-1", "Open doors", "why"),))
    model = replace(STUDY_MODEL, domains=(domain, *STUDY_MODEL.domains[1:]))
    assert problems(model) == [
        "The theme 'Open doors' in Sponsorship answers the question 'why', which the model "
        "does not ask."
    ]


def test_a_theme_placed_twice_is_refused():
    theme = ThemeRef("theme-1", "Open doors", "need")
    first = replace(STUDY_MODEL.domains[0], themes=(theme,))
    second = replace(STUDY_MODEL.domains[1], themes=(theme,))
    model = replace(STUDY_MODEL, domains=(first, second, *STUDY_MODEL.domains[2:]))
    assert problems(model) == ["The theme 'theme-1' is placed more than once."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("not json", "This is not valid JSON"),
        ("[]", "A mentoring model should be a JSON object."),
        ('{"format": "something else"}', "This is not a mentoring model"),
    ],
)
def test_it_explains_text_that_is_not_a_model(text, expected):
    with pytest.raises(ModelError) as caught:
        from_json(text)
    assert caught.value.problems[0].startswith(expected)


def test_it_names_each_missing_or_wrongly_typed_field():
    data = to_dict(STUDY_MODEL)
    data["version"] = "two"
    del data["domains"][1]["name"]
    data["domains"][0]["themes"] = [{"key": "t", "name": "T", "question": "need", "rank": True}]
    data["questions"][0]["text"] = 7
    with pytest.raises(ModelError) as caught:
        from_dict(data)
    assert caught.value.problems == (
        "The model: 'version' should be a whole number.",
        "Question 1: 'text' should be text.",
        "Domain 1, theme 1: 'rank' should be a whole number.",
        "Domain 2 has no 'name'.",
    )


def test_a_model_from_a_newer_format_is_refused_with_a_reason():
    data = to_dict(STUDY_MODEL) | {"format_version": 2}
    with pytest.raises(ModelError, match="format version 2"):
        from_dict(data)


def test_a_score_that_is_not_a_number_is_refused():
    text = to_json(place(STUDY_MODEL, ThemeRef("t", "T", "need"), "allyship", "need"))
    with pytest.raises(ModelError, match="not a number"):
        from_json(text.replace('"total": null', '"total": NaN', 1))


# Edits --------------------------------------------------------------------------------------

OPEN_DOORS = ThemeRef("theme-1", "Open doors", "need", ideas=(TrailIdea(3, "Introductions"),))


def test_placing_a_theme_puts_it_in_the_domain_under_the_question():
    model = place(STUDY_MODEL, OPEN_DOORS, "sponsorship", "require")
    assert model.domain("sponsorship").themes == (replace(OPEN_DOORS, question="require"),)


def test_placing_a_theme_again_moves_it_rather_than_copying_it():
    model = place(STUDY_MODEL, OPEN_DOORS, "sponsorship", "require")
    model = place(model, OPEN_DOORS, "allyship", "help")
    assert [(d.code, t.question) for d, t in model.themes()] == [("allyship", "help")]


def test_placing_under_an_unknown_domain_or_question_changes_nothing():
    with pytest.raises(ModelError, match="no domain with the code 'nowhere'"):
        place(STUDY_MODEL, OPEN_DOORS, "nowhere", "need")
    with pytest.raises(ModelError, match="no question with the code 'why'"):
        place(STUDY_MODEL, OPEN_DOORS, "allyship", "why")


def test_unplacing_takes_the_theme_out():
    model = place(STUDY_MODEL, OPEN_DOORS, "sponsorship", "require")
    assert unplace(model, "theme-1") == STUDY_MODEL
    assert unplace(STUDY_MODEL, "theme-1") == STUDY_MODEL


def test_renaming_a_domain_keeps_its_code_and_themes():
    model = place(STUDY_MODEL, OPEN_DOORS, "sponsorship", "require")
    renamed = rename_domain(model, "sponsorship", "  Sponsorship   and opportunity ")
    assert renamed.domain("sponsorship").name == "Sponsorship and opportunity"
    assert renamed.domain("sponsorship").themes == model.domain("sponsorship").themes


def test_a_domain_cannot_take_another_domains_name_or_none():
    with pytest.raises(ModelError, match="already a domain called 'Allyship'"):
        rename_domain(STUDY_MODEL, "sponsorship", "allyship")
    with pytest.raises(ModelError, match="Enter the domain's name"):
        rename_domain(STUDY_MODEL, "sponsorship", "   ")
    assert rename_domain(STUDY_MODEL, "sponsorship", "SPONSORSHIP").domains[0].name == (
        "SPONSORSHIP"
    )


def test_merging_two_domains_keeps_every_theme_and_both_definitions():
    model = place(STUDY_MODEL, OPEN_DOORS, "circles", "support")
    merged = merge_domains(model, "allyship", "circles", name="Allyship and peer support")
    assert [d.code for d in merged.domains] == ["sponsorship", "allyship", "surface"]
    kept = merged.domain("allyship")
    assert kept.name == "Allyship and peer support"
    assert kept.themes == (replace(OPEN_DOORS, question="support"),)
    assert kept.definition == (
        STUDY_MODEL.domain("allyship").definition
        + "\n\n"
        + STUDY_MODEL.domain("circles").definition
    )


def test_merging_may_keep_either_name_but_not_a_third_domains():
    assert merge_domains(STUDY_MODEL, "allyship", "circles", name="Mentoring circles").domain(
        "allyship"
    ).name == ("Mentoring circles")
    with pytest.raises(ModelError, match="already a domain called 'Sponsorship'"):
        merge_domains(STUDY_MODEL, "allyship", "circles", name="Sponsorship")
    with pytest.raises(ModelError, match="two different domains"):
        merge_domains(STUDY_MODEL, "allyship", "allyship")


def test_adding_a_domain_makes_a_code_from_its_name():
    model = add_domain(STUDY_MODEL, "Peer support", "Colleagues who listen.")
    assert model.domains[-1] == Domain("peer-support", "Peer support", "Colleagues who listen.")
    again = add_domain(model, "Peer-support!")
    assert again.domains[-1].code == "peer-support-2"
    with pytest.raises(ModelError, match="already a domain called 'Peer support'"):
        add_domain(model, "peer support")


def test_a_code_is_made_from_any_name():
    assert code_for("Équité & inclusion") == "equite-inclusion"
    assert code_for("✨") == "domain"
    assert code_for("A", {"a", "a-2"}) == "a-3"


def test_defining_a_domain_replaces_its_definition():
    model = define_domain(STUDY_MODEL, "surface", "  Who you are matched with.  ")
    assert model.domain("surface").definition == "Who you are matched with."
    with pytest.raises(ModelError, match="2000 characters"):
        define_domain(STUDY_MODEL, "surface", "x" * 2001)


def test_the_frame_of_a_model_is_it_without_its_themes():
    model = place(STUDY_MODEL, OPEN_DOORS, "sponsorship", "require")
    assert without_themes(model) == STUDY_MODEL


@given(models(), st.data())
def test_edits_keep_a_model_valid_and_never_lose_a_theme(model, data):
    domain = data.draw(st.sampled_from([d.code for d in model.domains]))
    question = data.draw(st.sampled_from([q.code for q in model.questions]))
    placed = place(model, ThemeRef("new-theme-key", "New", question), domain, question)
    assert problems(placed) == []
    keys = sorted(t.key for _, t in placed.themes())
    if len(placed.domains) >= 2:
        keep, absorb = data.draw(
            st.lists(
                st.sampled_from([d.code for d in placed.domains]),
                min_size=2,
                max_size=2,
                unique=True,
            )
        )
        merged = merge_domains(placed, keep, absorb)
        assert sorted(t.key for _, t in merged.themes()) == keys
        assert len(merged.domains) == len(placed.domains) - 1
