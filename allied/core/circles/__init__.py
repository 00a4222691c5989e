"""Circle formation engine: diverse, workable mentoring circles from a cohort, then facilitators.

Pure functions over frozen dataclasses; no Django, no clock, seeds passed in. A typical use::

    spec = CircleSpec(SizeRange(5, 8), diverse=("profession", "band"), alike=("availability",))
    formation = form_circles(people, spec, settings=SearchSettings(seed=7))
    formation = assign_facilitators(formation, people, facilitators, spec)
    print(render_text(formation, explain(formation, people, spec), spec))

`exact_circles` (OR-Tools CP-SAT) gives the true optimum for small cohorts, to check the search.
"""

from allied.core.circles.exact import ExactResult, exact_circles
from allied.core.circles.exchange import SearchSettings, form_circles, random_circles
from allied.core.circles.explain import CircleReport, explain, render_text
from allied.core.circles.facilitators import assign_facilitators
from allied.core.circles.model import (
    BLANK,
    AttributeScore,
    Circle,
    CircleError,
    CircleSpec,
    Facilitator,
    Formation,
    Pair,
    Person,
    Problem,
    SizeRange,
    Unmet,
)
from allied.core.circles.quality import quality_of
from allied.core.circles.rows import parse_facilitator_rows, parse_pair_rows, parse_people_rows
from allied.core.circles.validate import check, default_circle_count, size_problem

__all__ = [
    "BLANK",
    "AttributeScore",
    "Circle",
    "CircleError",
    "CircleReport",
    "CircleSpec",
    "ExactResult",
    "Facilitator",
    "Formation",
    "Pair",
    "Person",
    "Problem",
    "SearchSettings",
    "SizeRange",
    "Unmet",
    "assign_facilitators",
    "check",
    "default_circle_count",
    "exact_circles",
    "explain",
    "form_circles",
    "parse_facilitator_rows",
    "parse_pair_rows",
    "parse_people_rows",
    "quality_of",
    "random_circles",
    "render_text",
    "size_problem",
]
