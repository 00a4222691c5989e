"""NGT results engine: voting schemes, tallies, ranks, themes, rounds, groups and agreement.

Pure functions over frozen dataclasses; no Django, no clock. A typical use::

    parsed = parse_ballot_rows(header, rows, scheme=top_k(5))
    questions, problems = build_questions(parsed)
    problems += validate_ballots(parsed.ballots, questions, top_k(5))
    result = tally(parsed.ballots, questions, top_k(5))
"""

from allied.core.ngt.agreement import Agreement, kendall_w
from allied.core.ngt.ballots import (
    Ballot,
    BallotError,
    BallotTable,
    Choice,
    ParsedBallots,
    Problem,
    Question,
    build_questions,
    drop_invalid,
    parse_ballot_rows,
    parse_idea_rows,
    validate_ballots,
)
from allied.core.ngt.bootstrap import BootstrapSettings
from allied.core.ngt.pool import PooledLine, PooledResult, pool_groups
from allied.core.ngt.ranking import competition_rank
from allied.core.ngt.report import (
    agreement_line,
    carries_forward,
    carry_forward_line,
    methods_paragraph,
    panel_rule_words,
    rand_applies,
    render,
    scheme_sentence,
    stability_line,
    to_dict,
)
from allied.core.ngt.schemes import (
    DEFAULT_TIE_BREAK,
    PRESETS,
    TIE_BREAK_KEYS,
    AgreementRule,
    ApprovalScheme,
    PointsScheme,
    RankScheme,
    RatingScheme,
    Scheme,
    SchemeError,
    full_rank,
    preset,
    top_k,
)
from allied.core.ngt.tally import (
    POOLED,
    IdeaResult,
    QuestionResult,
    TallyResult,
    ThemeResult,
    tally,
    tally_table,
)

__all__ = [
    "DEFAULT_TIE_BREAK",
    "POOLED",
    "PRESETS",
    "TIE_BREAK_KEYS",
    "Agreement",
    "AgreementRule",
    "ApprovalScheme",
    "Ballot",
    "BallotError",
    "BallotTable",
    "BootstrapSettings",
    "Choice",
    "IdeaResult",
    "ParsedBallots",
    "PointsScheme",
    "PooledLine",
    "PooledResult",
    "Problem",
    "Question",
    "QuestionResult",
    "RankScheme",
    "RatingScheme",
    "Scheme",
    "SchemeError",
    "TallyResult",
    "ThemeResult",
    "agreement_line",
    "build_questions",
    "carries_forward",
    "carry_forward_line",
    "competition_rank",
    "drop_invalid",
    "full_rank",
    "kendall_w",
    "methods_paragraph",
    "panel_rule_words",
    "parse_ballot_rows",
    "parse_idea_rows",
    "pool_groups",
    "preset",
    "rand_applies",
    "render",
    "scheme_sentence",
    "stability_line",
    "tally",
    "tally_table",
    "to_dict",
    "top_k",
    "validate_ballots",
]
