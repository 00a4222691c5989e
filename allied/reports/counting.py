"""Counting a programme's people, meetings and reviews in the database, for the measures.

The dashboard never reads people one by one. It asks the database for the programme's people
grouped by everything that decides which published figures they are in: their cohort, side,
status and groups, and two sets of flags (one for all dates, one for the chosen period) that
say whether they were matched, met, stayed, reviewed and progressed. Everyone in one such
group is in exactly the same figures, which is all the disclosure rule needs to know
(`allied.core.disclosure.disclose_protected_masks`). Held meetings are counted the same way
by cohort and month, and the averages come as sums and counts.

The same subqueries serve SQLite and PostgreSQL: time zone and interval arithmetic go
through Django's own database operations (`connection.ops`), so months and dates are the
site's, as everywhere else; only the last step of grouping people differs, for the two
planners (`_grouped_people`). `tests/reports/reference.py` counts the same measures the plain
way, person by person, and the tests hold the two to the same answers on both databases
(docs/decisions/0018-counting-in-the-database.md).
"""

# ruff: noqa: S608 (every value is a query parameter; the text joined here is this module's own)

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import numpy as np
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from allied.core.matching import vocabulary as v
from allied.programmes import sensitive
from allied.programmes.models import (
    CareerOutcome,
    Cohort,
    Meeting,
    Participant,
    Programme,
    Relationship,
    Review,
)
from allied.reports.models import NOT_STATED

# The two sets of figures a page may publish: all dates, and the chosen period.
ALL_DATES, PERIOD = "dates-all", "dates-period"

# What a person did in one set of dates, as bits of one number (the `flags` column).
MATCHED = 1 << 0
UNMATCHED = 1 << 1
ACTIVE = 1 << 2
COMPLETED = 1 << 3
NO_FAULT = 1 << 4
WITHDRAWN = 1 << 5
DECLINED = 1 << 6
RECENT = 1 << 7
NOT_RECENT = 1 << 8
REVIEWED = 1 << 9
REVIEWED_MENTEE = 1 << 10
EXPECTATIONS = {answer: 1 << (11 + i) for i, answer in enumerate(Review.Expectations.values)}
# A place's own story in the dates: registered in them, completed the intake in them, intake
# still in progress at their end, withdrew in them. For all dates these are the place's status
# now (registered: everyone), so "completed their intake" there means "and still in".
_PLACE = 11 + len(EXPECTATIONS)
REGISTERED = 1 << _PLACE
INTAKE_DONE = 1 << (_PLACE + 1)
IN_INTAKE = 1 << (_PLACE + 2)
LEFT = 1 << (_PLACE + 3)

# A mentee's confirmed career outcomes in one set of dates: any, dated
# before or after their mentoring began, and the same for each kind (the `outcomes` column).
OUTCOME_ANY, OUTCOME_BEFORE, OUTCOME_AFTER = 1, 2, 4
OUTCOME_KIND = {
    kind: (1 << (3 + 3 * i), 1 << (4 + 3 * i), 1 << (5 + 3 * i))
    for i, kind in enumerate(CareerOutcome.Kind.values)
}

STARTED = (
    Relationship.Status.REQUESTED,
    Relationship.Status.CONVERSATION,
    Relationship.Status.ACTIVE,
    Relationship.Status.ENDED,
)


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class Period:
    """A date range, both days included; None leaves that end open (no dates: all of them).
    Moments are compared in the site's time zone."""

    start: date | None = None
    end: date | None = None
    since: datetime | None = field(init=False, default=None, compare=False)
    until: datetime | None = field(init=False, default=None, compare=False)

    def __post_init__(self):
        def midnight(day):
            return timezone.make_aware(datetime.combine(day, time.min))

        if self.start is not None:
            object.__setattr__(self, "since", midnight(self.start))
        if self.end is not None:
            object.__setattr__(self, "until", midnight(self.end + timedelta(days=1)))

    @property
    def is_open(self) -> bool:
        return self.start is None and self.end is None

    def holds(self, moment: datetime | None) -> bool:
        """Whether something that happened at `moment` falls in the period (with no period,
        everything does, even without a moment)."""
        if self.is_open:
            return True
        if moment is None:
            return False
        return (self.since is None or moment >= self.since) and (
            self.until is None or moment < self.until
        )

    def holds_day(self, day: date | None) -> bool:
        if self.is_open:
            return True
        if day is None:
            return False
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def reference(self, now: datetime) -> datetime:
        """The moment "now" means for the period: its end, or now if that is earlier."""
        return min(now, self.until) if self.until is not None else now

    @property
    def label(self) -> str:
        if self.start and self.end:
            return f"{long_date(self.start)} to {long_date(self.end)}"
        if self.start:
            return f"From {long_date(self.start)}"
        if self.end:
            return f"Up to {long_date(self.end)}"
        return "All dates"


PEOPLE_COLUMNS = (
    "cohort",
    "side",
    "status",
    # Mentees' groups (NOT_STATED where unknown); blank for mentors.
    "ethnicity",
    "profession",
    "band",
    "setting",
    # Bits (MATCHED, ...) for all dates and for the period (0 without one).
    "flags",
    "flags_period",
    # Career outcome bits (OUTCOME_ANY, ...) for all dates and for the period.
    "outcomes",
    "outcomes_period",
    # How many people are in exactly these figures.
    "count",
)
_NUMBERS = {"cohort", "flags", "flags_period", "outcomes", "outcomes_period", "count"}


def people_table(rows: list[tuple]) -> dict[str, np.ndarray]:
    """Groups of people, one tuple per group in the order of `PEOPLE_COLUMNS`, as a column
    each (NumPy arrays: numbers as integers, codes as text)."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(PEOPLE_COLUMNS)
    return {
        name: np.array(values, dtype=np.int64 if name in _NUMBERS else str).reshape(len(rows))
        for name, values in zip(PEOPLE_COLUMNS, columns, strict=True)
    }


@dataclass
class Counted:
    """Everything the measures need from the database for one programme and period."""

    interval: timedelta
    cohorts: list[int]
    # Groups of people who are in exactly the same figures: a column each (`PEOPLE_COLUMNS`).
    people: dict[str, np.ndarray]
    # (cohort, month "2026-03", whether in the period, number of held meetings)
    meetings: list[tuple[int, str, bool, int]]
    # (dates, cohort) → the meetings the pairs were expected to hold
    expected: dict[tuple[str, int], int]
    # (dates, scope) → the median days from intake to first match, and over how many mentees
    days_to_match: dict[tuple[str, str], tuple[float, int]]
    # (dates, cohort) → (satisfaction, trust, psychological safety) totals, number of reviews
    ratings: dict[tuple[str, int], tuple[int, int, int, int]]
    # Whether a period was asked for (else only all dates are counted).
    has_period: bool = False
    # Each cohort's first day: its start, or the day its first person joined if earlier.
    began: dict[int, date] = field(default_factory=dict)
    period: Period = field(default_factory=lambda: Period())

    @property
    def eras(self) -> list[str]:
        return [ALL_DATES] + ([PERIOD] if self.has_period else [])

    def cohorts_in(self, era: str) -> list[int]:
        """The cohorts a set of dates reports on: for the period, those that had begun by its
        end (a cohort still to come has no figures for it, not hidden ones)."""
        if era == ALL_DATES or self.period.end is None:
            return list(self.cohorts)
        return [pk for pk in self.cohorts if self.began.get(pk, self.period.end) <= self.period.end]


# The SQL ------------------------------------------------------------------------------------


class _Query:
    """SQL text and its parameters, built up in order."""

    def __init__(self):
        self.parts: list[str] = []
        self.params: list = []

    def add(self, sql: str, *params) -> _Query:
        self.parts.append(sql)
        self.params.extend(params)
        return self

    def sql(self) -> str:
        return " ".join(self.parts)


def _moment(value: datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _day(value: date):
    return connection.ops.adapt_datefield_value(value)


def _holds(expression: str, period: Period) -> tuple[str, list]:
    """SQL that is true when `expression` (a moment) falls in `period`."""
    if period.is_open:
        return "1 = 1", []
    terms, params = [f"{expression} IS NOT NULL"], []
    if period.since is not None:
        terms.append(f"{expression} >= %s")
        params.append(_moment(period.since))
    if period.until is not None:
        terms.append(f"{expression} < %s")
        params.append(_moment(period.until))
    return "(" + " AND ".join(terms) + ")", params


def _holds_day(expression: str, period: Period) -> tuple[str, list]:
    """SQL that is true when `expression` (a date) falls in `period`."""
    if period.is_open:
        return "1 = 1", []
    terms, params = [], []
    if period.start is not None:
        terms.append(f"{expression} >= %s")
        params.append(_day(period.start))
    if period.end is not None:
        terms.append(f"{expression} <= %s")
        params.append(_day(period.end))
    return "(" + " AND ".join(terms) + ")", params


def _micros(later: str, earlier: str) -> str:
    """SQL for the microseconds from `earlier` to `later` (two moments)."""
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM ({later} - {earlier})) * 1000000 AS BIGINT)"
    if connection.vendor == "sqlite":
        return f"django_timestamp_diff({later}, {earlier})"
    raise NotImplementedError(f"no interval arithmetic for {connection.vendor}")


def _days_between(later: tuple[str, list], earlier: tuple[str, list]) -> tuple[str, list]:
    """SQL for the whole days from the site's date of `earlier` to that of `later` (two
    moments, each (sql, params)): calendar days, so a clock change is not an hour short."""
    (later_sql, later_params), (earlier_sql, earlier_params) = later, earlier
    a, a_params = connection.ops.datetime_cast_date_sql(later_sql, tuple(later_params), _zone())
    b, b_params = connection.ops.datetime_cast_date_sql(earlier_sql, tuple(earlier_params), _zone())
    if connection.vendor == "postgresql":
        return f"({a} - {b})", [*a_params, *b_params]
    return f"CAST(julianday({a}) - julianday({b}) AS INTEGER)", [*a_params, *b_params]


def _least(a: str, b: str) -> str:
    return f"LEAST({a}, {b})" if connection.vendor == "postgresql" else f"MIN({a}, {b})"


def _greatest(a: str, b: str) -> str:
    return f"GREATEST({a}, {b})" if connection.vendor == "postgresql" else f"MAX({a}, {b})"


def _zone() -> str:
    return timezone.get_current_timezone_name()


def _flag(condition: str, bit: int) -> str:
    return f"MAX(CASE WHEN {condition} THEN 1 ELSE 0 END) * {bit}"


T_PLACE = Participant._meta.db_table
T_COHORT = Cohort._meta.db_table
T_RELATIONSHIP = Relationship._meta.db_table
T_MEETING = Meeting._meta.db_table
T_REVIEW = Review._meta.db_table
T_OUTCOME = CareerOutcome._meta.db_table
IN_PROGRAMME = f"cohort_id IN (SELECT id FROM {T_COHORT} WHERE programme_id = %s)"


def _relationships(programme: Programme, eras: dict[str, tuple[Period, datetime]], interval):
    """Per mentee: for each set of dates, the bits their relationships give them, and whether
    any relationship had begun by the period's end (`by_end_<dates>`)."""
    q = _Query().add("SELECT r.mentee_id AS person")
    begun = "COALESCE(r.started_at, r.created_at)"
    started = "r.status IN (" + ", ".join(["%s"] * len(STARTED)) + ")"
    for name, (period, reference) in eras.items():
        ref = _moment(reference)
        live_ended = (
            "(r.status = %s AND r.started_at IS NOT NULL AND r.started_at <= %s"
            " AND r.ended_at IS NOT NULL AND r.ended_at > %s)"
        )
        live_params = [Relationship.Status.ENDED, ref, ref]
        active = f"((r.status = %s AND {begun} <= %s) OR {live_ended})"
        active_params = [Relationship.Status.ACTIVE, ref, *live_params]
        in_begun, in_begun_params = _holds(begun, period)
        in_ended, in_ended_params = _holds("r.ended_at", period)
        in_withdrawn, in_withdrawn_params = _holds("COALESCE(r.ended_at, r.created_at)", period)
        in_created, in_created_params = _holds("r.created_at", period)
        recent = f"COALESCE(met.recent_{name.replace('-', '_')}, 0) = 1"
        ended_here = f"r.status = %s AND NOT {live_ended} AND {in_ended}"
        ended_params = [Relationship.Status.ENDED, *live_params, *in_ended_params]
        no_fault = Relationship.Ending.NO_FAULT
        # (condition, its parameters, the bit it sets)
        flags = [
            (f"{started} AND {in_begun}", [*STARTED, *in_begun_params], MATCHED),
            (active, active_params, ACTIVE),
            (f"{ended_here} AND r.ending <> %s", [*ended_params, no_fault], COMPLETED),
            (f"{ended_here} AND r.ending = %s", [*ended_params, no_fault], NO_FAULT),
            (
                f"r.status = %s AND {in_withdrawn}",
                [Relationship.Status.WITHDRAWN, *in_withdrawn_params],
                WITHDRAWN,
            ),
            (
                f"r.status = %s AND {in_created}",
                [Relationship.Status.DECLINED, *in_created_params],
                DECLINED,
            ),
            (f"{active} AND {recent}", active_params, RECENT),
            (f"{active} AND NOT {recent}", active_params, NOT_RECENT),
        ]
        for i, (condition, params, bit) in enumerate(flags):
            q.add((", " if i == 0 else " + ") + _flag(condition, bit), *params)
        q.add(f" AS flags_{name.replace('-', '_')}")
        if period.until is None:
            q.add(f", {_flag(started, 1)} AS by_end_{name.replace('-', '_')}", *STARTED)
        else:
            q.add(
                f", {_flag(f'{started} AND {begun} < %s', 1)} AS by_end_{name.replace('-', '_')}",
                *STARTED,
                _moment(period.until),
            )
    met = _met_recently(programme, eras, interval)
    q.add(
        f"FROM {T_RELATIONSHIP} r LEFT JOIN ({met.sql()}) met ON met.relationship = r.id"
        f" WHERE r.{IN_PROGRAMME} GROUP BY r.mentee_id",
        *met.params,
        programme.pk,
    )
    return q


def _met_recently(programme: Programme, eras: dict[str, tuple[Period, datetime]], interval):
    """Per relationship with a held meeting in the last two meeting intervals before any set
    of dates' reference moment: for each, whether it met in that window (and in the dates)."""
    q = _Query().add("SELECT m.relationship_id AS relationship")
    for name, (period, reference) in eras.items():
        in_met, in_met_params = _holds("m.starts_at", period)
        window = f"{in_met} AND m.starts_at >= %s"
        params = [*in_met_params, _moment(reference - 2 * interval)]
        if period.until is not None:
            window += " AND m.starts_at <= %s"
            params.append(_moment(reference))
        q.add(f", {_flag(window, 1)} AS recent_{name.replace('-', '_')}", *params)
    earliest = min(reference - 2 * interval for _, reference in eras.values())
    q.add(
        f"FROM {T_MEETING} m JOIN {T_RELATIONSHIP} r ON r.id = m.relationship_id"
        f" WHERE r.{IN_PROGRAMME} AND m.status = %s AND m.starts_at >= %s"
        " GROUP BY m.relationship_id",
        programme.pk,
        Meeting.Status.HELD,
        _moment(earliest),
    )
    return q


def _latest_reviews(programme: Programme, period: Period) -> _Query:
    """Each person's latest review of each relationship in the period: (person, cohort,
    side, expectations_met, satisfaction, trust, psychological_safety)."""
    in_v, in_v_params = _holds("v.submitted_at", period)
    in_w, in_w_params = _holds("w.submitted_at", period)
    return _Query().add(
        "SELECT CASE WHEN v.side = %s THEN r.mentee_id ELSE r.mentor_id END AS person,"
        " r.cohort_id AS cohort, v.side AS side, v.expectations_met AS expectations,"
        " v.satisfaction AS satisfaction, v.trust AS trust,"
        " v.psychological_safety AS safety"
        f" FROM {T_REVIEW} v JOIN {T_RELATIONSHIP} r ON r.id = v.relationship_id"
        f" WHERE r.{IN_PROGRAMME} AND {in_v}"
        f" AND NOT EXISTS (SELECT 1 FROM {T_REVIEW} w WHERE w.relationship_id = v.relationship_id"
        f" AND w.side = v.side AND {in_w} AND (w.submitted_at > v.submitted_at"
        " OR (w.submitted_at = v.submitted_at AND w.id > v.id)))",
        "mentee",
        programme.pk,
        *in_v_params,
        *in_w_params,
    )


def _reviewers(programme: Programme, period: Period) -> _Query:
    """Per person who reviewed in the period: their review bits."""
    latest = _latest_reviews(programme, period)
    q = _Query().add(
        f"SELECT latest.person AS person, {_flag('1 = 1', REVIEWED)}"
        f" + {_flag('latest.side = %s', REVIEWED_MENTEE)}",
        "mentee",
    )
    for answer, bit in EXPECTATIONS.items():
        q.add(" + " + _flag("latest.expectations = %s", bit), answer)
    q.add(" AS flags FROM (" + latest.sql() + ") latest GROUP BY latest.person", *latest.params)
    return q


def _first_starts(programme: Programme) -> _Query:
    """Per mentee whose relationship started: the first moment one did (`first`), and that
    moment's date in the site's time zone (`began`), worked out once per mentee."""
    began, began_params = connection.ops.datetime_cast_date_sql("MIN(r.started_at)", (), _zone())
    return _Query().add(
        f"SELECT r.mentee_id AS person, MIN(r.started_at) AS first, {began} AS began"
        f" FROM {T_RELATIONSHIP} r WHERE r.{IN_PROGRAMME} AND r.started_at IS NOT NULL"
        " GROUP BY r.mentee_id",
        *began_params,
        programme.pk,
    )


def _outcomes(programme: Programme, eras: dict[str, tuple[Period, datetime]]) -> _Query:
    """Per mentee with a confirmed career outcome: for each set of dates, their outcome bits."""
    q = _Query().add("SELECT o.participant_id AS person")
    for name, (period, _) in eras.items():
        inside, inside_params = _holds_day("o.happened_on", period)
        # Dated before or after the site's date their first relationship started.
        before = "fs.first IS NOT NULL AND o.happened_on < fs.began"
        after = "fs.first IS NOT NULL AND o.happened_on >= fs.began"
        q.add(", " + _flag(inside, OUTCOME_ANY), *inside_params)
        q.add(" + " + _flag(f"{inside} AND {before}", OUTCOME_BEFORE), *inside_params)
        q.add(" + " + _flag(f"{inside} AND {after}", OUTCOME_AFTER), *inside_params)
        for kind, (bit, bit_before, bit_after) in OUTCOME_KIND.items():
            q.add(" + " + _flag(f"{inside} AND o.kind = %s", bit), *inside_params, kind)
            q.add(
                " + " + _flag(f"{inside} AND o.kind = %s AND {before}", bit_before),
                *inside_params,
                kind,
            )
            q.add(
                " + " + _flag(f"{inside} AND o.kind = %s AND {after}", bit_after),
                *inside_params,
                kind,
            )
        q.add(f" AS bits_{name.replace('-', '_')}")
    first = _first_starts(programme)
    q.add(
        f"FROM {T_OUTCOME} o JOIN {T_PLACE} p ON p.id = o.participant_id"
        f" LEFT JOIN ({first.sql()}) fs ON fs.person = o.participant_id"
        f" WHERE p.{IN_PROGRAMME} AND p.side = %s AND o.status = %s GROUP BY o.participant_id",
        *first.params,
        programme.pk,
        "mentee",
        CareerOutcome.Status.CONFIRMED,
    )
    return q


def _people(programme, eras, interval, *, request, actor) -> dict[str, np.ndarray]:
    """The programme's people, grouped by everything that decides which figures they are in,
    as columns (`PEOPLE_COLUMNS`). Reading mentees' ethnic groups is logged, with how many
    answers were read."""
    with sensitive.monitoring_group_join(
        programme, "p", side="mentee", request=request, actor=actor
    ) as read:
        rows = _grouped_people(programme, eras, interval, read)
        read.count = sum(row[-1] for row in rows if row[1] == "mentee" and row[3])
    broad = {}
    for code in {row[3] for row in rows}:
        broad[code] = v.broad_ethnic_group(code) or NOT_STATED
    return people_table(
        [(*row[:3], broad[row[3]] if row[1] == "mentee" else "", *row[4:]) for row in rows]
    )


def _place_flags(period: Period, by_end: str) -> tuple[str, list]:
    """SQL for a place's own bits in `period` (REGISTERED, INTAKE_DONE, IN_INTAKE, LEFT, and
    UNMATCHED for a mentee whose intake was complete at the end with no relationship begun by
    then: `by_end` is 0). With no period these are the status now. In a period, registering,
    completing the intake and withdrawing count when they happened in it; the intake still in
    progress and waiting for a match are the state at the period's end (now, if it is open).
    A place marked ready without a completion time (made by an import) counts as ready from
    when it joined, and a withdrawal without a time as at joining."""
    ready, intake, withdrawn = (
        Participant.Status.READY,
        Participant.Status.INTAKE,
        Participant.Status.WITHDRAWN,
    )

    def bit(condition: str, which: int) -> str:
        return f"CASE WHEN {condition} THEN {which} ELSE 0 END"

    left_at = "COALESCE(p.withdrawn_at, p.joined_at)"
    if period.is_open:
        terms = [
            (str(REGISTERED), []),
            (bit("p.status = %s", INTAKE_DONE), [ready]),
            (bit("p.status = %s", IN_INTAKE), [intake]),
            (bit("p.status = %s", LEFT), [withdrawn]),
        ]
        ready_at_end, ready_params = "p.status = %s", [ready]
    else:
        joined, joined_params = _holds("p.joined_at", period)
        done, done_params = _holds("p.intake_completed_at", period)
        left, left_params = _holds(left_at, period)
        terms = [
            (bit(joined, REGISTERED), joined_params),
            (
                bit(
                    f"(p.intake_completed_at IS NOT NULL AND {done})"
                    f" OR (p.intake_completed_at IS NULL AND p.status = %s AND {joined})",
                    INTAKE_DONE,
                ),
                [*done_params, ready, *joined_params],
            ),
            (bit(f"p.status = %s AND {left}", LEFT), [withdrawn, *left_params]),
        ]
        if period.until is None:
            terms.append((bit("p.status = %s", IN_INTAKE), [intake]))
            ready_at_end, ready_params = "p.status = %s", [ready]
        else:
            until = _moment(period.until)
            completed = (
                "((p.intake_completed_at IS NOT NULL AND p.intake_completed_at < %s)"
                " OR (p.intake_completed_at IS NULL AND p.status = %s AND p.joined_at < %s))"
            )
            completed_params = [until, ready, until]
            gone = f"(p.status = %s AND {left_at} < %s)"
            gone_params = [withdrawn, until]
            terms.append(
                (
                    bit(f"p.joined_at < %s AND NOT {completed} AND NOT {gone}", IN_INTAKE),
                    [until, *completed_params, *gone_params],
                )
            )
            ready_at_end = f"{completed} AND NOT {gone}"
            ready_params = [*completed_params, *gone_params]
    terms.append(
        (
            bit(f"p.side = %s AND {ready_at_end} AND {by_end} = 0", UNMATCHED),
            ["mentee", *ready_params],
        )
    )
    return " + ".join(sql for sql, _ in terms), [p for _, params in terms for p in params]


def _grouped_people(programme, eras, interval, read: sensitive.MonitoringRead) -> list[tuple]:
    """The grouping query's rows (the raw ethnic group code, blank for mentors).

    Each source (relationships, reviews in each set of dates, career outcomes) gives one row
    per person with its own bits, which are added to the person's place. PostgreSQL joins
    the sources to the places by hash; SQLite would join each source to the places row by
    row, so there the sources are stacked (UNION ALL) with a row of zeros per place, added up
    per person, and only then joined to the place, by its key. The tests run both shapes
    against the plain reading on their own database."""
    join, ethnic, join_params = read.join, read.column, read.params
    both = (ALL_DATES, PERIOD)
    alias = {name: name.replace("-", "_") for name in both}
    numbers = [f"{kind}_{alias[name]}" for kind in ("flags", "by_end", "outcomes") for name in both]
    # (name, query, the numbers it gives → its own column for them)
    sources = [
        (
            "rel",
            _relationships(programme, eras, interval),
            {
                **{f"flags_{alias[name]}": f"flags_{alias[name]}" for name in eras},
                **{f"by_end_{alias[name]}": f"by_end_{alias[name]}" for name in eras},
            },
        ),
        *(
            (f"rev_{alias[name]}", _reviewers(programme, period), {f"flags_{alias[name]}": "flags"})
            for name, (period, _) in eras.items()
        ),
        (
            "outcome",
            _outcomes(programme, eras),
            {f"outcomes_{alias[name]}": f"bits_{alias[name]}" for name in eras},
        ),
    ]
    q = _Query().add(
        "SELECT p.cohort_id, p.side, p.status,"
        f" CASE WHEN p.side = %s THEN {ethnic} ELSE '' END,"
        " CASE WHEN p.side = %s THEN COALESCE(NULLIF(p.profession, ''), %s) ELSE '' END,"
        " CASE WHEN p.side = %s THEN COALESCE(NULLIF(p.band, ''), %s) ELSE '' END,"
        " CASE WHEN p.side = %s THEN COALESCE(NULLIF(p.work_setting, ''), %s) ELSE '' END",
        "mentee",
        *("mentee", NOT_STATED) * 3,
    )
    if connection.vendor == "postgresql":
        value = {
            number: " + ".join(
                f"COALESCE({name}.{columns[number]}, 0)"
                for name, _, columns in sources
                if number in columns
            )
            or "0"
            for number in numbers
        }
        body = _Query().add(f"FROM {T_PLACE} p {join}", *join_params)
        for name, source, _ in sources:
            body.add(f"LEFT JOIN ({source.sql()}) {name} ON {name}.person = p.id", *source.params)
        body.add(f"WHERE p.{IN_PROGRAMME}", programme.pk)
    else:
        stacked = _Query().add(
            "SELECT p.id AS person, "
            + ", ".join(f"0 AS {number}" for number in numbers)
            + f" FROM {T_PLACE} p WHERE p.{IN_PROGRAMME}",
            programme.pk,
        )
        for name, source, columns in sources:
            picked = ", ".join(
                f"{name}.{columns[number]} AS {number}" if number in columns else f"0 AS {number}"
                for number in numbers
            )
            stacked.add(
                f"UNION ALL SELECT {name}.person, {picked} FROM ({source.sql()}) {name}",
                *source.params,
            )
        sums = ", ".join(f"SUM(s.{number}) AS {number}" for number in numbers)
        value = {number: f"x.{number}" for number in numbers}
        body = _Query().add(
            f"FROM (SELECT s.person AS person, {sums} FROM ({stacked.sql()}) s"
            f" GROUP BY s.person) x JOIN {T_PLACE} p ON p.id = x.person {join}"
            f" WHERE p.{IN_PROGRAMME}",
            *stacked.params,
            *join_params,
            programme.pk,
        )
    for name in both:
        if name not in eras:
            q.add(", 0")
            continue
        place, place_params = _place_flags(eras[name][0], value[f"by_end_{alias[name]}"])
        q.add(f", {value[f'flags_{alias[name]}']} + {place}", *place_params)
    for name in both:
        q.add(f", {value[f'outcomes_{alias[name]}']}")
    q.add(", COUNT(*)")
    q.add(body.sql(), *body.params)
    q.add("GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11")
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(q.sql(), q.params)
            return cursor.fetchall()
    with transaction.atomic(), connection.cursor() as cursor:
        # Room to group a large programme's people in memory rather than on disk, for this
        # query alone (the default, 4 MB, is sized for many small queries). Inside a request's
        # transaction this block is a savepoint, which keeps a SET LOCAL when it ends: so it
        # is set back at once (and a failed query's rollback undoes it).
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(q.sql(), q.params)
        rows = cursor.fetchall()
        cursor.execute("SET LOCAL work_mem TO DEFAULT")
        return rows


def _meetings(programme: Programme, period: Period) -> list[tuple[int, str, bool, int]]:
    month, month_params = connection.ops.datetime_trunc_sql("month", "m.starts_at", (), _zone())
    inside, inside_params = _holds("m.starts_at", period)
    q = _Query().add(
        f"SELECT r.cohort_id, {month}, CASE WHEN {inside} THEN 1 ELSE 0 END, COUNT(*)"
        f" FROM {T_MEETING} m JOIN {T_RELATIONSHIP} r ON r.id = m.relationship_id"
        f" WHERE r.{IN_PROGRAMME} AND m.status = %s GROUP BY 1, 2, 3",
        *month_params,
        *inside_params,
        programme.pk,
        Meeting.Status.HELD,
    )
    with connection.cursor() as cursor:
        cursor.execute(q.sql(), q.params)
        return [
            (cohort, str(first)[:7], bool(inside), int(count))
            for cohort, first, inside, count in cursor
        ]


def _expected(programme, eras, interval, now) -> dict[tuple[str, int], int]:
    """(dates, cohort) → the meetings the pairs were expected to hold: for each relationship
    that started, the whole meeting intervals (of whole weeks) in the days from its start to
    its end (or now), within the dates, by the site's calendar."""
    q = _Query().add("SELECT r.cohort_id")
    for _name, (period, _) in eras.items():
        since, since_params = "r.started_at", []
        if period.since is not None:
            since, since_params = _greatest("r.started_at", "%s"), [_moment(period.since)]
        until, until_params = "COALESCE(r.ended_at, %s)", [_moment(now)]
        if period.until is not None:
            until = _least(until, "%s")
            until_params.append(_moment(period.until))
        days, days_params = _days_between((until, until_params), (since, since_params))
        q.add(
            f", SUM(CASE WHEN {until} > {since} THEN {days} / %s ELSE 0 END)",
            *until_params,
            *since_params,
            *days_params,
            interval.days,
        )
    q.add(
        f"FROM {T_RELATIONSHIP} r WHERE r.{IN_PROGRAMME} AND r.started_at IS NOT NULL"
        " GROUP BY r.cohort_id",
        programme.pk,
    )
    expected = {}
    with connection.cursor() as cursor:
        cursor.execute(q.sql(), q.params)
        for cohort, *sums in cursor:
            for name, total in zip(eras, sums, strict=True):
                expected[(name, cohort)] = int(total or 0)
    return expected


def _days_to_match(programme, eras) -> dict[tuple[str, str], tuple[float, int]]:
    """(dates, scope) → (the median days from intake to first match, over how many mentees):
    for each mentee whose first relationship started after their intake was completed (and
    in the dates). The database finds the middle one or two values of each scope (window
    functions, which SQLite and PostgreSQL both have), so only those are read."""
    first = _first_starts(programme)
    period = eras[PERIOD][0] if PERIOD in eras else Period()
    inside, inside_params = _holds("fs.first", period)
    gap = _micros("fs.first", "p.intake_completed_at")
    source = _Query().add(
        f"SELECT p.cohort_id AS cohort, {gap} AS micros,"
        f" CASE WHEN {inside} THEN 1 ELSE 0 END AS inside"
        f" FROM {T_PLACE} p JOIN ({first.sql()}) fs ON fs.person = p.id"
        f" WHERE p.{IN_PROGRAMME} AND p.side = %s AND p.intake_completed_at IS NOT NULL"
        " AND fs.first >= p.intake_completed_at",
        *inside_params,
        *first.params,
        programme.pk,
        "mentee",
    )
    scoped = (
        # Scope 0 is the whole programme (cohorts' keys start at 1).
        "SELECT 0 AS era, d.cohort AS scope, d.micros FROM d UNION ALL SELECT 0, 0, d.micros FROM d"
    )
    if PERIOD in eras:
        scoped += (
            " UNION ALL SELECT 1, d.cohort, d.micros FROM d WHERE d.inside = 1"
            " UNION ALL SELECT 1, 0, d.micros FROM d WHERE d.inside = 1"
        )
    q = _Query().add(
        f"WITH d AS ({source.sql()}) SELECT x.era, x.scope, x.micros, x.n FROM ("
        " SELECT s.era, s.scope, s.micros,"
        " ROW_NUMBER() OVER (PARTITION BY s.era, s.scope ORDER BY s.micros) AS rank,"
        f" COUNT(*) OVER (PARTITION BY s.era, s.scope) AS n FROM ({scoped}) s) x"
        " WHERE 2 * x.rank IN (x.n, x.n + 1, x.n + 2)",
        *source.params,
    )
    middle: dict[tuple[str, str], list[int]] = {}
    sizes: dict[tuple[str, str], int] = {}
    with connection.cursor() as cursor:
        cursor.execute(q.sql(), q.params)
        for era, scope, micros, n in cursor:
            key = (PERIOD if era else ALL_DATES, f"cohort-{scope}" if scope else "all")
            middle.setdefault(key, []).append(int(micros))
            sizes[key] = int(n)
    day = timedelta(days=1) // timedelta(microseconds=1)
    return {key: (sum(values) / len(values) / day, sizes[key]) for key, values in middle.items()}


def _ratings(programme, eras) -> dict[tuple[str, int], tuple[int, int, int, int]]:
    ratings = {}
    for name, (period, _) in eras.items():
        latest = _latest_reviews(programme, period)
        q = _Query().add(
            "SELECT latest.cohort, SUM(latest.satisfaction), SUM(latest.trust),"
            f" SUM(latest.safety), COUNT(*) FROM ({latest.sql()}) latest GROUP BY latest.cohort",
            *latest.params,
        )
        with connection.cursor() as cursor:
            cursor.execute(q.sql(), q.params)
            for cohort, satisfaction, trust, safety, count in cursor:
                ratings[(name, cohort)] = (int(satisfaction), int(trust), int(safety), int(count))
    return ratings


def count(
    programme: Programme, now: datetime, period: Period, *, request=None, actor=None
) -> Counted:
    """Counts the programme's measures in the database, for all dates and (unless it is open)
    for `period`: a handful of GROUP BY queries, whatever the programme's size. Reading the
    mentees' ethnic groups is logged through `sensitive.monitoring_group_join`."""
    interval = timedelta(weeks=max(programme.meeting_every_weeks, 1))
    eras = {ALL_DATES: (Period(), now)}
    if not period.is_open:
        eras[PERIOD] = (period, period.reference(now))
    began = {}
    for pk, starts_on, first in programme.cohorts.annotate(
        first=Min("participants__joined_at")
    ).values_list("pk", "starts_on", "first"):
        began[pk] = min(starts_on, timezone.localdate(first)) if first else starts_on
    return Counted(
        interval=interval,
        cohorts=list(programme.cohorts.order_by("pk").values_list("pk", flat=True)),
        began=began,
        period=period,
        people=_people(programme, eras, interval, request=request, actor=actor),
        meetings=_meetings(programme, period),
        expected=_expected(programme, eras, interval, now),
        days_to_match=_days_to_match(programme, eras),
        ratings=_ratings(programme, eras),
        has_period=not period.is_open,
    )
