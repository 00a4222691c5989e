"""The matching model: people, their two-sided preferences, and the programme's settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from allied.core.matching import vocabulary as v

KINDS = v.codes(v.PREFERENCE_KINDS)
STRENGTHS = v.codes(v.PREFERENCE_STRENGTHS)
ATTRIBUTES = v.codes(v.PREFERENCE_ATTRIBUTES)


@dataclass(frozen=True)
class Preference:
    """What one person wants of the other on one attribute, and how strongly.

    `kind` is "same", "different", "one_of" (then `values` lists the acceptable codes) or
    "none". `strength` is "essential" (a hard filter), "important" or "nice_to_have".
    """

    attribute: str
    kind: str
    strength: str = "important"
    values: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.attribute not in ATTRIBUTES:
            raise ValueError(f"there is no attribute called {self.attribute!r}")
        if self.kind not in KINDS:
            raise ValueError(f"there is no preference kind called {self.kind!r}")
        if self.strength not in STRENGTHS:
            raise ValueError(f"there is no preference strength called {self.strength!r}")
        if self.kind == "one_of" and not self.values:
            raise ValueError("a 'one of these' preference needs at least one value")
        if self.kind != "one_of" and self.values:
            raise ValueError("only a 'one of these' preference lists values")


@dataclass(frozen=True)
class Needs:
    """A mentee's developmental needs under the study's four questions, as support-topic codes."""

    need: frozenset[str] = frozenset()
    require: frozenset[str] = frozenset()
    help: frozenset[str] = frozenset()
    support: frozenset[str] = frozenset()

    def by_question(self) -> tuple[tuple[str, frozenset[str]], ...]:
        """Return (question code, topics) in the order of `NEEDS_QUESTIONS`."""
        return tuple((code, getattr(self, code)) for code, _ in v.NEEDS_QUESTIONS)

    def all_topics(self) -> frozenset[str]:
        """Return every topic named under any question."""
        return self.need | self.require | self.help | self.support


@dataclass(frozen=True, kw_only=True)
class Person:
    """What mentors and mentees share. Empty strings and sets mean "not given".

    `ethnic_group` is used for matching only when `ethnicity_consent` is true, and `gender`
    only when `gender_consent` is (two separate agreements); `band` is an Agenda
    for Change band or a career stage; `openness` and `conscientiousness` are scale means from 1 to
    5; `exclusions` names the ids of people this person must not be matched with;
    `ended_with` names the ids of people whose mentoring with this person has ended, who are
    not matched with them again unless a coordinator overrides it for one pair.
    """

    id: str
    name: str = ""
    profession: str = ""
    band: str = ""
    work_setting: str = ""
    region: str = ""
    ethnic_group: str = ""
    ethnicity_self_description: str = ""
    ethnicity_consent: bool = False
    gender: str = ""
    gender_consent: bool = False
    languages: frozenset[str] = frozenset()
    interests: frozenset[str] = frozenset()
    career_goals: frozenset[str] = frozenset()
    meeting_mode: str = "either"
    availability: frozenset[str] = frozenset()
    values: frozenset[str] = frozenset()
    working_style: frozenset[str] = frozenset()
    openness: float | None = None
    conscientiousness: float | None = None
    preferences: tuple[Preference, ...] = ()
    exclusions: frozenset[str] = frozenset()
    ended_with: frozenset[str] = frozenset()
    line_manager: str = ""
    team: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("every person needs an id")
        seen = [p.attribute for p in self.preferences]
        if len(seen) != len(set(seen)):
            raise ValueError(f"{self.id} states more than one preference about one attribute")
        for scale in (self.openness, self.conscientiousness):
            if scale is not None and not 1 <= scale <= 5:
                raise ValueError("openness and conscientiousness are scale means from 1 to 5")

    def preference(self, attribute: str) -> Preference | None:
        """Return this person's preference about `attribute`, or None."""
        for preference in self.preferences:
            if preference.attribute == attribute and preference.kind != "none":
                return preference
        return None

    def matching_values(self, attribute: str) -> frozenset[str] | None:
        """Return this person's values of `attribute` that matching may use, or None if unknown.

        Ethnic group and gender are each unknown unless the person consented to its use for
        matching; "prefer not to say" is unknown too.
        """
        if attribute in ("ethnic_group", "broad_ethnic_group"):
            if not self.ethnicity_consent or self.ethnic_group in ("", v.PREFER_NOT_TO_SAY):
                return None
            if attribute == "broad_ethnic_group":
                broad = v.broad_ethnic_group(self.ethnic_group)
                return frozenset({broad}) if broad else None
            return frozenset({self.ethnic_group})
        if attribute == "gender" and not self.gender_consent:
            return None
        if attribute == "languages":
            return self.languages or None
        value = getattr(self, attribute)
        if value in ("", v.PREFER_NOT_TO_SAY):
            return None
        if attribute == "meeting_mode" and value == "either":
            # Someone who meets either way meets online and in person: the same mode as
            # anyone, as `scoring.meeting_modes_compatible` says for the hard rule.
            return frozenset(v.codes(v.MEETING_MODES))
        return frozenset({value})


@dataclass(frozen=True, kw_only=True)
class Mentee(Person):
    """A mentee, with their developmental needs."""

    needs: Needs = field(default_factory=Needs)


@dataclass(frozen=True, kw_only=True)
class Mentor(Person):
    """A mentor, with how many mentees they can take and the support topics they offer."""

    capacity: int = 1
    offers: frozenset[str] = frozenset()
    allyship_trained: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.capacity < 0:
            raise ValueError(f"{self.id}: a capacity cannot be negative")


@dataclass(frozen=True)
class Weights:
    """Points for each part of a side's score; programmes set them.

    A met important preference earns `important` points, a met nice-to-have `nice_to_have`;
    deep-level similarity (0 to 1) earns up to `deep_level` for each side; need-to-offer fit (0 to
    1) earns up to `needs` for the mentee's side. Essential preferences are filters, not points.
    """

    important: float = 3.0
    nice_to_have: float = 1.0
    deep_level: float = 4.0
    needs: float = 4.0
    # Within need-to-offer fit: the study marks "What I need" and "What I require" as necessary
    # and the other two as helpful, so they count double by default.
    need: float = 2.0
    require: float = 2.0
    help: float = 1.0
    support: float = 1.0
    # Within deep-level similarity.
    values_and_style: float = 1.0
    interests_and_goals: float = 1.0
    personality: float = 1.0

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if value < 0:
                raise ValueError(f"the weight {name} cannot be negative")


@dataclass(frozen=True)
class Rules:
    """Hard rules a programme may switch on or off. Line managers are always excluded."""

    mentor_higher_band: bool = False
    mentor_allyship_trained: bool = False
    exclude_same_team: bool = True
    compatible_meeting_mode: bool = True
    shared_availability: bool = False


@dataclass(frozen=True)
class ProgrammeConfig:
    """A programme's matching settings.

    Cohorts with more feasible pairs than `prune_above` keep only each mentee's best
    `candidates_per_mentee` mentors and each mentor's best `candidates_per_mentor` mentees, so
    that every mentor stays reachable; the optimum is then exact over the kept pairs.
    """

    weights: Weights = field(default_factory=Weights)
    rules: Rules = field(default_factory=Rules)
    prune_above: int = 4_000_000
    candidates_per_mentee: int = 40
    candidates_per_mentor: int = 8


@dataclass(frozen=True)
class Lock:
    """A pair the coordinator has fixed, or an existing pair a late joiner must not disturb."""

    mentee: str
    mentor: str
