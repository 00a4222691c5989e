"""Everything that changes mentoring circles: forming them with the engine, adjusting,
publishing, membership over time, sessions, notes, attendance and check-ins. Pages and the API
call these; each runs in one transaction, and refusals raise `ProgrammeError` with a message
for the person and change nothing. Emails go after the commit.

Privacy, decided here once: members see each other's names and professions, never ethnicity or
gender (the engine is not even given them); session notes belong to the circle; a check-in is
its author's unless they share it with the circle; the coordinator sees membership, sessions
and attendance, never notes or check-ins.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from allied.audit.log import record
from allied.audit.models import Kind
from allied.base.links import site_link
from allied.circles.models import (
    Attendance,
    CheckIn,
    Circle,
    CircleFormation,
    CircleMembership,
    CircleSession,
)
from allied.core import circles as engine
from allied.core import commitments as diary
from allied.core.matching import vocabulary as v
from allied.mentoring import ics
from allied.mentoring.relationship import summary_of
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import Cohort, Meeting, Participant, Relationship
from allied.programmes.submissions import create_once

logger = logging.getLogger(__name__)

DIVERSE = ("profession", "band", "work_setting", "region")
ALIKE = ("availability", "meeting_mode")
DEFAULT_SIZE = (5, 8)
DEFAULT_AVAILABILITY_WEIGHT = 2.0
VOCABULARY = {
    "profession": v.PROFESSIONS,
    "band": v.BANDS,
    "work_setting": v.WORK_SETTINGS,
    "region": v.REGIONS,
    "availability": v.AVAILABILITY,
    "meeting_mode": v.MEETING_MODES,
}
ATTRIBUTE_LABELS = {
    "profession": "Profession",
    "band": "Band",
    "work_setting": "Work setting",
    "region": "Region",
    "availability": "Availability",
    "meeting_mode": "Meeting mode",
}
# The four questions, as prompts for a circle's shared session notes.
NOTE_PROMPTS = (
    "What I need?",
    "What can help me?",
    "What can support me?",
    "What I require?",
)
AFRESH = "These circles have just been formed again: look at them afresh."
MOODS = (
    (1, "1: struggling"),
    (2, "2: not great"),
    (3, "3: getting by"),
    (4, "4: good"),
    (5, "5: very good"),
)


def _today() -> date:
    return timezone.localdate()


def label(attribute: str, code: str) -> str:
    """Returns the words for a stored code ("(blank)" when unknown to the person)."""
    if not code or code == engine.BLANK:
        return "Not given"
    choices = VOCABULARY.get(attribute)
    return v.label(choices, code) if choices else code


# Building the engine's people ---------------------------------------------------------------


def eligible_mentees(cohort: Cohort):
    """Mentees whose intake is complete: the people circles are formed from."""
    return (
        Participant.objects.filter(cohort=cohort, side="mentee", status=Participant.Status.READY)
        .select_related("user")
        .order_by("pk")
    )


def _main_slot(place: Participant, popularity: Counter) -> str:
    """A person gives several times they are free; circles are alike when they share one, so
    each person is placed by the slot of theirs most of the cohort also gives."""
    slots = [s for s in place.availability if s]
    if not slots:
        return ""
    order = {code: i for i, (code, _) in enumerate(v.AVAILABILITY)}
    return min(slots, key=lambda s: (-popularity[s], order.get(s, 99), s))


def people_of(places) -> tuple[list[engine.Person], list[engine.Pair]]:
    """Returns the engine's people (ids are Participant pks) and the cannot-link pairs: a
    mentee and their line manager, when both are in the cohort. Never ethnicity or gender."""
    places = list(places)
    popularity = Counter(s for p in places for s in set(p.availability))
    people = [
        engine.Person(
            id=str(p.pk),
            attributes={
                "profession": p.profession,
                "band": p.band,
                "work_setting": p.work_setting,
                "region": p.region,
                "availability": _main_slot(p, popularity),
                "meeting_mode": p.meeting_mode or "either",
            },
        )
        for p in places
    ]
    by_email = {p.user.email.lower(): p for p in places}
    pairs = []
    for p in places:
        manager = by_email.get((p.line_manager_email or "").lower())
        if manager is not None and manager.pk != p.pk:
            pairs.append(engine.Pair(str(p.pk), str(manager.pk)))
    return people, pairs


def spec_for(min_size: int, max_size: int, weight: float, pairs=(), circles=None):
    return engine.CircleSpec(
        engine.SizeRange(min_size, max_size),
        diverse=DIVERSE,
        alike=ALIKE,
        weights={"availability": weight},
        cannot_link=tuple(pairs),
        circles=circles,
        shares_any={"meeting_mode": "either"},
    )


def _facilitators(cohort: Cohort, places: list[Participant], popularity: Counter):
    """The cohort's mentors as the engine's facilitators; each avoids their own reports."""
    reports: dict[str, set[str]] = {}
    for p in places:
        if p.line_manager_email:
            reports.setdefault(p.line_manager_email.lower(), set()).add(str(p.pk))
    mentors = Participant.objects.filter(cohort=cohort, side="mentor").exclude(
        status=Participant.Status.WITHDRAWN
    )
    return [
        engine.Facilitator(
            id=f"mentor:{m.pk}",
            capacity=1,
            kind="mentor",
            attributes={
                "availability": _main_slot(m, popularity),
                "meeting_mode": m.meeting_mode or "either",
            },
            avoid=frozenset(reports.get(m.user.email.lower(), ())),
        )
        for m in mentors.select_related("user")
    ]


# Forming, adjusting and publishing ----------------------------------------------------------


def _lock_cohort(cohort: Cohort) -> Cohort:
    return Cohort.objects.select_for_update().get(pk=cohort.pk)


@transaction.atomic
def form(
    *,
    cohort: Cohort,
    by,
    min_size: int = DEFAULT_SIZE[0],
    max_size: int = DEFAULT_SIZE[1],
    seed: int = 1,
    availability_weight: float = DEFAULT_AVAILABILITY_WEIGHT,
    request=None,
) -> CircleFormation:
    """Forms draft circles from the cohort's mentees whose intake is complete, replacing any
    earlier draft. Refused once circles are published: people then join, leave or move."""
    _lock_cohort(cohort)
    if Circle.objects.filter(cohort=cohort, status=Circle.Status.PUBLISHED).exists():
        raise ProgrammeError(
            "This cohort's circles are already published. Add, move or remove members instead "
            "of forming them again."
        )
    places = list(eligible_mentees(cohort))
    if not places:
        raise ProgrammeError("No mentee in this cohort has completed their intake yet.")
    try:
        spec_people, pairs = people_of(places)
        spec = spec_for(min_size, max_size, availability_weight, pairs)
        formed = engine.form_circles(spec_people, spec, settings=engine.SearchSettings(seed=seed))
    except (engine.CircleError, ValueError) as error:
        raise ProgrammeError(f"These circles cannot be formed: {error}") from None
    popularity = Counter(s for p in places for s in set(p.availability))
    formed = engine.assign_facilitators(
        formed, spec_people, _facilitators(cohort, places, popularity), spec
    )
    Circle.objects.filter(cohort=cohort, status=Circle.Status.DRAFT).delete()
    formation = CircleFormation.objects.create(
        cohort=cohort,
        seed=seed,
        min_size=min_size,
        max_size=max_size,
        availability_weight=availability_weight,
        quality=formed.quality,
        start_quality=formed.start_quality,
        unmet=[u.reason for u in formed.unmet if u.circle is None],
        created_by=by,
    )
    by_pk = {str(p.pk): p for p in places}
    today = _today()
    for found in formed.circles:
        facilitator = None
        if found.facilitator:
            facilitator = Participant.objects.filter(
                pk=int(found.facilitator.split(":")[1])
            ).first()
        circle = Circle.objects.create(
            cohort=cohort,
            formation=formation,
            number=found.number,
            name=f"Circle {found.number}",
            min_size=min_size,
            max_size=max_size,
            facilitator=facilitator,
        )
        CircleMembership.objects.bulk_create(
            CircleMembership(
                cohort=cohort,
                circle=circle,
                participant=by_pk[member],
                joined_on=today,
                changed_by=by,
            )
            for member in found.members
        )
    record(
        Kind.PROGRAMME_CHANGED,
        request=request,
        actor=by,
        organisation=cohort.programme.organisation,
        subject=f"cohort:{cohort.pk}",
        action="circles_formed",
        circles=len(formed.circles),
        mentees=len(places),
        seed=seed,
    )
    return formation


@dataclass
class CircleView:
    """One circle as the coordinator reviews it: members, mix, likeness and flags."""

    circle: Circle
    members: list[CircleMembership]
    mix: list[tuple[str, list[tuple[str, int]]]] = field(default_factory=list)
    likeness: list[tuple[str, str, int]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass
class Review:
    formation: CircleFormation | None
    circles: list[CircleView]
    quality: float | None
    scores: list[tuple[str, str, float]]
    waiting: list[Participant]

    @property
    def published(self) -> bool:
        return any(c.circle.is_published for c in self.circles)

    @property
    def drafts(self) -> bool:
        return any(not c.circle.is_published for c in self.circles)

    @property
    def flagged(self) -> int:
        return sum(1 for c in self.circles if c.flags)


def review(cohort: Cohort) -> Review:
    """Returns the cohort's circles as they stand now, explained by the engine: each circle's
    mix of the diverse attributes and how far it shares the alike ones, the overall quality,
    and flags (below the minimum size, above the maximum, a line manager with their report,
    no facilitator). Computed live, so the coordinator's moves show at once."""
    circles = list(
        Circle.objects.filter(cohort=cohort).select_related("facilitator__user", "formation")
    )
    memberships = list(
        CircleMembership.objects.filter(circle__cohort=cohort, left_on__isnull=True)
        .select_related("participant__user")
        .order_by("participant__user__full_name", "pk")
    )
    members_of: dict[int, list[CircleMembership]] = {c.pk: [] for c in circles}
    for m in memberships:
        members_of.setdefault(m.circle_id, []).append(m)
    formation = next((c.formation for c in circles if c.formation_id), None)
    weight = formation.availability_weight if formation else DEFAULT_AVAILABILITY_WEIGHT
    places = [m.participant for m in memberships]
    people, pairs = people_of(places)
    names = {str(p.pk): p.user.full_name for p in places}
    views = [CircleView(circle=c, members=members_of.get(c.pk, [])) for c in circles]
    quality, scores = None, []
    placed = [c for c in views if c.members]
    if placed:
        spec = spec_for(1, max(1, max(c.size for c in placed)), weight, pairs)
        numbered = tuple(
            engine.Circle(i + 1, tuple(str(m.participant_id) for m in c.members))
            for i, c in enumerate(placed)
        )
        assignment = {pid: c.number for c in numbered for pid in c.members}
        quality, found = engine.quality_of(people, spec, assignment)
        scores = [(ATTRIBUTE_LABELS[s.attribute], s.kind, s.score) for s in found]
        snapshot = engine.Formation(
            circles=numbered, quality=quality, start_quality=quality, scores=found
        )
        for view, report in zip(placed, engine.explain(snapshot, people, spec), strict=True):
            view.mix = [
                (ATTRIBUTE_LABELS[a], [(label(a, value), n) for value, n in counts])
                for a, counts in report.mix
            ]
            view.likeness = [
                (ATTRIBUTE_LABELS[a], label(a, value), n) for a, value, n in report.likeness
            ]
    for view in views:
        if view.size < view.circle.min_size:
            view.flags.append(
                f"Below its minimum size: {view.size} of at least {view.circle.min_size}."
            )
        if view.size > view.circle.max_size:
            view.flags.append(
                f"Above its largest size: {view.size} of at most {view.circle.max_size}."
            )
        ids = {str(m.participant_id) for m in view.members}
        for pair in pairs:
            if pair.first in ids and pair.second in ids:
                view.flags.append(
                    f"{names[pair.first]} and their line manager {names[pair.second]} "
                    "are in this circle together."
                )
        if view.circle.facilitator_id is None:
            view.flags.append("No facilitator chosen yet.")
    placed_ids = {m.participant_id for m in memberships}
    waiting = [p for p in eligible_mentees(cohort) if p.pk not in placed_ids]
    return Review(formation, views, quality, scores, waiting)


def _locked_membership(membership: CircleMembership) -> CircleMembership:
    locked = (
        CircleMembership.objects.select_for_update()
        .select_related("circle", "participant__user")
        .filter(pk=membership.pk)
        .first()
    )
    if locked is None:  # the draft was formed again in the meantime
        raise ProgrammeError(AFRESH)
    return locked


@transaction.atomic
def move(*, membership: CircleMembership, to: Circle, by, note: str = "") -> CircleMembership:
    """Moves a member to another circle of the same cohort. In a draft the member is simply
    placed elsewhere; once published, the old membership ends today and a new one starts, so
    the history shows both."""
    membership = _locked_membership(membership)
    if membership.left_on is not None:
        raise ProgrammeError("This person has already left that circle.")
    if to.cohort_id != membership.cohort_id:
        raise ProgrammeError("A member can only move to a circle of the same cohort.")
    if to.pk == membership.circle_id:
        raise ProgrammeError(f"{membership.participant.user.full_name} is already in {to.name}.")
    if not Circle.objects.select_for_update().filter(pk=to.pk).exists():
        raise ProgrammeError(AFRESH)
    old = membership.circle
    if not old.is_published and not to.is_published:
        membership.circle = to
        membership.changed_by = by
        membership.save(update_fields=["circle", "changed_by"])
        _drop_as_facilitator(old, membership.participant)
        return membership
    today = _today()
    membership.left_on = today
    membership.left_reason = CircleMembership.Reason.MOVED
    membership.note = note
    membership.changed_by = by
    membership.save(update_fields=["left_on", "left_reason", "note", "changed_by"])
    _drop_as_facilitator(old, membership.participant)
    try:
        with transaction.atomic():
            return CircleMembership.objects.create(
                cohort_id=membership.cohort_id,
                circle=to,
                participant=membership.participant,
                joined_on=today,
                joined_reason=CircleMembership.Reason.MOVED,
                note=note,
                changed_by=by,
            )
    except IntegrityError:
        raise ProgrammeError("This person is already in another circle of this cohort.") from None


def _drop_as_facilitator(circle: Circle, participant: Participant) -> None:
    """A mentee who facilitates runs only their own circle: leaving it ends that role."""
    if circle.facilitator_id == participant.pk and participant.side == "mentee":
        Circle.objects.filter(pk=circle.pk).update(facilitator=None)


@transaction.atomic
def participant_left(*, place: Participant, by, request=None) -> list[Circle]:
    """Returns the circles left without a facilitator because `place` has left the programme.

    Ends the place's current membership today (a mentee), and takes away every circle it
    facilitates (a mentor, or a mentee running their own): a withdrawn participant is never
    a facilitator. Such a circle is flagged in the coordinator's review ("No facilitator
    chosen yet"), and the programme's coordinators are emailed after the commit."""
    CircleMembership.objects.filter(participant=place, left_on__isnull=True).update(
        left_on=_today(), left_reason=CircleMembership.Reason.LEFT, changed_by=by
    )
    orphaned = list(
        Circle.objects.select_for_update(of=("self",))
        .filter(facilitator=place)
        .select_related("cohort__programme__organisation")
    )
    if not orphaned:
        return []
    Circle.objects.filter(pk__in=[c.pk for c in orphaned]).update(facilitator=None)
    programme = orphaned[0].cohort.programme
    record(
        Kind.PROGRAMME_CHANGED,
        request=request,
        actor=by,
        organisation=programme.organisation,
        subject=f"participant {place.pk}",
        action="circle_facilitator_left",
        circles=len(orphaned),
    )
    ids = [c.pk for c in orphaned]
    transaction.on_commit(lambda: _email_no_facilitator(ids))
    return orphaned


def _email_no_facilitator(ids: list[int]) -> None:
    """Tells the coordinators without naming who left: the same email serves a person who
    asked to be erased. A programme with nobody to tell is logged (the circle is still
    flagged in its review)."""
    for circle in Circle.objects.filter(pk__in=ids).select_related("cohort__programme"):
        programme = circle.cohort.programme
        recipients = programme.coordinator_emails()
        if not recipients:
            logger.warning(
                "Circle %s has no facilitator and programme %s has nobody to tell.",
                circle.pk,
                programme.pk,
            )
            continue
        EmailMessage(
            subject=f"{circle.name} has no facilitator",
            body=(
                f"The facilitator of {circle.name} has left {programme.name}, "
                f"{circle.cohort.name}, so the circle has no facilitator now.\n\n"
                "Choose a new facilitator, a mentor of the cohort or a member of the circle, "
                "on the cohort's circles page:\n"
                f"{site_link('circles:cohort', circle.cohort_id)}\n"
            ),
            to=recipients,
        ).send()


@transaction.atomic
def add_member(*, circle: Circle, participant: Participant, by, note: str = "") -> CircleMembership:
    """Adds a mentee of the cohort who is in no circle yet (joining late, once published).
    Reads the place afresh: one withdrawn since the page was drawn is refused."""
    participant = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=participant.pk)
    )
    if participant.cohort_id != circle.cohort_id or participant.side != "mentee":
        raise ProgrammeError("Only a mentee of this cohort can join one of its circles.")
    if participant.status == Participant.Status.WITHDRAWN:
        raise ProgrammeError("This person has withdrawn from the programme.")
    try:
        with transaction.atomic():
            return CircleMembership.objects.create(
                cohort_id=circle.cohort_id,
                circle=circle,
                participant=participant,
                joined_on=_today(),
                joined_reason=(
                    CircleMembership.Reason.JOINED_LATE
                    if circle.is_published
                    else CircleMembership.Reason.FORMED
                ),
                note=note,
                changed_by=by,
            )
    except IntegrityError:
        raise ProgrammeError(
            f"{participant.user.full_name} is already in a circle of this cohort: move them "
            "instead."
        ) from None


@transaction.atomic
def leave(*, membership: CircleMembership, by, note: str = "") -> CircleMembership:
    """Ends a membership today; the record stays, so the circle's history is kept."""
    membership = _locked_membership(membership)
    if membership.left_on is not None:
        raise ProgrammeError("This person has already left that circle.")
    membership.left_on = _today()
    membership.left_reason = CircleMembership.Reason.LEFT
    membership.note = note
    membership.changed_by = by
    membership.save(update_fields=["left_on", "left_reason", "note", "changed_by"])
    _drop_as_facilitator(membership.circle, membership.participant)
    return membership


def facilitator_choices(circle: Circle):
    """Who may facilitate: any mentor of the cohort, or a mentee who is in this circle (a
    trained peer runs only their own circle, so nobody is asked to attend two)."""
    members = CircleMembership.objects.filter(circle=circle, left_on__isnull=True).values(
        "participant"
    )
    return (
        Participant.objects.filter(cohort_id=circle.cohort_id)
        .exclude(status=Participant.Status.WITHDRAWN)
        .filter(Q(side="mentor") | Q(pk__in=members))
        .select_related("user")
        .order_by("side", "user__full_name")
    )


@transaction.atomic
def set_facilitator(*, circle: Circle, participant: Participant | None, by) -> Circle:
    """Chooses the circle's facilitator (or none). Locks the circle and the person's place, so
    a withdrawal running at the same moment either comes first and is refused here, or comes
    after and takes the role away again (`participant_left`)."""
    circle = Circle.objects.select_for_update().filter(pk=circle.pk).first()
    if circle is None:
        raise ProgrammeError(AFRESH)
    if participant is not None:
        Participant.objects.select_for_update(of=("self",)).filter(pk=participant.pk).first()
    if (
        participant is not None
        and not facilitator_choices(circle).filter(pk=participant.pk).exists()
    ):
        raise ProgrammeError("A facilitator is a mentor of this cohort or a member of this circle.")
    circle.facilitator = participant
    circle.save(update_fields=["facilitator"])
    return circle


@transaction.atomic
def publish(*, cohort: Cohort, by, request=None) -> list[Circle]:
    """Publishes the cohort's draft circles and emails every member and facilitator where to
    find their circle. Empty drafts are dropped rather than published."""
    _lock_cohort(cohort)
    drafts = list(Circle.objects.filter(cohort=cohort, status=Circle.Status.DRAFT))
    if not drafts:
        raise ProgrammeError("There are no draft circles to publish.")
    now = timezone.now()
    published = []
    for circle in drafts:
        if not circle.memberships.filter(left_on__isnull=True).exists():
            circle.delete()
            continue
        circle.status = Circle.Status.PUBLISHED
        circle.published_at = now
        circle.save(update_fields=["status", "published_at"])
        published.append(circle)
    if not published:
        raise ProgrammeError("Every draft circle is empty, so there is nothing to publish.")
    record(
        Kind.PROGRAMME_CHANGED,
        request=request,
        actor=by,
        organisation=cohort.programme.organisation,
        subject=f"cohort:{cohort.pk}",
        action="circles_published",
        circles=len(published),
    )
    ids = [c.pk for c in published]
    transaction.on_commit(lambda: _email_published(ids))
    return published


def _email_published(ids: list[int]) -> None:
    for circle in Circle.objects.filter(pk__in=ids).select_related(
        "facilitator__user", "cohort__programme"
    ):
        people = [m.participant.user for m in circle.current_members()]
        if circle.facilitator:
            people.append(circle.facilitator.user)
        for user in people:
            EmailMessage(
                subject=f"Your mentoring circle: {circle.name}",
                body=(
                    f"Hello {user.full_name},\n\n"
                    f"You are in {circle.name} of {circle.cohort.programme.name}, "
                    f"{circle.cohort.name}: a small group of mentees giving each other peer "
                    "support alongside one-to-one mentoring.\n\n"
                    "See who is in it, its sessions and your commitments here:\n"
                    f"{site_link('circles:detail', circle.pk)}\n"
                ),
                to=[user.email],
            ).send()


# Ground rules and goals ---------------------------------------------------------------------


def stamp(circle: Circle) -> str:
    """What the editor read: refused if someone saved in between."""
    return circle.updated_at.isoformat() if circle.updated_at else ""


@transaction.atomic
def agreement_save(*, circle: Circle, by, ground_rules: str, goals: str, seen: str) -> bool:
    circle = Circle.objects.select_for_update().get(pk=circle.pk)
    if seen != stamp(circle):
        raise ProgrammeError(
            "Someone else saved the ground rules and goals while you were editing. Their "
            "version is shown below: add your changes to it."
        )
    if (circle.ground_rules, circle.goals) == (ground_rules, goals):
        return False
    circle.ground_rules, circle.goals = ground_rules, goals
    circle.updated_by = by
    circle.updated_at = timezone.now()
    circle.save(update_fields=["ground_rules", "goals", "updated_by", "updated_at"])
    return True


# Sessions -----------------------------------------------------------------------------------


def _require_published(circle: Circle) -> None:
    if not circle.is_published:
        raise ProgrammeError("Sessions can be arranged once the circle is published.")


def _meeting_commitment(meeting: Meeting) -> diary.Commitment:
    return diary.Commitment(
        kind="meeting",
        key=f"meeting:{meeting.pk}",
        starts_at=meeting.starts_at,
        ends_at=meeting.starts_at + timedelta(minutes=meeting.duration_minutes),
        title="your one-to-one mentoring meeting",
        in_person=meeting.mode == "in_person",
    )


def _session_commitment(session: CircleSession, circle_name: str) -> diary.Commitment:
    return diary.Commitment(
        kind="circle",
        key=f"session:{session.pk}",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        title=f"the {circle_name} session",
        in_person=session.mode == "in_person",
    )


def _meetings_of_users(user_ids, after: datetime):
    """Scheduled one-to-one meetings of current relationships these people are in."""
    return Meeting.objects.filter(
        Q(relationship__mentee__user_id__in=user_ids)
        | Q(relationship__mentor__user_id__in=user_ids),
        relationship__status__in=Relationship.HOLDS_PLACE,
        status=Meeting.Status.SCHEDULED,
        starts_at__gte=after - timedelta(days=1),
    ).select_related("relationship__mentee", "relationship__mentor")


def members_clashing(
    circle: Circle,
    starts_at: datetime,
    duration_minutes: int,
    mode: str,
    exclude_session: int | None = None,
) -> int:
    """How many of the circle's people (members and facilitator) have a one-to-one meeting
    that clashes with a session at this time. Only the count: the scheduler never learns
    whose meeting it is or when."""
    people = [m.participant.user_id for m in circle.current_members()]
    if circle.facilitator_id:
        people.append(circle.facilitator.user_id)
    proposed = diary.Commitment(
        kind="circle",
        key="proposed",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=duration_minutes),
        title="the circle session",
        in_person=mode == "in_person",
    )
    meetings = list(_meetings_of_users(people, starts_at))
    clashing = set()
    for user_id in set(people):
        theirs = [
            _meeting_commitment(m)
            for m in meetings
            if user_id in (m.relationship.mentee.user_id, m.relationship.mentor.user_id)
        ]
        if diary.clashes_between([proposed], theirs):
            clashing.add(user_id)
    return len(clashing)


@transaction.atomic
def session_schedule(
    *,
    circle: Circle,
    by,
    starts_at: datetime,
    duration_minutes: int,
    mode: str,
    location: str,
    key=None,
) -> tuple[CircleSession, bool]:
    """Arranges a circle session and emails everyone in the circle the invitation. A resent
    form (the same `key`) returns the first session and sends nothing."""
    session, made = create_once(
        CircleSession,
        key,
        {"circle_id": circle.pk},
        before=lambda: _require_published(circle),
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        mode=mode,
        location=location,
        created_by=by,
    )
    if not made:
        return session, False
    _send_invitation(session, "Circle session arranged")
    return session, True


@transaction.atomic
def session_cancel(*, session: CircleSession, by) -> bool:
    session = CircleSession.objects.select_for_update().get(pk=session.pk)
    if session.status == CircleSession.Status.CANCELLED:
        return False
    if session.status == CircleSession.Status.HELD:
        raise ProgrammeError("A session that has been held cannot be cancelled.")
    session.status = CircleSession.Status.CANCELLED
    session.sequence += 1
    session.save(update_fields=["status", "sequence"])
    _send_invitation(session, "Circle session cancelled")
    return True


@transaction.atomic
def notes_save(*, session: CircleSession, by, text: str) -> bool:
    session = CircleSession.objects.select_for_update().get(pk=session.pk)
    if session.status == CircleSession.Status.CANCELLED:
        raise ProgrammeError("This session was cancelled, so it has no notes.")
    if session.shared_notes == text:
        return False
    session.shared_notes = text
    session.notes_updated_by = by
    session.notes_updated_at = timezone.now()
    session.save(update_fields=["shared_notes", "notes_updated_by", "notes_updated_at"])
    return True


@transaction.atomic
def attendance_record(*, session: CircleSession, by, attended: set[int], now=None) -> int:
    """Records who came (everyone else in the circle missed it) and marks the session held.
    Returns how many came."""
    session = CircleSession.objects.select_for_update().get(pk=session.pk)
    if session.status == CircleSession.Status.CANCELLED:
        raise ProgrammeError("This session was cancelled.")
    if session.starts_at > (now or timezone.now()):
        raise ProgrammeError("Attendance can be recorded once the session has started.")
    members = [m.participant for m in session.circle.current_members()]
    known = {p.pk for p in members}
    if attended - known:
        raise ProgrammeError("Only the circle's current members can be recorded as attending.")
    for place in members:
        Attendance.objects.update_or_create(
            session=session,
            participant=place,
            defaults={"attended": place.pk in attended, "recorded_by": by},
        )
    if session.status != CircleSession.Status.HELD:
        session.status = CircleSession.Status.HELD
        session.save(update_fields=["status"])
    return len(attended)


def _event(session: CircleSession) -> ics.Event:
    circle = session.circle
    where = session.location or dict(v.MEETING_MODES).get(session.mode, "")
    return ics.Event(
        uid=f"{session.uid}@allied-circles",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=f"Mentoring circle: {circle.name}",
        sequence=session.sequence,
        description=f"{circle.name} session.\n{site_link('circles:session', session.pk)}",
        location=where,
        url=site_link("circles:session", session.pk),
        cancelled=session.status == CircleSession.Status.CANCELLED,
    )


def session_calendar(session: CircleSession, *, method: str = "PUBLISH") -> str:
    return ics.calendar(_event(session), now=timezone.now(), method=method)


def schedule_calendar(circle: Circle) -> str:
    """Every session of the circle as one calendar file (cancelled ones marked cancelled, so a
    calendar that imported them earlier removes them)."""
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{ics.PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    events: list[str] = []
    now = timezone.now()
    for session in circle.sessions.all():
        session.circle = circle
        text = ics.calendar(_event(session), now=now)
        start = text.index("BEGIN:VEVENT")
        end = text.index("END:VEVENT") + len("END:VEVENT\r\n")
        events.append(text[start:end])
    return "".join(line + ics.CRLF for line in head) + "".join(events) + "END:VCALENDAR\r\n"


def _send_invitation(session: CircleSession, headline: str) -> None:
    def send():
        fresh = CircleSession.objects.select_related("circle__facilitator__user").get(pk=session.pk)
        circle = fresh.circle
        people = [m.participant.user for m in circle.current_members()]
        if circle.facilitator:
            people.append(circle.facilitator.user)
        if not people:
            return
        local = timezone.localtime(fresh.starts_at)
        method = "CANCEL" if fresh.status == CircleSession.Status.CANCELLED else "REQUEST"
        message = EmailMessage(
            subject=f"{headline}: {local:%-d %B %Y at %H:%M}",
            body=(
                f"{headline}: {circle.name}, {local:%A %-d %B %Y at %H:%M}.\n\n"
                "The calendar invitation is attached. You can see the session here:\n"
                f"{site_link('circles:session', fresh.pk)}\n"
            ),
            bcc=sorted({u.email for u in people}),
        )
        message.attach(
            "circle-session.ics",
            session_calendar(fresh, method="REQUEST"),
            f"text/calendar; charset=utf-8; method={method}",
        )
        message.send()

    transaction.on_commit(send)


# Check-ins ----------------------------------------------------------------------------------


@transaction.atomic
def check_in(
    *,
    circle: Circle,
    participant: Participant,
    mood: int,
    text: str,
    shared: bool,
    key=None,
) -> tuple[CheckIn, bool]:
    if not 1 <= mood <= 5:
        raise ProgrammeError("Choose how you are from 1 to 5.")
    session = (
        circle.sessions.filter(starts_at__lte=timezone.now())
        .exclude(status=CircleSession.Status.CANCELLED)
        .last()
    )
    return create_once(
        CheckIn,
        key,
        {"participant_id": participant.pk},
        circle=circle,
        session=session,
        mood=mood,
        text=text,
        shared=shared,
    )


def place_in(circle: Circle, user) -> Participant | None:
    """The person's current place in the circle as a member, or None."""
    membership = (
        CircleMembership.objects.filter(circle=circle, left_on__isnull=True, participant__user=user)
        .select_related("participant")
        .first()
    )
    return membership.participant if membership else None


# Commitments: taking part in both -----------------------------------------------------------


@dataclass
class Entry:
    """One line of a person's combined diary."""

    kind: str  # "meeting" or "circle"
    title: str
    starts_at: datetime
    ends_at: datetime
    mode: str
    href: str
    ics_href: str
    warnings: list[str] = field(default_factory=list)

    @property
    def day(self) -> date:
        return timezone.localtime(self.starts_at).date()


def commitments_of(user, *, now: datetime | None = None) -> tuple[list[Entry], list[str]]:
    """Returns the person's upcoming one-to-one meetings and circle sessions, earliest first,
    each with a warning for every clash, and the clash sentences."""
    now = now or timezone.now()
    meetings = list(_meetings_of_users([user.pk], now).filter(starts_at__gte=now))
    sessions = list(
        CircleSession.objects.filter(
            Q(
                circle__memberships__participant__user=user,
                circle__memberships__left_on__isnull=True,
            )
            | Q(circle__facilitator__user=user),
            circle__status=Circle.Status.PUBLISHED,
            status=CircleSession.Status.SCHEDULED,
            starts_at__gte=now,
        )
        .select_related("circle")
        .distinct()
    )
    entries: dict[str, Entry] = {}
    found: list[diary.Commitment] = []
    for m in meetings:
        commitment = _meeting_commitment(m)
        found.append(commitment)
        entries[commitment.key] = Entry(
            kind="meeting",
            title="One-to-one mentoring meeting",
            starts_at=commitment.starts_at,
            ends_at=commitment.ends_at,
            mode=dict(v.MEETING_MODES).get(m.mode, ""),
            href=reverse("programmes:meeting", args=[m.pk]),
            ics_href=reverse("programmes:meeting_ics", args=[m.pk]),
        )
    for s in sessions:
        commitment = _session_commitment(s, s.circle.name)
        found.append(commitment)
        entries[commitment.key] = Entry(
            kind="circle",
            title=f"{s.circle.name} session",
            starts_at=commitment.starts_at,
            ends_at=commitment.ends_at,
            mode=dict(v.MEETING_MODES).get(s.mode, ""),
            href=reverse("circles:session", args=[s.pk]),
            ics_href=reverse("circles:session_ics", args=[s.pk]),
        )
    sentences = []
    for clash in diary.clashes(found):
        if clash.first.kind == clash.second.kind == "meeting":
            continue
        sentence = _clash_sentence(clash)
        sentences.append(sentence)
        entries[clash.first.key].warnings.append(sentence)
        entries[clash.second.key].warnings.append(sentence)
    ordered = sorted(entries.values(), key=lambda e: (e.starts_at, e.kind))
    return ordered, sentences


def _clash_sentence(clash: diary.Clash) -> str:
    first = timezone.localtime(clash.first.starts_at)
    second = timezone.localtime(clash.second.starts_at)
    what = diary.describe(clash)
    what = what[0].upper() + what[1:]
    return f"{what} ({first:%a %-d %b %H:%M} and {second:%a %-d %b %H:%M})"


# Who may drop one of the two ----------------------------------------------------------------


@dataclass
class AtRisk:
    place: Participant
    circle: Circle
    reasons: list[str]


def at_risk(cohort: Cohort, *, now: datetime | None = None) -> list[AtRisk]:
    """Members of the cohort's published circles who may be about to drop their circle or their
    one-to-one mentoring: they missed the last two sessions with attendance taken, a circle
    session clashes with one of their meetings, or their one-to-one relationship is at risk
    (`allied.mentoring.relationship.risks_of`)."""
    now = now or timezone.now()
    memberships = (
        CircleMembership.objects.filter(
            cohort=cohort, left_on__isnull=True, circle__status=Circle.Status.PUBLISHED
        )
        .select_related("participant__user", "circle")
        .order_by("circle__number", "participant__user__full_name")
    )
    out = []
    for membership in memberships:
        place, circle = membership.participant, membership.circle
        reasons = []
        taken = list(
            CircleSession.objects.filter(
                circle=circle,
                status=CircleSession.Status.HELD,
                starts_at__gte=datetime.combine(
                    membership.joined_on, datetime.min.time(), tzinfo=now.tzinfo
                )
                - timedelta(days=1),
            ).order_by("-starts_at")[:2]
        )
        if (
            len(taken) == 2
            and not Attendance.objects.filter(
                session__in=taken, participant=place, attended=True
            ).exists()
        ):
            reasons.append("Missed the last two circle sessions.")
        _, clashes = commitments_of(place.user, now=now)
        if clashes:
            reasons.append(
                f"{len(clashes)} clash{'es' if len(clashes) != 1 else ''} between a circle "
                "session and a one-to-one meeting."
            )
        relationship = (
            Relationship.objects.filter(mentee=place, status=Relationship.Status.ACTIVE)
            .select_related("cohort__programme")
            .order_by("-started_at")
            .first()
        )
        if relationship is not None:
            # The coordinator's rule for a one-to-one relationship at risk, stated once.
            reasons.extend(summary_of(relationship, now).at_risk)
        if reasons:
            out.append(AtRisk(place, circle, reasons))
    return out
