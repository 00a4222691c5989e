from allied.core.matching import (
    Mentee,
    Mentor,
    Preference,
    ProgrammeConfig,
    coordinator_lines,
    score_pair,
)

CONFIG = ProgrammeConfig()


def _mentee(**kwargs) -> Mentee:
    return Mentee(id=kwargs.pop("id", "e1"), **kwargs)


def _mentor(**kwargs) -> Mentor:
    return Mentor(id=kwargs.pop("id", "m1"), **kwargs)


def _outcome(pair, attribute):
    return next(o.outcome for o in pair.preferences if o.preference.attribute == attribute)


def test_a_same_profession_preference_is_met_by_a_colleague_of_that_profession():
    mentee = _mentee(
        profession="occupational_therapist",
        preferences=(Preference("profession", "same", "important"),),
    )
    pair = score_pair(mentee, _mentor(profession="occupational_therapist"), CONFIG)
    assert _outcome(pair, "profession") == "met"
    assert pair.mentee_score == 3000


def test_a_mentee_who_wants_someone_different_is_not_met_by_someone_the_same():
    mentee = _mentee(
        profession="physiotherapist",
        preferences=(Preference("profession", "different", "nice_to_have"),),
    )
    assert (
        _outcome(score_pair(mentee, _mentor(profession="physiotherapist"), CONFIG), "profession")
        == "not_met"
    )
    assert (
        _outcome(score_pair(mentee, _mentor(profession="paramedic"), CONFIG), "profession") == "met"
    )


def test_one_of_a_broad_ethnic_group_covers_its_detailed_groups():
    mentee = _mentee(
        preferences=(Preference("ethnic_group", "one_of", "important", frozenset({"black"})),)
    )
    mentor = _mentor(ethnic_group="black_caribbean", ethnicity_consent=True)
    assert _outcome(score_pair(mentee, mentor, CONFIG), "ethnic_group") == "met"


def test_ethnicity_without_consent_is_unknown_never_met_nor_broken():
    mentee = _mentee(
        ethnic_group="asian_indian",
        ethnicity_consent=True,
        preferences=(Preference("ethnic_group", "different", "important"),),
    )
    mentor = _mentor(ethnic_group="white_british", ethnicity_consent=False)
    pair = score_pair(mentee, mentor, CONFIG)
    outcome = pair.preferences[0]
    assert outcome.outcome == "unknown"
    assert outcome.unknown_because == "their_ethnicity_not_consented"
    assert outcome.points == 0
    assert pair.feasible


def test_an_essential_preference_on_ethnicity_cannot_be_satisfied_without_consent():
    mentee = _mentee(
        ethnic_group="black_african",
        ethnicity_consent=True,
        preferences=(Preference("broad_ethnic_group", "same", "essential"),),
    )
    without = _mentor(ethnic_group="black_african", ethnicity_consent=False)
    with_consent = _mentor(ethnic_group="black_african", ethnicity_consent=True)
    assert not score_pair(mentee, without, CONFIG).feasible
    assert score_pair(mentee, with_consent, CONFIG).feasible


def test_gender_needs_its_own_consent_and_the_explanation_says_so():
    # Consent to use the ethnic group is not consent to use gender (issue 18).
    mentee = _mentee(
        gender="woman",
        gender_consent=True,
        preferences=(Preference("gender", "same", "important"),),
    )
    without = _mentor(gender="woman", ethnicity_consent=True, gender_consent=False)
    pair = score_pair(mentee, without, CONFIG)
    outcome = pair.preferences[0]
    assert (outcome.outcome, outcome.unknown_because) == ("unknown", "their_gender_not_consented")
    assert outcome.points == 0
    lines = " ".join(coordinator_lines(pair, mentee, without))
    assert "has not agreed to their gender being used for matching" in lines
    assert "did not give their gender" not in lines
    with_consent = _mentor(gender="woman", gender_consent=True)
    assert _outcome(score_pair(mentee, with_consent, CONFIG), "gender") == "met"
    # Her own gender, given without consent, cannot be "the same as" anyone's either.
    own = _mentee(gender="woman", gender_consent=False, preferences=mentee.preferences, id="e2")
    outcome = score_pair(own, with_consent, CONFIG).preferences[0]
    assert outcome.unknown_because == "own_gender_not_consented"


def test_an_essential_preference_on_gender_cannot_be_satisfied_without_consent():
    mentee = _mentee(
        gender="woman",
        gender_consent=True,
        preferences=(Preference("gender", "same", "essential"),),
    )
    assert not score_pair(mentee, _mentor(gender="woman"), CONFIG).feasible
    assert score_pair(mentee, _mentor(gender="woman", gender_consent=True), CONFIG).feasible


def test_a_line_manager_is_never_a_mentor():
    pair = score_pair(_mentee(line_manager="m1"), _mentor(), CONFIG)
    assert [b.code for b in pair.breaches] == ["line_manager"]
    assert not pair.breaches[0].relaxable


def test_need_to_offer_fit_weights_what_i_need_above_what_can_help():
    from allied.core.matching import Needs

    mentee = _mentee(needs=Needs(need=frozenset({"sponsorship"}), help=frozenset({"networking"})))
    pair = score_pair(mentee, _mentor(offers=frozenset({"sponsorship"})), CONFIG)
    assert pair.needs_fit.fit == 2 / 3


def test_explanations_can_leave_out_ethnic_group_and_gender_values():
    from allied.core.matching import coordinator_lines
    from allied.core.matching import vocabulary as v

    mentee = Mentee(
        id="a",
        name="Ada",
        ethnic_group="black_caribbean",
        ethnicity_consent=True,
        gender="woman",
        gender_consent=True,
        preferences=(
            Preference("ethnic_group", "same"),
            Preference("gender", "same", "nice_to_have"),
            Preference("profession", "same"),
        ),
        profession="dietitian",
    )
    mentor = Mentor(
        id="b",
        name="Bea",
        ethnic_group="black_caribbean",
        ethnicity_consent=True,
        gender="woman",
        gender_consent=True,
        profession="dietitian",
    )
    pair = score_pair(mentee, mentor, ProgrammeConfig())
    full = " ".join(coordinator_lines(pair, mentee, mentor))
    redacted = " ".join(coordinator_lines(pair, mentee, mentor, sensitive_values=False))
    caribbean = v.label(v.ETHNIC_GROUPS, "black_caribbean")
    assert caribbean in full and "Woman" in full
    assert caribbean not in redacted and "Woman" not in redacted
    # Whether each preference was met is still said, and other values still shown.
    assert redacted.count(": met") == 3
    assert "Dietitian" in redacted


def test_explanations_name_people_with_their_id_unless_told_otherwise():
    from allied.core.matching import coordinator_lines, name_only

    mentee = Mentee(id="m-17", name="Ada", profession="dietitian")
    mentor = Mentor(id="t-4", name="Bea", profession="dietitian")
    pair = score_pair(mentee, mentor, ProgrammeConfig())
    assert "Ada (m-17)" in coordinator_lines(pair, mentee, mentor)[0]
    named = coordinator_lines(pair, mentee, mentor, who=name_only)[0]
    assert "Ada" in named and "m-17" not in named and "t-4" not in named


def test_either_meeting_mode_meets_a_same_mode_preference_as_the_hard_rule_allows():
    """Issue 18, item 2: someone who meets either way suits a mentee who wants the same mode,
    as `meeting_modes_compatible` already says for the hard rule; online and in person only
    do not meet each other."""
    wants_same = (Preference("meeting_mode", "same", "important"),)
    in_person = _mentee(meeting_mode="in_person", preferences=wants_same)
    pair = score_pair(in_person, _mentor(meeting_mode="either"), CONFIG)
    assert _outcome(pair, "meeting_mode") == "met"
    assert pair.mentee_score == 3000
    either = _mentee(meeting_mode="either", preferences=wants_same)
    assert _outcome(score_pair(either, _mentor(meeting_mode="online"), CONFIG), "meeting_mode") == (
        "met"
    )
    assert _outcome(
        score_pair(in_person, _mentor(meeting_mode="online"), CONFIG), "meeting_mode"
    ) == ("not_met")
    wants_online = (Preference("meeting_mode", "one_of", "important", frozenset({"online"})),)
    assert _outcome(
        score_pair(_mentee(preferences=wants_online), _mentor(meeting_mode="either"), CONFIG),
        "meeting_mode",
    ) == ("met")
