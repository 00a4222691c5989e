"""A programme's feasibility and acceptability measures, every figure through the disclosure rule.

The measures follow the study's questions: were people recruited and matched, did the pairs
meet, did they stay, and did they find it acceptable. Each count is worked out as the set of
people (participant ids) or meetings behind it, and every figure the dashboard or an export
publishes, for the whole programme and for every cohort, goes to
`allied.core.disclosure.disclose_cells` in one call. Publishing all scopes together means a
cohort's figure can never be subtracted from the programme's (or another cohort's) to reveal a
small group, and the figures are the same whichever cohort the coordinator filters to
(docs/decisions/0008-disclosure-control.md). Averages go through `disclose_mean` and
`disclose_median`, so none is shown over fewer than 8 people.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from allied.core.disclosure import (
    SUPPRESSED,
    disclose_cells,
    disclose_count,
    disclose_mean,
    disclose_median,
)
from allied.programmes.models import Cohort, Meeting, Participant, Programme, Relationship, Review

ALL = "all"
SIDES = (("mentee", "Mentees"), ("mentor", "Mentors"))
STARTED = (
    Relationship.Status.REQUESTED,
    Relationship.Status.CONVERSATION,
    Relationship.Status.ACTIVE,
    Relationship.Status.ENDED,
)


@dataclass(frozen=True)
class Row:
    key: str
    label: str


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    rows: tuple[Row, ...]


def _recruitment_rows() -> tuple[Row, ...]:
    rows = []
    for side, label in SIDES:
        rows += [
            Row(f"recruitment.{side}.registered", f"{label} registered"),
            Row(f"recruitment.{side}.ready", f"{label} who completed their intake"),
            Row(f"recruitment.{side}.intake", f"{label} with their intake in progress"),
            Row(f"recruitment.{side}.withdrawn", f"{label} who withdrew"),
        ]
    return tuple(rows)


SECTIONS = (
    Section("recruitment", "Recruitment", _recruitment_rows()),
    Section(
        "matching",
        "Matching",
        (
            Row("matching.matched", "Mentees matched with a mentor"),
            Row("matching.unmatched", "Mentees who completed their intake and are not matched"),
        ),
    ),
    Section(
        "engagement",
        "Engagement",
        (
            Row("engagement.meetings", "Meetings held"),
            Row("engagement.recent", "Active pairs who met in the last two meeting intervals"),
            Row("engagement.not_recent", "Active pairs who have not met in that time"),
        ),
    ),
    Section(
        "retention",
        "Retention",
        (
            Row("retention.active", "Mentees in an active relationship"),
            Row("retention.completed", "Mentees whose relationship was completed"),
            Row("retention.no_fault", "Mentees whose relationship had a no-fault ending"),
            Row("retention.withdrawn", "Mentees who withdrew a request"),
            Row("retention.declined", "Mentees whose request was declined"),
        ),
    ),
    Section(
        "acceptability",
        "Acceptability",
        (
            Row("acceptability.reviewed", "People who submitted a review"),
            Row("acceptability.expectations.yes", "Expectations met: yes"),
            Row("acceptability.expectations.partly", "Expectations met: partly"),
            Row("acceptability.expectations.no", "Expectations met: no"),
        ),
    ),
)

RATINGS = (
    ("satisfaction", "Satisfaction"),
    ("trust", "Trust"),
    ("psychological_safety", "Psychological safety"),
)


@dataclass
class Scope:
    """The raw material for one scope (the whole programme or one cohort): never shown."""

    cells: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    months: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    expected_meetings: int = 0
    days_to_match: list[float] = field(default_factory=list)
    ratings: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


@dataclass
class ScopeFigures:
    """What may be published for one scope."""

    key: str
    label: str
    shown: dict[str, str]
    months: list[tuple[str, str]]
    expected_meetings: str
    meetings_percent: str
    median_days_to_match: str
    ratings: list[tuple[str, str]]


@dataclass
class Dashboard:
    programme: Programme
    cohorts: list[Cohort]
    scopes: dict[str, ScopeFigures]

    def sections(self, scope: str) -> list[tuple[Section, list[tuple[Row, str, str]]]]:
        """Each section's rows as (row, figure in `scope`, figure for the whole programme)."""
        here, whole = self.scopes[scope], self.scopes[ALL]
        return [(s, [(r, here.shown[r.key], whole.shown[r.key]) for r in s.rows]) for s in SECTIONS]


def _month(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m")


def _month_label(month: str) -> str:
    return datetime.strptime(month, "%Y-%m").strftime("%B %Y")


def _gather(programme: Programme, now: datetime) -> dict[str, Scope]:
    """Collects, for the programme and each of its cohorts, the people behind every figure."""
    cohorts = list(programme.cohorts.values_list("pk", flat=True))
    scopes = {ALL: Scope(), **{f"cohort-{pk}": Scope() for pk in cohorts}}

    def into(cohort_id):
        return (scopes[ALL], scopes[f"cohort-{cohort_id}"])

    interval = timedelta(weeks=max(programme.meeting_every_weeks, 1))
    places = Participant.objects.filter(cohort__programme=programme).values_list(
        "pk", "cohort_id", "side", "status", "intake_completed_at"
    )
    intake_done = {}
    ready_mentees = defaultdict(set)
    for pk, cohort_id, side, status, completed in places:
        for scope in into(cohort_id):
            scope.cells[f"recruitment.{side}.registered"].add(pk)
            scope.cells[f"recruitment.{side}.{status}"].add(pk)
        if side == "mentee" and status == Participant.Status.READY:
            ready_mentees[cohort_id].add(pk)
        intake_done[pk] = completed

    relationships = Relationship.objects.filter(cohort__programme=programme).values_list(
        "pk", "cohort_id", "mentee_id", "mentor_id", "status", "ending", "started_at", "ended_at"
    )
    first_start: dict[int, datetime] = {}
    matched = defaultdict(set)
    active: dict[int, tuple[int, int]] = {}
    for pk, cohort_id, mentee, _mentor, status, ending, started, ended in relationships:
        scopes_here = into(cohort_id)
        if status in STARTED:
            matched[cohort_id].add(mentee)
        if started and (mentee not in first_start or started < first_start[mentee]):
            first_start[mentee] = started
        if started:
            expected = int(((ended or now) - started) / interval)
            for scope in scopes_here:
                scope.expected_meetings += max(expected, 0)
        if status == Relationship.Status.ACTIVE:
            active[pk] = (cohort_id, mentee)
            key = "retention.active"
        elif status == Relationship.Status.ENDED:
            key = "retention.no_fault" if ending == "no_fault" else "retention.completed"
        elif status == Relationship.Status.WITHDRAWN:
            key = "retention.withdrawn"
        elif status == Relationship.Status.DECLINED:
            key = "retention.declined"
        else:
            key = None
        if key:
            for scope in scopes_here:
                scope.cells[key].add(mentee)

    for cohort_id, mentees in matched.items():
        for scope in into(cohort_id):
            scope.cells["matching.matched"] |= mentees
    for cohort_id, mentees in ready_mentees.items():
        for scope in into(cohort_id):
            scope.cells["matching.unmatched"] |= mentees - matched[cohort_id]
    mentee_cohort = {pk: cohort_id for pk, cohort_id, side, *_ in places if side == "mentee"}
    for mentee, started in first_start.items():
        completed = intake_done.get(mentee)
        if completed and started >= completed:
            for scope in into(mentee_cohort[mentee]):
                scope.days_to_match.append((started - completed) / timedelta(days=1))

    meetings = Meeting.objects.filter(
        relationship__cohort__programme=programme, status=Meeting.Status.HELD
    ).values_list("pk", "relationship_id", "relationship__cohort_id", "starts_at")
    met_recently = set()
    for pk, relationship_id, cohort_id, starts_at in meetings:
        for scope in into(cohort_id):
            scope.cells["engagement.meetings"].add(("meeting", pk))
            scope.months[_month(starts_at)].add(("meeting", pk))
        if starts_at >= now - 2 * interval:
            met_recently.add(relationship_id)
    for pk, (cohort_id, mentee) in active.items():
        key = "engagement.recent" if pk in met_recently else "engagement.not_recent"
        for scope in into(cohort_id):
            scope.cells[key].add(mentee)

    # Each person's latest review of each relationship, so one keen reviewer counts once.
    latest = {}
    reviews = (
        Review.objects.filter(relationship__cohort__programme=programme)
        .order_by("submitted_at", "pk")
        .values_list(
            "relationship_id",
            "relationship__cohort_id",
            "relationship__mentee_id",
            "relationship__mentor_id",
            "side",
            "satisfaction",
            "trust",
            "psychological_safety",
            "expectations_met",
        )
    )
    for rel, cohort_id, mentee, mentor, side, *answers in reviews:
        latest[(rel, side)] = (cohort_id, mentee if side == "mentee" else mentor, answers)
    for cohort_id, person, (satisfaction, trust, safety, expectations) in latest.values():
        for scope in into(cohort_id):
            scope.cells["acceptability.reviewed"].add(person)
            scope.cells[f"acceptability.expectations.{expectations}"].add(person)
            scope.ratings["satisfaction"].append(satisfaction)
            scope.ratings["trust"].append(trust)
            scope.ratings["psychological_safety"].append(safety)
    return scopes


def _number(value: float | None, places: int = 1) -> str:
    return SUPPRESSED if value is None else f"{value:.{places}f}"


def _percent(part: str, whole: str) -> str:
    if SUPPRESSED in (part, whole) or int(whole) == 0:
        return SUPPRESSED
    return f"{round(100 * int(part) / int(whole))}%"


def _disclose(cells: dict[str, set]) -> dict[str, str]:
    """`disclose_cells` over the distinct figures: a cohort's figure identical to the
    programme's (the same people) is one figure published twice and reveals nothing more, so it
    is decided once, rather than counted as two hidden unknowns that push more cells into
    hiding."""
    first: dict[frozenset, str] = {}
    for key, people in cells.items():
        first.setdefault(frozenset(people), key)
    decided = disclose_cells({key: people for people, key in first.items()})
    return {key: decided[first[frozenset(people)]] for key, people in cells.items()}


def dashboard(programme: Programme, now: datetime | None = None) -> Dashboard:
    """Returns every figure of the programme's dashboard, for the programme and each cohort,
    as it may be shown: counts hidden ("*") or rounded to 5, averages only over 8 or more."""
    now = now or timezone.now()
    cohorts = list(programme.cohorts.order_by("starts_on", "pk"))
    raw = _gather(programme, now)
    all_months = sorted({m for scope in raw.values() for m in scope.months})
    cells = {}
    for key, scope in raw.items():
        for section in SECTIONS:
            for row in section.rows:
                cells[f"{key}|{row.key}"] = scope.cells.get(row.key, set())
        for month in all_months:
            cells[f"{key}|month.{month}"] = scope.months.get(month, set())
    shown = _disclose(cells)
    labels = {ALL: "Whole programme", **{f"cohort-{c.pk}": c.name for c in cohorts}}
    scopes = {}
    for key, scope in raw.items():
        mine = {
            name.split("|", 1)[1]: value
            for name, value in shown.items()
            if name.startswith(f"{key}|")
        }
        expected = disclose_count(scope.expected_meetings)
        median = disclose_median(scope.days_to_match)
        scopes[key] = ScopeFigures(
            key=key,
            label=labels[key],
            shown=mine,
            months=[(_month_label(m), mine[f"month.{m}"]) for m in all_months],
            expected_meetings=expected,
            meetings_percent=_percent(mine["engagement.meetings"], expected),
            median_days_to_match=_number(median, 0),
            ratings=[
                (label, _number(disclose_mean(scope.ratings[name]))) for name, label in RATINGS
            ],
        )
    return Dashboard(programme=programme, cohorts=cohorts, scopes=scopes)


def export_rows(board: Dashboard) -> list[list[str]]:
    """Returns the dashboard's published figures as rows (measure, then one column per scope),
    for the CSV and XLSX exports: the same suppressed figures the page shows, nothing raw."""
    keys = list(board.scopes)
    rows = [["Measure", *(board.scopes[k].label for k in keys)]]
    for section in SECTIONS:
        for row in section.rows:
            rows.append(
                [f"{section.title}: {row.label}", *(board.scopes[k].shown[row.key] for k in keys)]
            )
    rows.append(
        ["Engagement: Meetings expected", *(board.scopes[k].expected_meetings for k in keys)]
    )
    rows.append(
        [
            "Engagement: Meetings held as a share of expected",
            *(board.scopes[k].meetings_percent for k in keys),
        ]
    )
    rows.append(
        [
            "Matching: Median days from intake to match",
            *(board.scopes[k].median_days_to_match for k in keys),
        ]
    )
    for i, (_, label) in enumerate(RATINGS):
        rows.append(
            [
                f"Acceptability: Mean {label.lower()} (1 to 5)",
                *(board.scopes[k].ratings[i][1] for k in keys),
            ]
        )
    months = board.scopes[ALL].months
    for i, (month, _) in enumerate(months):
        rows.append([f"Meetings held in {month}", *(board.scopes[k].months[i][1] for k in keys)])
    return rows
