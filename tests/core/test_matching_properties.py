"""Properties of the matching engine on random small cohorts (hypothesis)."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from allied.core.matching import (
    OBJECTIVES,
    Lock,
    Mentee,
    Mentor,
    Needs,
    Preference,
    ProgrammeConfig,
    Rules,
    Weights,
    match_cohort,
    score_pair,
    shortlist,
)
from allied.core.matching.cohort import CohortIndex, build_candidates

PROFESSIONS = ("occupational_therapist", "physiotherapist", "paramedic")
BANDS = ("band_5", "band_6", "band_7", "band_8a", "early_career", "")
ETHNIC = (
    "black_african",
    "black_caribbean",
    "asian_indian",
    "white_british",
    "prefer_not_to_say",
    "",
)
GENDERS = ("woman", "man", "")
MODES = ("online", "in_person", "either")
REGIONS = ("london", "wales", "")
VALUES = ("honesty", "humility", "kindness", "courage")
STYLES = ("structured", "reflective", "direct")
GOALS = ("promotion", "leadership", "research")
TOPICS = ("sponsorship", "networking", "clinical_skills", "race_and_racism")
LANGUAGES = ("english", "urdu", "yoruba")

ONE_OF_VALUES = {
    "profession": PROFESSIONS,
    "band": ("band_6", "band_7", "band_8a"),
    "region": ("london", "wales"),
    "ethnic_group": ("black_african", "asian_indian", "black", "white"),
    "broad_ethnic_group": ("black", "asian", "white"),
    "gender": ("woman", "man"),
    "languages": LANGUAGES,
    "meeting_mode": MODES,
}


@st.composite
def preferences(draw) -> tuple[Preference, ...]:
    attributes = draw(st.lists(st.sampled_from(sorted(ONE_OF_VALUES)), unique=True, max_size=3))
    out = []
    for attribute in attributes:
        kind = draw(st.sampled_from(("same", "different", "one_of")))
        strength = draw(st.sampled_from(("essential", "important", "nice_to_have")))
        values = (
            frozenset(
                draw(st.lists(st.sampled_from(ONE_OF_VALUES[attribute]), min_size=1, max_size=2))
            )
            if kind == "one_of"
            else frozenset()
        )
        out.append(Preference(attribute, kind, strength, values))
    return tuple(out)


def _scale():
    return st.one_of(st.none(), st.sampled_from((1.0, 2.5, 3.0, 4.0, 4.5, 5.0)))


def _common(draw, ident: str, others: list[str]) -> dict:
    return {
        "id": ident,
        "profession": draw(st.sampled_from(PROFESSIONS)),
        "band": draw(st.sampled_from(BANDS)),
        "region": draw(st.sampled_from(REGIONS)),
        "ethnic_group": draw(st.sampled_from(ETHNIC)),
        "ethnicity_consent": draw(st.booleans()),
        "gender": draw(st.sampled_from(GENDERS)),
        "gender_consent": draw(st.booleans()),
        "languages": frozenset(draw(st.lists(st.sampled_from(LANGUAGES), max_size=2))),
        "meeting_mode": draw(st.sampled_from(MODES)),
        "values": frozenset(draw(st.lists(st.sampled_from(VALUES), max_size=3))),
        "working_style": frozenset(draw(st.lists(st.sampled_from(STYLES), max_size=2))),
        "career_goals": frozenset(draw(st.lists(st.sampled_from(GOALS), max_size=2))),
        "interests": frozenset(draw(st.lists(st.sampled_from(("stroke", "neuro")), max_size=1))),
        "openness": draw(_scale()),
        "conscientiousness": draw(_scale()),
        "preferences": draw(preferences()),
        "team": draw(st.sampled_from(("", "", "red", "blue"))),
        "exclusions": frozenset(draw(st.lists(st.sampled_from(others), max_size=1)))
        if others
        else frozenset(),
    }


@st.composite
def cohorts(draw, max_mentees: int = 6, max_mentors: int = 4):
    """Return (mentees, mentors) with varied preferences, exclusions and capacities."""
    n = draw(st.integers(1, max_mentees))
    m = draw(st.integers(1, max_mentors))
    mentee_ids = [f"e{i}" for i in range(n)]
    mentor_ids = [f"m{j}" for j in range(m)]
    mentees = []
    for ident in mentee_ids:
        common = _common(draw, ident, mentor_ids)
        common["line_manager"] = draw(st.sampled_from(["", "", *mentor_ids]))
        needs = Needs(
            need=frozenset(draw(st.lists(st.sampled_from(TOPICS), max_size=2))),
            help=frozenset(draw(st.lists(st.sampled_from(TOPICS), max_size=2))),
            support=frozenset(draw(st.lists(st.sampled_from(TOPICS), max_size=1))),
        )
        mentees.append(Mentee(needs=needs, **common))
    mentors = []
    for ident in mentor_ids:
        common = _common(draw, ident, mentee_ids)
        mentors.append(
            Mentor(
                capacity=draw(st.integers(0, 3)),
                offers=frozenset(draw(st.lists(st.sampled_from(TOPICS), max_size=3))),
                allyship_trained=draw(st.booleans()),
                **common,
            )
        )
    return mentees, mentors


@st.composite
def configs(draw) -> ProgrammeConfig:
    return ProgrammeConfig(
        weights=Weights(
            important=draw(st.sampled_from((3.0, 2.5, 0.7))),
            nice_to_have=draw(st.sampled_from((1.0, 0.3))),
            deep_level=draw(st.sampled_from((4.0, 1.1, 0.0))),
            needs=draw(st.sampled_from((4.0, 2.2))),
        ),
        rules=Rules(
            mentor_higher_band=draw(st.booleans()),
            mentor_allyship_trained=draw(st.booleans()),
            exclude_same_team=draw(st.booleans()),
            compatible_meeting_mode=draw(st.booleans()),
            shared_availability=draw(st.booleans()),
        ),
    )


def _pairs(mentees, mentors, config):
    """Every pair's breakdown, by the scalar reference scorer."""
    return {(e.id, m.id): score_pair(e, m, config) for e in mentees for m in mentors}


def _independent_optimum(mentees, mentors, config, locked_mentees=(), used=None):
    """(matched, total) of the best matching, by scipy on the capacity-expanded matrix."""
    used = used or {}
    free = [e for e in mentees if e.id not in locked_mentees]
    slots = [m for m in mentors for _ in range(max(0, m.capacity - used.get(m.id, 0)))]
    if not free or not slots:
        return 0, 0
    big = 10**9
    weights = np.zeros((len(free), len(slots)))
    for r, e in enumerate(free):
        for c, m in enumerate(slots):
            pair = score_pair(e, m, config)
            if pair.feasible:
                weights[r, c] = big + pair.score
    rows, cols = linear_sum_assignment(weights, maximize=True)
    chosen = [(r, c) for r, c in zip(rows, cols, strict=True) if weights[r, c] > 0]
    return len(chosen), int(sum(weights[r, c] - big for r, c in chosen))


def _check_hard_rules(result, mentees, mentors, config):
    pairs = _pairs(mentees, mentors, config)
    load = Counter(m.mentor_id for m in result.matches)
    capacity = {m.id: m.capacity for m in mentors}
    for mentor_id, count in load.items():
        assert count <= capacity[mentor_id]
    for match in result.matches:
        if not match.locked:
            pair = pairs[(match.mentee_id, match.mentor_id)]
            assert pair.feasible, pair.breaches
            assert (match.mentee_score, match.mentor_score) == (
                pair.mentee_score,
                pair.mentor_score,
            )
    ids = [m.mentee_id for m in result.matches] + [u.mentee_id for u in result.unmatched]
    assert sorted(ids) == sorted(e.id for e in mentees)


@given(cohorts(), configs(), st.sampled_from(OBJECTIVES))
def test_no_capacity_essential_preference_or_exclusion_is_ever_broken(cohort, config, objective):
    mentees, mentors = cohort
    result = match_cohort(mentees, mentors, config, objective=objective)
    _check_hard_rules(result, mentees, mentors, config)


@given(cohorts(), configs())
def test_the_default_objective_equals_an_independent_solvers_optimum(cohort, config):
    mentees, mentors = cohort
    result = match_cohort(mentees, mentors, config)
    matched, total = _independent_optimum(mentees, mentors, config)
    assert len(result.matches) == matched == result.maximum_matched
    assert sum(m.score for m in result.matches) == total


@given(cohorts(), configs())
def test_the_optimum_is_at_least_as_good_as_a_greedy_assignment(cohort, config):
    mentees, mentors = cohort
    result = match_cohort(mentees, mentors, config)
    left = {m.id: m.capacity for m in mentors}
    greedy = []
    ranked = sorted(
        (p for p in _pairs(mentees, mentors, config).values() if p.feasible),
        key=lambda p: (-p.score, p.mentee_id, p.mentor_id),
    )
    taken = set()
    for pair in ranked:
        if pair.mentee_id not in taken and left[pair.mentor_id] > 0:
            taken.add(pair.mentee_id)
            left[pair.mentor_id] -= 1
            greedy.append(pair.score)
    mine = (len(result.matches), sum(m.score for m in result.matches))
    assert mine[0] >= len(greedy)
    if mine[0] == len(greedy):
        assert mine[1] >= sum(greedy)


@given(cohorts(), configs())
def test_the_stable_mode_leaves_no_blocking_pair(cohort, config):
    mentees, mentors = cohort
    result = match_cohort(mentees, mentors, config, objective="stable")
    pairs = _pairs(mentees, mentors, config)
    mentor_of = {m.mentee_id: m.mentor_id for m in result.matches}
    held = {m.id: [x for x in result.matches if x.mentor_id == m.id] for m in mentors}
    for mentee in mentees:
        for mentor in mentors:
            pair = pairs[(mentee.id, mentor.id)]
            if not pair.feasible or mentor.capacity == 0 or mentor_of.get(mentee.id) == mentor.id:
                continue
            current = mentor_of.get(mentee.id)
            mentee_wants = (
                current is None or pair.mentee_score > pairs[(mentee.id, current)].mentee_score
            )
            ours = held[mentor.id]
            mentor_wants = len(ours) < mentor.capacity or any(
                pair.mentor_score > x.mentor_score for x in ours
            )
            assert not (mentee_wants and mentor_wants), (mentee.id, mentor.id)
    assert result.maximum_matched >= len(result.matches)


@given(cohorts(), configs())
def test_fair_mode_raises_the_lowest_score_as_high_as_it_can_go(cohort, config):
    mentees, mentors = cohort
    fair = match_cohort(mentees, mentors, config, objective="fair")
    best = match_cohort(mentees, mentors, config)
    assert len(fair.matches) == len(best.matches)
    if not fair.matches:
        return
    lowest = min(m.score for m in fair.matches)
    assert lowest >= min(m.score for m in best.matches)
    # No matching of the same size has every score above `lowest`: check with scipy.
    pairs = _pairs(mentees, mentors, config)
    slots = [m for m in mentors for _ in range(m.capacity)]
    weights = np.zeros((len(mentees), len(slots)))
    for r, e in enumerate(mentees):
        for c, m in enumerate(slots):
            pair = pairs[(e.id, m.id)]
            if pair.feasible and pair.score > lowest:
                weights[r, c] = 1
    rows, cols = linear_sum_assignment(weights, maximize=True)
    assert weights[rows, cols].sum() < len(fair.matches)


@given(cohorts(), configs(), st.data())
def test_locked_pairs_survive_and_the_rest_is_still_optimal(cohort, config, data):
    mentees, mentors = cohort
    mentee = data.draw(st.sampled_from(mentees))
    mentor = data.draw(st.sampled_from(mentors))
    result = match_cohort(mentees, mentors, config, locked=[Lock(mentee.id, mentor.id)])
    locked = [m for m in result.matches if m.locked]
    assert [(m.mentee_id, m.mentor_id) for m in locked] == [(mentee.id, mentor.id)]
    matched, total = _independent_optimum(
        mentees, mentors, config, locked_mentees={mentee.id}, used={mentor.id: 1}
    )
    free = [m for m in result.matches if not m.locked]
    assert len(free) == matched
    assert sum(m.score for m in free) == total


@given(cohorts(), configs(), st.sampled_from(OBJECTIVES), st.randoms(use_true_random=False))
def test_the_same_cohort_in_any_order_gives_the_same_matches(cohort, config, objective, rnd):
    mentees, mentors = cohort
    first = match_cohort(mentees, mentors, config, objective=objective)
    shuffled_mentees, shuffled_mentors = list(mentees), list(mentors)
    rnd.shuffle(shuffled_mentees)
    rnd.shuffle(shuffled_mentors)
    assert match_cohort(shuffled_mentees, shuffled_mentors, config, objective=objective) == first


@given(cohorts(max_mentees=8, max_mentors=5), configs())
def test_every_unmatched_mentee_gets_a_true_reason_and_a_working_relaxation(cohort, config):
    mentees, mentors = cohort
    result = match_cohort(mentees, mentors, config)
    pairs = _pairs(mentees, mentors, config)
    load = Counter(m.mentor_id for m in result.matches)
    by_id = {m.id: m for m in mentors}
    for unmatched in result.unmatched:
        feasible = [
            m for m in mentors if pairs[(unmatched.mentee_id, m.id)].feasible and m.capacity > 0
        ]
        if unmatched.reason == "feasible_mentors_full":
            assert feasible and all(load[m.id] >= m.capacity for m in feasible)
            assert unmatched.relaxation is not None and unmatched.relaxation.needs_extra_place
        else:
            assert unmatched.reason == "no_feasible_mentor" and not feasible
        relaxation = unmatched.relaxation
        if relaxation is not None:
            pair = pairs[(unmatched.mentee_id, relaxation.mentor_id)]
            assert {b.code for b in pair.breaches} == {b.code for b in relaxation.changes}
            assert relaxation.needs_extra_place == (
                load[relaxation.mentor_id] >= by_id[relaxation.mentor_id].capacity
            )
            smallest = min(
                len(pairs[(unmatched.mentee_id, m.id)].breaches)
                for m in mentors
                if m.capacity > 0
                and all(b.relaxable for b in pairs[(unmatched.mentee_id, m.id)].breaches)
            )
            assert len(relaxation.changes) == smallest


@given(cohorts(max_mentees=8, max_mentors=5), configs(), st.integers(1, 3))
def test_a_shortlist_offers_distinct_feasible_mentors_within_capacity_each_round(
    cohort, config, size
):
    mentees, mentors = cohort
    lists = shortlist(mentees, mentors, config, size=size)
    pairs = _pairs(mentees, mentors, config)
    assert set(lists) == {m.id for m in mentees}
    for mentee_id, options in lists.items():
        assert len(options) <= size
        assert len({o.mentor_id for o in options}) == len(options)
        assert all(pairs[(mentee_id, o.mentor_id)].feasible for o in options)
    offered = Counter(o.mentor_id for options in lists.values() for o in options)
    for mentor in mentors:
        assert offered[mentor.id] <= size * mentor.capacity
    best = match_cohort(mentees, mentors, config)
    firsts = sum(1 for options in lists.values() if options)
    assert firsts >= len(best.matches)


@given(cohorts(max_mentees=10, max_mentors=5), configs())
def test_pruning_keeps_every_mentor_reachable(cohort, config):
    from dataclasses import replace

    mentees, mentors = cohort
    tight = replace(config, prune_above=1, candidates_per_mentee=1, candidates_per_mentor=1)
    index = CohortIndex(
        sorted(mentees, key=lambda m: m.id), sorted(mentors, key=lambda m: m.id), tight
    )
    full = build_candidates(CohortIndex(index.mentees, index.mentors, config))
    kept = build_candidates(index)
    for j in set(full.mentor.tolist()):
        assert j in set(kept.mentor.tolist())
    for i in set(full.mentee.tolist()):
        assert i in set(kept.mentee.tolist())
    result = match_cohort(mentees, mentors, tight)
    _check_hard_rules(result, mentees, mentors, tight)


@given(cohorts(), configs())
def test_the_cohort_scorer_agrees_with_the_pair_scorer_on_every_pair(cohort, config):
    mentees, mentors = cohort
    index = CohortIndex(mentees, mentors, config)
    candidates = build_candidates(index)
    got = {
        (int(i), int(j)): (int(e), int(m))
        for i, j, e, m in zip(
            candidates.mentee,
            candidates.mentor,
            candidates.mentee_score,
            candidates.mentor_score,
            strict=True,
        )
    }
    for i, mentee in enumerate(mentees):
        feasible = index.feasible(i)
        for j, mentor in enumerate(mentors):
            pair = score_pair(mentee, mentor, config)
            expected = pair.feasible and mentor.capacity > 0
            assert bool(feasible[j]) == expected
            if expected:
                assert got[(i, j)] == (pair.mentee_score, pair.mentor_score)
            else:
                assert (i, j) not in got
    assert candidates.feasible_pairs == len(got)
    assert np.all(candidates.mentee_score >= 0)


@given(
    cohorts(),
    configs(),
    st.sampled_from(((2.0, 2.0, 1.0, 1.0), (0.7, 1.3, 0.1, 2.2), (1.5, 0.0, 0.25, 3.0))),
    st.data(),
)
def test_the_block_scorer_agrees_with_the_pair_scorer_for_any_weights_and_columns(
    cohort, config, need_weights, data
):
    from dataclasses import replace

    mentees, mentors = cohort
    need, require, help_, support = need_weights
    config = replace(
        config,
        weights=replace(config.weights, need=need, require=require, help=help_, support=support),
    )
    index = CohortIndex(mentees, mentors, config)
    columns = np.array(
        sorted(data.draw(st.sets(st.integers(0, len(mentors) - 1), min_size=1))), dtype=np.int64
    )
    rows = np.arange(len(mentees))
    for cols in (None, columns):
        feasible, mentee_score, mentor_score = index.block(rows, cols)
        for r, mentee in enumerate(mentees):
            for c, j in enumerate(range(len(mentors)) if cols is None else cols.tolist()):
                pair = score_pair(mentee, mentors[j], config)
                assert bool(feasible[r, c]) == (pair.feasible and mentors[j].capacity > 0)
                assert (mentee_score[r, c], mentor_score[r, c]) == (
                    pair.mentee_score,
                    pair.mentor_score,
                )
