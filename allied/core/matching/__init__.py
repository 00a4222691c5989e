"""The matching engine: two-sided preferences, exact cohort optima, and explanations.

Pure functions over frozen dataclasses; no Django, no clock. See docs/matching.md.
"""

from typing import TYPE_CHECKING

# Names are loaded on first use (PEP 562), so `allied match pairs` starts without the profile
# scorer, explanations and summaries; `from allied.core.matching import X` works as before.
_WHERE = {
    "Match": "engine",
    "MatchResult": "engine",
    "Relaxation": "engine",
    "Unmatched": "engine",
    "match_cohort": "engine",
    "shortlist": "engine",
    "coordinator_lines": "explain",
    "name_only": "explain",
    "participant_lines": "explain",
    "reason_line": "explain",
    "unmatched_coordinator_line": "explain",
    "unmatched_participant_line": "explain",
    "Lock": "model",
    "Mentee": "model",
    "Mentor": "model",
    "Needs": "model",
    "Person": "model",
    "Preference": "model",
    "ProgrammeConfig": "model",
    "Rules": "model",
    "Weights": "model",
    "PairScore": "scoring",
    "score_pair": "scoring",
    "to_points": "scoring",
    "OBJECTIVES": "objectives",
    "CohortSummary": "summary",
    "summarise": "summary",
}


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])


if TYPE_CHECKING:
    from allied.core.matching.engine import (
        Match,
        MatchResult,
        Relaxation,
        Unmatched,
        match_cohort,
        shortlist,
    )
    from allied.core.matching.explain import (
        coordinator_lines,
        name_only,
        participant_lines,
        reason_line,
        unmatched_coordinator_line,
        unmatched_participant_line,
    )
    from allied.core.matching.model import (
        Lock,
        Mentee,
        Mentor,
        Needs,
        Person,
        Preference,
        ProgrammeConfig,
        Rules,
        Weights,
    )
    from allied.core.matching.objectives import OBJECTIVES
    from allied.core.matching.scoring import PairScore, score_pair, to_points
    from allied.core.matching.summary import CohortSummary, summarise

__all__ = [
    "OBJECTIVES",
    "CohortSummary",
    "Lock",
    "Match",
    "MatchResult",
    "Mentee",
    "Mentor",
    "Needs",
    "PairScore",
    "Person",
    "Preference",
    "ProgrammeConfig",
    "Relaxation",
    "Rules",
    "Unmatched",
    "Weights",
    "coordinator_lines",
    "match_cohort",
    "name_only",
    "participant_lines",
    "reason_line",
    "score_pair",
    "shortlist",
    "summarise",
    "to_points",
    "unmatched_coordinator_line",
    "unmatched_participant_line",
]
