"""An organisation's view across its programmes: one row of headline measures per programme,
and a row for all of them together.

Every figure in the table goes through one call of the cell rule (`disclose_atoms`), with the
people behind each programme's figures and behind the totals, so a programme's row can never be
subtracted from the total (or from another row) to reveal a small group
(docs/decisions/0008-disclosure-control.md). A coordinator sees only the programmes they
coordinate, and the totals are of those programmes alone, decided in the same call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.utils import timezone

from allied.accounts.models import Organisation, Role
from allied.core.disclosure import SUPPRESSED, atoms_from_masks, disclose_atoms
from allied.programmes.models import Programme
from allied.reports import measures
from allied.reports.board import percent

COLUMNS = (
    ("recruitment.mentee.registered", "Mentees registered"),
    ("recruitment.mentor.registered", "Mentors registered"),
    ("recruitment.mentee.ready", "Mentees who completed their intake"),
    ("matching.matched", "Mentees matched with a mentor"),
    ("engagement.meetings", "Meetings held"),
    ("retention.completed", "Mentees whose relationship was completed"),
    ("acceptability.reviewed", "People who submitted a review"),
)
TOTAL = "all"


@dataclass(frozen=True)
class Line:
    """One row of the table: a programme (None for the total) and its published figures."""

    programme: Programme | None
    label: str
    values: tuple[str, ...]
    matched_share: str

    @property
    def pairs(self) -> tuple[tuple[str, str], ...]:
        """(column label, figure) for each column."""
        return tuple(zip((label for _, label in COLUMNS), self.values, strict=True))


@dataclass(frozen=True)
class Overview:
    organisation: Organisation
    lines: tuple[Line, ...]
    total: Line | None


def programmes_for(organisation: Organisation, user, roles: set[str]):
    """Returns the organisation's programmes the person may see here: all of them for an
    admin, the ones they coordinate for a coordinator."""
    programmes = Programme.objects.filter(organisation=organisation).order_by("name", "pk")
    if Role.ORG_ADMIN in roles:
        return programmes
    return programmes.filter(coordinators=user)


def _disclose(masks: dict[str, np.ndarray], weights: np.ndarray) -> dict[str, str]:
    """`disclose_cells` over the distinct figures (each a mask over the groups of people the
    database counted): the total of an organisation with one programme is that programme's
    figure published twice, decided once."""
    held = weights > 0
    first: dict[bytes, str] = {}
    for key, mask in masks.items():
        first.setdefault((mask & held).tobytes(), key)
    distinct = {key: masks[key] for key in first.values()}
    decided = disclose_atoms(list(distinct), atoms_from_masks(distinct, weights))
    return {key: decided[first[(mask & held).tobytes()]] for key, mask in masks.items()}


def _share(matched: str, ready: str) -> str:
    if SUPPRESSED in (matched, ready):
        return SUPPRESSED
    return percent(matched, ready) or "–"


def _figures(programme: Programme, now: datetime, request) -> measures.Published:
    """The groups of people (or meetings) behind each of the programme's figures, as the
    dashboard's own measures count them (`measures.published`), for all dates. Never shown:
    only the disclosure rule sees these. Counting includes the measures' audited read of
    mentees' ethnic groups for equality monitoring."""
    return measures.published(measures.count(programme, now, measures.Period(), request=request))


def overview(
    organisation: Organisation, programmes, now: datetime | None = None, *, request=None
) -> Overview:
    """Returns the table for `programmes` (of `organisation`): their headline figures and
    their total, all decided together. Counts each programme's measures: a few queries each."""
    now = now or timezone.now()
    programmes = list(programmes)
    counted = [_figures(programme, now, request) for programme in programmes]
    # Each programme's groups of people, one after another: nobody is in two programmes'
    # places, so the total of a figure holds every programme's groups for it.
    weights = np.concatenate([c.weights for c in counted] or [np.zeros(0, dtype=np.int64)])
    prefix = f"{measures.ALL_DATES}|{measures.ALL}|"
    masks: dict[str, np.ndarray] = {}
    start = 0
    for programme, cells in zip(programmes, counted, strict=True):
        end = start + len(cells.weights)
        for key, _ in COLUMNS:
            mask = np.zeros(len(weights), dtype=bool)
            mask[start:end] = cells.masks[prefix + key]
            masks[f"{programme.pk}|{key}"] = mask
            total = masks.setdefault(f"{TOTAL}|{key}", np.zeros(len(weights), dtype=bool))
            total |= mask
        start = end
    shown = _disclose(masks, weights)

    def line(prefix: str, programme: Programme | None, label: str) -> Line:
        values = tuple(shown[f"{prefix}|{key}"] for key, _ in COLUMNS)
        figures = dict(zip((key for key, _ in COLUMNS), values, strict=True))
        return Line(
            programme,
            label,
            values,
            _share(figures["matching.matched"], figures["recruitment.mentee.ready"]),
        )

    lines = tuple(line(str(p.pk), p, p.name) for p in programmes)
    total = line(TOTAL, None, "All these programmes") if programmes else None
    return Overview(organisation=organisation, lines=lines, total=total)
