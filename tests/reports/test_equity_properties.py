"""Property tests: on random small programmes, for every period, cohort and breakdown the page
could show, no published figure can be subtracted from another to reveal 1 to 7 people."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allied.core.disclosure import SMALLEST_SHOWN, SUPPRESSED
from allied.reports import measures
from tests.reports import reference

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
DAY = timedelta(days=1)
STATUSES = ["requested", "conversation", "active", "declined", "withdrawn", "ended"]


def _moment(days_ago):
    return None if days_ago is None else NOW - days_ago * DAY


@st.composite
def programmes(draw):
    """Records of a random programme: up to 3 cohorts, up to 30 people, their pairs,
    meetings, reviews, confirmed outcomes and groups."""
    cohorts = list(range(1, draw(st.integers(1, 3)) + 1))
    days = st.integers(0, 400)
    places, groups = [], {name: {} for name, _ in reference.BREAKDOWNS}
    for pk in range(1, draw(st.integers(0, 30)) + 1):
        side = draw(st.sampled_from(["mentee", "mentee", "mentor"]))
        status = draw(st.sampled_from(["intake", "ready", "ready", "withdrawn"]))
        places.append((pk, draw(st.sampled_from(cohorts)), side, status, _moment(draw(days))))
        if side == "mentee":
            groups["ethnicity"][pk] = draw(st.sampled_from(["white", "black", "not_stated"]))
            groups["profession"][pk] = draw(st.sampled_from(["nurse", "paramedic"]))
            groups["band"][pk] = draw(st.sampled_from(["band_5", "band_6", "not_stated"]))
            groups["setting"][pk] = draw(st.sampled_from(["nhs", "social_care"]))
    mentees = [p for p in places if p[2] == "mentee"]
    relationships, meetings, reviews, outcomes = [], [], [], []
    for rel, (pk, cohort, *_rest) in enumerate(mentees, start=1):
        if not draw(st.booleans()):
            continue
        status = draw(st.sampled_from(STATUSES))
        created = draw(days) + 30
        started = created - draw(st.integers(0, 30)) if status in ("active", "ended") else None
        ended = draw(st.integers(0, started)) if status == "ended" and started is not None else None
        ending = draw(st.sampled_from(["completed", "no_fault"])) if status == "ended" else ""
        relationships.append(
            (rel, cohort, pk, status, ending, _moment(created), _moment(started), _moment(ended))
        )
        for n in range(draw(st.integers(0, 2))):
            meetings.append((rel * 10 + n, rel, cohort, _moment(draw(days))))
        if draw(st.booleans()):
            reviews.append(
                (
                    rel,
                    cohort,
                    pk,
                    0,
                    "mentee",
                    4,
                    4,
                    4,
                    draw(st.sampled_from(["yes", "no"])),
                    _moment(draw(days)),
                )
            )
        if draw(st.booleans()):
            kind = draw(st.sampled_from(["promotion", "course"]))
            outcomes.append((pk, cohort, kind, (NOW - draw(days) * DAY).date()))
    reviews.sort(key=lambda r: r[-1])
    return reference.Records(
        interval=timedelta(weeks=4),
        cohorts=cohorts,
        places=places,
        relationships=relationships,
        meetings=meetings,
        reviews=reviews,
        outcomes=outcomes,
        groups=groups,
    )


@st.composite
def periods(draw):
    """A period with either end open, the start never after the end."""
    older, newer = draw(st.none() | st.integers(0, 400)), draw(st.none() | st.integers(0, 400))
    if older is not None and newer is not None and older < newer:
        older, newer = newer, older
    return measures.Period(
        None if older is None else (NOW - older * DAY).date(),
        None if newer is None else (NOW - newer * DAY).date(),
    )


def _cells(data, period):
    """The people behind every figure, counted the plain way, and each set of dates' months."""
    cells, _, months = reference.published_cells(data, NOW, period)
    return cells, months


def _decide(data, period):
    """The figures the dashboard's disclosure code publishes for the reference's people."""
    cells, months = _cells(data, period)
    published = reference.as_published(cells, months, data)
    return cells, measures.disclose_published(published), published


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=programmes(), period=periods())
def test_no_figure_the_page_shows_can_be_subtracted_from_another_to_reveal_a_few(data, period):
    cells, shown, published = _decide(data, period)
    assert set(shown) == set(cells)
    visible = {key: frozenset(cells[key]) for key, value in shown.items() if value != SUPPRESSED}
    # No shown figure lies inside another with 1 to 7 people between them: not a cohort
    # inside the programme, a period inside all dates, nor a group inside its total.
    for small in visible.values():
        for big in visible.values():
            if small < big:
                assert len(big - small) >= SMALLEST_SHOWN
    # A total less its shown parts (the cohorts, the statuses, the groups) is 0 or at least
    # 8 people, and more than the hidden parts it covers.
    for total, parts in measures.partitions(published):
        if total not in visible:
            continue
        concealed = [part for part in parts if part not in visible and cells[part]]
        held = sum(len(cells[part]) for part in concealed)
        assert held == 0 or (held >= SMALLEST_SHOWN and held > len(concealed))


def test_the_splits_cover_the_cohorts_statuses_and_groups():
    """The partitions the rule protects include each kind of split the page publishes."""
    data = reference.Records(
        interval=timedelta(weeks=4),
        cohorts=[1, 2],
        places=[(1, 1, "mentee", "ready", None), (2, 2, "mentee", "intake", None)],
        relationships=[],
        meetings=[],
        reviews=[],
        outcomes=[],
        groups={
            "ethnicity": {1: "white", 2: "black"},
            "profession": {1: "nurse", 2: "nurse"},
            "band": {1: "band_5", 2: "band_6"},
            "setting": {1: "nhs", 2: "nhs"},
        },
    )
    cells, months = _cells(data, measures.Period())
    totals = {
        total for total, _ in measures.partitions(reference.as_published(cells, months, data))
    }
    era = measures.ALL_DATES
    assert f"{era}|{measures.ALL}|recruitment.mentee.registered" in totals
    assert f"{era}|cohort-1|recruitment.mentee.registered" in totals
    assert f"{era}|{measures.ALL}|by.total.registered" in totals


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=programmes(), period=periods())
def test_every_filter_the_page_offers_is_decided_and_breakdowns_are_whole_programme_only(
    data, period
):
    """Every scope and both sets of dates are decided, every figure is hidden or a multiple
    of 5, and breakdowns are published for the whole programme only."""
    cells, shown, _ = _decide(data, period)
    assert set(shown) == set(cells)
    assert all(value == SUPPRESSED or int(value) % 5 == 0 for value in shown.values())
    eras = [measures.ALL_DATES] if period.is_open else [measures.ALL_DATES, measures.PERIOD]
    for era in eras:
        for measure, _, _ in measures.HEADLINE:
            for group in ("white", "black", "not_stated", "minoritised"):
                assert f"{era}|{measures.ALL}|by.ethnicity.{group}.{measure}" in cells
            for cohort in data.cohorts:
                assert f"{era}|cohort-{cohort}|by.total.{measure}" in cells
                assert not any(
                    key.startswith(f"{era}|cohort-{cohort}|by.ethnicity.") for key in cells
                )
