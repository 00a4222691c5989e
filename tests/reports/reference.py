"""The measures counted the plain way, person by person, as the dashboard counted them before it
counted in the database: the oracle `allied.reports.counting` is held to.

`records` reads a programme's rows; `published_cells` gives the people (participant ids, or
("meeting", id) for meetings) behind every figure the page publishes, keyed as
`allied.reports.measures.published` keys them. Test code only: it reads every row.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from allied.core.matching import vocabulary as v
from allied.programmes.models import (
    CareerOutcome,
    Meeting,
    Participant,
    Programme,
    Relationship,
    Review,
    SpecialCategory,
)
from allied.reports.counting import STARTED
from allied.reports.measures import (
    ALL,
    ALL_DATES,
    BREAKDOWNS,
    HEADLINE,
    MINORITISED_GROUP,
    OUTCOME_KINDS,
    PERIOD,
    SECTIONS,
    Period,
)
from allied.reports.models import ETHNIC_GROUPS, MINORITISED, NOT_STATED

_ORDER = {
    "ethnicity": [code for code, _ in ETHNIC_GROUPS],
    "profession": [code for code, _ in v.PROFESSIONS],
    "band": [code for code, _ in v.BANDS],
    "setting": [code for code, _ in v.WORK_SETTINGS],
}


@dataclass
class Records:
    """Everything the measures read from the database for one programme, as plain tuples, so
    that the counting below is pure (and can be tried on made-up programmes)."""

    interval: timedelta
    cohorts: list[int]
    # (pk, cohort_id, side, status, intake_completed_at[, joined_at, withdrawn_at])
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
    # cohort id → its first day: its start, or the site's date its first person joined
    began: dict[int, date] = field(default_factory=dict)


def _ethnic_group(code: str) -> str:
    return v.broad_ethnic_group(code) or NOT_STATED


def records(programme: Programme) -> Records:
    """Reads every row the measures count (seven queries): mentees' ethnic groups only where
    they consented to equality monitoring, as the dashboard reads them."""
    places = list(
        Participant.objects.filter(cohort__programme=programme)
        .order_by("pk")
        .values_list(
            "pk",
            "cohort_id",
            "side",
            "status",
            "intake_completed_at",
            "joined_at",
            "withdrawn_at",
            "profession",
            "band",
            "work_setting",
        )
    )
    ethnic = dict(
        SpecialCategory.objects.filter(
            participant__cohort__programme=programme,
            participant__side="mentee",
            monitoring_consent=True,
        )
        .exclude(ethnic_group="")
        .values_list("participant_id", "ethnic_group")
    )
    groups: dict[str, dict[int, str]] = {name: {} for name, _ in BREAKDOWNS}
    for pk, _cohort, side, _status, _done, _joined, _left, profession, band, setting in places:
        if side != "mentee":
            continue
        groups["ethnicity"][pk] = _ethnic_group(ethnic.get(pk, ""))
        groups["profession"][pk] = profession or NOT_STATED
        groups["band"][pk] = band or NOT_STATED
        groups["setting"][pk] = setting or NOT_STATED
    began = {}
    for pk, starts_on in programme.cohorts.values_list("pk", "starts_on"):
        joined = [
            timezone.localdate(row[5]) for row in places if row[1] == pk and row[5] is not None
        ]
        began[pk] = min([starts_on, *joined])
    return Records(
        began=began,
        interval=timedelta(weeks=max(programme.meeting_every_weeks, 1)),
        cohorts=list(programme.cohorts.order_by("pk").values_list("pk", flat=True)),
        places=[row[:7] for row in places],
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


def _gather(data: Records, now: datetime, period: Period) -> dict[str, Scope]:
    """Collects, for the programme and each of its cohorts, the people behind every figure in
    the period. Events (registering, completing the intake, withdrawing, relationships
    starting and ending, meetings, reviews, career outcomes) count when they happened in it;
    the intake in progress, waiting for a match, "active" and "recent" are as at the period's
    end (or now). With no period, a place's status now says where it stands."""
    scopes = {ALL: Scope(), **{f"cohort-{pk}": Scope() for pk in data.cohorts}}

    def into(cohort_id):
        return (scopes[ALL], scopes[f"cohort-{cohort_id}"])

    interval = data.interval
    reference = period.reference(now)
    intake_done = {}
    ready_mentees = defaultdict(set)
    mentee_cohort = {}
    for row in data.places:
        pk, cohort_id, side, status, completed, joined, left = (*row, None, None)[:7]
        ready = status == Participant.Status.READY
        withdrawn = status == Participant.Status.WITHDRAWN
        if period.is_open:
            keys = ["registered", status]
            ready_at_end = ready
        else:
            keys = []
            if period.holds(joined):
                keys.append("registered")
            if (completed is not None and period.holds(completed)) or (
                completed is None and ready and period.holds(joined)
            ):
                keys.append(Participant.Status.READY)
            if withdrawn and period.holds(left or joined):
                keys.append(Participant.Status.WITHDRAWN)
            if period.until is None:
                ready_at_end = ready
                if status == Participant.Status.INTAKE:
                    keys.append(Participant.Status.INTAKE)
            else:
                done_by_end = (completed is not None and completed < period.until) or (
                    completed is None and ready and joined is not None and joined < period.until
                )
                gone_by_end = withdrawn and (left or joined or period.until) < period.until
                ready_at_end = done_by_end and not gone_by_end
                begun = joined is not None and joined < period.until
                if begun and not done_by_end and not gone_by_end:
                    keys.append(Participant.Status.INTAKE)
        for scope in into(cohort_id):
            for key in keys:
                scope.cells[f"recruitment.{side}.{key}"].add(pk)
        if side == "mentee":
            mentee_cohort[pk] = cohort_id
            if ready_at_end:
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
                # Whole meeting intervals in the calendar days between the two moments.
                days = (timezone.localtime(until).date() - timezone.localtime(since).date()).days
                for scope in scopes_here:
                    scope.expected_meetings += days // interval.days
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
            began = data.began.get(int(key.split("-")[1])) if key != ALL else None
            if era == PERIOD and began and period.end is not None and began > period.end:
                continue  # a cohort still to come has no figures for the period
            for name, people in _scope_cells(
                scope, members, months[era], breakdowns=key == ALL
            ).items():
                if began and name.startswith("month.") and name[6:] < f"{began:%Y-%m}":
                    continue  # nor a month before the cohort began
                cells[f"{era}|{key}|{name}"] = people
    return cells, eras, months


def as_published(
    cells: dict[str, set],
    months: dict[str, list[str]],
    data: Records,
    period: Period | None = None,
):
    """The reference's people as `allied.reports.measures.Published`: a mask over atoms (people
    in exactly the same figures) per figure, so the dashboard's own disclosure code decides
    them."""
    from allied.core.disclosure import atom_masks
    from allied.reports.measures import Published

    masks, weights = atom_masks(cells)
    groups = {
        name: [code for code in found if code != MINORITISED_GROUP[0]]
        for name, found in _members(data).items()
    }
    return Published(
        masks=masks, weights=weights, months=months, groups=groups, period=period or Period()
    )
