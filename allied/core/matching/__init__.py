"""The matching engine: two-sided preferences, exact cohort optima, and explanations.

Pure functions over frozen dataclasses; no Django, no clock. See docs/matching.md.
"""

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
from allied.core.matching.scoring import PairScore, score_pair, to_points
from allied.core.matching.solve import OBJECTIVES
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
    "participant_lines",
    "reason_line",
    "score_pair",
    "shortlist",
    "summarise",
    "to_points",
    "unmatched_coordinator_line",
    "unmatched_participant_line",
]
