"""The cohort summary, with small numbers controlled as `allied.core.disclosure` says."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from allied.core import disclosure
from allied.core.matching import vocabulary as v
from allied.core.matching.engine import MatchResult
from allied.core.matching.scoring import PairScore


@dataclass(frozen=True)
class PreferenceGroup:
    """How often one kind of preference was met among matched pairs (raw counts)."""

    holder: str
    attribute: str
    strength: str
    stated: int
    met: int
    unknown: int


@dataclass(frozen=True)
class CohortSummary:
    """Raw figures for a cohort; `lines` applies disclosure control before anyone sees them."""

    objective: str
    mentees: int
    matched: int
    locked: int
    maximum_matched: int
    unmatched_by_reason: tuple[tuple[str, int], ...]
    scores: tuple[float, ...]
    preference_groups: tuple[PreferenceGroup, ...]
    pruned: bool

    def lines(self) -> tuple[str, ...]:
        """Return the summary as sentences, every count and statistic disclosure-controlled."""
        c = disclosure.disclose_count
        out = [
            f"Objective: {self.objective}.",
            f"Mentees: {c(self.mentees)}; matched: {c(self.matched)} "
            f"({disclosure.disclose_percentage(self.matched, self.mentees)}), "
            f"of whom locked beforehand: {c(self.locked)}.",
        ]
        if self.objective == "stable":
            fewer = self.maximum_matched - self.matched
            out.append(
                f"A stable matching leaves {c(fewer)} fewer mentees matched than the "
                "largest possible matching."
            )
        reasons = {
            "no_feasible_mentor": "no mentor passes their hard rules",
            "feasible_mentors_full": "every suitable mentor is full",
        }
        for reason, count in self.unmatched_by_reason:
            out.append(f"Unmatched because {reasons[reason]}: {c(count)}.")
        quartiles = disclosure.disclose_quantiles(self.scores)
        mean = disclosure.disclose_mean(self.scores)
        if quartiles is None or mean is None:
            out.append("Scores: not shown for fewer than 8 matches.")
        else:
            lower, median, upper = quartiles
            out.append(
                f"Scores: mean {mean:.1f}, median {median:.1f}, "
                f"middle half from {lower:.1f} to {upper:.1f}."
            )
        for g in self.preference_groups:
            out.append(
                f"{g.holder.capitalize()}s' {v.label(v.PREFERENCE_STRENGTHS, g.strength).lower()} "
                f"preferences about {v.label(v.PREFERENCE_ATTRIBUTES, g.attribute).lower()}: "
                f"stated {c(g.stated)}, met {c(g.met)} "
                f"({disclosure.disclose_percentage(g.met, g.stated)}), unknown {c(g.unknown)}."
            )
        if self.pruned:
            out.append(
                "This cohort was large, so each person's weakest options were set aside before "
                "solving; every mentor was kept within reach."
            )
        return tuple(out)


def summarise(result: MatchResult, pairs: Sequence[PairScore]) -> CohortSummary:
    """Return the summary of `result`, given the breakdowns of its matched pairs."""
    groups: dict[tuple[str, str, str], Counter[str]] = {}
    for pair in pairs:
        for outcome in pair.preferences:
            key = (outcome.holder, outcome.preference.attribute, outcome.preference.strength)
            groups.setdefault(key, Counter())[outcome.outcome] += 1
    order = {a: k for k, (a, _) in enumerate(v.PREFERENCE_ATTRIBUTES)}
    strengths = {s: k for k, (s, _) in enumerate(v.PREFERENCE_STRENGTHS)}
    keys = sorted(groups, key=lambda k: (k[0] != "mentee", order[k[1]], strengths[k[2]]))
    reasons = Counter(u.reason for u in result.unmatched)
    return CohortSummary(
        objective=result.objective,
        mentees=len(result.matches) + len(result.unmatched),
        matched=len(result.matches),
        locked=sum(m.locked for m in result.matches),
        maximum_matched=result.maximum_matched,
        unmatched_by_reason=tuple(sorted(reasons.items())),
        scores=tuple(m.score / 1000 for m in result.matches),
        preference_groups=tuple(
            PreferenceGroup(
                k[0],
                k[1],
                k[2],
                stated=sum(groups[k].values()),
                met=groups[k]["met"],
                unknown=groups[k]["unknown"],
            )
            for k in keys
        ),
        pruned=result.pruned,
    )
