"""The mentoring model as data: the mentee at the centre of intersecting domains that answer
the model's questions, with the qualities of allyship, versioned and citable.

`STUDY_MODEL` is the study's model (Sriram, Atwal and McKay, BMJ Open 2024), the default a
programme runs on. A model built in Allied from a workshop's themes has the same shape. Every
function here is pure: no Django, no clock. A typical use::

    model = place(STUDY_MODEL, ThemeRef("theme-3", "Open doors", "require"), "sponsorship", "require")
    svg = figure_svg(model)
    text = to_json(model)
    assert from_json(text) == model
"""

from allied.core.model.edit import (
    add_domain,
    code_for,
    define_domain,
    merge_domains,
    place,
    rename_domain,
    unplace,
    without_themes,
)
from allied.core.model.figure import (
    HEADER,
    Row,
    figure_png,
    figure_svg,
    figure_text,
    layout,
    model_table,
    score_text,
    table_csv,
    table_html,
)
from allied.core.model.study import ALLYSHIP, CITATION, DOI, STUDY_MODEL
from allied.core.model.types import (
    Domain,
    MentoringModel,
    ModelError,
    Question,
    ThemeRef,
    TrailIdea,
    from_dict,
    from_json,
    problems,
    to_dict,
    to_json,
    validate,
)

__all__ = [
    "ALLYSHIP",
    "CITATION",
    "DOI",
    "HEADER",
    "STUDY_MODEL",
    "Domain",
    "MentoringModel",
    "ModelError",
    "Question",
    "Row",
    "ThemeRef",
    "TrailIdea",
    "add_domain",
    "code_for",
    "define_domain",
    "figure_png",
    "figure_svg",
    "figure_text",
    "from_dict",
    "from_json",
    "layout",
    "merge_domains",
    "model_table",
    "place",
    "problems",
    "rename_domain",
    "score_text",
    "table_csv",
    "table_html",
    "to_dict",
    "to_json",
    "unplace",
    "validate",
    "without_themes",
]
