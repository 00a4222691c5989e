"""A programme's feasibility, acceptability, career and equity measures, every figure through
the disclosure rule.

The measures follow the study's questions: were people recruited and matched, did the pairs
meet, did they stay, did they find it acceptable, did mentees progress, and do the answers
differ by group. The database counts the programme's people in groups whose members are in
exactly the same figures, and its meetings by cohort and month (`allied.reports.counting`);
`published` turns those into the groups behind every figure, and every figure the page
publishes, the whole programme and every cohort, for all dates and for the chosen period, and
each breakdown (ethnic group, profession, band, work setting; for the whole programme only),
is decided in one call of the structured rule, audited by an attacker who works out what he
can from every published figure at once (`allied.core.disclosure.disclose_protected_masks`),
so no filter's figure can be subtracted from another (a cohort from the programme, a period
from all dates, a group from its total), nor any chain of them, to reveal a small group. The page's cohort, date and group choosers only pick among figures
already decided (docs/decisions/0008-disclosure-control.md, 0013-equity-reporting.md,
0018-counting-in-the-database.md). Averages are shown only over 8 or more people.

A mentee's ethnic group is read through `allied.programmes.sensitive` (one audited read,
purpose "equality monitoring") and only for those who consented to equality monitoring;
everyone else counts as "Not stated".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache

import numpy as np
from django.utils import timezone

from allied.core.disclosure import (
    SUPPRESSED,
    disclose_cells,
    disclose_count,
    disclose_mean_of,
    disclose_median_of,
    disclose_protected_masks,
)
from allied.core.matching import vocabulary as v
from allied.programmes.models import CareerOutcome, Cohort, Participant, Programme, Review
from allied.reports.counting import (
    ACTIVE,
    ALL_DATES,
    COMPLETED,
    DECLINED,
    EXPECTATIONS,
    IN_INTAKE,
    INTAKE_DONE,
    LEFT,
    MATCHED,
    NO_FAULT,
    NOT_RECENT,
    OUTCOME_AFTER,
    OUTCOME_ANY,
    OUTCOME_BEFORE,
    OUTCOME_KIND,
    PERIOD,
    RECENT,
    REGISTERED,
    REVIEWED,
    REVIEWED_MENTEE,
    UNMATCHED,
    WITHDRAWN,
    Counted,
    Period,
    count,
    long_date,
)
from allied.reports.models import ETHNIC_GROUPS, MINORITISED, NOT_STATED, WHITE

ALL = "all"
# A figure that does not apply (a cohort that had not begun in the period): it hides nothing.
NOT_APPLICABLE = "–"
SIDES = (("mentee", "Mentees"), ("mentor", "Mentors"))


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


# What each figure counts: something that happened in the dates, or where things stood at
# their end. These figures are states; every other figure counts events. With no dates, the
# intake completed is a state too: the places that completed it and are still in.
STATES = frozenset(
    {
        "recruitment.mentee.intake",
        "recruitment.mentor.intake",
        "matching.unmatched",
        "engagement.recent",
        "engagement.not_recent",
        "retention.active",
    }
)
_STATES_NOW = STATES | {"recruitment.mentee.ready", "recruitment.mentor.ready"}


def is_state(key: str, period: Period) -> bool:
    """Whether the figure `key` is where things stood at the end of `period` (else it counts
    what happened in it)."""
    return key in (_STATES_NOW if period.is_open else STATES)


def counted_as(key: str, period: Period, end: date) -> str:
    """One line saying what the figure `key` counts in `period`, whose last day is `end`."""
    if is_state(key, period):
        return f"On {long_date(end)}"
    if period.start is None:
        return f"From the start of the programme to {long_date(end)}"
    return f"From {long_date(period.start)} to {long_date(end)}"


# Counting ----------------------------------------------------------------------------------


def _month_label(month: str) -> str:
    return datetime.strptime(month, "%Y-%m").strftime("%B %Y")


@dataclass
class Published:
    """Every figure the page publishes, keyed "<dates>|<scope>|<figure>", as a mask over the
    groups of people (and of meetings) the database counted: `weights[i]` are in group i.
    Never shown: only the disclosure rule sees these."""

    masks: dict[str, np.ndarray]
    weights: np.ndarray
    # Each set of dates' months with meetings ("2026-03"), oldest first.
    months: dict[str, list[str]]
    # Each breakdown's groups, in the vocabulary's order (without "minoritised").
    groups: dict[str, list[str]]
    # The period the figures are for (which decides what a reader knows lies inside what).
    period: Period = field(default_factory=Period)

    def size(self, key: str) -> int:
        return int(self.weights[self.masks[key]].sum())


def _present(counted: Counted, name: str) -> list[str]:
    """The groups of breakdown `name` a page lists: every ethnic group, as the WRES lists
    them; other groups only when a mentee in the programme is in them (then "Not stated")."""
    if name == "ethnicity":
        return list(_ORDER[name])
    people = counted.people
    found = set(people[name][people["side"] == "mentee"].tolist())
    return [code for code in [*_ORDER[name], NOT_STATED] if code in found]


# The figures each bit of a person's flags (and of their career outcomes) puts them in.
FLAG_FIGURES = {
    "matching.matched": MATCHED,
    "matching.unmatched": UNMATCHED,
    "engagement.recent": RECENT,
    "engagement.not_recent": NOT_RECENT,
    "retention.active": ACTIVE,
    "retention.completed": COMPLETED,
    "retention.no_fault": NO_FAULT,
    "retention.withdrawn": WITHDRAWN,
    "retention.declined": DECLINED,
    "acceptability.reviewed": REVIEWED,
    "acceptability.reviewed.mentee": REVIEWED_MENTEE,
}
# The recruitment figures each of a place's own bits puts it in, on its side.
PLACE_FIGURES = {
    "registered": REGISTERED,
    Participant.Status.READY: INTAKE_DONE,
    Participant.Status.INTAKE: IN_INTAKE,
    Participant.Status.WITHDRAWN: LEFT,
}
OUTCOME_FIGURES = {
    "progression.any": OUTCOME_ANY,
    "progression.before": OUTCOME_BEFORE,
    "progression.after": OUTCOME_AFTER,
}


def published(counted: Counted) -> Published:
    """Works out, from the database's counts, which groups of people (and of meetings) are
    behind every figure the page publishes: the sections' rows, the career outcomes by kind
    and the meetings by month, for the whole programme and each cohort, for all dates and
    for the period; and each headline measure for every group of every breakdown, for the
    whole programme only."""
    people, meetings = counted.people, counted.meetings
    extra = len(meetings)
    size = len(people["count"]) + extra

    def column(name, meeting_values, dtype):
        return np.concatenate([people[name], np.array(meeting_values, dtype=dtype)]).reshape(size)

    weights = column("count", [n for *_, n in meetings], np.int64)
    is_meeting = np.zeros(size, dtype=bool)
    is_meeting[size - extra :] = True
    is_person = ~is_meeting
    cohort = column("cohort", [c for c, *_ in meetings], np.int64)
    side = column("side", [""] * extra, str)
    month = np.array([""] * (size - extra) + [m for _, m, _, _ in meetings], dtype=str)
    meeting_in_period = np.array(
        [False] * (size - extra) + [i for _, _, i, _ in meetings], dtype=bool
    )
    flags = {
        ALL_DATES: column("flags", [0] * extra, np.int64),
        PERIOD: column("flags_period", [0] * extra, np.int64),
    }
    outcomes = {
        ALL_DATES: column("outcomes", [0] * extra, np.int64),
        PERIOD: column("outcomes_period", [0] * extra, np.int64),
    }
    groups = {name: _present(counted, name) for name, _ in BREAKDOWNS}
    group_of = {name: column(name, [""] * extra, str) for name, _ in BREAKDOWNS}
    in_group = {name: {code: group_of[name] == code for code in groups[name]} for name in group_of}
    in_group["ethnicity"][MINORITISED_GROUP[0]] = np.isin(
        group_of["ethnicity"], sorted(MINORITISED)
    )
    every = np.ones(size, dtype=bool)
    # A cohort's months start with the month it began: none of its meetings come earlier.
    first_month = {f"cohort-{pk}": f"{day:%Y-%m}" for pk, day in counted.began.items()}
    on_side = {name: side == name for name, _ in SIDES}
    masks: dict[str, np.ndarray] = {}
    months: dict[str, list[str]] = {}
    for era in counted.eras:
        held = is_meeting if era == ALL_DATES else is_meeting & meeting_in_period
        months[era] = sorted(set(month[held & (weights > 0)].tolist()))
        in_month = {m: held & (month == m) for m in months[era]}

        def bit(values, which):
            return (values & which) != 0

        figures = {key: bit(flags[era], which) for key, which in FLAG_FIGURES.items()}
        figures |= {key: bit(outcomes[era], which) for key, which in OUTCOME_FIGURES.items()}
        figures["engagement.meetings"] = held
        for answer, which in EXPECTATIONS.items():
            figures[f"acceptability.expectations.{answer}"] = bit(flags[era], which)
        for kind, (which, before, after) in OUTCOME_KIND.items():
            figures[f"progression.{kind}"] = bit(outcomes[era], which)
            figures[f"progression.{kind}.before"] = bit(outcomes[era], before)
            figures[f"progression.{kind}.after"] = bit(outcomes[era], after)
        for name, _ in SIDES:
            mine = is_person & on_side[name]
            for code, which in PLACE_FIGURES.items():
                figures[f"recruitment.{name}.{code}"] = mine & bit(flags[era], which)
        for m, mask in in_month.items():
            figures[f"month.{m}"] = mask
        names = [row.key for s in SECTIONS for row in s.rows]
        names += [
            f"progression.{kind}{suffix}"
            for kind, _ in OUTCOME_KINDS
            for suffix in ("", ".before", ".after")
        ]
        names += [f"month.{m}" for m in months[era]]
        scopes = {ALL: every, **{f"cohort-{pk}": cohort == pk for pk in counted.cohorts_in(era)}}
        for key, within in scopes.items():
            at = f"{era}|{key}|"
            since = first_month.get(key, "")
            for figure in names:
                if figure.startswith("month.") and figure[len("month.") :] < since:
                    continue
                masks[at + figure] = figures[figure] & within
            for measure, _, source in HEADLINE:
                whole = figures[source] & within
                masks[f"{at}by.total.{measure}"] = whole
                if key != ALL:
                    continue
                for name, members in in_group.items():
                    for code, mask in members.items():
                        masks[f"{at}by.{name}.{code}.{measure}"] = whole & mask
    return Published(
        masks=masks, weights=weights, months=months, groups=groups, period=counted.period
    )


def partitions(cells: Published) -> list[tuple[str, list[str]]]:
    """The totals the page publishes beside the parts that split them: the whole programme
    into its cohorts (every figure), each side's registered people into their statuses, the
    people who reviewed into their answers on expectations, the meetings held into months,
    and each breakdown's total into its groups. Only the splits that are exact on this data
    are returned (one person's two reviews can give two answers, for example)."""
    masks = cells.masks
    eras = sorted({key.split("|", 1)[0] for key in masks})
    scopes = sorted({key.split("|")[1] for key in masks})
    cohorts = [scope for scope in scopes if scope != ALL]
    found = []
    for era in eras:
        whole_figures = {key.split("|", 2)[2] for key in masks if key.startswith(f"{era}|{ALL}|")}
        for figure in sorted(whole_figures):
            # A cohort that has no such figure (it had not begun) has nobody in it: the split
            # is checked below to be exact.
            parts = [f"{era}|{scope}|{figure}" for scope in cohorts]
            found.append((f"{era}|{ALL}|{figure}", [part for part in parts if part in masks]))
        for scope in scopes:
            if not any(key.startswith(f"{era}|{scope}|") for key in masks):
                continue
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
            found.append(
                (
                    f"{at}engagement.meetings",
                    [f"{at}month.{m}" for m in cells.months[era] if f"{at}month.{m}" in masks],
                )
            )
        for name, _ in BREAKDOWNS:
            for measure, _, _ in HEADLINE:
                total = f"{era}|{ALL}|by.total.{measure}"
                found.append(
                    (total, [f"{era}|{ALL}|by.{name}.{g}.{measure}" for g in cells.groups[name]])
                )
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
    held = cells.weights > 0

    def exact(total: str, parts: list[str]) -> bool:
        if sum(cells.size(part) for part in parts) != cells.size(total):
            return False
        union = np.zeros(len(held), dtype=bool)
        for part in parts:
            union |= masks[part]
        return bool(np.array_equal(union & held, masks[total] & held))

    return [
        (total, parts)
        for total, parts in found
        if total in masks and all(part in masks for part in parts) and exact(total, parts)
    ]


def _hide_first(key: str) -> tuple[int, int, int]:
    """Which of two figures to hide when one must go: a group's before a cohort's, a cohort's
    before the whole programme's, the period's before all dates'."""
    era, scope, figure = key.split("|", 2)
    grouped = figure.startswith("by.") and not figure.startswith("by.total.")
    return (int(grouped), int(scope != ALL), int(era == PERIOD))


_SOURCE = {f"by.total.{measure}": source for measure, _, source in HEADLINE}


def _same_figure(key: str) -> tuple[str, str]:
    """What a figure is whatever the data: its scope and measure, for any dates (a breakdown's
    total is the measure it breaks down). Zeros are twins only within one of these."""
    _era, scope, figure = key.split("|", 2)
    return scope, _SOURCE.get(figure, figure)


# What a reader of the dashboard knows lies inside what, from what the figures are. The
# attacker the figures are checked against (`disclose_protected_masks`) is given a nesting
# only when it is one of these and it holds on the data: nesting that holds only by
# coincidence (the one Asian mentee happens to be the one who withdrew) is not something a
# reader can know, and would make the rule hide for what no reader could work out.
#
# Figures inside another by definition, in any set of dates: an answer inside the people who
# reviewed, a month's meetings inside the meetings, an outcome of one kind (or dated before or
# after mentoring began) inside the outcomes, a breakdown's group inside its total, an ethnic
# group inside the Black and minoritised groups, and each headline measure's total the same
# as the figure it is taken from.
def _inside_by_definition(era: str, figure: str) -> list[str]:
    parts = figure.split(".")
    if figure.startswith("acceptability.expectations."):
        return ["acceptability.reviewed"]
    if figure == "acceptability.reviewed.mentee":
        return ["acceptability.reviewed"]
    if figure.startswith("month."):
        return ["engagement.meetings"]
    if figure.startswith("progression."):
        if figure == "progression.any":
            return []
        if figure in ("progression.before", "progression.after") or len(parts) == 2:
            return ["progression.any"]
        return [f"progression.{parts[1]}", f"progression.{parts[2]}"]
    if figure.startswith("by."):
        measure = parts[-1]
        # A group's measures lie inside its registered mentees only for all dates: in a
        # period, those matched in it need not have registered in it.
        outer = []
        if measure != "registered" and era == ALL_DATES:
            outer.append(".".join([*parts[:-1], "registered"]))
        if parts[1] == "total":
            return [*outer, _SOURCE[f"by.total.{measure}"]]
        outer.append(f"by.total.{measure}")
        if parts[1] == "ethnicity" and parts[2] in MINORITISED:
            outer.append(f"by.ethnicity.{MINORITISED_GROUP[0]}.{measure}")
        return outer
    totals = {source: total for total, source in _SOURCE.items()}
    return [totals[figure]] if figure in totals else []


# For all dates, where every figure is the state now or everything that ever happened, the
# rows lie inside each other as their labels say: every mentee figure inside the mentees
# registered, the statuses inside the registered, the mentees waiting for a match inside
# those who completed their intake, the relationships' outcomes inside the matched, the pairs
# who met (or not) inside the active ones. (In a period these rows count different things.)
_INSIDE_FOR_ALL_DATES = {
    "matching.matched": ["recruitment.mentee.registered"],
    "matching.unmatched": ["recruitment.mentee.ready"],
    "retention.active": ["matching.matched"],
    "retention.completed": ["matching.matched"],
    "retention.no_fault": ["matching.matched"],
    "retention.withdrawn": ["recruitment.mentee.registered"],
    "retention.declined": ["recruitment.mentee.registered"],
    "engagement.recent": ["retention.active"],
    "engagement.not_recent": ["retention.active"],
    "progression.any": ["recruitment.mentee.registered"],
    "acceptability.reviewed.mentee": ["recruitment.mentee.registered"],
    **{
        f"recruitment.{side}.{status}": [f"recruitment.{side}.registered"]
        for side, _ in SIDES
        for status in Participant.Status.values
    },
}
# Figures of events, whose part in a period lies inside the same figure for all dates.
_EVENTS = (
    "recruitment.mentee.registered",
    "recruitment.mentor.registered",
    "recruitment.mentee.withdrawn",
    "recruitment.mentor.withdrawn",
    "matching.matched",
    "engagement.meetings",
    "month.",
    "acceptability.reviewed",
    "progression.",
)
_EVENT_MEASURES = ("registered", "matched", "completed", "progressed", "reviewed")


@cache
def _figures_inside(era: str, figure: str) -> frozenset[str]:
    """Every figure that `figure` lies inside by its definition, in the same set of dates
    and the same scope (itself included)."""
    seen, todo = {figure}, [figure]
    while todo:
        here = todo.pop()
        outer = _inside_by_definition(era, here)
        if era == ALL_DATES:
            outer = outer + _INSIDE_FOR_ALL_DATES.get(here, [])
        for name in outer:
            if name not in seen:
                seen.add(name)
                todo.append(name)
    return frozenset(seen)


def _is_event(figure: str) -> bool:
    if figure.startswith("by."):
        return figure.rsplit(".", 1)[1] in _EVENT_MEASURES
    return figure.startswith(_EVENTS)


def known_nesting(period: Period) -> Callable[[str, str], bool]:
    """Whether a reader of the figures for `period` knows that one figure lies inside another
    (when it does): a figure of a cohort inside the same figure of the whole programme, a
    figure inside another by their definitions, a period's figure of events inside the same
    figure for all dates, and a month's meetings for all dates inside the period's when the
    period holds the whole month (the two are then the same)."""

    def holds_month(month: str) -> bool:
        first = date.fromisoformat(f"{month}-01")
        last = (first + timedelta(days=31)).replace(day=1) - timedelta(days=1)
        return (period.start is None or period.start <= first) and (
            period.end is None or last <= period.end
        )

    def known(inner: str, outer: str) -> bool:
        era, scope, figure = inner.split("|", 2)
        era_out, scope_out, figure_out = outer.split("|", 2)
        if scope != scope_out and scope_out != ALL:
            return False
        if era == era_out:
            return figure_out in _figures_inside(era, figure)
        if figure != figure_out:
            return False
        if era == PERIOD:
            return _is_event(figure)
        return figure.startswith("month.") and holds_month(figure.removeprefix("month."))

    return known


def disclose_published(cells: Published) -> dict[str, str]:
    """Decides every figure the page and its exports publish, together: the whole programme
    and every cohort, all dates and the period, every group of every breakdown
    (`allied.core.disclosure.disclose_protected_masks`, with what a reader knows lies inside
    what: `known_nesting`)."""
    groups = partitions(cells)
    # Ethnic group is special category data: a breakdown where one group holds everyone (the
    # mentees matched on one day, say) would tell anyone who knows who they are.
    special = {
        index for index, (_, parts) in enumerate(groups) if parts and "|by.ethnicity." in parts[0]
    }
    return disclose_protected_masks(
        cells.masks,
        cells.weights,
        groups,
        known=known_nesting(cells.period),
        hide_first=_hide_first,
        special=special,
        same_if_empty=_same_figure,
    )


# What is published --------------------------------------------------------------------------


def _number(value: float | None, places: int = 1) -> str:
    return SUPPRESSED if value is None else f"{value:.{places}f}"


def _over(count: str, statistic: str) -> str:
    """A median or mean over the people of a published `count`: hidden when the count is, as
    shown it would say the count is 8 or more (so its "*" hides a larger count, not a small
    one); else `statistic` ("*" when over fewer than 8 answers)."""
    return SUPPRESSED if count == SUPPRESSED else statistic


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
    # False for a cohort that had not begun by the period's end: every figure is "–".
    begun: bool = True


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
    # The site's date when the figures were counted: the last day of an open period.
    today: date = field(default_factory=timezone.localdate)

    def sections(self, scope: str) -> list[tuple[Section, list[tuple[Row, str, str, str]]]]:
        """Each section's rows as (row, figure in `scope`, figure for the whole programme,
        what the figure counts: `counted_as`)."""
        here, whole = self.scopes[scope], self.scopes[ALL]
        end = self.period.end or self.today
        return [
            (
                s,
                [
                    (r, here.shown[r.key], whole.shown[r.key], counted_as(r.key, self.period, end))
                    for r in s.rows
                ],
            )
            for s in SECTIONS
        ]

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

    @property
    def shares_of_totals(self) -> bool:
        """Whether a breakdown's percentages are each group's share of the measure's total (in
        a period: those matched in it may have registered before it, so a share of the
        group's registrations would mix the two) rather than of the group's own mentees."""
        return not self.period.is_open

    def breakdown(self, scope: str, name: str, *, all_dates: bool = False) -> Breakdown:
        """The headline measures for every group of breakdown `name`, for the whole programme
        whatever `scope` is: breakdowns are not published for one cohort, whose groups are
        too small to show safely. `all_dates` gives all dates' figures beside a period's."""
        shown = (self.overall if all_dates else self.scopes)[ALL].shown
        shares_of_totals = self.shares_of_totals and not all_dates

        def row(code: str, label: str, prefix: str) -> GroupRow:
            registered = shown[f"{prefix}.registered"]
            figures = []
            for measure, _, _ in HEADLINE:
                value = shown[f"{prefix}.{measure}"]
                if measure == "registered" or shares_of_totals:
                    whole = shown[f"by.total.{measure}"]
                else:
                    whole = registered
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
        # Likelihoods compare each group's rate with the workforce's: over all dates, where
        # each group's matches and outcomes are of its own registrations.
        table = self.breakdown(scope, "ethnicity", all_dates=True)
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
        if not self.period.is_open:
            lines = tuple(
                "Over all dates, " + (f"h{line[1:]}" if line.startswith("How ") else line)
                for line in lines
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
        why = (
            "a figure it needs is hidden (*)"
            if SUPPRESSED in (a, b, c, d)
            else "one of the figures it is worked out from is 0"
        )
        return f"How likely {subject} are, compared with {others}, {what} cannot be shown: {why}."
    ratio = (int(a) / int(b)) / (int(c) / int(d))
    words = "about as likely as" if round(ratio, 1) == 1.0 else f"{ratio:.1f} times as likely as"
    return f"{subject} are {words} {others} {what}."


def _figures(counted: Counted, cells: Published, shown: dict[str, str], era: str, labels) -> dict:
    scopes = {}
    present = set(counted.cohorts_in(era))
    whole_prefix = f"{era}|{ALL}|"
    for key in [ALL, *(f"cohort-{pk}" for pk in counted.cohorts)]:
        label = labels[key]
        if key != ALL and int(key.split("-", 1)[1]) not in present:
            # Not begun by the period's end: nothing to count, and nothing hidden.
            scopes[key] = ScopeFigures(
                key=key,
                label=label,
                shown={
                    figure: NOT_APPLICABLE
                    for figure in (
                        name[len(whole_prefix) :] for name in shown if name.startswith(whole_prefix)
                    )
                    # A cohort has no breakdowns, only their totals.
                    if figure.startswith("by.total.") or not figure.startswith("by.")
                },
                months=[],
                expected_meetings=NOT_APPLICABLE,
                meetings_percent=NOT_APPLICABLE,
                median_days_to_match=NOT_APPLICABLE,
                ratings=[(label, NOT_APPLICABLE) for _, label in RATINGS],
                begun=False,
            )
            continue
        prefix = f"{era}|{key}|"
        mine = {
            name[len(prefix) :]: value for name, value in shown.items() if name.startswith(prefix)
        }
        cohorts = counted.cohorts if key == ALL else [int(key.split("-", 1)[1])]
        expected = disclose_count(sum(counted.expected.get((era, c), 0) for c in cohorts))
        median, matched = counted.days_to_match.get((era, key), (0.0, 0))
        totals = [counted.ratings.get((era, c), (0, 0, 0, 0)) for c in cohorts]
        reviews = sum(t[3] for t in totals)
        scopes[key] = ScopeFigures(
            key=key,
            label=label,
            shown=mine,
            months=[
                (_month_label(m), mine[f"month.{m}"])
                for m in cells.months[era]
                if f"month.{m}" in mine
            ],
            expected_meetings=expected,
            meetings_percent=_percent(mine["engagement.meetings"], expected),
            median_days_to_match=_over(
                mine["matching.matched"], _number(disclose_median_of(median, matched), 0)
            ),
            ratings=[
                (
                    label,
                    _over(
                        mine["acceptability.reviewed"],
                        _number(disclose_mean_of(sum(t[i] for t in totals), reviews)),
                    ),
                )
                for i, (_, label) in enumerate(RATINGS)
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
    counted = count(programme, now, period, request=request)
    cells = published(counted)
    shown = disclose_published(cells)
    labels = {ALL: "Whole programme", **{f"cohort-{c.pk}": c.name for c in cohorts}}
    overall = _figures(counted, cells, shown, ALL_DATES, labels)
    scopes = _figures(counted, cells, shown, PERIOD, labels) if counted.has_period else overall
    groups = {}
    for name, _ in BREAKDOWNS:
        labels_here = {**_LABELS[name], NOT_STATED: "Not stated"}
        groups[name] = [(code, labels_here[code]) for code in cells.groups[name]]
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
        today=timezone.localdate(now),
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
            [f"Workforce by ethnic group on {long_date(board.workforce_as_of)}", "Headcount"]
        )
        for code, label in [*ETHNIC_GROUPS, MINORITISED_GROUP]:
            rows.append([label, board.workforce[code]])
        rows.append(["Whole workforce", board.workforce["total"]])
    return rows
