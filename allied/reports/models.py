"""The organisation's own workforce figures, for comparing a programme with its workforce.

A coordinator enters the headcount of each ethnic group (the top-level groups NHS workforce
data and the Workforce Race Equality Standard use), for all bands or for one band, as of a
date. These are the organisation's published figures, not records about people, so they hold
nobody's special category data; the dashboard still shows them through the disclosure rule.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction

from allied.audit.log import record
from allied.audit.models import Kind
from allied.core.matching import vocabulary as v
from allied.programmes.models import Programme

# The top-level ONS 2021 groups, as NHS workforce data and the WRES group them, and "Not
# stated" for everyone whose group is not known (or not known to us: see measures.py).
WHITE = "white"
NOT_STATED = "not_stated"
ETHNIC_GROUPS: tuple[tuple[str, str], ...] = (
    (WHITE, "White"),
    ("black", "Black, Black British, Black Welsh, Caribbean or African"),
    ("asian", "Asian, Asian British or Asian Welsh"),
    ("mixed", "Mixed or Multiple ethnic groups"),
    ("other", "Other ethnic group"),
    (NOT_STATED, "Not stated"),
)
# Black and minoritised: every known group but White.
MINORITISED = frozenset({"black", "asian", "mixed", "other"})


class WorkforceFigure(models.Model):
    """The headcount of one ethnic group in the organisation's workforce on `as_of`, for all
    bands (`band` blank) or for one band."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="workforce_figures"
    )
    group = models.CharField(max_length=12, choices=ETHNIC_GROUPS)
    band = models.CharField(max_length=20, blank=True, choices=list(v.BANDS))
    headcount = models.PositiveIntegerField()
    as_of = models.DateField()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-as_of", "band", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "as_of", "band", "group"], name="one_workforce_figure"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_group_display()}: {self.headcount} on {self.as_of}"


@transaction.atomic
def workforce_replace(*, programme, as_of, band: str, counts: dict[str, int], by, request=None):
    """Stores one set of figures (every group's headcount on `as_of`, for `band` or all bands),
    replacing any set entered before for that date and band: entering it twice changes
    nothing. Audited."""
    programme.workforce_figures.filter(as_of=as_of, band=band).delete()
    WorkforceFigure.objects.bulk_create(
        WorkforceFigure(
            programme=programme,
            group=group,
            band=band,
            headcount=counts[group],
            as_of=as_of,
            entered_by=by,
        )
        for group, _ in ETHNIC_GROUPS
    )
    record(
        Kind.WORKFORCE_FIGURES_CHANGED,
        request=request,
        actor=by,
        organisation=programme.organisation,
        subject=f"programme {programme.pk}",
        action="entered",
        as_of=as_of.isoformat(),
        band=band or "all",
        headcount=sum(counts.values()),
    )


@transaction.atomic
def workforce_remove(*, programme, as_of, band: str, by, request=None) -> bool:
    """Removes the set of figures for that date and band. Returns whether there was one (a
    second removal finds nothing and records nothing)."""
    removed, _ = programme.workforce_figures.filter(as_of=as_of, band=band).delete()
    if removed:
        record(
            Kind.WORKFORCE_FIGURES_CHANGED,
            request=request,
            actor=by,
            organisation=programme.organisation,
            subject=f"programme {programme.pk}",
            action="removed",
            as_of=as_of.isoformat(),
            band=band or "all",
        )
    return bool(removed)
