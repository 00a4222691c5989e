"""Career progression outcomes: a participant records a step in their career (a band change, a
promotion, a new role, a leadership programme, a publication or presentation, a course
started); the programme's coordinator confirms it or marks it not confirmed.

The participant may change or withdraw an outcome only while it waits for the coordinator;
a decision is final, and deciding twice changes nothing (the first decision stands). Every
change runs in one transaction with the outcome row locked, so a participant's edit and a
coordinator's decision cannot interleave. The audit log learns what happened (kind, status,
who), never the participant's words or the coordinator's note.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.db import transaction
from django.utils import timezone

from allied.audit.log import record
from allied.audit.models import Kind
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import CareerOutcome, Participant
from allied.programmes.submissions import create_once

DECIDED = (
    "The coordinator has already looked at this outcome, so it can no longer be changed. "
    "If something is wrong, record it again or contact the coordinator."
)


def _words(kind: str, new_band: str, description: str) -> dict:
    """Returns the fields as stored: a band only for a band change."""
    band = new_band if kind == CareerOutcome.Kind.BAND_CHANGE else ""
    return {"kind": kind, "new_band": band, "description": description.strip()}


def _audit(kind: str, outcome: CareerOutcome, *, by, request, **detail) -> None:
    record(
        kind,
        request=request,
        actor=by,
        organisation=outcome.participant.cohort.programme.organisation,
        subject=f"career outcome {outcome.pk}",
        participant=outcome.participant_id,
        outcome_kind=outcome.kind,
        **detail,
    )


def _locked(outcome: CareerOutcome) -> CareerOutcome:
    """Returns the outcome re-read under a row lock (only the outcome's row on PostgreSQL)."""
    locked = (
        CareerOutcome.objects.select_for_update(of=("self",))
        .filter(pk=outcome.pk)
        .select_related("participant__cohort__programme__organisation")
        .first()
    )
    if locked is None:
        raise ProgrammeError("This outcome has been withdrawn.")
    return locked


def outcome_fingerprint(outcome: CareerOutcome) -> str:
    """Returns a short digest of what the outcome says now: a decision taken on an older
    version (the participant changed it in between) is refused."""
    text = "\x1f".join(
        (outcome.kind, outcome.happened_on.isoformat(), outcome.new_band, outcome.description)
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@transaction.atomic
def outcome_record(
    *,
    place: Participant,
    by,
    kind: str,
    happened_on: date,
    new_band: str = "",
    description: str = "",
    key=None,
    request=None,
) -> tuple[CareerOutcome, bool]:
    """Records the participant's outcome, waiting for the coordinator. Returns (outcome,
    made); a resent form (same key) returns the first submission's outcome and makes none."""
    outcome, made = create_once(
        CareerOutcome,
        key,
        {"participant_id": place.pk},
        happened_on=happened_on,
        **_words(kind, new_band, description),
    )
    if made:
        outcome.participant = place
        _audit(Kind.OUTCOME_RECORDED, outcome, by=by, request=request, action="recorded")
    return outcome, made


@transaction.atomic
def outcome_change(
    *,
    outcome: CareerOutcome,
    by,
    kind: str,
    happened_on: date,
    new_band: str = "",
    description: str = "",
    request=None,
) -> tuple[CareerOutcome, bool]:
    """Changes a pending outcome. Returns (outcome, changed); refuses once it is decided."""
    locked = _locked(outcome)
    if locked.status != CareerOutcome.Status.PENDING:
        raise ProgrammeError(DECIDED)
    new = {"happened_on": happened_on, **_words(kind, new_band, description)}
    changed = [name for name, value in new.items() if getattr(locked, name) != value]
    if not changed:
        return locked, False
    for name in changed:
        setattr(locked, name, new[name])
    locked.save(update_fields=changed)
    _audit(Kind.OUTCOME_RECORDED, locked, by=by, request=request, action="changed")
    return locked, True


@transaction.atomic
def outcome_withdraw(*, outcome: CareerOutcome, by, request=None) -> None:
    """Deletes a pending outcome the participant no longer wants to claim; refuses once it is
    decided (the coordinator's decision is part of the record)."""
    locked = _locked(outcome)
    if locked.status != CareerOutcome.Status.PENDING:
        raise ProgrammeError(DECIDED)
    _audit(Kind.OUTCOME_RECORDED, locked, by=by, request=request, action="withdrawn")
    locked.delete()


@transaction.atomic
def outcome_decide(
    *,
    outcome: CareerOutcome,
    by,
    confirmed: bool,
    note: str = "",
    seen: str | None = None,
    request=None,
) -> tuple[CareerOutcome, bool]:
    """The coordinator confirms the outcome or marks it not confirmed, with an optional note
    the participant reads. Returns (outcome, decided): False when it was already decided (the
    first decision and its note stand). `seen` is the fingerprint of the outcome the
    coordinator read: if the participant changed it since, nothing is decided."""
    locked = _locked(outcome)
    if locked.status != CareerOutcome.Status.PENDING:
        return locked, False
    if seen is not None and seen != outcome_fingerprint(locked):
        raise ProgrammeError(
            "The participant changed this outcome while you were looking at it. Nothing was "
            "decided: read it as it is now, then decide again."
        )
    locked.status = (
        CareerOutcome.Status.CONFIRMED if confirmed else CareerOutcome.Status.NOT_CONFIRMED
    )
    locked.decided_at = timezone.now()
    locked.decided_by = by
    locked.decision_note = note.strip()
    locked.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    _audit(
        Kind.OUTCOME_CONFIRMED,
        locked,
        by=by,
        request=request,
        decision=locked.status,
        with_note=bool(locked.decision_note),
    )
    return locked, True
