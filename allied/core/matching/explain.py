"""Plain British English explanations of pairs and of mentees left unmatched.

Two views: the coordinator's, which is complete, and a participant's, which never states another
person's ethnic group or gender, nor whether the other person's preferences about them were met.
"""

from __future__ import annotations

from collections.abc import Callable

from allied.core.matching import vocabulary as v
from allied.core.matching.engine import Match, Unmatched
from allied.core.matching.model import Mentee, Mentor, Person, Preference
from allied.core.matching.scoring import (
    Breach,
    PairScore,
    PreferenceOutcome,
)

STRENGTH_WORDS = {
    "essential": "essential",
    "important": "important",
    "nice_to_have": "nice to have",
}


# Said of a mentee whose earlier mentoring ended: the pair is not proposed again unasked.
NOT_AGAIN = "not matched again with the mentor of a relationship that ended"


def points(milli: int) -> str:
    """Return milli-points as a short number: 12.5, 3, 0.125."""
    text = f"{milli / 1000:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def who(person: Person) -> str:
    """Return how explanations name a person by default: their name and id (so that a
    spreadsheet's rows can be traced), or the id alone."""
    return f"{person.name} ({person.id})" if person.name else person.id


def name_only(person: Person) -> str:
    """Return a person's name alone (the id alone when there is no name): for readers to whom
    the id means nothing, such as the web app's database keys."""
    return person.name or person.id


Namer = Callable[[Person], str]


def _attribute(attribute: str) -> str:
    return v.label(v.PREFERENCE_ATTRIBUTES, attribute).lower()


def _value_labels(attribute: str, values: frozenset[str] | None) -> str:
    if values is None:
        return "not known"
    choices = v.ATTRIBUTE_VOCABULARIES.get(attribute)
    labels = sorted(v.label(choices, x) if choices else x for x in values)
    return " or ".join(labels)


def describe_preference(preference: Preference, other_role: str) -> str:
    """Return e.g. "a mentor with the same profession" or "a mentee whose region is London"."""
    name = _attribute(preference.attribute)
    if preference.kind == "same":
        return f"a {other_role} with the same {name}"
    if preference.kind == "different":
        return f"a {other_role} with a different {name}"
    values = _value_labels(preference.attribute, preference.values)
    return f"a {other_role} whose {name} is {values}"


def _unknown_text(
    outcome: PreferenceOutcome, holder: Person, other: Person, who: Namer = who
) -> str:
    whose = holder if outcome.unknown_because.startswith("own") else other
    if outcome.unknown_because.endswith("ethnicity_not_consented"):
        return f"{who(whose)} has not agreed to their ethnic group being used for matching"
    if outcome.unknown_because.endswith("gender_not_consented"):
        return f"{who(whose)} has not agreed to their gender being used for matching"
    return f"{who(whose)} did not give their {_attribute(outcome.preference.attribute)}"


def coordinator_lines(
    pair: PairScore,
    mentee: Mentee,
    mentor: Mentor,
    *,
    sensitive_values: bool = True,
    who: Namer = who,
) -> tuple[str, ...]:
    """Return the complete explanation of a pair, one sentence a line.

    With `sensitive_values` false, lines about ethnic group and gender say whether the
    preference was met but not either person's value, so that the text can be stored and
    shown without copying special category data (the web app reads those values only through
    its audited path). `who` names people: by default their name and id."""
    lines = [
        f"Score {points(pair.score)}: {points(pair.mentee_score)} for {who(mentee)} (mentee) "
        f"and {points(pair.mentor_score)} for {who(mentor)} (mentor)."
    ]
    for breach in pair.breaches:
        lines.append(f"Breaks a hard rule: {breach.text}.")
    if mentee.ended_with and mentor.id not in mentee.ended_with:
        lines.append(f"{who(mentee)} is {NOT_AGAIN}.")
    for outcome in pair.preferences:
        holder, other = (mentee, mentor) if outcome.holder == "mentee" else (mentor, mentee)
        other_role = "mentor" if outcome.holder == "mentee" else "mentee"
        p = outcome.preference
        wanted = (
            f"{who(holder)} wanted {describe_preference(p, other_role)} "
            f"({STRENGTH_WORDS[p.strength]})"
        )
        values = (
            f" ({who(holder)}: {_value_labels(p.attribute, holder.matching_values(p.attribute))}; "
            f"{who(other)}: {_value_labels(p.attribute, other.matching_values(p.attribute))})"
        )
        if p.attribute in v.SENSITIVE_ATTRIBUTES and not sensitive_values:
            values = ""
        if outcome.outcome == "met":
            earned = f", +{points(round(outcome.points * 1000))}" if outcome.points else ""
            lines.append(f"{wanted}: met{earned}{values}.")
        elif outcome.outcome == "not_met":
            lines.append(f"{wanted}: not met{values}.")
        else:
            lines.append(
                f"{wanted}: unknown, because {_unknown_text(outcome, holder, other, who)}; "
                "counted neither as met nor as broken."
            )
    lines.append(_deep_line(pair))
    lines.append(_needs_line(pair))
    return tuple(lines)


def _deep_line(pair: PairScore) -> str:
    deep = pair.deep_level
    parts = []
    if deep.values_and_style is not None:
        shared = _listed(deep.shared_values_and_style, v.VALUES + v.WORKING_STYLES)
        parts.append(f"values and working style {deep.values_and_style:.2f} ({shared})")
    if deep.interests_and_goals is not None:
        shared = _listed(deep.shared_interests_and_goals, v.CAREER_GOALS)
        parts.append(f"interests and goals {deep.interests_and_goals:.2f} ({shared})")
    if deep.personality is not None:
        parts.append(f"openness and conscientiousness {deep.personality:.2f}")
    if not parts:
        return "Deep-level similarity: not enough given by both to compare."
    return f"Deep-level similarity {deep.similarity:.2f}: " + "; ".join(parts) + "."


def _listed(items: frozenset[str], choices: v.Choices) -> str:
    if not items:
        return "nothing in common"
    return "in common: " + ", ".join(sorted(v.label(choices, x) for x in items))


def _needs_line(pair: PairScore) -> str:
    fit = pair.needs_fit
    if fit.fit is None:
        return "Needs fit: the mentee named no needs."
    covered = [f"{v.label(v.NEEDS_QUESTIONS, q)}: {_topics(t)}" for q, t in fit.covered if t]
    missing = [f"{v.label(v.NEEDS_QUESTIONS, q)}: {_topics(t)}" for q, t in fit.uncovered if t]
    text = f"Needs fit {fit.fit:.2f}"
    text += f"; the mentor offers {'; '.join(covered)}" if covered else "; the mentor offers none"
    if missing:
        text += f"; not offered: {'; '.join(missing)}"
    return text + "."


def _topics(topics: frozenset[str]) -> str:
    return ", ".join(sorted(v.label(v.SUPPORT_TOPICS, t).lower() for t in topics))


def participant_lines(
    pair: PairScore, mentee: Mentee, mentor: Mentor, viewer: str, *, who: Namer = who
) -> tuple[str, ...]:
    """Return what `viewer` ("mentee" or "mentor") may read about why they were paired.

    Only the viewer's own preferences are mentioned. For ethnic group and gender, an essential
    preference is reported as respected (every match respects it) and any other only as taken
    into account, so that nothing about the other person's ethnic group or gender can be read.
    """
    other = mentor if viewer == "mentee" else mentee
    other_role = "mentor" if viewer == "mentee" else "mentee"
    lines = [f"You have been matched with {who(other)}."]
    for outcome in pair.preferences:
        if outcome.holder != viewer:
            continue
        p = outcome.preference
        strength = STRENGTH_WORDS[p.strength]
        if p.attribute in v.SENSITIVE_ATTRIBUTES:
            if p.strength == "essential":
                lines.append(
                    f"Your essential preference about {_attribute(p.attribute)} was respected."
                )
            else:
                lines.append(
                    f"Your preference about {_attribute(p.attribute)} ({strength}) was taken into "
                    "account where the other person agreed to it."
                )
            continue
        state = {"met": "was met", "not_met": "could not be met", "unknown": "could not be checked"}
        lines.append(
            f"You asked for {describe_preference(p, other_role)} ({strength}): "
            f"this {state[outcome.outcome]}."
        )
    deep = pair.deep_level
    shared = deep.shared_values_and_style | deep.shared_interests_and_goals
    if shared:
        names = sorted(v.label(v.VALUES + v.WORKING_STYLES + v.CAREER_GOALS, x) for x in shared)
        lines.append(f"You have in common: {', '.join(names)}.")
    fit = pair.needs_fit
    offered = sorted({t for _, topics in fit.covered for t in topics})
    if offered:
        text = _topics(frozenset(offered))
        if viewer == "mentee":
            lines.append(f"Your mentor can offer support with: {text}.")
        else:
            lines.append(f"Your mentee is looking for support you offer with: {text}.")
    return tuple(lines)


def reason_line(pair: PairScore, mentee: Mentee, mentor: Mentor, match: Match) -> str:
    """Return a one-sentence summary of why a pair was made, for the coordinator."""
    met = [o for o in pair.preferences if o.outcome == "met"]
    missed = [o for o in pair.preferences if o.outcome == "not_met"]
    start = "Locked by the coordinator" if match.locked else "Matched"
    parts = [f"{start} with score {points(match.score)}"]
    if pair.preferences:
        parts.append(f"{len(met)} of {len(pair.preferences)} stated preferences met")
    if missed:
        parts.append(
            "not met: "
            + ", ".join(f"{o.holder}'s {_attribute(o.preference.attribute)}" for o in missed)
        )
    parts.append(f"deep-level similarity {pair.deep_level.similarity:.2f}")
    if pair.needs_fit.fit is not None:
        parts.append(f"needs fit {pair.needs_fit.fit:.2f}")
    if pair.breaches:
        parts.append("breaks: " + "; ".join(b.text for b in pair.breaches))
    return "; ".join(parts) + "."


def unmatched_coordinator_line(
    unmatched: Unmatched, mentee: Mentee, mentors: dict[str, Mentor], *, who: Namer = who
) -> str:
    """Return why a mentee was left unmatched and the smallest change that would match them."""
    if unmatched.reason == "feasible_mentors_full":
        text = (
            f"Not matched: {unmatched.feasible_mentors} mentor"
            f"{'s' if unmatched.feasible_mentors != 1 else ''} would suit {who(mentee)}, "
            "but all their places went to others."
        )
    else:
        text = f"Not matched: no mentor passes every hard rule for {who(mentee)}."
    if mentee.ended_with:
        text += f" {who(mentee)} is {NOT_AGAIN}."
    relaxation = unmatched.relaxation
    if relaxation is None:
        return text + " No change to the relaxable rules would help: every mentor is excluded."
    mentor = who(mentors[relaxation.mentor_id])
    changes = [_relax_text(b) for b in relaxation.changes]
    if relaxation.needs_extra_place:
        changes.append(f"give {mentor} one more place")
    target = f"then {mentor} could be matched" if relaxation.changes else ""
    return f"{text} Smallest change: {' and '.join(changes)}{'; ' + target if target else ''}."


def _relax_text(breach: Breach) -> str:
    if breach.code.startswith(("mentee_essential:", "mentor_essential:")):
        side, attribute = breach.code.split("_essential:")
        return (
            f"make the {side}'s essential preference about {_attribute(attribute)} important "
            "instead"
        )
    if breach.text.startswith("the programme asks for "):
        return f"waive the programme's rule asking for {breach.text.removeprefix('the programme asks for ')}"
    return f"allow a pair where {breach.text}"


def unmatched_participant_line(unmatched: Unmatched) -> str:
    """Return what the mentee may read: only their own preferences are ever mentioned."""
    if unmatched.reason == "feasible_mentors_full":
        return (
            "We could not match you this time: the mentors who suit you are fully booked. "
            "Your coordinator may be able to find another place."
        )
    relaxation = unmatched.relaxation
    own = (
        relaxation is not None
        and relaxation.changes
        and all(b.code.startswith("mentee_essential:") for b in relaxation.changes)
    )
    if own:
        assert relaxation is not None
        names = " and ".join(_attribute(b.code.split(":", 1)[1]) for b in relaxation.changes)
        return (
            "We could not match you this time: no mentor met all of your essential preferences. "
            f"If your preference about {names} were important rather than essential, a mentor "
            "could be found."
        )
    return (
        "We could not match you this time: no mentor met every requirement for this round. "
        "Your coordinator can talk you through the options."
    )
