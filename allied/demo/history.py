"""The demo programme's history: three finished cohorts with a few hundred people, so that the
dashboard, the board report and the research extract show real figures.

"Autumn 2024", "Spring 2025" and "Autumn 2025" ran before the demo's current cohorts. Each has
mentors (many coming back cohort after cohort, a few of them former mentees) and mentees with
realistic professions, bands and work settings; equality answers given, with consent, by most
(some "prefer not to say", a few skipped the section); a few mentees who never finished their
intake and a few never matched; pairs that completed their year or ended early without blame;
in Autumn 2024, when mentees chose from a shortlist, some requests declined or withdrawn before
a match; meetings held (and some cancelled) about every four weeks; mid-point and end reviews
with ratings; and career outcomes, most confirmed by the coordinator, some still waiting, a few
not confirmed.

Everyone is fictional, at the reserved `.example` domain, with no usable password: these
people cannot sign in. The history is dated (September 2024 to October 2026), so it is the same
whenever it is loaded. One `random.Random(SEED)` draws the whole plan in pure Python; loading
then creates, in bulk, only the planned rows that are missing, found by natural keys (an email
address, a place in a cohort, a pair, a review's stage and side, a fixed submission key), so a
second load changes nothing. Ethnicity and gender go through `allied.programmes.sensitive`,
once per place, as everywhere else.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from allied.accounts.models import Membership, Organisation, Role, User
from allied.core.matching import vocabulary as v
from allied.programmes import sensitive
from allied.programmes.models import (
    Agreement,
    CareerOutcome,
    Cohort,
    Meeting,
    Participant,
    Programme,
    Relationship,
    Review,
)

SEED = 20240902
DOMAIN = "northbrook.example"
# The namespace of the history's fixed submission keys (meetings and outcomes).
KEYS = uuid.UUID("3c9d4a2e-7f1b-4e85-b6a0-1d2e3f4a5b6c")
WEEK = timedelta(weeks=1)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class PastCohort:
    """A finished cohort and how its year went. The counts of each way a year can go are fixed
    (only who, when and the ratings are drawn), and each is 0 or at least 8, so the dashboard,
    which publishes every figure through the disclosure rule, shows most of them."""

    name: str
    starts_on: date
    ends_on: date
    source: str  # how pairs were made that year
    mentors: int  # places on the mentor side, returning mentors included
    mentees: int
    incomplete: int  # mentees who never finished their intake
    unmatched: int  # mentees with a complete intake and no mentor
    no_fault: int  # pairs that ended early without blame
    silent: int  # mentees of completed pairs who wrote no review
    partly: int  # mentees of completed pairs whose expectations were partly met


COHORTS = (
    # Mentees chose from a shortlist that year: the unmatched had a request declined (half of
    # them) or withdrew theirs (the other half).
    PastCohort(
        "Autumn 2024",
        date(2024, 9, 2),
        date(2025, 8, 29),
        Relationship.Source.SHORTLIST,
        mentors=30,
        mentees=60,
        incomplete=8,
        unmatched=16,
        no_fault=8,
        silent=8,
        partly=8,
    ),
    PastCohort(
        "Spring 2025",
        date(2025, 3, 3),
        date(2026, 2, 27),
        Relationship.Source.COORDINATOR,
        mentors=34,
        mentees=58,
        incomplete=8,
        unmatched=8,
        no_fault=9,
        silent=8,
        partly=9,
    ),
    PastCohort(
        "Autumn 2025",
        date(2025, 9, 8),
        date(2026, 9, 4),
        Relationship.Source.COORDINATOR,
        mentors=38,
        mentees=66,
        incomplete=9,
        unmatched=9,
        no_fault=10,
        silent=9,
        partly=10,
    ),
)

FIRST_NAMES = (
    "Adaeze", "Adebola", "Ahmed", "Aisha", "Ama", "Amir", "Anita", "Ayesha", "Bukola", "Callum",
    "Catherine", "Chidi", "Chloe", "Claire", "Danielle", "David", "Ebony", "Efua", "Emeka",
    "Emma", "Fatima", "Femi", "Gareth", "Gemma", "Hamza", "Harpreet", "Ifeoma", "Isaac", "Jade",
    "James", "Jasmine", "Jia", "Joanne", "Jude", "Kamal", "Karen", "Kiran", "Kofi", "Laura",
    "Leon", "Lucy", "Maryam", "Michael", "Mohammed", "Nadine", "Naomi", "Neil", "Nimisha",
    "Nkechi", "Olivia", "Omar", "Parveen", "Rachel", "Rebecca", "Reza", "Rohan", "Ruth", "Sadia",
    "Sarah", "Shanice", "Simon", "Sophie", "Tendai", "Tunde", "Usha", "Wei", "Yasmin", "Zara",
)  # fmt: skip
SURNAMES = (
    "Abubakar", "Acheampong", "Ali", "Anderson", "Appiah", "Begum", "Bennett", "Bhatt", "Brown",
    "Chauhan", "Chen", "Clarke", "Davies", "Desai", "Edwards", "Eze", "Francis", "Ghosh",
    "Grant", "Hall", "Hassan", "Hughes", "Ibrahim", "Iqbal", "Jackson", "Johnson", "Joseph",
    "Kapoor", "Khan", "Kumar", "Lewis", "Li", "Malik", "Mensah", "Mistry", "Morgan", "Nwachukwu",
    "Obi", "Okonkwo", "Oladipo", "Owusu", "Parkinson", "Patel", "Phillips", "Rahman", "Rashid",
    "Roberts", "Robinson", "Saleem", "Sandhu", "Shah", "Singh", "Smith", "Taylor", "Thomas",
    "Thompson", "Walker", "Williams", "Wilson", "Wood", "Wright", "Yeboah", "Zhang",
)  # fmt: skip

# (code, weight): roughly the allied health workforce, plus a few support workers.
PROFESSIONS = (
    ("physiotherapist", 22), ("occupational_therapist", 20), ("radiographer", 14),
    ("paramedic", 10), ("speech_and_language_therapist", 8), ("dietitian", 6),
    ("podiatrist", 5), ("operating_department_practitioner", 5), ("orthoptist", 2),
    ("art_therapist", 1), ("music_therapist", 1), ("dramatherapist", 1),
    ("prosthetist_orthotist", 1), ("osteopath", 1), ("support_worker", 3),
)  # fmt: skip
SETTINGS = (
    ("nhs", 78), ("social_care", 8), ("independent_sector", 5), ("local_authority", 4),
    ("voluntary_sector", 3), ("education", 2),
)  # fmt: skip
REGIONS = (
    ("yorkshire_and_the_humber", 70), ("north_west", 8), ("east_midlands", 8),
    ("north_east", 6), ("west_midlands", 5), ("london", 3),
)  # fmt: skip
MENTEE_BANDS = (("band_4", 5), ("band_5", 30), ("band_6", 42), ("band_7", 23))
MENTOR_BANDS = (("band_7", 20), ("band_8a", 40), ("band_8b", 28), ("band_8c", 12))
# Mentees: the programme especially welcomes black and minoritised staff.
MENTEE_ETHNICITY = (
    ("black_african", 20), ("black_caribbean", 8), ("black_other", 2), ("asian_indian", 14),
    ("asian_pakistani", 9), ("asian_bangladeshi", 4), ("asian_chinese", 3), ("asian_other", 3),
    ("mixed_white_black_caribbean", 3), ("mixed_white_black_african", 2),
    ("mixed_white_asian", 2), ("mixed_other", 1), ("white_british", 15), ("white_irish", 1),
    ("white_other", 4), ("other_arab", 2), ("other_any", 1), (v.PREFER_NOT_TO_SAY, 5),
)  # fmt: skip
MENTOR_ETHNICITY = (
    ("black_african", 12), ("black_caribbean", 7), ("asian_indian", 12), ("asian_pakistani", 6),
    ("asian_chinese", 3), ("mixed_white_black_caribbean", 2), ("mixed_white_asian", 2),
    ("white_british", 42), ("white_irish", 3), ("white_other", 6), ("other_arab", 1),
    (v.PREFER_NOT_TO_SAY, 4),
)  # fmt: skip
GENDERS = (("woman", 74), ("man", 22), ("non_binary", 1), (v.PREFER_NOT_TO_SAY, 3))

NEXT_BAND = {"band_4": "band_5", "band_5": "band_6", "band_6": "band_7", "band_7": "band_8a"}
OUTCOMES = (
    (CareerOutcome.Kind.BAND_CHANGE, 24), (CareerOutcome.Kind.PROMOTION, 12),
    (CareerOutcome.Kind.NEW_ROLE, 14), (CareerOutcome.Kind.LEADERSHIP, 16),
    (CareerOutcome.Kind.PUBLICATION, 12), (CareerOutcome.Kind.COURSE, 22),
)  # fmt: skip
DESCRIPTIONS = {
    "band_change": "Moved up a band in my team",
    "promotion": "Promoted to team lead",
    "new_role": "New role in a community team",
    "leadership": "Place on the regional AHP leadership programme",
    "publication": "Poster at the regional AHP conference",
    "course": "Started a postgraduate certificate",
}
DECLINE_REASONS = (
    "My caseload has grown this term and I cannot give a new mentee the time they deserve.",
    "I think another mentor's experience fits these goals better.",
)
AGREEMENT = {
    "mentee_expectations": "I will bring something to work on to each meeting.",
    "mentor_expectations": "I will make time every month and give honest feedback.",
    "confidentiality": (
        "What we talk about stays between us, unless someone is at risk of harm; then we "
        "follow the trust's safeguarding policy."
    ),
}


@dataclass(frozen=True)
class Person:
    email: str
    full_name: str
    profession: str
    setting: str
    region: str
    # (ethnic group, gender, matching consent), or None when they skipped the section.
    equality: tuple[str, str, bool] | None


@dataclass(frozen=True)
class Place:
    cohort: str
    email: str
    side: str
    status: str
    band: str
    joined_at: datetime
    completed_at: datetime | None
    intake: dict

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.cohort, self.email, self.side)


@dataclass(frozen=True)
class Pair:
    cohort: str
    mentee: str
    mentor: str
    status: str
    source: str
    created_at: datetime
    started_at: datetime | None = None
    ended_at: datetime | None = None
    ending: str = ""
    ended_by: str = ""
    decline_reason: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.cohort, self.mentee, self.mentor)


@dataclass(frozen=True)
class PlannedMeeting:
    pair: tuple[str, str, str]
    key: str
    starts_at: datetime
    status: str
    mode: str
    logged_by: str


@dataclass(frozen=True)
class PlannedReview:
    pair: tuple[str, str, str]
    stage: str
    side: str
    author: str
    ratings: tuple[int, int, int]
    expectations: str
    allyship: int | None
    feedback: tuple[str, str, str]
    submitted_at: datetime


@dataclass(frozen=True)
class PlannedOutcome:
    place: tuple[str, str, str]
    key: str
    kind: str
    happened_on: date
    new_band: str
    status: str
    recorded_at: datetime
    decided_at: datetime | None


@dataclass
class History:
    people: dict[str, Person] = field(default_factory=dict)
    places: list[Place] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)
    meetings: list[PlannedMeeting] = field(default_factory=list)
    reviews: list[PlannedReview] = field(default_factory=list)
    outcomes: list[PlannedOutcome] = field(default_factory=list)


def _at(day: date, hour: int = 12, minute: int = 30) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class _Planner:
    """Draws the history from one seeded generator; pure Python, no database."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.history = History()
        self.names: set[str] = set()
        self.mentors: list[str] = []  # everyone who has mentored, in order of first mentoring
        self.bands: dict[str, str] = {}  # each person's band at their latest place

    def pick(self, weighted):
        codes, weights = zip(*weighted, strict=True)
        return self.rng.choices(codes, weights=weights)[0]

    def some(self, vocabulary, low: int, high: int) -> list[str]:
        return self.rng.sample([code for code, _ in vocabulary], self.rng.randint(low, high))

    def person(self, side: str) -> Person:
        while True:
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"
            if name not in self.names:
                break
        self.names.add(name)
        number = len(self.history.people) + 1
        email = f"{name.lower().replace(' ', '.')}.{number:03d}@{DOMAIN}"
        answered = self.rng.random() < 0.9
        equality = None
        if answered:
            ethnic = self.pick(MENTEE_ETHNICITY if side == "mentee" else MENTOR_ETHNICITY)
            matching = ethnic != v.PREFER_NOT_TO_SAY and self.rng.random() < 0.65
            equality = (ethnic, self.pick(GENDERS), matching)
        profession = self.pick(PROFESSIONS)
        if side == "mentor" and profession == "support_worker":
            profession = "occupational_therapist"
        made = Person(
            email=email,
            full_name=name,
            profession=profession,
            setting=self.pick(SETTINGS),
            region=self.pick(REGIONS),
            equality=equality,
        )
        self.history.people[email] = made
        return made

    def place(
        self, cohort: PastCohort, person: Person, side: str, band: str, finished: bool = True
    ) -> Place:
        """A place with a complete intake, or one never finished."""
        rng = self.rng
        joined = _at(cohort.starts_on - timedelta(days=rng.randint(28, 70)), 9, 0)
        intake = {
            "meeting_mode": self.pick((("online", 4), ("in_person", 2), ("either", 5))),
            "availability": self.some(v.AVAILABILITY, 1, 3),
            "values": self.some(v.VALUES, 2, 3),
            "working_style": self.some(v.WORKING_STYLES, 1, 2),
            "openness": rng.choice((3.0, 3.5, 4.0, 4.5, 5.0)),
            "conscientiousness": rng.choice((3.0, 3.5, 4.0, 4.5, 5.0)),
            "career_goals": self.some(v.CAREER_GOALS, 1, 2),
        }
        if side == "mentor":
            intake.update(
                capacity=self.pick(((1, 50), (2, 38), (3, 12))),
                offers=self.some(v.SUPPORT_TOPICS, 3, 5),
                allyship_trained=rng.random() < 0.8,
                race_comfort=self.pick((("confident", 5), ("willing", 6), ("not_yet", 1))),
            )
        else:
            intake.update(
                needs_need=self.some(v.SUPPORT_TOPICS, 1, 2),
                needs_help=self.some(v.SUPPORT_TOPICS, 1, 2),
                needs_support=self.some(v.SUPPORT_TOPICS, 0, 1),
                needs_require=self.some(v.SUPPORT_TOPICS, 0, 1),
                race_conversation=self.pick((("yes", 5), ("not_now", 2), ("unsure", 2))),
                race_raised_by=self.pick((("me", 2), ("mentor", 1), ("either", 3))),
            )
        if not finished:
            intake = {"meeting_mode": intake["meeting_mode"]}
        made = Place(
            cohort=cohort.name,
            email=person.email,
            side=side,
            status=Participant.Status.READY if finished else Participant.Status.INTAKE,
            band=band,
            joined_at=joined,
            completed_at=joined + timedelta(days=rng.randint(2, 21)) if finished else None,
            intake=intake,
        )
        self.history.places.append(made)
        self.bands[person.email] = band
        return made

    def cohort(self, cohort: PastCohort) -> None:
        """Plans one cohort's places, pairs, meetings, reviews and outcomes."""
        rng = self.rng
        mentors: list[Place] = []
        returning = [e for e in self.mentors if rng.random() < 0.55]
        rng.shuffle(returning)
        # A few mentees of a year that has finished come back to mentor, now at band 7 or above.
        graduates = [
            p
            for p in self.finished_mentees(cohort)
            if self.bands[p.email] in ("band_7", "band_8a") and p.email not in self.mentors
        ][:3]
        for email in returning[: cohort.mentors - len(graduates)]:
            mentors.append(
                self.place(cohort, self.history.people[email], "mentor", self.bands[email])
            )
        for place in graduates:
            mentors.append(
                self.place(
                    cohort, self.history.people[place.email], "mentor", self.bands[place.email]
                )
            )
        while len(mentors) < cohort.mentors:
            mentors.append(
                self.place(cohort, self.person("mentor"), "mentor", self.pick(MENTOR_BANDS))
            )
        for place in mentors:
            if place.email not in self.mentors:
                self.mentors.append(place.email)
        mentees = [
            self.place(
                cohort,
                self.person("mentee"),
                "mentee",
                self.pick(MENTEE_BANDS),
                finished=number >= cohort.incomplete,
            )
            for number in range(cohort.mentees)
        ]
        self.match(cohort, mentees[cohort.incomplete :], mentors)

    def finished_mentees(self, cohort: PastCohort) -> list[Place]:
        """Mentees whose pair completed in a cohort that ended before this one starts."""
        ended = {c.name for c in COHORTS if c.ends_on < cohort.starts_on}
        completed = {
            p.mentee for p in self.history.pairs if p.ending == Relationship.Ending.COMPLETED
        }
        return [
            p
            for p in self.history.places
            if p.cohort in ended and p.side == "mentee" and p.email in completed
        ]

    def match(self, cohort: PastCohort, ready: list[Place], mentors: list[Place]) -> None:
        """Pairs the mentees with complete intakes, but for the cohort's unmatched; each
        mentor answers their reviews one way (yes, partly, or not at all) across their pairs."""
        rng = self.rng
        ready = list(ready)
        rng.shuffle(ready)
        mentors = list(mentors)
        rng.shuffle(mentors)
        answers = {m.email: "yes" for m in mentors}
        for m in mentors[:8]:
            answers[m.email] = ""
        for m in mentors[8:16]:
            answers[m.email] = "partly"
        published = _at(cohort.starts_on - timedelta(days=rng.randint(3, 10)), 10, 0)
        unmatched, matched = ready[: cohort.unmatched], ready[cohort.unmatched :]
        if cohort.source == Relationship.Source.SHORTLIST:
            for number, mentee in enumerate(unmatched):
                self.request(cohort, mentee, rng.choice(mentors), published, number % 2 == 0)
        spare = {m.email: m.intake["capacity"] for m in mentors}
        fates = ["no_fault"] * cohort.no_fault + ["silent"] * cohort.silent
        fates += ["partly"] * cohort.partly
        fates += ["yes"] * (len(matched) - len(fates))
        for mentee, fate in zip(matched, fates, strict=True):
            free = [m for m in mentors if spare[m.email] > 0] or mentors
            mentor = rng.choice(free)
            spare[mentor.email] -= 1
            self.relationship(cohort, mentee, mentor, published, fate, answers[mentor.email])

    def request(self, cohort, mentee: Place, mentor: Place, published, declined: bool) -> None:
        """A mentee's request that came to nothing: declined by the mentor or withdrawn."""
        rng = self.rng
        answered = published + timedelta(days=rng.randint(2, 9))
        self.history.pairs.append(
            Pair(
                cohort=cohort.name,
                mentee=mentee.email,
                mentor=mentor.email,
                status=Relationship.Status.DECLINED if declined else Relationship.Status.WITHDRAWN,
                source=cohort.source,
                created_at=published,
                ended_at=answered,
                ended_by=mentor.email if declined else mentee.email,
                decline_reason=rng.choice(DECLINE_REASONS) if declined else "",
            )
        )

    def relationship(
        self, cohort: PastCohort, mentee: Place, mentor: Place, created, fate: str, mentor_says
    ) -> None:
        rng = self.rng
        started = created + timedelta(days=rng.randint(3, 18), hours=rng.randint(0, 6))
        if fate == "no_fault":  # before the mid-point review
            ended = started + timedelta(days=rng.randint(40, 170))
            ending, by = Relationship.Ending.NO_FAULT, rng.choice((mentee.email, mentor.email))
        else:
            ended = _at(cohort.ends_on - timedelta(days=rng.randint(0, 14)), 16, 0)
            ending, by = Relationship.Ending.COMPLETED, mentor.email
        pair = Pair(
            cohort=cohort.name,
            mentee=mentee.email,
            mentor=mentor.email,
            status=Relationship.Status.ENDED,
            source=cohort.source,
            created_at=created,
            started_at=started,
            ended_at=ended,
            ending=ending,
            ended_by=by,
        )
        self.history.pairs.append(pair)
        self.meetings(pair)
        if ending == Relationship.Ending.COMPLETED:
            if fate != "silent":
                self.reviews(pair, "mentee", fate)
            if mentor_says:
                self.reviews(pair, "mentor", mentor_says)
        self.outcomes(cohort, mentee, pair, completed=ending == Relationship.Ending.COMPLETED)

    def meetings(self, pair: Pair) -> None:
        rng = self.rng
        day = timezone.localdate(pair.started_at) + timedelta(days=rng.randint(5, 12))
        held_rate = 0.88 if pair.ending == Relationship.Ending.COMPLETED else 0.7
        number = 0
        while _at(day) < pair.ended_at:
            number += 1
            held = rng.random() < held_rate
            hour = rng.choice((8, 12, 17))
            self.history.meetings.append(
                PlannedMeeting(
                    pair=pair.key,
                    key=f"{pair.cohort}|{pair.mentee}|meeting-{number}",
                    starts_at=_at(day, hour, 30 if hour == 12 else 0),
                    status=Meeting.Status.HELD if held else Meeting.Status.CANCELLED,
                    mode=rng.choice(("online", "online", "in_person")),
                    logged_by=rng.choice((pair.mentee, pair.mentor)),
                )
            )
            day += timedelta(days=rng.choice((25, 28, 28, 28, 31, 35)))

    def reviews(self, pair: Pair, side: str, expectations: str) -> None:
        """One person's mid-point and end reviews of a completed pair."""
        rng = self.rng
        author = pair.mentee if side == "mentee" else pair.mentor
        lift = 0 if expectations == "yes" else -1
        stages = (
            ("mid", pair.started_at + 26 * WEEK + timedelta(days=rng.randint(0, 20))),
            ("end", pair.ended_at - timedelta(days=rng.randint(0, 10))),
        )
        for stage, when in stages:
            ratings = tuple(
                max(1, min(5, self.pick(((2, 1), (3, 3), (4, 9), (5, 8))) + lift)) for _ in range(3)
            )
            feedback = ("", "", "")
            allyship = None
            if side == "mentee":
                allyship = max(1, min(5, self.pick(((2, 1), (3, 3), (4, 8), (5, 7))) + lift))
                answers = (("yes", 7), ("partly", 2), ("no", 1), ("not_applicable", 2))
                feedback = tuple(self.pick(answers) if rng.random() < 0.8 else "" for _ in range(3))
            self.history.reviews.append(
                PlannedReview(
                    pair=pair.key,
                    stage=stage,
                    side=side,
                    author=author,
                    ratings=ratings,
                    expectations=expectations,
                    allyship=allyship,
                    feedback=feedback,
                    submitted_at=when + timedelta(hours=rng.randint(1, 60)),
                )
            )

    def outcomes(self, cohort: PastCohort, mentee: Place, pair: Pair, *, completed: bool) -> None:
        rng = self.rng
        planned = []
        if rng.random() < 0.12:  # something that happened in the year before mentoring
            planned.append((cohort.starts_on - timedelta(days=rng.randint(30, 330)), "before"))
        if rng.random() < (0.5 if completed else 0.2):
            start = timezone.localdate(pair.started_at)
            latest = timezone.localdate(pair.ended_at) + timedelta(days=60)
            span = max((latest - start).days - 60, 1)
            planned.append((start + timedelta(days=60 + rng.randint(0, span)), "after"))
        for number, (happened, when) in enumerate(planned, start=1):
            kind = self.pick(OUTCOMES)
            new_band = ""
            if kind == CareerOutcome.Kind.BAND_CHANGE:
                current = self.bands[mentee.email]
                if current not in NEXT_BAND:
                    kind = CareerOutcome.Kind.LEADERSHIP
                else:
                    new_band = NEXT_BAND[current]
                    self.bands[mentee.email] = new_band
            # Something from before the programme is recorded once the mentoring has begun.
            after = cohort.starts_on if when == "before" else happened
            recorded = _at(after + timedelta(days=rng.randint(3, 40)), 19, 0)
            waiting = recorded.date() > date(2026, 8, 31) and rng.random() < 0.6
            if waiting or rng.random() < 0.06:
                status, decided = CareerOutcome.Status.PENDING, None
            else:
                status = (
                    CareerOutcome.Status.NOT_CONFIRMED
                    if rng.random() < 0.05
                    else CareerOutcome.Status.CONFIRMED
                )
                decided = recorded + timedelta(days=rng.randint(1, 14))
            self.history.outcomes.append(
                PlannedOutcome(
                    place=mentee.key,
                    key=f"{mentee.cohort}|{mentee.email}|outcome-{number}",
                    kind=kind,
                    happened_on=happened,
                    new_band=new_band,
                    status=status,
                    recorded_at=recorded,
                    decided_at=decided,
                )
            )


def history_plan(seed: int = SEED) -> History:
    """Returns the whole planned history: the same for the same seed, with no database."""
    planner = _Planner(seed)
    for cohort in COHORTS:
        planner.cohort(cohort)
    return planner.history


def _key(text: str) -> uuid.UUID:
    return uuid.uuid5(KEYS, text)


# Loading ------------------------------------------------------------------------------------


@transaction.atomic
def load_history(
    programme: Programme, organisation: Organisation, coordinator: User
) -> list[Cohort]:
    """Returns the programme's past cohorts, creating whatever of the planned history is
    missing. Reads and writes in bulk: a few dozen queries for a few thousand rows, plus one
    audited write of equality answers per new place."""
    plan = history_plan()
    users = _users(plan, organisation)
    cohorts = {}
    for past in COHORTS:
        cohorts[past.name], _ = Cohort.objects.get_or_create(
            programme=programme,
            name=past.name,
            defaults={
                "starts_on": past.starts_on,
                "ends_on": past.ends_on,
                "status": Cohort.Status.FINISHED,
            },
        )
    places = _places(plan, cohorts, users)
    pairs = _pairs(plan, cohorts, places, users)
    _agreements(plan, pairs, users)
    _meetings(plan, pairs, users)
    _reviews(plan, pairs, users)
    _outcomes(plan, places, coordinator)
    return list(cohorts.values())


def _users(plan: History, organisation: Organisation) -> dict[str, User]:
    emails = list(plan.people)
    found = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    first_place = {}
    for place in plan.places:
        first_place.setdefault(place.email, place.joined_at)
    new = []
    for email, person in plan.people.items():
        if email in found:
            continue
        user = User(email=email, full_name=person.full_name, date_joined=first_place[email])
        user.set_unusable_password()
        new.append(user)
    User.objects.bulk_create(new, batch_size=500)
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    roles = {
        (place.email, Role.MENTOR if place.side == "mentor" else Role.MENTEE)
        for place in plan.places
    }
    held = set(
        Membership.objects.filter(organisation=organisation, user__email__in=emails).values_list(
            "user__email", "role"
        )
    )
    Membership.objects.bulk_create(
        [
            Membership(user=users[email], organisation=organisation, role=role)
            for email, role in sorted(roles - held)
        ],
        batch_size=500,
    )
    return users


def _places(plan: History, cohorts, users) -> dict[tuple, Participant]:
    def found():
        rows = Participant.objects.filter(cohort__in=cohorts.values()).select_related(
            "cohort", "user"
        )
        return {(p.cohort.name, p.user.email, p.side): p for p in rows}

    existing = found()
    new = []
    for planned in plan.places:
        if planned.key in existing:
            continue
        person = plan.people[planned.email]
        new.append(
            Participant(
                cohort=cohorts[planned.cohort],
                user=users[planned.email],
                side=planned.side,
                status=planned.status,
                intake_step="check" if planned.completed_at else "about",
                intake_completed_at=planned.completed_at,
                profession=person.profession,
                band=planned.band,
                work_setting=person.setting,
                region=person.region,
                **planned.intake,
            )
        )
    made = Participant.objects.bulk_create(new, batch_size=500)
    joined = {planned.key: planned.joined_at for planned in plan.places}
    for place in made:
        place.joined_at = joined[(place.cohort.name, place.user.email, place.side)]
    Participant.objects.bulk_update(made, ["joined_at"], batch_size=500)
    for place in made:
        answers = plan.people[place.user.email].equality
        if answers is None:
            continue
        ethnic_group, gender, matching = answers
        sensitive.save_own_answers(
            place,
            ethnic_group=ethnic_group,
            gender=gender,
            monitoring_consent=True,
            matching_consent=matching,
            gender_matching_consent=matching,
        )
    return found() if made else existing


def _pairs(plan: History, cohorts, places, users) -> dict[tuple, Relationship]:
    def found():
        rows = Relationship.objects.filter(cohort__in=cohorts.values()).select_related(
            "cohort", "mentee__user", "mentor__user"
        )
        return {(r.cohort.name, r.mentee.user.email, r.mentor.user.email): r for r in rows}

    existing = found()
    new = []
    for planned in plan.pairs:
        if planned.key in existing:
            continue
        new.append(
            Relationship(
                cohort=cohorts[planned.cohort],
                mentee=places[(planned.cohort, planned.mentee, "mentee")],
                mentor=places[(planned.cohort, planned.mentor, "mentor")],
                status=planned.status,
                source=planned.source,
                decline_reason=planned.decline_reason,
                started_at=planned.started_at,
                ended_at=planned.ended_at,
                ending=planned.ending,
                ended_by=users.get(planned.ended_by),
            )
        )
    made = Relationship.objects.bulk_create(new, batch_size=500)
    created = {planned.key: planned.created_at for planned in plan.pairs}
    for relationship in made:
        relationship.created_at = created[
            (
                relationship.cohort.name,
                relationship.mentee.user.email,
                relationship.mentor.user.email,
            )
        ]
    Relationship.objects.bulk_update(made, ["created_at"], batch_size=500)
    return found() if made else existing


def _agreements(plan: History, pairs, users) -> None:
    started = [p for p in plan.pairs if p.started_at]
    have = set(
        Agreement.objects.filter(relationship__in=[pairs[p.key] for p in started]).values_list(
            "relationship_id", flat=True
        )
    )
    new = []
    for planned in started:
        relationship = pairs[planned.key]
        if relationship.pk in have:
            continue
        signed = planned.started_at + timedelta(days=6)
        new.append(
            Agreement(
                relationship=relationship,
                **AGREEMENT,
                mid_review_on=(planned.started_at + 26 * WEEK).date(),
                end_review_on=(planned.started_at + 52 * WEEK).date(),
                scope_understood=True,
                mentee_signed_version=1,
                mentee_signed_at=signed,
                mentor_signed_version=1,
                mentor_signed_at=signed - timedelta(hours=20),
                updated_by=users[planned.mentor],
            )
        )
    Agreement.objects.bulk_create(new, batch_size=500)


def _meetings(plan: History, pairs, users) -> None:
    keys = {_key(m.key): m for m in plan.meetings}
    have = set(Meeting.objects.filter(submission__in=keys).values_list("submission", flat=True))
    Meeting.objects.bulk_create(
        [
            Meeting(
                relationship=pairs[m.pair],
                starts_at=m.starts_at,
                mode=m.mode,
                status=m.status,
                created_by=users[m.pair[2]],
                logged_at=m.starts_at + timedelta(hours=3),
                logged_by=users[m.logged_by],
                submission=key,
            )
            for key, m in keys.items()
            if key not in have
        ],
        batch_size=500,
    )


def _reviews(plan: History, pairs, users) -> None:
    have = set(
        Review.objects.filter(relationship__in=list(pairs.values())).values_list(
            "relationship_id", "stage", "side"
        )
    )
    new = []
    for r in plan.reviews:
        relationship = pairs[r.pair]
        if (relationship.pk, r.stage, r.side) in have:
            continue
        satisfaction, trust, safety = r.ratings
        felt_believed, race_discussed_safely, challenged_barriers = r.feedback
        new.append(
            Review(
                relationship=relationship,
                stage=r.stage,
                side=r.side,
                author=users[r.author],
                satisfaction=satisfaction,
                trust=trust,
                psychological_safety=safety,
                expectations_met=r.expectations,
                allyship=r.allyship,
                felt_believed=felt_believed,
                race_discussed_safely=race_discussed_safely,
                challenged_barriers=challenged_barriers,
                submitted_at=r.submitted_at,
            )
        )
    Review.objects.bulk_create(new, batch_size=500)


def _outcomes(plan: History, places, coordinator: User) -> None:
    keys = {_key(o.key): o for o in plan.outcomes}
    have = set(
        CareerOutcome.objects.filter(submission__in=keys).values_list("submission", flat=True)
    )
    made = CareerOutcome.objects.bulk_create(
        [
            CareerOutcome(
                participant=places[o.place],
                kind=o.kind,
                happened_on=o.happened_on,
                new_band=o.new_band,
                description=DESCRIPTIONS[o.kind],
                status=o.status,
                decided_at=o.decided_at,
                decided_by=coordinator if o.decided_at else None,
                submission=key,
            )
            for key, o in keys.items()
            if key not in have
        ],
        batch_size=500,
    )
    for outcome in made:
        outcome.recorded_at = keys[outcome.submission].recorded_at
    CareerOutcome.objects.bulk_update(made, ["recorded_at"], batch_size=500)
