"""The dashboard counts in the database (`allied.reports.counting`); these tests hold it to the
plain reading of every measure, person by person (`tests/reports/reference.py`), on random
programmes written to the database, for every kind of period, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
import statistics
from datetime import UTC, date, datetime, timedelta

import pytest

from allied.accounts.models import Organisation, User
from allied.audit.models import AuditEvent, Kind
from allied.programmes.models import (
    CareerOutcome,
    Cohort,
    Meeting,
    Participant,
    Programme,
    Relationship,
    Review,
    SpecialCategory,
)
from allied.reports import counting, measures
from tests.reports import reference

pytestmark = pytest.mark.django_db

# Summer time in London, so a meeting late in the evening of the last day of a month (UTC) is
# in the next month on the site's clock, and an outcome dated the day a mentoring began may
# fall before or after it by the site's date.
NOW = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)
DAY = timedelta(days=1)
PERIODS = [
    measures.Period(),
    measures.Period(date(2026, 3, 1), date(2026, 5, 31)),
    measures.Period(date(2026, 4, 1), None),
    measures.Period(None, date(2026, 2, 28)),
    measures.Period(date(2026, 6, 30), date(2026, 6, 30)),
    # Four weeks across the spring clock change (29 March): a whole number of fortnights and
    # of four-week intervals, though an hour short of it in elapsed time.
    measures.Period(date(2026, 3, 2), date(2026, 3, 29)),
    measures.Period(None, date(2026, 3, 29)),
]
ETHNIC = [
    "white_british",
    "black_african",
    "asian_indian",
    "mixed_other",
    "other_arab",
    "prefer_not_to_say",
    "",
]
PROFESSIONS = ["occupational_therapist", "dietitian", "podiatrist", ""]
BANDS = ["band_5", "band_6", "band_7", ""]
SETTINGS = ["nhs", "social_care", ""]


def _moment(rng: random.Random) -> datetime:
    """A moment in the year before NOW, often near midnight at the end of a month."""
    if rng.random() < 0.3:
        month = rng.randint(1, 6)
        end = date(2026, month + 1, 1) - DAY if month < 12 else date(2026, 12, 31)
        return datetime.combine(end, datetime.min.time(), tzinfo=UTC) + timedelta(
            hours=rng.choice([22, 23]), minutes=rng.randint(0, 59)
        )
    return NOW - timedelta(minutes=rng.randint(0, 400 * 24 * 60))


def _programme(seed: int, people: int = 90) -> Programme:
    """A random programme: two cohorts, people on both sides in every status, relationships in
    every state with meetings, several reviews each (ties included), outcomes, groups."""
    rng = random.Random(seed)
    organisation = Organisation.objects.create(name=f"Counting {seed}", slug=f"counting-{seed}")
    programme = Programme.objects.create(
        organisation=organisation, name="Counted programme", meeting_every_weeks=rng.choice([2, 4])
    )
    cohorts = [
        Cohort.objects.create(
            programme=programme,
            name=f"Cohort {i}",
            starts_on=date(2025, 6 + i, 1),
            ends_on=date(2026, 12, 31),
        )
        for i in range(2)
    ]
    # A cohort whose people all joined from April 2026: it has no figures for earlier periods.
    late = Cohort.objects.create(
        programme=programme, name="Late", starts_on=date(2026, 5, 1), ends_on=date(2027, 4, 30)
    )
    cohorts.append(late)
    users = User.objects.bulk_create(
        User(email=f"p{seed}-{i}@counting.example", full_name=f"P {i}", password="!")
        for i in range(people)
    )
    places = []
    for user in users:
        # Joined, then (mostly) completed the intake, then perhaps withdrew; each step may
        # fall in, before or after any period, sometimes at the edge of a month.
        status = rng.choice(["ready", "ready", "intake", "withdrawn"])
        cohort = rng.choice(cohorts)
        joined = _moment(rng)
        if cohort == late:
            joined = max(joined, datetime(2026, 4, 1, 9, tzinfo=UTC) + rng.randint(0, 80) * DAY)
        completed = None
        if status != "intake" and rng.random() < 0.85:
            completed = min(NOW, joined + rng.randint(0, 60) * DAY)
        withdrawn = None
        if status == "withdrawn" and rng.random() < 0.9:
            withdrawn = min(NOW, (completed or joined) + rng.randint(0, 120) * DAY)
        places.append(
            Participant(
                cohort=cohort,
                user=user,
                side=rng.choice(["mentee", "mentee", "mentor"]),
                status=status,
                intake_completed_at=completed,
                withdrawn_at=withdrawn,
                profession=rng.choice(PROFESSIONS),
                band=rng.choice(BANDS),
                work_setting=rng.choice(SETTINGS),
            )
        )
        places[-1].joined_at = joined
    places = Participant.objects.bulk_create(places)
    Participant.objects.bulk_update(places, ["joined_at"])
    SpecialCategory.objects.bulk_create(
        SpecialCategory(
            participant=place,
            ethnic_group=rng.choice(ETHNIC),
            monitoring_consent=rng.random() < 0.8,
        )
        for place in places
        if rng.random() < 0.9
    )
    relationships = []
    for mentee in [p for p in places if p.side == "mentee"]:
        mentors = [p for p in places if p.side == "mentor" and p.cohort_id == mentee.cohort_id]
        current = False
        for _ in range(rng.choice([0, 1, 1, 2])):
            if not mentors:
                break
            status = rng.choice(Relationship.Status.values)
            if status in Relationship.HOLDS_PLACE:
                # A mentee holds one current relationship at most.
                status = "ended" if current else status
                current = True
            started = _moment(rng) if status in ("active", "ended") or rng.random() < 0.2 else None
            ended = None
            if status in ("ended", "withdrawn") and rng.random() < 0.9:
                ended = min(NOW, (started or _moment(rng)) + rng.randint(0, 200) * DAY)
            relationship = Relationship(
                cohort=mentee.cohort,
                mentee=mentee,
                mentor=rng.choice(mentors),
                status=status,
                source=Relationship.Source.COORDINATOR,
                started_at=started,
                ended_at=ended,
                ending=rng.choice(["completed", "no_fault"]) if status == "ended" else "",
            )
            relationship.created_at = (started or _moment(rng)) - rng.randint(0, 30) * DAY
            relationships.append(relationship)
    Relationship.objects.bulk_create(relationships)
    Relationship.objects.bulk_update(relationships, ["created_at"])
    meetings, reviews = [], []
    # Meetings exactly at the edge of "met in the last two meeting intervals", for now and for
    # the end of each period.
    edges = [NOW] + [p.reference(NOW) for p in PERIODS if p.until is not None]
    two = 2 * timedelta(weeks=programme.meeting_every_weeks)
    for relationship in relationships:
        if rng.random() < 0.3:
            meetings.append(
                Meeting(relationship=relationship, starts_at=rng.choice(edges) - two, status="held")
            )
        for _ in range(rng.randint(0, 6)):
            meetings.append(
                Meeting(
                    relationship=relationship,
                    starts_at=_moment(rng),
                    status=rng.choice(["held", "held", "cancelled", "scheduled"]),
                )
            )
        for side in ("mentee", "mentor"):
            submitted = _moment(rng)
            for stage in rng.sample(["mid", "end"], rng.choice([0, 1, 2])):
                reviews.append(
                    Review(
                        relationship=relationship,
                        stage=stage,
                        side=side,
                        satisfaction=rng.randint(1, 5),
                        trust=rng.randint(1, 5),
                        psychological_safety=rng.randint(1, 5),
                        expectations_met=rng.choice(["yes", "partly", "no"]),
                        # Sometimes two reviews at the same moment: the later one saved wins.
                        submitted_at=submitted if rng.random() < 0.3 else _moment(rng),
                    )
                )
    Meeting.objects.bulk_create(meetings)
    Review.objects.bulk_create(reviews)
    outcomes = []
    for place in places:
        for _ in range(rng.choice([0, 0, 1, 2])):
            first = min(
                (r.started_at for r in relationships if r.mentee_id == place.pk and r.started_at),
                default=None,
            )
            # Outcomes on the very day mentoring began (by the site's clock) and the day before.
            day = (
                (first + timedelta(hours=1)).date() - DAY * rng.choice([0, 1])
                if first and rng.random() < 0.5
                else _moment(rng).date()
            )
            outcomes.append(
                CareerOutcome(
                    participant=place,
                    kind=rng.choice(CareerOutcome.Kind.values),
                    happened_on=day,
                    status=rng.choice(["confirmed", "confirmed", "pending"]),
                )
            )
    CareerOutcome.objects.bulk_create(outcomes)
    return programme


def _agree(programme: Programme, period: measures.Period) -> None:
    counted = counting.count(programme, NOW, period)
    published = measures.published(counted)
    data = reference.records(programme)
    cells, eras, months = reference.published_cells(data, NOW, period)

    assert set(published.masks) == set(cells)
    sizes = {key: published.size(key) for key in cells}
    assert sizes == {key: len(people) for key, people in cells.items()}
    assert published.months == months
    plain = reference.as_published(cells, months, data, period)
    assert published.groups == plain.groups
    assert measures.disclose_published(published) == measures.disclose_published(plain)

    for era, scopes in eras.items():
        for scope, raw in scopes.items():
            cohorts = counted.cohorts if scope == measures.ALL else [int(scope.split("-")[1])]
            assert sum(counted.expected.get((era, c), 0) for c in cohorts) == (
                raw.expected_meetings
            )
            median, n = counted.days_to_match.get((era, scope), (0.0, 0))
            assert n == len(raw.days_to_match)
            if n:
                assert median == pytest.approx(statistics.median(raw.days_to_match), abs=1e-6)
            totals = [counted.ratings.get((era, c), (0, 0, 0, 0)) for c in cohorts]
            assert [sum(t[i] for t in totals) for i in range(4)] == [
                sum(raw.ratings["satisfaction"]),
                sum(raw.ratings["trust"]),
                sum(raw.ratings["psychological_safety"]),
                len(raw.ratings["satisfaction"]),
            ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_database_counts_every_figure_as_the_plain_reading_does(seed):
    programme = _programme(seed)
    for period in PERIODS:
        _agree(programme, period)


def test_an_empty_programme_counts_nothing():
    organisation = Organisation.objects.create(name="Empty", slug="empty")
    programme = Programme.objects.create(organisation=organisation, name="Empty programme")
    Cohort.objects.create(
        programme=programme, name="Only", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31)
    )
    for period in PERIODS:
        _agree(programme, period)
        shown = measures.disclose_published(
            measures.published(counting.count(programme, NOW, period))
        )
        assert set(shown.values()) == {"0"}


def test_reading_ethnic_groups_to_count_them_is_logged_with_how_many():
    programme = _programme(4, people=30)
    before = AuditEvent.objects.filter(kind=Kind.SPECIAL_CATEGORY_VIEWED).count()
    counting.count(programme, NOW, measures.Period())
    events = AuditEvent.objects.filter(kind=Kind.SPECIAL_CATEGORY_VIEWED).order_by("pk")
    assert events.count() == before + 1
    read = events.last()
    expected = SpecialCategory.objects.filter(
        participant__cohort__programme=programme,
        participant__side="mentee",
        monitoring_consent=True,
    ).exclude(ethnic_group="")
    assert read.subject == "equality monitoring"
    assert read.detail["count"] == expected.count()
    assert read.detail["participants"] == sorted(expected.values_list("participant_id", flat=True))
