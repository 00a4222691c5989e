"""The only way to read or write a participant's ethnicity and gender.

Every read for a person (a coordinator opening an intake, the engine reading a cohort) is
written to the audit log with who read whose record; the values themselves never go into the
log. Participants see their own answers on their own intake and nobody else's, ever.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils import timezone

from allied.audit.log import record
from allied.audit.models import Kind
from allied.programmes.models import Participant, SpecialCategory


def own_answers(participant: Participant) -> SpecialCategory:
    """The person's own answers, for their own intake form (not logged: it is their data)."""
    found = SpecialCategory.objects.filter(participant=participant).first()
    return found or SpecialCategory(participant=participant)


def save_own_answers(participant: Participant, *, request=None, **answers) -> SpecialCategory:
    """Stores the person's answers and the consents they gave, with the time of consent."""
    entry, _ = SpecialCategory.objects.get_or_create(participant=participant)
    changed_consent = any(
        getattr(entry, key) != answers[key]
        for key in ("monitoring_consent", "matching_consent", "gender_matching_consent")
        if key in answers
    )
    for key, value in answers.items():
        setattr(entry, key, value)
    if changed_consent or entry.consent_recorded_at is None:
        entry.consent_recorded_at = timezone.now()
    entry.save()
    record(
        Kind.SPECIAL_CATEGORY_RECORDED,
        request=request,
        organisation=participant.cohort.programme.organisation,
        subject=f"participant {participant.pk}",
        matching_consent=entry.matching_consent,
        gender_matching_consent=entry.gender_matching_consent,
        monitoring_consent=entry.monitoring_consent,
    )
    return entry


def read_for(
    participants: Iterable[Participant], *, request=None, actor=None, purpose: str
) -> dict[int, SpecialCategory]:
    """Returns participant id → answers for these participants, and logs the read.

    `purpose` says why ("intake review", "matching"); one audit record covers the batch and
    names the participant ids read."""
    participants = list(participants)
    ids = [p.pk for p in participants]
    if not ids:
        return {}
    rows = {s.participant_id: s for s in SpecialCategory.objects.filter(participant_id__in=ids)}
    first = participants[0]
    record(
        Kind.SPECIAL_CATEGORY_VIEWED,
        request=request,
        actor=actor,
        organisation=first.cohort.programme.organisation,
        subject=purpose[:200],
        participants=ids[:500],
        count=len(ids),
    )
    return rows


@dataclass
class MonitoringRead:
    """A read of ethnic groups inside a report's own SQL (see `monitoring_group_join`)."""

    join: str
    column: str
    params: list
    # How many answers the report read (people on the side who consented and answered):
    # the report must set it once it has run its query.
    count: int | None = None


@contextmanager
def monitoring_group_join(programme, participant: str, *, side: str, request=None, actor=None):
    """For a report that counts people in the database by ethnic group: gives a
    `MonitoringRead` whose LEFT JOIN clause (`join`, with `params`) makes `column` the ethnic
    group code of the participant row aliased `participant` when they are on `side`,
    consented to equality monitoring and answered, and "" for everyone else; nobody else's
    answer is read. On leaving, logs the read: one audit record (purpose "equality
    monitoring") with how many answers were read (`count`, which the report sets from its
    own result) and the first 500 of their participant ids. Nothing is logged if the report
    failed; a report that forgets to set `count` fails."""
    table = SpecialCategory._meta.db_table
    read = MonitoringRead(
        join=(
            f"LEFT JOIN {table} monitoring ON monitoring.participant_id = {participant}.id "
            f"AND monitoring.monitoring_consent = %s AND {participant}.side = %s"
        ),
        column="COALESCE(monitoring.ethnic_group, '')",
        params=[True, side],
    )
    yield read
    if read.count is None:
        raise RuntimeError("a report read ethnic groups without saying how many")
    if read.count:
        answered = SpecialCategory.objects.filter(
            participant__cohort__programme=programme,
            participant__side=side,
            monitoring_consent=True,
        ).exclude(ethnic_group="")
        record(
            Kind.SPECIAL_CATEGORY_VIEWED,
            request=request,
            actor=actor,
            organisation=programme.organisation,
            subject="equality monitoring",
            participants=list(
                answered.order_by("participant_id").values_list("participant_id", flat=True)[:500]
            ),
            count=read.count,
        )
