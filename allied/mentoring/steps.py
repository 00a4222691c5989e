"""Each person's next steps in their mentoring programmes, for the dashboard.

A mentor or mentee should never have to hunt for what to do next: finish the intake, choose a
mentor, answer a request, agree expectations, arrange or record a meeting, confirm sponsorship,
complete a review. A coordinator (or an organisation admin) sees what needs them: mentees ready to match,
requests waiting, concerns, relationships at risk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from allied.matching.actions import (
    NEXT_FOR_THE_UNMATCHED,
    UNMATCHED_BY_COORDINATOR,
    unmatched_entry,
)
from allied.programmes.models import (
    Cohort,
    Concern,
    Meeting,
    Participant,
    Programme,
    Relationship,
    Review,
    ShortlistOffer,
    SponsorshipAction,
)


@dataclass(frozen=True)
class Step:
    text: str
    href: str
    action: bool = True  # False: information only ("waiting for ...")


def _other(relationship: Relationship, place: Participant) -> str:
    other = relationship.mentor if place.side == "mentee" else relationship.mentee
    return other.user.full_name


def _relationship_steps(user, relationship: Relationship, place: Participant) -> list[Step]:
    href = reverse("programmes:relationship", args=[relationship.pk])
    other = _other(relationship, place)
    if relationship.status == Relationship.Status.REQUESTED:
        if place.side == "mentor":
            return [
                Step(
                    f"Reply to {other}'s request to be your mentee",
                    reverse("programmes:respond", args=[relationship.pk]),
                )
            ]
        return [Step(f"Waiting for {other} to reply to your request", href, action=False)]
    if relationship.status == Relationship.Status.CONVERSATION:
        if place.side == "mentor":
            return [
                Step(
                    f"Talk with {other}, then accept or decline their request",
                    reverse("programmes:respond", args=[relationship.pk]),
                )
            ]
        return [Step(f"{other} would like a conversation before agreeing", href)]
    steps: list[Step] = []
    agreement = getattr(relationship, "agreement", None)
    mine = "mentee_signed_version" if place.side == "mentee" else "mentor_signed_version"
    theirs = "mentor_signed_version" if place.side == "mentee" else "mentee_signed_version"
    if agreement is None or getattr(agreement, mine) != agreement.version:
        steps.append(Step(f"Agree your expectations with {other}", href))
    elif getattr(agreement, theirs) != agreement.version:
        steps.append(Step(f"Waiting for {other} to sign your agreement", href, action=False))
    now = timezone.now()
    meetings = list(relationship.meetings.filter(status=Meeting.Status.SCHEDULED))
    unlogged = [m for m in meetings if m.starts_at + timedelta(hours=1) < now]
    for meeting in unlogged[:1]:
        steps.append(
            Step(
                f"Record whether your meeting with {other} on "
                f"{timezone.localtime(meeting.starts_at):%-d %B} happened",
                href,
            )
        )
    if not any(m.starts_at >= now for m in meetings):
        steps.append(Step(f"Arrange your next meeting with {other}", href))
    if place.side == "mentee":
        unconfirmed = SponsorshipAction.objects.filter(
            relationship=relationship, confirmed_at__isnull=True
        ).count()
        if unconfirmed:
            steps.append(
                Step(
                    f"Confirm {unconfirmed} sponsorship action{'s' if unconfirmed > 1 else ''} "
                    f"{other} recorded",
                    href,
                )
            )
    if agreement is not None:
        done = set(
            Review.objects.filter(relationship=relationship, side=place.side).values_list(
                "stage", flat=True
            )
        )
        today = timezone.localdate()
        for stage, due, label in (
            ("mid", agreement.mid_review_on, "mid-point"),
            ("end", agreement.end_review_on, "end"),
        ):
            if due and due <= today and stage not in done:
                steps.append(Step(f"Complete your {label} review", href))
    return steps


def participant_steps(user) -> list[tuple[Participant, list[Step]]]:
    """Returns each of the person's current places with its next steps."""
    places = (
        Participant.objects.filter(user=user)
        .exclude(status=Participant.Status.WITHDRAWN)
        .exclude(cohort__status=Cohort.Status.FINISHED)
        .select_related("cohort__programme", "user")
        .order_by("-cohort__starts_on")
    )
    out = []
    for place in places:
        steps: list[Step] = []
        if place.status == Participant.Status.INTAKE:
            steps.append(
                Step(
                    "Complete your intake so that you can be matched",
                    reverse("programmes:intake", args=[place.pk]),
                )
            )
        field = "mentee" if place.side == "mentee" else "mentor"
        relationships = list(
            Relationship.objects.current()
            .filter(**{field: place})
            .select_related("mentee__user", "mentor__user", "agreement")
        )
        for relationship in relationships:
            steps.extend(_relationship_steps(user, relationship, place))
        if (
            place.side == "mentee"
            and place.status == Participant.Status.READY
            and not relationships
        ):
            offers = ShortlistOffer.objects.filter(mentee=place, withdrawn_at__isnull=True)
            if place.cohort.programme.matching_mode == "shortlist" and offers.exists():
                steps.append(
                    Step(
                        "Choose a mentor from your suggestions",
                        reverse("programmes:shortlist", args=[place.pk]),
                    )
                )
            elif (left := unmatched_entry(place)) is not None:
                run, entry = left
                why = entry.get("participant_reason") or UNMATCHED_BY_COORDINATOR
                steps.append(
                    Step(
                        f"Matches were published on "
                        f"{timezone.localtime(run.published_at):%-d %B %Y}. {why} "
                        f"{NEXT_FOR_THE_UNMATCHED}",
                        reverse("programmes:intake", args=[place.pk]),
                        action=False,
                    )
                )
            else:
                steps.append(
                    Step(
                        "Your intake is complete. Your coordinator will tell you when you have "
                        "been matched.",
                        reverse("programmes:intake", args=[place.pk]),
                        action=False,
                    )
                )
        out.append((place, steps))
    return out


def _at_risk_count(cohort: Cohort) -> int:
    """Counts the cohort's active relationships at risk by the coordinator's list's rule
    (`actions.relationship.risks_of`), in one query rather than five per pair."""
    from allied.mentoring.relationship import risks_of

    now = timezone.now()
    interval = timedelta(weeks=cohort.programme.meeting_every_weeks or 4)
    rows = (
        cohort.relationships.filter(status=Relationship.Status.ACTIVE)
        .annotate(last_held=Max("meetings__starts_at", filter=Q(meetings__status="held")))
        .values(
            "started_at",
            "created_at",
            "last_held",
            "agreement__version",
            "agreement__mentee_signed_version",
            "agreement__mentor_signed_version",
        )
    )
    return sum(
        bool(
            risks_of(
                start=row["started_at"] or row["created_at"],
                last_held=row["last_held"],
                signed=row["agreement__version"] is not None
                and row["agreement__mentee_signed_version"]
                == row["agreement__version"]
                == row["agreement__mentor_signed_version"],
                interval=interval,
                now=now,
            )
        )
        for row in rows
    )


def coordinator_steps(user) -> list[tuple[Programme, list[Step]]]:
    """Returns each programme the person runs (as its coordinator, or as an admin of its
    organisation) with what needs their attention."""
    from allied.programmes.access import RUNS, programmes_for, roles_in

    programmes = [
        p
        for p in programmes_for(user).prefetch_related("cohorts").order_by("name")
        if roles_in(user, p) & set(RUNS)
    ]
    out = []
    for programme in programmes:
        steps: list[Step] = []
        open_concerns = Concern.objects.filter(
            programme=programme, status=Concern.Status.OPEN
        ).count()
        if open_concerns:
            steps.append(
                Step(
                    f"{open_concerns} concern{'s' if open_concerns > 1 else ''} to read",
                    reverse("programmes:concerns", args=[programme.pk]),
                )
            )
        for cohort in programme.cohorts.exclude(status=Cohort.Status.FINISHED):
            counts = cohort.participants.aggregate(
                ready=Count("pk", filter=Q(status=Participant.Status.READY)),
                started=Count("pk", filter=Q(status=Participant.Status.INTAKE)),
            )
            unmatched = (
                cohort.participants.filter(side="mentee", status=Participant.Status.READY)
                .exclude(as_mentee__status__in=Relationship.HOLDS_PLACE)
                .count()
            )
            if unmatched:
                steps.append(
                    Step(
                        f"{cohort.name}: {unmatched} mentee{'s' if unmatched > 1 else ''} "
                        "ready and not yet matched",
                        reverse("programmes:matching", args=[cohort.pk]),
                    )
                )
            if counts["started"]:
                steps.append(
                    Step(
                        f"{cohort.name}: {counts['started']} intake"
                        f"{'s' if counts['started'] > 1 else ''} still in progress",
                        reverse("programmes:cohort", args=[cohort.pk]),
                        action=False,
                    )
                )
            waiting = cohort.relationships.filter(
                status__in=(Relationship.Status.REQUESTED, Relationship.Status.CONVERSATION),
                created_at__lt=timezone.now() - timedelta(days=7),
            ).count()
            if waiting:
                steps.append(
                    Step(
                        f"{cohort.name}: {waiting} mentee request{'s' if waiting > 1 else ''} "
                        "waiting more than a week for the mentor's answer",
                        reverse("programmes:matching", args=[cohort.pk]),
                    )
                )
            active = cohort.relationships.filter(status=Relationship.Status.ACTIVE).exists()
            if active:
                at_risk = _at_risk_count(cohort)
                text = (
                    f"{cohort.name}: {at_risk} mentoring relationship"
                    f"{'s' if at_risk > 1 else ''} may be at risk"
                    if at_risk
                    else f"{cohort.name}: check how the mentoring relationships are going"
                )
                steps.append(
                    Step(
                        text,
                        reverse("programmes:cohort_relationships", args=[cohort.pk]),
                        action=True,
                    )
                )
        out.append((programme, steps))
    return out
