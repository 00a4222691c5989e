"""An organisation's view across its programmes: one row of headline measures per programme,
and a row for all of them together.

Every figure in the table goes through one `disclose_cells` call, with the people behind each
programme's figures and behind the totals, so a programme's row can never be subtracted from
the total (or from another row) to reveal a small group
(docs/decisions/0008-disclosure-control.md). A coordinator sees only the programmes they
coordinate, and the totals are of those programmes alone, decided in the same call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from allied.accounts.models import Organisation, Role
from allied.core.disclosure import SUPPRESSED, disclose_cells
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


def _disclose(cells: dict[str, set]) -> dict[str, str]:
    """`disclose_cells` over the distinct figures: the total of an organisation with one
    programme is that programme's figure published twice, decided once."""
    first: dict[frozenset, str] = {}
    for key, people in cells.items():
        first.setdefault(frozenset(people), key)
    decided = disclose_cells({key: people for people, key in first.items()})
    return {key: decided[first[frozenset(people)]] for key, people in cells.items()}


def _share(matched: str, ready: str) -> str:
    if SUPPRESSED in (matched, ready):
        return SUPPRESSED
    return percent(matched, ready) or "–"


def _cells(programme: Programme, now: datetime, request) -> dict[str, set]:
    """Returns the people (or meetings) behind each of the programme's whole-programme figures,
    for all dates, as the dashboard's own measures count them (`measures.published_cells`).
    Never shown: only `disclose_cells` sees these. Reading the records includes the measures'
    audited read of mentees' ethnic groups for equality monitoring."""
    data = measures.records(programme, request=request)
    cells, _, _ = measures.published_cells(data, now, measures.Period())
    prefix = f"{measures.ALL_DATES}|{measures.ALL}|"
    return {key[len(prefix) :]: people for key, people in cells.items() if key.startswith(prefix)}


def overview(
    organisation: Organisation, programmes, now: datetime | None = None, *, request=None
) -> Overview:
    """Returns the table for `programmes` (of `organisation`): their headline figures and
    their total, all decided together. Reads each programme's measures: a few queries each."""
    now = now or timezone.now()
    programmes = list(programmes)
    cells: dict[str, set] = {}
    for programme in programmes:
        raw = _cells(programme, now, request)
        for key, _ in COLUMNS:
            people = set(raw.get(key, ()))
            cells[f"{programme.pk}|{key}"] = people
            cells.setdefault(f"{TOTAL}|{key}", set()).update(people)
    shown = _disclose(cells)

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
