"""Scoring one mentee-mentor pair, part by part: the reference that explanations are built from.

Scores are whole milli-points (thousandths) so that solvers are exact; `to_points` turns them back.
The cohort scorer in `cohort.py` computes the same numbers in bulk, with the same arithmetic in the
same order, and the tests hold the two equal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from allied.core.matching import vocabulary as v
from allied.core.matching.model import Mentee, Mentor, Person, Preference, ProgrammeConfig

ATTRIBUTE_ORDER = tuple(code for code, _ in v.PREFERENCE_ATTRIBUTES)


def to_milli(points: float) -> int:
    """Return `points` as whole thousandths, halves rounded up.

    The tiny offset makes a true half round the same way whichever order the parts were added in.
    """
    return math.floor(points * 1000 + 0.5 + 1e-7)


def to_points(milli: int) -> float:
    """Return milli-points as points."""
    return milli / 1000


@dataclass(frozen=True)
class PreferenceOutcome:
    """One preference of one side about the other, and how it came out.

    `holder` is "mentee" or "mentor"; `outcome` is "met", "not_met" or "unknown"; `points` is what
    it added to the holder's score; `unknown_because` says why an unknown one could not be judged.
    """

    holder: str
    preference: Preference
    outcome: str
    points: float
    unknown_because: str = ""


ENDED_BEFORE = "their mentoring together ended"


@dataclass(frozen=True)
class Breach:
    """A hard rule a pair breaks. `relaxable` is false for exclusions nobody should waive."""

    code: str
    text: str
    relaxable: bool = True


@dataclass(frozen=True)
class DeepLevel:
    """Deep-level similarity parts, each 0 to 1 or None when either side gave too little."""

    values_and_style: float | None
    shared_values_and_style: frozenset[str]
    interests_and_goals: float | None
    shared_interests_and_goals: frozenset[str]
    personality: float | None
    similarity: float


@dataclass(frozen=True)
class NeedsFit:
    """How much of what the mentee asked for the mentor offers: `fit` is 0 to 1 or None."""

    fit: float | None
    covered: tuple[tuple[str, frozenset[str]], ...]
    uncovered: tuple[tuple[str, frozenset[str]], ...]


@dataclass(frozen=True)
class PairScore:
    """Everything about one pair: hard-rule breaches, preference outcomes and the score parts.

    `mentee_score` and `mentor_score` are milli-points, worked out even for an infeasible pair so
    that a coordinator can see what it would have scored.
    """

    mentee_id: str
    mentor_id: str
    breaches: tuple[Breach, ...]
    preferences: tuple[PreferenceOutcome, ...]
    deep_level: DeepLevel
    needs_fit: NeedsFit
    mentee_score: int
    mentor_score: int

    @property
    def feasible(self) -> bool:
        """Return whether the pair breaks no hard rule."""
        return not self.breaches

    @property
    def score(self) -> int:
        """Return the pair's score in milli-points: both sides added together."""
        return self.mentee_score + self.mentor_score


def preference_outcome(holder: Person, other: Person, preference: Preference) -> tuple[str, str]:
    """Return ("met" | "not_met" | "unknown", why unknown) for `holder`'s preference about `other`."""
    theirs = other.matching_values(preference.attribute)
    if theirs is None:
        return "unknown", _unknown_because(other, preference.attribute, "their")
    if preference.kind == "one_of":
        wanted = expand_groups(preference.attribute, preference.values)
        return ("met" if theirs & wanted else "not_met"), ""
    mine = holder.matching_values(preference.attribute)
    if mine is None:
        return "unknown", _unknown_because(holder, preference.attribute, "own")
    shared = bool(mine & theirs)
    met = shared if preference.kind == "same" else not shared
    return ("met" if met else "not_met"), ""


def expand_groups(attribute: str, values: frozenset[str]) -> frozenset[str]:
    """Return `values` with broad ethnic groups spelt out as their detailed groups."""
    if attribute != "ethnic_group":
        return values
    broad = v.codes(v.BROAD_ETHNIC_GROUPS)
    out = set(values - broad)
    for code in v.codes(v.ETHNIC_GROUPS):
        if v.broad_ethnic_group(code) in values:
            out.add(code)
    return frozenset(out)


def _unknown_because(person: Person, attribute: str, whose: str) -> str:
    if (
        attribute in ("ethnic_group", "broad_ethnic_group")
        and person.ethnic_group not in ("", v.PREFER_NOT_TO_SAY)
        and not person.ethnicity_consent
    ):
        return f"{whose}_ethnicity_not_consented"
    if (
        attribute == "gender"
        and person.gender not in ("", v.PREFER_NOT_TO_SAY)
        and not person.gender_consent
    ):
        return f"{whose}_gender_not_consented"
    return f"{whose}_not_given"


def strength_points(preference: Preference, config: ProgrammeConfig) -> float:
    """Return what meeting `preference` is worth; essential ones are filters and earn nothing."""
    if preference.strength == "important":
        return config.weights.important
    if preference.strength == "nice_to_have":
        return config.weights.nice_to_have
    return 0.0


def hard_rule_breaches(mentee: Mentee, mentor: Mentor, config: ProgrammeConfig) -> list[Breach]:
    """Return the hard rules the pair breaks, apart from essential preferences and capacity."""
    rules = config.rules
    out: list[Breach] = []
    if mentee.line_manager == mentor.id or mentor.line_manager == mentee.id:
        out.append(Breach("line_manager", "one is the other's line manager", relaxable=False))
    if mentor.id in mentee.exclusions or mentee.id in mentor.exclusions:
        out.append(
            Breach("named_exclusion", "one has asked not to be matched with the other", False)
        )
    if mentor.id in mentee.ended_with or mentee.id in mentor.ended_with:
        out.append(Breach("ended_before", ENDED_BEFORE, relaxable=False))
    if rules.exclude_same_team and mentee.team and mentee.team == mentor.team:
        out.append(Breach("same_team", "they work in the same team"))
    if rules.mentor_higher_band and not _higher_band(mentor.band, mentee.band):
        out.append(Breach("higher_band", "the programme asks for a mentor at a higher band"))
    if rules.mentor_allyship_trained and not mentor.allyship_trained:
        out.append(
            Breach(
                "allyship_training",
                "the programme asks for mentors who completed allyship training",
            )
        )
    if rules.compatible_meeting_mode and not meeting_modes_compatible(
        mentee.meeting_mode, mentor.meeting_mode
    ):
        out.append(Breach("meeting_mode", "one can meet only online and the other only in person"))
    if (
        rules.shared_availability
        and mentee.availability
        and mentor.availability
        and not mentee.availability & mentor.availability
    ):
        out.append(Breach("availability", "they have no time of the week in common"))
    return out


def _higher_band(mentor_band: str, mentee_band: str) -> bool:
    mine, theirs = v.band_rank(mentor_band), v.band_rank(mentee_band)
    return mine is not None and theirs is not None and mine[0] == theirs[0] and mine[1] > theirs[1]


def meeting_modes_compatible(a: str, b: str) -> bool:
    """Return whether two meeting modes allow a meeting; "either" or unknown suits everyone."""
    return {a, b} != {"online", "in_person"}


def deep_level(mentee: Person, mentor: Person, config: ProgrammeConfig) -> DeepLevel:
    """Return deep-level similarity: values and working style, interests and goals, personality."""
    w = config.weights
    a = _tagged(mentee.values, "v") | _tagged(mentee.working_style, "s")
    b = _tagged(mentor.values, "v") | _tagged(mentor.working_style, "s")
    values = len(a & b) / len(a | b) if a and b else None
    c = _tagged(mentee.interests, "i") | _tagged(mentee.career_goals, "g")
    d = _tagged(mentor.interests, "i") | _tagged(mentor.career_goals, "g")
    interests = len(c & d) / len(c | d) if c and d else None
    personality = _personality(mentee, mentor)
    num = 0.0
    den = 0.0
    for weight, part in (
        (w.values_and_style, values),
        (w.interests_and_goals, interests),
        (w.personality, personality),
    ):
        if part is not None:
            num = num + weight * part
            den = den + weight
    return DeepLevel(
        values_and_style=values,
        shared_values_and_style=frozenset(x[2:] for x in a & b),
        interests_and_goals=interests,
        shared_interests_and_goals=frozenset(x[2:] for x in c & d),
        personality=personality,
        similarity=num / den if den > 0 else 0.0,
    )


def _tagged(items: frozenset[str], tag: str) -> frozenset[str]:
    return frozenset(f"{tag}:{item}" for item in items)


def _personality(a: Person, b: Person) -> float | None:
    gap = 0.0
    known = 0.0
    for x, y in ((a.openness, b.openness), (a.conscientiousness, b.conscientiousness)):
        if x is not None and y is not None:
            gap = gap + abs(x - y)
            known = known + 1.0
    return 1.0 - gap / (4.0 * known) if known else None


def needs_fit(mentee: Mentee, mentor: Mentor, config: ProgrammeConfig) -> NeedsFit:
    """Return the weighted share of the mentee's needs that the mentor offers."""
    w = config.weights
    num = 0.0
    den = 0.0
    covered = []
    uncovered = []
    for topic, _ in v.SUPPORT_TOPICS:
        weight = 0.0
        for question, topics in mentee.needs.by_question():
            if topic in topics:
                weight = weight + getattr(w, question)
        den = den + weight
        if topic in mentor.offers:
            num = num + weight
    for question, topics in mentee.needs.by_question():
        if topics:
            covered.append((question, topics & mentor.offers))
            uncovered.append((question, topics - mentor.offers))
    return NeedsFit(
        fit=num / den if den > 0 else None, covered=tuple(covered), uncovered=tuple(uncovered)
    )


def score_pair(mentee: Mentee, mentor: Mentor, config: ProgrammeConfig) -> PairScore:
    """Return the full breakdown of the pair's score and any hard rules it breaks.

    Capacity is not judged here: it belongs to the cohort, not the pair.
    """
    breaches = hard_rule_breaches(mentee, mentor, config)
    outcomes: list[PreferenceOutcome] = []
    points = {"mentee": 0.0, "mentor": 0.0}
    for attribute in ATTRIBUTE_ORDER:
        for holder_name, holder, other in (("mentee", mentee, mentor), ("mentor", mentor, mentee)):
            preference = holder.preference(attribute)
            if preference is None:
                continue
            outcome, why = preference_outcome(holder, other, preference)
            earned = strength_points(preference, config) if outcome == "met" else 0.0
            points[holder_name] = points[holder_name] + earned
            outcomes.append(PreferenceOutcome(holder_name, preference, outcome, earned, why))
            if preference.strength == "essential" and outcome != "met":
                breaches.append(
                    Breach(
                        f"{holder_name}_essential:{attribute}",
                        f"the {holder_name}'s essential preference about "
                        f"{v.label(v.PREFERENCE_ATTRIBUTES, attribute).lower()} is "
                        + _breach_detail(outcome, why),
                    )
                )
    deep = deep_level(mentee, mentor, config)
    fit = needs_fit(mentee, mentor, config)
    w = config.weights
    mentee_points = (points["mentee"] + w.deep_level * deep.similarity) + w.needs * (
        fit.fit if fit.fit is not None else 0.0
    )
    mentor_points = points["mentor"] + w.deep_level * deep.similarity
    return PairScore(
        mentee_id=mentee.id,
        mentor_id=mentor.id,
        breaches=tuple(breaches),
        preferences=tuple(outcomes),
        deep_level=deep,
        needs_fit=fit,
        mentee_score=to_milli(mentee_points),
        mentor_score=to_milli(mentor_points),
    )


def _breach_detail(outcome: str, why: str) -> str:
    if outcome == "not_met":
        return "not met"
    if why.endswith("_not_consented"):
        whose = "their own" if why.startswith("own") else "the other person's"
        what = "ethnic group" if why.endswith("ethnicity_not_consented") else "gender"
        return f"unknown: {whose} {what} may not be used for matching without consent"
    return (
        "unknown: "
        + ("their own" if why.startswith("own") else "the other person's")
        + " value was not given"
    )
