"""The demo programme's workforce figures, so its dashboard can compare mentees with the
organisation's allied health workforce by ethnic group, as a coordinator would after typing
in their trust's Workforce Race Equality Standard (WRES) figures. Idempotent: the figures are
only entered when the programme has none."""

from __future__ import annotations

from datetime import date

from allied.programmes.models import Programme
from allied.reports.models import WorkforceFigure

AS_OF = date(2026, 3, 31)
# A made-up trust's allied health professional workforce (all bands) on that day.
HEADCOUNTS = {
    "white": 1180,
    "black": 210,
    "asian": 265,
    "mixed": 55,
    "other": 30,
    "not_stated": 60,
}


def load_demo_workforce(programme: Programme, coordinator) -> None:
    """Enters the workforce figures for `programme` unless it has some already."""
    if programme.workforce_figures.exists():
        return
    WorkforceFigure.objects.bulk_create(
        WorkforceFigure(
            programme=programme,
            group=group,
            band="",
            headcount=headcount,
            as_of=AS_OF,
            entered_by=coordinator,
        )
        for group, headcount in HEADCOUNTS.items()
    )
