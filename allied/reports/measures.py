"""A programme's feasibility, acceptability, career and equity measures, every figure through
the disclosure rule.

The measures follow the study's questions: were people recruited and matched, did the pairs
meet, did they stay, did they find it acceptable, did mentees progress, and do the answers
differ by group. Each count is worked out as the set of people (participant ids) or meetings
behind it. The figures every view shows, the whole programme and every cohort, for all dates
and for the chosen period, are decided together in one call, so no filter's figure can be
subtracted from another (a cohort from the programme, a period from all dates) to reveal a
small group. Each breakdown (ethnic group, profession, band, work setting), published for the
whole programme only, is then decided beside those figures with theirs fixed, and a last
pass stops any two published figures, one inside the other, differing by a small group
(`allied.core.disclosure.disclose_tables`). The page's cohort, date and group choosers only
pick among figures already decided (docs/decisions/0008-disclosure-control.md,
0013-equity-reporting.md). Averages go through `disclose_mean` and `disclose_median`, so none
is shown over fewer than 8 people.

A mentee's ethnic group is read through `allied.programmes.sensitive` (one audited read,
purpose "equality monitoring") and only for those who consented to equality monitoring;
everyone else counts as "Not stated".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from allied.core.disclosure import (
    SUPPRESSED,
    disclose_cells,
    disclose_count,
    disclose_mean,
    disclose_median,
    disclose_structured,
)
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
from allied.reports.models import ETHNIC_GROUPS, MINORITISED, NOT_STATED, WHITE

ALL = "all"
SIDES = (("mentee", "Mentees"), ("mentor", "Mentors"))
STARTED = (
    Relationship.Status.REQUESTED,
    Relationship.Status.CONVERSATION,
    Relationship.Status.ACTIVE,
    Relationship.Status.ENDED,
)
# The two sets of figures a page may publish: all dates, and the chosen period.
ALL_DATES, PERIOD = "dates-all", "dates-period"


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


OUTCOME_KINDS = tuple(CareerOutcome.Kind.choices)

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
    Section(
        "progression",
        "Career progression",
        (
            Row("progression.any", "Mentees with a confirmed career outcome"),
            Row(
                "progression.before",
                "Mentees with a confirmed outcome dated before their mentoring began",
            ),
            Row(
                "progression.after",
                "Mentees with a confirmed outcome dated after their mentoring began",
            ),
        ),
    ),
)

RATINGS = (
    ("satisfaction", "Satisfaction"),
    ("trust", "Trust"),
    ("psychological_safety", "Psychological safety"),
)

# The breakdowns, and the headline measures shown for each group: (key, label, the scope's
# cell it is taken from). All of them count mentees.
BREAKDOWNS = (
    ("ethnicity", "Ethnic group"),
    ("profession", "Profession"),
    ("band", "Band or career stage"),
    ("setting", "Work setting"),
)
HEADLINE = (
    ("registered", "Registered", "recruitment.mentee.registered"),
    ("matched", "Matched", "matching.matched"),
    ("met", "Met in the last two meeting intervals", "engagement.recent"),
    ("completed", "Completed", "retention.completed"),
    ("progressed", "Progressed (a confirmed career outcome)", "progression.any"),
    ("reviewed", "Reviewed", "acceptability.reviewed.mentee"),
)
MINORITISED_GROUP = ("minoritised", "Black and minoritised (every group but White)")
_LABELS = {
    "ethnicity": dict(ETHNIC_GROUPS),
    "profession": dict(v.PROFESSIONS),
    "band": dict(v.BANDS),
    "setting": dict(v.WORK_SETTINGS),
}
_ORDER = {
    "ethnicity": [code for code, _ in ETHNIC_GROUPS],
    "profession": [code for code, _ in v.PROFESSIONS],
    "band": [code for code, _ in v.BANDS],
    "setting": [code for code, _ in v.WORK_SETTINGS],
}


# The period --------------------------------------------------------------------------------


def _long_date(day: date) -> str:
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
            return f"{_long_date(self.start)} to {_long_date(self.end)}"
        if self.start:
            return f"From {_long_date(self.start)}"
        if self.end:
            return f"Up to {_long_date(self.end)}"
        return "All dates"


# Reading the programme ----------------------------------------------------------------------


@dataclass
class Records:
    """Everything the measures read from the database for one programme, as plain tuples, so
    that the counting below is pure (and can be tried on made-up programmes)."""

    interval: timedelta
    cohorts: list[int]
    # (pk, cohort_id, side, status, intake_completed_at)
    places: list[tuple]
    # (pk, cohort_id, mentee_id, status, ending, created_at, started_at, ended_at)
    relationships: list[tuple]
    # (pk, relationship_id, cohort_id, starts_at): held meetings only
    meetings: list[tuple]
    # (relationship_id, cohort_id, mentee_id, mentor_id, side, satisfaction, trust,
    #  psychological_safety, expectations_met, submitted_at), oldest first
    reviews: list[tuple]
    # (mentee_id, cohort_id, kind, happened_on): confirmed outcomes only
    outcomes: list[tuple]
    # breakdown → mentee id → group code (every mentee is in one group of each)
    groups: dict[str, dict[int, str]]


def _ethnic_group(code: str) -> str:
    return v.broad_ethnic_group(code) or NOT_STATED


def records(programme: Programme, *, request=None, actor=None) -> Records:
    """Reads the programme's records (seven queries). Mentees' ethnic groups are read through
    `sensitive.monitoring_groups`, which writes one audit record naming who was read."""
    places = list(
        Participant.objects.filter(cohort__programme=programme)
        .order_by("pk")
        .values_list(
            "pk",
            "cohort_id",
            "side",
            "status",
            "intake_completed_at",
            "profession",
            "band",
            "work_setting",
        )
    )
    ethnic = sensitive.monitoring_groups(programme, side="mentee", request=request, actor=actor)
    groups: dict[str, dict[int, str]] = {name: {} for name, _ in BREAKDOWNS}
    for pk, _cohort, side, _status, _done, profession, band, setting in places:
        if side != "mentee":
            continue
        groups["ethnicity"][pk] = _ethnic_group(ethnic.get(pk, ""))
        groups["profession"][pk] = profession or NOT_STATED
        groups["band"][pk] = band or NOT_STATED
        groups["setting"][pk] = setting or NOT_STATED
    return Records(
        interval=timedelta(weeks=max(programme.meeting_every_weeks, 1)),
        cohorts=list(programme.cohorts.order_by("pk").values_list("pk", flat=True)),
        places=[row[:5] for row in places],
        relationships=list(
            Relationship.objects.filter(cohort__programme=programme)
            .order_by("pk")
            .values_list(
                "pk",
                "cohort_id",
                "mentee_id",
                "status",
                "ending",
                "created_at",
                "started_at",
                "ended_at",
            )
        ),
        meetings=list(
            Meeting.objects.filter(
                relationship__cohort__programme=programme, status=Meeting.Status.HELD
            )
            .order_by("pk")
            .values_list("pk", "relationship_id", "relationship__cohort_id", "starts_at")
        ),
        reviews=list(
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
                "submitted_at",
            )
        ),
        outcomes=list(
            CareerOutcome.objects.filter(
                participant__cohort__programme=programme,
                participant__side="mentee",
                status=CareerOutcome.Status.CONFIRMED,
            )
            .order_by("pk")
            .values_list("participant_id", "participant__cohort_id", "kind", "happened_on")
        ),
        groups=groups,
    )


# Counting -----------------------------------------------------------------------------------


@dataclass
class Scope:
    """The raw material for one scope (the whole programme or one cohort): never shown."""

    cells: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    months: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    expected_meetings: int = 0
    days_to_match: list[float] = field(default_factory=list)
    ratings: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


def _month(moment: datetime, zone=None) -> str:
    """The moment's month ("2026-03") in `zone` (default: the current time zone). Callers
    counting many rows pass the zone once: looking it up per row is most of the cost."""
    local = moment.astimezone(zone or timezone.get_current_timezone())
    return f"{local.year:04d}-{local.month:02d}"


def _month_label(month: str) -> str:
    return datetime.strptime(month, "%Y-%m").strftime("%B %Y")


def _gather(data: Records, now: datetime, period: Period) -> dict[str, Scope]:
    """Collects, for the programme and each of its cohorts, the people behind every figure in
    the period. People registered count whatever the period; events (relationships starting
    and ending, meetings, reviews, career outcomes) count when they happened in it; "active"
    and "recent" are as at the period's end (or now)."""
    scopes = {ALL: Scope(), **{f"cohort-{pk}": Scope() for pk in data.cohorts}}

    def into(cohort_id):
        return (scopes[ALL], scopes[f"cohort-{cohort_id}"])

    interval = data.interval
    reference = period.reference(now)
    intake_done = {}
    ready_mentees = defaultdict(set)
    mentee_cohort = {}
    for pk, cohort_id, side, status, completed in data.places:
        for scope in into(cohort_id):
            scope.cells[f"recruitment.{side}.registered"].add(pk)
            scope.cells[f"recruitment.{side}.{status}"].add(pk)
        if side == "mentee":
            mentee_cohort[pk] = cohort_id
            if status == Participant.Status.READY:
                ready_mentees[cohort_id].add(pk)
        intake_done[pk] = completed

    first_start: dict[int, datetime] = {}
    matched = defaultdict(set)
    matched_by_end = defaultdict(set)
    active: dict[int, tuple[int, int]] = {}
    for pk, cohort_id, mentee, status, ending, created, started, ended in data.relationships:
        scopes_here = into(cohort_id)
        begun = started or created
        if status in STARTED:
            if period.holds(begun):
                matched[cohort_id].add(mentee)
            if period.until is None or (begun is not None and begun < period.until):
                matched_by_end[cohort_id].add(mentee)
        if started and (mentee not in first_start or started < first_start[mentee]):
            first_start[mentee] = started
        if started:
            since = max(started, period.since) if period.since else started
            until = min(ended or now, period.until) if period.until else (ended or now)
            if until > since:
                for scope in scopes_here:
                    scope.expected_meetings += int((until - since) / interval)
        key = None
        if status == Relationship.Status.ACTIVE and (begun is None or begun <= reference):
            active[pk] = (cohort_id, mentee)
            key = "retention.active"
        elif status == Relationship.Status.ENDED:
            if started and started <= reference and ended and ended > reference:
                active[pk] = (cohort_id, mentee)
                key = "retention.active"
            elif period.holds(ended):
                key = "retention.no_fault" if ending == "no_fault" else "retention.completed"
        elif status == Relationship.Status.WITHDRAWN and period.holds(ended or created):
            key = "retention.withdrawn"
        elif status == Relationship.Status.DECLINED and period.holds(created):
            key = "retention.declined"
        if key:
            for scope in scopes_here:
                scope.cells[key].add(mentee)

    for cohort_id, mentees in matched.items():
        for scope in into(cohort_id):
            scope.cells["matching.matched"] |= mentees
    for cohort_id, mentees in ready_mentees.items():
        for scope in into(cohort_id):
            scope.cells["matching.unmatched"] |= mentees - matched_by_end[cohort_id]
    for mentee, started in first_start.items():
        completed = intake_done.get(mentee)
        if completed and started >= completed and period.holds(started):
            for scope in into(mentee_cohort[mentee]):
                scope.days_to_match.append((started - completed) / timedelta(days=1))

    met_recently = set()
    zone = timezone.get_current_timezone()
    for pk, relationship_id, cohort_id, starts_at in data.meetings:
        if not period.holds(starts_at):
            continue
        month = _month(starts_at, zone)
        for scope in into(cohort_id):
            scope.cells["engagement.meetings"].add(("meeting", pk))
            scope.months[month].add(("meeting", pk))
        if reference - 2 * interval <= starts_at and (
            period.until is None or starts_at <= reference
        ):
            met_recently.add(relationship_id)
    for pk, (cohort_id, mentee) in active.items():
        key = "engagement.recent" if pk in met_recently else "engagement.not_recent"
        for scope in into(cohort_id):
            scope.cells[key].add(mentee)

    # Each person's latest review of each relationship, so one keen reviewer counts once.
    latest = {}
    for rel, cohort_id, mentee, mentor, side, *answers, submitted in data.reviews:
        if period.holds(submitted):
            latest[(rel, side)] = (cohort_id, side, mentee if side == "mentee" else mentor, answers)
    for cohort_id, side, person, (satisfaction, trust, safety, expectations) in latest.values():
        for scope in into(cohort_id):
            scope.cells["acceptability.reviewed"].add(person)
            if side == "mentee":
                scope.cells["acceptability.reviewed.mentee"].add(person)
            scope.cells[f"acceptability.expectations.{expectations}"].add(person)
            scope.ratings["satisfaction"].append(satisfaction)
            scope.ratings["trust"].append(trust)
            scope.ratings["psychological_safety"].append(safety)

    for mentee, cohort_id, kind, happened_on in data.outcomes:
        if not period.holds_day(happened_on):
            continue
        keys = ["progression.any", f"progression.{kind}"]
        began = first_start.get(mentee)
        if began is not None:
            when = "before" if happened_on < timezone.localtime(began).date() else "after"
            keys += [f"progression.{when}", f"progression.{kind}.{when}"]
        for scope in into(cohort_id):
            for key in keys:
                scope.cells[key].add(mentee)
    return scopes


def _members(data: Records) -> dict[str, dict[str, set[int]]]:
    """Each breakdown's groups (every ethnic group, and the other breakdowns' groups that
    anyone in the programme is in, in the vocabulary's order) → the mentees in it."""
    out = {}
    for name, _ in BREAKDOWNS:
        found = defaultdict(set)
        for person, group in data.groups.get(name, {}).items():
            found[group].add(person)
        # Every ethnic group is always listed, as the WRES lists them; other groups only
        # when someone in the programme is in them.
        every = _ORDER[name] + ([] if name == "ethnicity" else [NOT_STATED])
        codes = every if name == "ethnicity" else [code for code in every if code in found]
        out[name] = {code: found.get(code, set()) for code in codes}
    minoritised = set().union(*(out["ethnicity"][code] for code in MINORITISED))
    out["ethnicity"][MINORITISED_GROUP[0]] = minoritised
    return out


def _scope_cells(
    scope: Scope, members: dict, months: list[str], breakdowns: bool
) -> dict[str, set]:
    """Every cell one scope publishes: the sections' rows, the career outcomes by kind, the
    meetings by month, and (with `breakdowns`, for the whole programme only) each headline
    measure for every group of every breakdown."""
    cells = {row.key: scope.cells.get(row.key, set()) for s in SECTIONS for row in s.rows}
    for kind, _ in OUTCOME_KINDS:
        for suffix in ("", ".before", ".after"):
            cells[f"progression.{kind}{suffix}"] = scope.cells.get(
                f"progression.{kind}{suffix}", set()
            )
    for month in months:
        cells[f"month.{month}"] = scope.months.get(month, set())
    for measure, _, source in HEADLINE:
        whole = scope.cells.get(source, set())
        cells[f"by.total.{measure}"] = whole
        if not breakdowns:
            continue
        for name, groups in members.items():
            for group, people in groups.items():
                cells[f"by.{name}.{group}.{measure}"] = whole & people
    return cells


def published_cells(
    data: Records, now: datetime, period: Period
) -> tuple[dict[str, set], dict[str, dict[str, Scope]], dict[str, list[str]]]:
    """Returns (every cell the page publishes, keyed "<dates>|<scope>|<figure>"; the raw
    scopes for all dates and, with a period, for the period; each one's months)."""
    eras = {ALL_DATES: _gather(data, now, Period())}
    if not period.is_open:
        eras[PERIOD] = _gather(data, now, period)
    members = _members(data)
    cells: dict[str, set] = {}
    months = {}
    for era, scopes in eras.items():
        months[era] = sorted({m for scope in scopes.values() for m in scope.months})
        for key, scope in scopes.items():
            for name, people in _scope_cells(
                scope, members, months[era], breakdowns=key == ALL
            ).items():
                cells[f"{era}|{key}|{name}"] = people
    return cells, eras, months


def _partitions(cells: dict[str, set]) -> list[tuple[str, list[str]]]:
    """The totals the page publishes beside the parts that split them: the whole programme
    into its cohorts (every figure), each side's registered people into their statuses, the
    people who reviewed into their answers on expectations, the meetings held into months,
    and each breakdown's total into its groups. Only the splits that are exact on this data
    are returned (one person's two reviews can give two answers, for example)."""
    eras = sorted({key.split("|", 1)[0] for key in cells})
    scopes = sorted({key.split("|")[1] for key in cells})
    cohorts = [scope for scope in scopes if scope != ALL]
    found = []
    for era in eras:
        whole_figures = {key.split("|", 2)[2] for key in cells if key.startswith(f"{era}|{ALL}|")}
        for figure in sorted(whole_figures):
            parts = [f"{era}|{scope}|{figure}" for scope in cohorts]
            if all(part in cells for part in parts):
                found.append((f"{era}|{ALL}|{figure}", parts))
        for scope in scopes:
            at = f"{era}|{scope}|"
            for side, _ in SIDES:
                found.append(
                    (
                        f"{at}recruitment.{side}.registered",
                        [f"{at}recruitment.{side}.{status}" for status in Participant.Status],
                    )
                )
            found.append(
                (
                    f"{at}acceptability.reviewed",
                    [f"{at}acceptability.expectations.{answer}" for answer in Review.Expectations],
                )
            )
            months = [key for key in cells if key.startswith(f"{at}month.")]
            found.append((f"{at}engagement.meetings", months))
        for name, _ in BREAKDOWNS:
            groups = sorted(
                {
                    key.split("|", 2)[2].split(".")[2]
                    for key in cells
                    if key.startswith(f"{era}|{ALL}|by.{name}.")
                }
                - {MINORITISED_GROUP[0]}
            )
            for measure, _, _ in HEADLINE:
                total = f"{era}|{ALL}|by.total.{measure}"
                found.append((total, [f"{era}|{ALL}|by.{name}.{g}.{measure}" for g in groups]))
                if name == "ethnicity":
                    found.append(
                        (
                            total,
                            [
                                f"{era}|{ALL}|by.ethnicity.{g}.{measure}"
                                for g in (MINORITISED_GROUP[0], WHITE, NOT_STATED)
                            ],
                        )
                    )
    return [
        (total, parts)
        for total, parts in found
        if total in cells
        and all(part in cells for part in parts)
        and sum(len(cells[part]) for part in parts) == len(cells[total])
        and set().union(*(cells[part] for part in parts)) == set(cells[total])
    ]


def _hide_first(key: str) -> tuple[int, int, int]:
    """Which of two figures to hide when one must go: a group's before a cohort's, a cohort's
    before the whole programme's, the period's before all dates'."""
    era, scope, figure = key.split("|", 2)
    grouped = figure.startswith("by.") and not figure.startswith("by.total.")
    return (int(grouped), int(scope != ALL), int(era == PERIOD))


def _disclose(cells: dict[str, set]) -> dict[str, str]:
    """Decides every figure the page and its exports publish, together: the whole programme
    and every cohort, all dates and the period, every group of every breakdown
    (`allied.core.disclosure.disclose_structured`)."""
    partitions = _partitions(cells)
    # Ethnic group is special category data: a breakdown where one group holds everyone (the
    # mentees matched on one day, say) would tell anyone who knows who they are.
    special = {
        index
        for index, (_, parts) in enumerate(partitions)
        if parts and "|by.ethnicity." in parts[0]
    }
    return disclose_structured(cells, partitions, hide_first=_hide_first, special=special)


# What is published --------------------------------------------------------------------------


def _number(value: float | None, places: int = 1) -> str:
    return SUPPRESSED if value is None else f"{value:.{places}f}"


def _percent(part: str, whole: str) -> str:
    if SUPPRESSED in (part, whole) or int(whole) == 0:
        return SUPPRESSED
    return f"{round(100 * int(part) / int(whole))}%"


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


@dataclass(frozen=True)
class GroupRow:
    """One group's headline figures: (count, percentage) per measure. The percentage of
    "registered" is the group's share of all mentees; the others are shares of the group's
    own registered mentees. Both come from the rounded counts."""

    code: str
    label: str
    figures: tuple[tuple[str, str], ...]

    def value(self, measure: str) -> str:
        return self.figures[[m for m, _, _ in HEADLINE].index(measure)][0]


@dataclass(frozen=True)
class Breakdown:
    name: str
    title: str
    rows: tuple[GroupRow, ...]
    total: GroupRow
    minoritised: GroupRow | None


@dataclass(frozen=True)
class WorkforceRow:
    code: str
    label: str
    workforce: str
    workforce_share: str
    mentee_share: str
    matched_share: str
    progressed_share: str


@dataclass(frozen=True)
class Comparison:
    """The ethnicity breakdown beside the organisation's workforce, WRES-style."""

    as_of: date
    rows: tuple[WorkforceRow, ...]
    workforce_total: str
    lines: tuple[str, ...]


@dataclass
class Dashboard:
    programme: Programme
    cohorts: list[Cohort]
    # The figures asked for: the period's, or all dates' without one.
    scopes: dict[str, ScopeFigures]
    period: Period = field(default_factory=Period)
    # All dates' figures (the same as `scopes` without a period), published in the same call.
    overall: dict[str, ScopeFigures] = field(default_factory=dict)
    # Each breakdown's groups: [(code, label)].
    groups: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # The organisation's workforce by ethnic group as it may be shown, or None.
    workforce: dict[str, str] | None = None
    workforce_as_of: date | None = None

    def sections(self, scope: str) -> list[tuple[Section, list[tuple[Row, str, str]]]]:
        """Each section's rows as (row, figure in `scope`, figure for the whole programme)."""
        here, whole = self.scopes[scope], self.scopes[ALL]
        return [(s, [(r, here.shown[r.key], whole.shown[r.key]) for r in s.rows]) for s in SECTIONS]

    def outcomes(self, scope: str) -> list[tuple[str, str, str, str]]:
        """Each kind of career outcome as (label, mentees with one, of them dated before their
        mentoring began, after)."""
        shown = self.scopes[scope].shown
        return [
            (
                label,
                shown[f"progression.{kind}"],
                shown[f"progression.{kind}.before"],
                shown[f"progression.{kind}.after"],
            )
            for kind, label in OUTCOME_KINDS
        ]

    def breakdown(self, scope: str, name: str) -> Breakdown:
        """The headline measures for every group of breakdown `name`, for the whole programme
        whatever `scope` is: breakdowns are not published for one cohort, whose groups are
        too small to show safely."""
        shown = self.scopes[ALL].shown
        total_registered = shown["by.total.registered"]

        def row(code: str, label: str, prefix: str) -> GroupRow:
            registered = shown[f"{prefix}.registered"]
            figures = []
            for measure, _, _ in HEADLINE:
                value = shown[f"{prefix}.{measure}"]
                whole = total_registered if measure == "registered" else registered
                figures.append((value, _percent(value, whole)))
            return GroupRow(code, label, tuple(figures))

        rows = tuple(row(code, label, f"by.{name}.{code}") for code, label in self.groups[name])
        minoritised = None
        if name == "ethnicity":
            code, label = MINORITISED_GROUP
            minoritised = row(code, label, f"by.ethnicity.{code}")
        return Breakdown(
            name=name,
            title=dict(BREAKDOWNS)[name],
            rows=rows,
            total=row("total", "All mentees", "by.total"),
            minoritised=minoritised,
        )

    def comparison(self, scope: str) -> Comparison | None:
        """The ethnicity breakdown in `scope` beside the workforce, or None without workforce
        figures. Shares and likelihoods use shown (rounded) figures only."""
        if self.workforce is None:
            return None
        table = self.breakdown(scope, "ethnicity")
        every = (*table.rows, table.minoritised)
        wf = self.workforce
        rows = []
        for group in every:
            rows.append(
                WorkforceRow(
                    code=group.code,
                    label=group.label,
                    workforce=wf[group.code],
                    workforce_share=_percent(wf[group.code], wf["total"]),
                    mentee_share=_percent(
                        group.value("registered"), table.total.value("registered")
                    ),
                    matched_share=_percent(group.value("matched"), table.total.value("matched")),
                    progressed_share=_percent(
                        group.value("progressed"), table.total.value("progressed")
                    ),
                )
            )
        white, minoritised = table.rows[0], table.minoritised
        lines = (
            _likelihood(
                (minoritised.value("registered"), wf["minoritised"]),
                (white.value("registered"), wf[WHITE]),
                ("Black and minoritised staff", "white staff"),
                "to be in the programme",
            ),
            _likelihood(
                (minoritised.value("matched"), minoritised.value("registered")),
                (white.value("matched"), white.value("registered")),
                ("Black and minoritised mentees", "white mentees"),
                "to be matched with a mentor",
            ),
            _likelihood(
                (minoritised.value("progressed"), minoritised.value("registered")),
                (white.value("progressed"), white.value("registered")),
                ("Black and minoritised mentees", "white mentees"),
                "to have a confirmed career outcome",
            ),
        )
        return Comparison(
            as_of=self.workforce_as_of,
            rows=tuple(rows),
            workforce_total=wf["total"],
            lines=lines,
        )


def _likelihood(
    group: tuple[str, str], reference: tuple[str, str], who: tuple[str, str], what: str
) -> str:
    """The WRES relative likelihood: the group's rate (a / b) over the reference group's
    (c / d), in words; or why it cannot be given. Only shown figures are used. `who` names
    the two groups ("Black and minoritised staff", "white staff"); `what` is what they are
    likely to do ("to be in the programme")."""
    (a, b), (c, d) = group, reference
    subject, others = who
    if SUPPRESSED in (a, b, c, d) or 0 in (int(b), int(c), int(d)):
        return (
            f"How likely {subject} are, compared with "
            f"{others}, {what} cannot be shown: one of the groups is too small."
        )
    ratio = (int(a) / int(b)) / (int(c) / int(d))
    words = "about as likely as" if round(ratio, 1) == 1.0 else f"{ratio:.1f} times as likely as"
    return f"{subject} are {words} {others} {what}."


def _figures(raw: dict[str, Scope], shown: dict[str, str], era: str, months, labels) -> dict:
    scopes = {}
    for key, scope in raw.items():
        prefix = f"{era}|{key}|"
        mine = {
            name[len(prefix) :]: value for name, value in shown.items() if name.startswith(prefix)
        }
        expected = disclose_count(scope.expected_meetings)
        scopes[key] = ScopeFigures(
            key=key,
            label=labels[key],
            shown=mine,
            months=[(_month_label(m), mine[f"month.{m}"]) for m in months],
            expected_meetings=expected,
            meetings_percent=_percent(mine["engagement.meetings"], expected),
            median_days_to_match=_number(disclose_median(scope.days_to_match), 0),
            ratings=[
                (label, _number(disclose_mean(scope.ratings[name]))) for name, label in RATINGS
            ],
        )
    return scopes


def workforce_figures(programme: Programme) -> tuple[date | None, dict[str, int] | None]:
    """The latest workforce headcounts by ethnic group: the all-bands figures of the latest
    date, or, where only bands were entered that day, their sums. (None, None) without any."""
    latest = programme.workforce_figures.order_by("-as_of").values_list("as_of", flat=True).first()
    if latest is None:
        return None, None
    rows = list(
        programme.workforce_figures.filter(as_of=latest).values_list("group", "band", "headcount")
    )
    whole = [r for r in rows if not r[1]] or rows
    counts = {code: 0 for code, _ in ETHNIC_GROUPS}
    for group, _band, headcount in whole:
        counts[group] += headcount
    return latest, counts


def disclose_workforce(counts: dict[str, int]) -> dict[str, str]:
    """The workforce headcounts as they may be shown, with their total and the Black and
    minoritised total, through the cell rule on their own (they are the organisation's
    figures, with nobody in common with the programme's cells)."""
    cells: dict[str, set] = {}
    start = 0
    for code, _ in ETHNIC_GROUPS:
        cells[code] = set(range(start, start + counts[code]))
        start += counts[code]
    cells["minoritised"] = set().union(*(cells[code] for code in MINORITISED))
    cells["total"] = set(range(start))
    return disclose_cells(cells)


def dashboard(
    programme: Programme,
    now: datetime | None = None,
    start: date | None = None,
    end: date | None = None,
    *,
    request=None,
) -> Dashboard:
    """Returns every figure of the programme's dashboard as it may be shown (counts hidden
    ("*") or rounded to 5, averages only over 8 or more): for the programme and each cohort,
    for the period from `start` to `end` (both included; None leaves that end open), every
    breakdown, and all dates' figures beside them. `request` names who read the mentees' ethnic
    groups in the audit log (the read is logged either way)."""
    now = now or timezone.now()
    period = Period(start, end)
    cohorts = list(programme.cohorts.order_by("starts_on", "pk"))
    data = records(programme, request=request)
    cells, eras, months = published_cells(data, now, period)
    shown = _disclose(cells)
    labels = {ALL: "Whole programme", **{f"cohort-{c.pk}": c.name for c in cohorts}}
    overall = _figures(eras[ALL_DATES], shown, ALL_DATES, months[ALL_DATES], labels)
    scopes = (
        _figures(eras[PERIOD], shown, PERIOD, months[PERIOD], labels) if PERIOD in eras else overall
    )
    members = _members(data)
    groups = {}
    for name, _ in BREAKDOWNS:
        labels_here = {**_LABELS[name], NOT_STATED: "Not stated"}
        groups[name] = [
            (code, labels_here[code]) for code in members[name] if code != MINORITISED_GROUP[0]
        ]
    as_of, counts = workforce_figures(programme)
    return Dashboard(
        programme=programme,
        cohorts=cohorts,
        scopes=scopes,
        period=period,
        overall=overall,
        groups=groups,
        workforce=disclose_workforce(counts) if counts is not None else None,
        workforce_as_of=as_of,
    )


# Exports ------------------------------------------------------------------------------------


def export_rows(board: Dashboard) -> list[list[str]]:
    """Returns the dashboard's published figures as rows (measure, then one column per scope),
    for the CSV and XLSX exports: the same suppressed figures the page shows, nothing raw.
    With a period, the period's columns come first, then all dates'."""
    columns = [(board.scopes, "" if board.period.is_open else f" ({board.period.label})")]
    if not board.period.is_open:
        columns.append((board.overall, " (all dates)"))
    keys = list(board.scopes)
    header = ["Measure"]
    for scopes, suffix in columns:
        header += [scopes[k].label + suffix for k in keys]
    rows = [header]

    def add(label, value):
        rows.append([label, *(value(scopes[k]) for scopes, _ in columns for k in keys)])

    for section in SECTIONS:
        for row in section.rows:
            add(f"{section.title}: {row.label}", lambda s, key=row.key: s.shown[key])
    add("Engagement: Meetings expected", lambda s: s.expected_meetings)
    add("Engagement: Meetings held as a share of expected", lambda s: s.meetings_percent)
    add("Matching: Median days from intake to match", lambda s: s.median_days_to_match)
    for i, (_, label) in enumerate(RATINGS):
        add(f"Acceptability: Mean {label.lower()} (1 to 5)", lambda s, i=i: s.ratings[i][1])
    for kind, label in OUTCOME_KINDS:
        for suffix, words in (
            ("", ""),
            (".before", ", dated before mentoring began"),
            (".after", ", dated after mentoring began"),
        ):
            add(
                f"Career progression: Mentees with a confirmed outcome: {label}{words}",
                lambda s, key=f"progression.{kind}{suffix}": s.shown[key],
            )
    for name, title in BREAKDOWNS:
        for code, group_label in [
            *board.groups[name],
            *([MINORITISED_GROUP] if name == "ethnicity" else []),
        ]:
            for measure, measure_label, _ in HEADLINE:
                add(
                    f"By {title.lower()}: {group_label}: {measure_label}",
                    lambda s, key=f"by.{name}.{code}.{measure}": s.shown.get(key, ""),
                )
    # Months differ between the period and all dates: each month's row has a figure only where
    # that month is published.
    all_months = sorted(
        {m for scopes, _ in columns for s in scopes.values() for m, _ in s.months},
        key=lambda m: datetime.strptime(m, "%B %Y"),
    )
    for month in all_months:
        add(f"Meetings held in {month}", lambda s, month=month: dict(s.months).get(month, ""))
    if board.workforce is not None:
        rows.append([])
        rows.append(
            [f"Workforce by ethnic group on {_long_date(board.workforce_as_of)}", "Headcount"]
        )
        for code, label in [*ETHNIC_GROUPS, MINORITISED_GROUP]:
            rows.append([label, board.workforce[code]])
        rows.append(["Whole workforce", board.workforce["total"]])
    return rows
