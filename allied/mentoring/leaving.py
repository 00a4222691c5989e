"""Leaving a programme: a participant withdraws, or a coordinator withdraws them.

Leaving touches every part of their time in the cohort, in one transaction: an active
mentoring relationship ends without blame (the other person is told kindly and, for a mentee
left without a mentor, goes back to matching); a request waiting for an answer is withdrawn
or declined; suggestions made to them or of them are withdrawn; the apps above hear of it
(`allied.mentoring.signals.participant_withdrawn`: circles end their membership and any
circle they facilitate).
Their records stay, readable by the people they were shared with, and no reminder reaches
them again (reminders go to active pairs only).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from allied.audit.log import record
from allied.audit.models import Kind
from allied.mentoring.relationship import relationship_end
from allied.mentoring.signals import participant_withdrawn
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import Participant, Relationship, ShortlistOffer, Side


@transaction.atomic
def participant_withdraw(*, place: Participant, by, request=None) -> Participant:
    """Withdraws the place; refuses a place that has already left."""
    locked = Participant.objects.select_for_update(of=("self",)).get(pk=place.pk)
    if locked.status == Participant.Status.WITHDRAWN:
        raise ProgrammeError(
            f"{locked.user.full_name or locked.user.email} has already left this cohort."
        )
    field = "mentee" if locked.side == Side.MENTEE else "mentor"
    for relationship in Relationship.objects.filter(
        **{field: locked}, status=Relationship.Status.ACTIVE
    ).select_related("mentee__user", "mentor__user", "cohort__programme__organisation"):
        relationship_end(
            relationship=relationship, by=by, ending=Relationship.Ending.NO_FAULT, request=request
        )
    now = timezone.now()
    Relationship.objects.filter(
        **{field: locked},
        status__in=(Relationship.Status.REQUESTED, Relationship.Status.CONVERSATION),
    ).update(
        status=(
            Relationship.Status.WITHDRAWN if field == "mentee" else Relationship.Status.DECLINED
        ),
        ended_at=now,
        ended_by=by,
    )
    ShortlistOffer.objects.filter(
        Q(mentee=locked) | Q(mentor=locked), withdrawn_at__isnull=True
    ).update(withdrawn_at=now)
    locked.status = Participant.Status.WITHDRAWN
    locked.withdrawn_at = now
    locked.save(update_fields=["status", "withdrawn_at", "updated_at"])
    participant_withdrawn.send(sender=Participant, place=locked, by=by, request=request)
    record(
        Kind.PROGRAMME_CHANGED,
        request=request,
        actor=by,
        organisation=locked.cohort.programme.organisation,
        subject=f"participant {locked.pk}",
        action="participant_withdrawn",
        by_themselves=by.pk == locked.user_id,
    )
    place.status, place.withdrawn_at = locked.status, locked.withdrawn_at
    return locked
