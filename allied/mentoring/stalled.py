"""Who in a cohort is stalled where, for the coordinator, and reminding them now.

The steps are those the scheduled reminders watch (`allied.mentoring.reminders`): an intake
not finished, a mentee's request a mentor has not answered, an agreement one of a pair has not
signed, a meeting that is due. The coordinator's reminder is the same email, sent at once; it
is audited with who sent it, and a person is reminded of one step at most once a day, however
often the button is pressed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from allied.audit.log import record
from allied.audit.models import AuditEvent
from allied.mentoring import reminders as r
from allied.programmes.models import Cohort, Meeting, Relationship, Side

STEPS = {
    "intake": "Intake not finished",
    "request": "Request not answered",
    "agreement": "Agreement not signed",
    "meeting": "A meeting is due",
}
ONCE_A_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Stall:
    """One person stalled at one step: `key` ("intake:12", "agreement:7:mentor") names it
    for the bulk form; `since` is when the step began."""

    step: str
    key: str
    name: str
    since: datetime | None
    reminded: datetime | None = None


def stalled(cohort: Cohort, now: datetime | None = None) -> list[Stall]:
    """Everyone in the cohort stalled at a step, by step, then by name: the people the
    scheduled reminders would remind (open accounts; intakes while the cohort's intake is
    open), whether or not a week has passed yet."""
    now = now or timezone.now()
    out: list[Stall] = []
    for place in r.intakes_waiting().filter(cohort=cohort).select_related("user"):
        out.append(Stall("intake", f"intake:{place.pk}", _name(place.user), place.joined_at))
    current = Relationship.objects.filter(cohort=cohort).select_related(
        "mentee__user", "mentor__user"
    )
    for relationship in (
        r.requests_waiting().filter(cohort=cohort).select_related("mentee__user", "mentor__user")
    ):
        out.append(
            Stall(
                "request",
                f"request:{relationship.pk}",
                _name(relationship.mentor.user),
                relationship.created_at,
            )
        )
    active = (
        current.filter(status=Relationship.Status.ACTIVE)
        .select_related("agreement", "cohort__programme")
        .annotate(
            last_meeting=Max(
                "meetings__starts_at",
                filter=Q(meetings__status__in=[Meeting.Status.SCHEDULED, Meeting.Status.HELD]),
            )
        )
    )
    for relationship in active:
        people = dict(zip((Side.MENTEE, Side.MENTOR), r.pair_of(relationship), strict=True))
        for side, key in r.unsigned(relationship):
            person = people[side][0]
            if person.is_active:
                out.append(
                    Stall(
                        "agreement",
                        f"agreement:{relationship.pk}:{side}:{key['version']}",
                        _name(person),
                        relationship.started_at or relationship.created_at,
                    )
                )
        due_on = r.meeting_due_on(relationship, relationship.last_meeting, now)
        if due_on is not None:
            out.append(
                Stall(
                    "meeting",
                    f"meeting:{relationship.pk}:{due_on.isoformat()}",
                    f"{_name(relationship.mentee.user)} and {_name(relationship.mentor.user)}",
                    datetime.combine(due_on, datetime.min.time(), tzinfo=now.tzinfo),
                )
            )
    last = _last_reminded(cohort)
    order = list(STEPS)
    return sorted(
        (Stall(s.step, s.key, s.name, s.since, last.get(s.key)) for s in out),
        key=lambda s: (order.index(s.step), s.name.lower(), s.key),
    )


def _name(user) -> str:
    return user.full_name or user.email


def _last_reminded(cohort: Cohort) -> dict[str, datetime]:
    """Stall key → when the coordinator last reminded it by hand."""
    events = AuditEvent.objects.filter(
        kind=r.REMINDER_SENT,
        organisation=cohort.programme.organisation,
        detail__cohort=cohort.pk,
        detail__by_coordinator=True,
    ).values_list("detail__stall", "created_at")
    out: dict[str, datetime] = {}
    for key, at in events:
        out[key] = max(at, out.get(key, at))
    return out


def remind_now(*, cohort: Cohort, keys: list[str], by, request=None) -> tuple[int, int]:
    """Sends the reminder for each chosen stall that is still a stall in this cohort and was
    not reminded by hand in the last day. Returns (emails sent, stalls left out). The cohort
    is locked first, so two presses at once remind once. Each reminder is recorded under the
    scheduled reminder's own key too, so the next tick does not send it again."""
    Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
    now = timezone.now()
    current = {s.key: s for s in stalled(cohort, now)}
    sent = skipped = 0
    for key in dict.fromkeys(keys):
        stall = current.get(key)
        if stall is None or (stall.reminded and now - stall.reminded < ONCE_A_DAY):
            skipped += 1
            continue
        try:
            with transaction.atomic():
                emails = [e for e in _emails(cohort, stall) if e is not None]
                if not emails:
                    skipped += 1
                    continue
                subject, scheduled = _scheduled_key(stall)
                record(
                    r.REMINDER_SENT,
                    request=request,
                    actor=by,
                    organisation=cohort.programme.organisation,
                    subject=subject,
                    **scheduled,
                    stall=stall.key,
                    cohort=cohort.pk,
                    by_coordinator=True,
                )
                sent += r.send_emails(emails)
        except Exception:
            r.log.exception("A reminder could not be sent: %s", key)
            skipped += 1
    return sent, skipped


def _scheduled_key(stall: Stall) -> tuple[str, dict]:
    """The audit subject and details the scheduled reminder for this stall is kept under."""
    step, pk, *rest = stall.key.split(":")
    if step == "intake":
        return f"place {pk}", {"reminder": "intake"}
    if step == "agreement":
        return f"relationship {pk}", {
            "reminder": "agreement",
            "side": rest[0],
            "version": int(rest[1]),
        }
    if step == "meeting":
        return f"relationship {pk}", {"reminder": "meeting_due", "due_on": rest[0]}
    return f"relationship {pk}", {"reminder": "request"}


def _emails(cohort: Cohort, stall: Stall) -> list:
    step, pk, *rest = stall.key.split(":")
    if step == "intake":
        place = cohort.participants.select_related("user", "cohort__programme").get(pk=pk)
        return [r.intake_email(place)]
    relationship = Relationship.objects.select_related(
        "mentee__user", "mentor__user", "cohort__programme", "agreement"
    ).get(pk=pk, cohort=cohort)
    if step == "request":
        return [r.request_email(relationship)]
    if step == "agreement":
        return [r.agreement_email(relationship, rest[0])]
    return r.meeting_due_emails(relationship)
