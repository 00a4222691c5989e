"""Gathers one mentee's record for their picture (`allied.core.model.picture`), deciding here
what each reader may see.

The mentee sees their own record: their needs and agreement under each question, the
sponsorship they confirmed, allyship as they rated it at their reviews, which of their own
preferences about their mentor's surface characteristics the match meets, and their circle.
Their mentor sees the same picture less what is the mentee's alone: the mentee's answers about
allyship (mentors never see them) and anything about ethnic group or gender (the mentee's
preferences on those are left out altogether). Private notes, review comments and the
intake's answers about race are never part of the picture.

No special category data is read: the matching engine's participant view of a preference
about ethnic group or gender says only that it was respected or taken into account, which
does not depend on either person's answer (see docs/decisions/0016-mentee-picture.md).
"""

from __future__ import annotations

from dataclasses import replace

from django.utils import timezone

from allied.circles.models import Attendance, Circle, CircleMembership, CircleSession
from allied.consensus import catalogue
from allied.core import model as core
from allied.core.matching import name_only, participant_lines, score_pair
from allied.core.matching import vocabulary as v
from allied.core.model import picture as drawing
from allied.matching import engine
from allied.mentoring.relationship import agreement_readable
from allied.programmes.models import Relationship, Review

MENTEE = "mentee"
MENTOR = "mentor"

# Preferences about who the mentor is (the study's surface characteristics), not logistics
# such as region or meeting mode.
SURFACE_ATTRIBUTES = (
    "profession",
    "band",
    "work_setting",
    "languages",
    "ethnic_group",
    "broad_ethnic_group",
    "gender",
)

# The agreement's section for each of the study's questions.
AGREEMENT_FIELDS = {
    "need": "what_i_need",
    "help": "what_can_help_me",
    "support": "what_can_support_me",
    "require": "what_i_require",
}

ALLYSHIP_ANSWERS = (
    ("felt_believed", "Felt believed"),
    ("race_discussed_safely", "Race could be discussed safely"),
    ("challenged_barriers", "Mentor challenged barriers"),
)

ALLYSHIP_WITHHELD = (
    "What the mentee said about allyship at their reviews is theirs alone: mentors never see it."
)

# The picture is of mentoring that has started: before the mentor accepts, the mentor may
# not read the mentee's record (as with the agreement).
OPEN = (Relationship.Status.ACTIVE, Relationship.Status.ENDED)


def model_for(relationship: Relationship) -> core.MentoringModel:
    """Returns the model the relationship's programme runs on (the study's by default)."""
    programme = relationship.cohort.programme
    return catalogue.model_of(getattr(programme, "model", None))


def _needs(relationship: Relationship, model: core.MentoringModel) -> dict[str, tuple[str, ...]]:
    mentee = relationship.mentee
    words = mentee.needs_text if isinstance(mentee.needs_text, dict) else {}
    needs = {}
    for question in model.questions:
        topics = getattr(mentee, f"needs_{question.code}", None) or []
        labels = [v.label(v.SUPPORT_TOPICS, t) for t in topics if isinstance(t, str)]
        own = str(words.get(question.code) or "").strip()
        needs[question.code] = tuple(labels + ([own] if own else []))
    return needs


def _agreement(relationship: Relationship) -> dict[str, str]:
    agreement = agreement_readable(relationship)
    if agreement is None:
        return {}
    return {code: getattr(agreement, name) or "" for code, name in AGREEMENT_FIELDS.items()}


def _sponsorship(relationship: Relationship) -> tuple[drawing.Sponsorship, ...]:
    return tuple(
        drawing.Sponsorship(action.get_kind_display(), action.happened_on, action.description)
        for action in relationship.sponsorship.filter(confirmed_at__isnull=False).order_by(
            "happened_on", "pk"
        )
    )


def _allyship(relationship: Relationship) -> tuple[drawing.AllyshipRating, ...]:
    """The mentee's own answers about allyship, review by review (for the mentee only)."""
    reviews = Review.objects.filter(relationship=relationship, side=MENTEE).order_by(
        "submitted_at", "pk"
    )
    return tuple(
        drawing.AllyshipRating(
            review.get_stage_display(),
            review.allyship,
            tuple(
                (label, getattr(review, f"get_{name}_display")())
                for name, label in ALLYSHIP_ANSWERS
                if getattr(review, name)
            ),
        )
        for review in reviews
    )


def _preferences(relationship: Relationship, viewer: str) -> tuple[str, ...]:
    """Returns the matching engine's participant lines for the mentee's own preferences about
    their mentor's surface characteristics; for the mentor, none about ethnic group or gender.
    Reads no special category data: the engine's lines on those never depend on it."""
    allowed = set(SURFACE_ATTRIBUTES)
    if viewer != MENTEE:
        allowed -= v.SENSITIVE_ATTRIBUTES
    mentee = engine.to_mentee(relationship.mentee)
    mentee = replace(
        mentee, preferences=tuple(p for p in mentee.preferences if p.attribute in allowed)
    )
    mentor = engine.to_mentor(relationship.mentor)
    pair = score_pair(mentee, mentor, engine.config_for(relationship.cohort.programme))
    own = sum(1 for outcome in pair.preferences if outcome.holder == MENTEE)
    lines = participant_lines(pair, mentee, mentor, MENTEE, who=name_only)
    return tuple(lines[1 : 1 + own])  # the first says who they were matched with


def _circle(relationship: Relationship) -> drawing.CircleRecord | None:
    membership = (
        CircleMembership.objects.filter(
            participant=relationship.mentee,
            left_on__isnull=True,
            circle__status=Circle.Status.PUBLISHED,
        )
        .select_related("circle")
        .first()
    )
    if membership is None:
        return None
    circle = membership.circle
    held = circle.sessions.filter(status=CircleSession.Status.HELD)
    upcoming = (
        circle.sessions.filter(status=CircleSession.Status.SCHEDULED, starts_at__gte=timezone.now())
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    return drawing.CircleRecord(
        name=circle.name,
        members=circle.memberships.filter(left_on__isnull=True).count(),
        attended=Attendance.objects.filter(
            session__in=held, participant=relationship.mentee, attended=True
        ).count(),
        held=held.count(),
        next_session=timezone.localtime(upcoming).date() if upcoming else None,
    )


def record_for(relationship: Relationship, viewer: str) -> drawing.MenteeRecord:
    """Returns what `viewer` ("mentee" or "mentor") may see of the mentee's record. A few
    queries: the agreement, sponsorship, reviews, the circle and its sessions."""
    model = model_for(relationship)
    withheld = {} if viewer == MENTEE else {drawing.ALLYSHIP: ALLYSHIP_WITHHELD}
    return drawing.MenteeRecord(
        name=relationship.mentee.user.full_name or "The mentee",
        mentor=relationship.mentor.user.full_name,
        needs=_needs(relationship, model),
        agreement=_agreement(relationship),
        sponsorship=_sponsorship(relationship),
        allyship=_allyship(relationship) if viewer == MENTEE else (),
        preferences=_preferences(relationship, viewer),
        circle=_circle(relationship),
        withheld=withheld,
    )


def picture_for(relationship: Relationship, viewer: str) -> drawing.Picture:
    """Returns the mentee's picture as `viewer` may see it, on the programme's model."""
    return drawing.picture(model_for(relationship), record_for(relationship, viewer))
