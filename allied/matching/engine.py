"""Between stored intakes and the matching engine in `allied.core.matching`.

Each participant becomes the engine's `Mentee` or `Mentor`, with id `str(participant.pk)`.
Ethnicity and gender are read through `sensitive.read_for` (so the read is audited) and reach
the engine only as the engine's own consent rules allow: the ethnic group with matching
consent, gender as given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from allied.core.matching import vocabulary as v
from allied.core.matching.model import (
    Mentee,
    Mentor,
    Needs,
    Preference,
    ProgrammeConfig,
)
from allied.core.matching.rows import config_from_mapping
from allied.programmes import sensitive
from allied.programmes.models import Cohort, Participant, Programme, Relationship, Side

STRENGTH_DEFAULT = "important"


def config_for(programme: Programme) -> ProgrammeConfig:
    """The engine's settings for the programme, with the programme's allyship-training rule."""
    config, errors = config_from_mapping(programme.matching_settings or {})
    if errors:  # validated when saved; a bad stored value falls back to the defaults
        config = ProgrammeConfig()
    if programme.require_allyship_training and not config.rules.mentor_allyship_trained:
        config = replace(config, rules=replace(config.rules, mentor_allyship_trained=True))
    return config


def preferences_of(participant: Participant) -> tuple[Preference, ...]:
    """The person's stored preferences as the engine's, skipping "no preference"."""
    out = []
    for attribute, stated in sorted((participant.preferences or {}).items()):
        if attribute not in v.codes(v.PREFERENCE_ATTRIBUTES) or not isinstance(stated, dict):
            continue
        kind = stated.get("kind", "none")
        if kind in ("", "none"):
            continue
        values = frozenset(stated.get("values") or ()) if kind == "one_of" else frozenset()
        if kind == "one_of" and not values:
            continue
        out.append(
            Preference(
                attribute=attribute,
                kind=kind,
                strength=stated.get("strength") or STRENGTH_DEFAULT,
                values=values,
            )
        )
    return tuple(out)


def _common(participant: Participant, special, email_to_id: dict[str, str]) -> dict:
    exclusions = set()
    manager = email_to_id.get(participant.line_manager_email.lower())
    if manager:
        exclusions.add(manager)
    return {
        "id": str(participant.pk),
        "name": participant.user.full_name,
        "profession": participant.profession,
        "band": participant.band,
        "work_setting": participant.work_setting,
        "region": participant.region,
        "ethnic_group": special.ethnic_group if special else "",
        "ethnicity_consent": bool(special and special.matching_consent),
        # Each has its own consent; the engine treats an answer without it as unknown, and
        # says so in the explanation.
        "gender": special.gender if special else "",
        "gender_consent": bool(special and special.gender_matching_consent),
        "languages": frozenset(x.strip().lower() for x in participant.languages if x.strip()),
        "interests": frozenset(x.strip().lower() for x in participant.interests if x.strip()),
        "career_goals": frozenset(participant.career_goals),
        "meeting_mode": participant.meeting_mode or "either",
        "availability": frozenset(participant.availability),
        "values": frozenset(participant.values),
        "working_style": frozenset(participant.working_style),
        "openness": participant.openness,
        "conscientiousness": participant.conscientiousness,
        "preferences": preferences_of(participant),
        "exclusions": frozenset(exclusions),
        "line_manager": manager or "",
        "team": participant.team.strip().lower(),
    }


def to_mentee(
    participant: Participant, special=None, email_to_id=None, ended_with=frozenset()
) -> Mentee:
    return Mentee(
        **_common(participant, special, email_to_id or {}),
        ended_with=ended_with,
        needs=Needs(
            need=frozenset(participant.needs_need),
            require=frozenset(participant.needs_require),
            help=frozenset(participant.needs_help),
            support=frozenset(participant.needs_support),
        ),
    )


def to_mentor(participant: Participant, special=None, email_to_id=None, taken: int = 0) -> Mentor:
    return Mentor(
        **_common(participant, special, email_to_id or {}),
        capacity=max(0, participant.capacity - taken),
        offers=frozenset(participant.offers),
        allyship_trained=participant.allyship_trained,
    )


def cohort_people(
    mentees: Sequence[Participant],
    mentors: Sequence[Participant],
    *,
    request=None,
    actor=None,
    purpose: str = "matching",
) -> tuple[list[Mentee], list[Mentor]]:
    """The engine's people for these participants. Mentors' capacities are reduced by the
    places they already hold in current relationships; the sensitive read is audited."""
    everyone = [*mentees, *mentors]
    special = sensitive.read_for(everyone, request=request, actor=actor, purpose=purpose)
    email_to_id = {p.user.email.lower(): str(p.pk) for p in everyone}
    taken: dict[int, int] = {}
    for mentor_id in (
        Relationship.objects.current()
        .filter(mentor__in=[m.pk for m in mentors])
        .values_list("mentor_id", flat=True)
    ):
        taken[mentor_id] = taken.get(mentor_id, 0) + 1
    ended = ended_pairs(mentees, mentors)
    return (
        [
            to_mentee(p, special.get(p.pk), email_to_id, ended.get(p.pk, frozenset()))
            for p in mentees
        ],
        [to_mentor(p, special.get(p.pk), email_to_id, taken.get(p.pk, 0)) for p in mentors],
    )


def ended_pairs(
    mentees: Sequence[Participant], mentors: Sequence[Participant]
) -> dict[int, frozenset[str]]:
    """Mentee place id → the engine ids of these mentors whose mentoring with that mentee
    ended, in this cohort or an earlier one of the same organisation (people are matched by
    account, since each cohort gives them a new place; another organisation's endings are its
    own). Such a pair is not proposed again unless a coordinator overrides
    it for that pair."""
    if not mentees or not mentors:
        return {}
    mentee_by_user = {p.user_id: p.pk for p in mentees}
    mentor_by_user = {p.user_id: p.pk for p in mentors}
    organisation = Cohort.objects.filter(pk=mentees[0].cohort_id).values("programme__organisation")
    out: dict[int, set[str]] = {}
    for mentee_user, mentor_user in Relationship.objects.filter(
        status=Relationship.Status.ENDED,
        cohort__programme__organisation__in=organisation,
        mentee__user__in=list(mentee_by_user),
        mentor__user__in=list(mentor_by_user),
    ).values_list("mentee__user", "mentor__user"):
        out.setdefault(mentee_by_user[mentee_user], set()).add(str(mentor_by_user[mentor_user]))
    return {mentee: frozenset(ids) for mentee, ids in out.items()}


def ready_people(cohort, side: str):
    """Participants on `side` whose intake is complete."""
    return list(
        cohort.participants.filter(side=side, status=Participant.Status.READY).select_related(
            "user", "cohort__programme__organisation"
        )
    )


__all__ = [
    "Side",
    "cohort_people",
    "config_for",
    "ended_pairs",
    "preferences_of",
    "ready_people",
]
