"""Reminder emails for mentoring relationships, sent by `allied tick` through django-tasks.

Seven reminders, each sent at most once, however often the tick runs and however many ticks run
at the same moment:

- a meeting starts within the next 24 hours: both people, with the date, time, mode and place
  (`Meeting.reminder_sent_at`);
- a scheduled meeting's time passed more than 24 hours ago and nobody recorded whether it
  happened: both people, with a link to record it (`Meeting.log_reminder_sent_at`);
- an active pair has no meeting held or scheduled within the interval they agreed: both people,
  at most once per interval (a "reminder sent" event in the audit log, keyed by the date the
  meeting fell due);
- a mid-point or end review date in the agreement has been reached and one of the pair has not
  submitted that review: that person, once per stage (an audit event again);
- the steps people stall on before and after matching: an intake not finished a week after
  the place was made (once per place), a mentee's request a mentor has not answered after
  three days (once per request), and an agreement one of an active pair has not signed a week
  after the relationship started (once per side and version of the agreement).

Each reminder is claimed and sent inside one transaction: the claim (a timestamp, or the row
lock and the audit event) is rolled back when the email cannot be sent, so the next tick tries
again rather than losing it. Emails never carry note content: only that something is due.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from allied.audit.log import record
from allied.audit.models import AuditEvent, Kind
from allied.core.matching import vocabulary as v
from allied.programmes.models import (
    Agreement,
    Cohort,
    Meeting,
    Participant,
    Relationship,
    Review,
    Side,
)

log = logging.getLogger(__name__)

# The audit kind for a reminder sent by the system; the audit app may name it in `Kind`.
REMINDER_SENT = Kind.REMINDER_SENT
DAY = timedelta(hours=24)


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str


def meeting_link(meeting: Meeting) -> str:
    return settings.SITE_URL + reverse("programmes:meeting", args=[meeting.pk])


def relationship_link(relationship: Relationship) -> str:
    return settings.SITE_URL + reverse("programmes:relationship", args=[relationship.pk])


def review_link(relationship: Relationship, stage: str) -> str:
    return settings.SITE_URL + reverse("programmes:review", args=[relationship.pk, stage])


def when(moment: datetime) -> str:
    """ "Tuesday 1 December 2026 at 2:30pm", in the site's time zone."""
    local = timezone.localtime(moment)
    hour = local.strftime("%I").lstrip("0")
    minutes = "" if local.minute == 0 else local.strftime(":%M")
    return f"{local:%A} {local.day} {local:%B %Y} at {hour}{minutes}{local:%p}".replace(
        "AM", "am"
    ).replace("PM", "pm")


def pair_of(relationship: Relationship) -> list[tuple[object, object]]:
    """(person, the other person) for both of the pair."""
    mentee, mentor = relationship.mentee.user, relationship.mentor.user
    return [(mentee, mentor), (mentor, mentee)]


def _email(template: str, person, context: dict) -> Email | None:
    """The email to one person from `mentoring/email/<template>.txt` and its subject file,
    or None when the person cannot be emailed (no address, or the account is closed)."""
    if not person.email or not person.is_active:
        return None
    context = {"name": person.full_name or person.email, **context}
    subject = render_to_string(f"mentoring/email/{template}_subject.txt", context)
    body = render_to_string(f"mentoring/email/{template}.txt", context)
    return Email(to=person.email, subject=" ".join(subject.split()), body=body.strip() + "\n")


def send_emails(emails: list[Email | None]) -> int:
    """Sends the emails; raises when the mail server refuses, so the caller's claim rolls back."""
    messages = [mail.EmailMessage(subject=e.subject, body=e.body, to=[e.to]) for e in emails if e]
    if messages:
        with mail.get_connection() as connection:
            connection.send_messages(messages)
    return len(messages)


def _each(items, claim_and_build) -> int:
    """Runs `claim_and_build(item)` (which claims the reminder and returns its emails, or
    [] when another tick got there first) and sends the emails in the same transaction. A
    failure is logged and rolled back, so that one bad address does not stop the others."""
    sent = 0
    for item in items:
        try:
            with transaction.atomic():
                sent += send_emails(claim_and_build(item))
        except Exception:
            log.exception("A reminder could not be sent; it will be tried again: %r", item)
    return sent


# (a) A meeting starts within the next 24 hours.


def meeting_reminders(now: datetime) -> int:
    """Returns the number of emails sent about meetings starting in the next 24 hours."""
    due = Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED,
        reminder_sent_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + DAY,
        relationship__status__in=Relationship.HOLDS_PLACE,
    ).values_list("pk", flat=True)

    def claim(pk: int) -> list[Email | None]:
        if not Meeting.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=now
        ):
            return []
        meeting = Meeting.objects.select_related(
            "relationship__mentee__user",
            "relationship__mentor__user",
            "relationship__cohort__programme",
        ).get(pk=pk)
        context = {
            "programme": meeting.relationship.cohort.programme.name,
            "when": when(meeting.starts_at),
            "duration": meeting.duration_minutes,
            "mode": v.label(v.MEETING_MODES, meeting.mode).lower(),
            "location": meeting.location,
            "link": meeting_link(meeting),
        }
        return [
            _email("meeting_reminder", person, {**context, "other": other.full_name})
            for person, other in pair_of(meeting.relationship)
        ]

    return _each(list(due), claim)


# (b) A meeting's time passed more than 24 hours ago and nobody said whether it happened.


def log_reminders(now: datetime) -> int:
    """Returns the number of emails sent asking the pair to record a past meeting."""
    due = Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED,
        log_reminder_sent_at__isnull=True,
        starts_at__lt=now - DAY,
        relationship__status__in=Relationship.HOLDS_PLACE,
    ).values_list("pk", flat=True)

    def claim(pk: int) -> list[Email | None]:
        if not Meeting.objects.filter(
            pk=pk, status=Meeting.Status.SCHEDULED, log_reminder_sent_at__isnull=True
        ).update(log_reminder_sent_at=now):
            return []
        meeting = Meeting.objects.select_related(
            "relationship__mentee__user",
            "relationship__mentor__user",
            "relationship__cohort__programme",
        ).get(pk=pk)
        context = {
            "programme": meeting.relationship.cohort.programme.name,
            "when": when(meeting.starts_at),
            "link": meeting_link(meeting),
        }
        return [
            _email("log_reminder", person, {**context, "other": other.full_name})
            for person, other in pair_of(meeting.relationship)
        ]

    return _each(list(due), claim)


# (c) An active pair has not met, or arranged to meet, within their agreed interval.


def interval_weeks(relationship: Relationship) -> int:
    """The pair's agreed meeting interval, else the programme's."""
    try:
        agreement = relationship.agreement
    except Agreement.DoesNotExist:
        agreement = None
    if agreement is not None and agreement.meeting_every_weeks:
        return agreement.meeting_every_weeks
    return relationship.cohort.programme.meeting_every_weeks


def meeting_due_on(relationship: Relationship, last_meeting: datetime | None, now: datetime):
    """The date the pair's latest missed meeting fell due, or None when none is due.

    Counting from the last meeting held or scheduled (or the start), a meeting falls due once
    every agreed interval; this is the most recent such date that has passed. Keyed by that
    date, the reminder goes once per interval at most, and an idle pair hears again only when a
    further interval passes."""
    weeks = interval_weeks(relationship)
    if not weeks:
        return None
    start = relationship.started_at or relationship.created_at
    anchor = max(start, last_meeting) if last_meeting else start
    period = timedelta(weeks=weeks)
    intervals = (now - anchor) // period
    if intervals < 1:
        return None
    return timezone.localdate(anchor + intervals * period)


def _already(relationship: Relationship, **key) -> bool:
    lookups = {f"detail__{name}": value for name, value in key.items()}
    return AuditEvent.objects.filter(
        kind=REMINDER_SENT, subject=f"relationship {relationship.pk}", **lookups
    ).exists()


def _note(relationship: Relationship, **key) -> None:
    record(
        REMINDER_SENT,
        organisation=relationship.cohort.programme.organisation,
        subject=f"relationship {relationship.pk}",
        **key,
    )


def meeting_due_reminders(now: datetime) -> int:
    """Returns the number of emails sent telling pairs a meeting is due."""
    active = (
        Relationship.objects.filter(status=Relationship.Status.ACTIVE)
        .annotate(
            last_meeting=Max(
                "meetings__starts_at",
                filter=Q(meetings__status__in=[Meeting.Status.SCHEDULED, Meeting.Status.HELD]),
            )
        )
        .select_related("cohort__programme", "agreement")
    )
    due = [
        (r.pk, due_on.isoformat())
        for r in active
        if (due_on := meeting_due_on(r, r.last_meeting, now)) is not None
        and not _already(r, reminder="meeting_due", due_on=due_on.isoformat())
    ]

    def claim(item: tuple[int, str]) -> list[Email | None]:
        pk, due_on = item
        relationship = (
            Relationship.objects.select_for_update(of=("self",))
            .select_related(
                "mentee__user", "mentor__user", "cohort__programme__organisation", "agreement"
            )
            .filter(pk=pk, status=Relationship.Status.ACTIVE)
            .first()
        )
        if relationship is None or _already(relationship, reminder="meeting_due", due_on=due_on):
            return []
        _note(relationship, reminder="meeting_due", due_on=due_on)
        return meeting_due_emails(relationship)

    return _each(due, claim)


# (d) A review date has come and that person has not submitted the review.


def review_reminders(now: datetime) -> int:
    """Returns the number of emails sent reminding people of a mid-point or end review."""
    today = timezone.localdate(now)
    agreements = Agreement.objects.filter(
        Q(mid_review_on__lte=today) | Q(end_review_on__lte=today),
        relationship__status=Relationship.Status.ACTIVE,
    ).select_related("relationship")
    due = []
    for agreement in agreements:
        relationship = agreement.relationship
        submitted = set(relationship.reviews.values_list("stage", "side"))
        for stage, on in (
            (Review.Stage.MID, agreement.mid_review_on),
            (Review.Stage.END, agreement.end_review_on),
        ):
            if on is None or on > today:
                continue
            for side in (Side.MENTEE, Side.MENTOR):
                if (stage, side) in submitted:
                    continue
                key = {"reminder": "review", "stage": str(stage), "side": str(side)}
                if not _already(relationship, **key):
                    due.append((relationship.pk, key))

    def claim(item: tuple[int, dict]) -> list[Email | None]:
        pk, key = item
        relationship = (
            Relationship.objects.select_for_update(of=("self",))
            .select_related("mentee__user", "mentor__user", "cohort__programme__organisation")
            .filter(pk=pk, status=Relationship.Status.ACTIVE)
            .first()
        )
        if relationship is None or _already(relationship, **key):
            return []
        if relationship.reviews.filter(stage=key["stage"], side=key["side"]).exists():
            return []
        _note(relationship, **key)
        person, other = pair_of(relationship)[0 if key["side"] == Side.MENTEE else 1]
        return [
            _email(
                "review_reminder",
                person,
                {
                    "programme": relationship.cohort.programme.name,
                    "other": other.full_name,
                    "stage": Review.Stage(key["stage"]).label.lower(),
                    "link": review_link(relationship, key["stage"]),
                },
            )
        ]

    return _each(due, claim)


# (e) A place's intake is not finished a week after the place was made, while the cohort's
# intake is open. (f) A mentor has not answered a mentee's request after three days. (g) One
# of an active pair has not signed the agreement (its current version) a week after the
# relationship started. Each at most once per place, request, or side and version.

INTAKE_AFTER = timedelta(days=7)
REQUEST_AFTER = timedelta(days=3)
AGREEMENT_AFTER = timedelta(days=7)


def _subjects_reminded(reminder: str) -> set[str]:
    """The subjects ("place 12") already sent this reminder: one query for the whole tick."""
    return set(
        AuditEvent.objects.filter(kind=REMINDER_SENT, detail__reminder=reminder).values_list(
            "subject", flat=True
        )
    )


def _reminded(subject: str, **key) -> bool:
    lookups = {f"detail__{name}": value for name, value in key.items()}
    return AuditEvent.objects.filter(kind=REMINDER_SENT, subject=subject, **lookups).exists()


def intakes_waiting():
    """Places whose intake is not finished, in cohorts still taking intakes, of open
    accounts: whom the intake reminder is for (the scheduled one a week on, or by hand)."""
    return Participant.objects.filter(
        status=Participant.Status.INTAKE,
        cohort__status=Cohort.Status.INTAKE,
        user__is_active=True,
    )


def requests_waiting():
    """Requests a mentor with an open account has not answered yet."""
    return Relationship.objects.filter(
        status=Relationship.Status.REQUESTED, mentor__user__is_active=True
    )


def intake_reminders(now: datetime) -> int:
    """Returns the number of emails sent to people whose intake is not finished."""
    places = (
        intakes_waiting().filter(joined_at__lte=now - INTAKE_AFTER).values_list("pk", flat=True)
    )
    told = _subjects_reminded("intake")
    due = [pk for pk in places if f"place {pk}" not in told]

    def claim(pk: int) -> list[Email | None]:
        place = (
            Participant.objects.select_for_update(of=("self",))
            .select_related("user", "cohort__programme__organisation")
            .filter(pk=pk, status=Participant.Status.INTAKE, cohort__status=Cohort.Status.INTAKE)
            .first()
        )
        if place is None or _reminded(f"place {pk}", reminder="intake"):
            return []
        record(
            REMINDER_SENT,
            organisation=place.cohort.programme.organisation,
            subject=f"place {pk}",
            reminder="intake",
        )
        return [intake_email(place)]

    return _each(due, claim)


def request_reminders(now: datetime) -> int:
    """Returns the number of emails sent to mentors who have not answered a request."""
    waiting = (
        requests_waiting().filter(created_at__lte=now - REQUEST_AFTER).values_list("pk", flat=True)
    )
    told = _subjects_reminded("request")
    due = [pk for pk in waiting if f"relationship {pk}" not in told]

    def claim(pk: int) -> list[Email | None]:
        relationship = (
            Relationship.objects.select_for_update(of=("self",))
            .select_related("mentee__user", "mentor__user", "cohort__programme__organisation")
            .filter(pk=pk, status=Relationship.Status.REQUESTED)
            .first()
        )
        if relationship is None or _already(relationship, reminder="request"):
            return []
        _note(relationship, reminder="request")
        return [request_email(relationship)]

    return _each(due, claim)


def agreement_reminders(now: datetime) -> int:
    """Returns the number of emails sent to people who have not signed their agreement."""
    since = now - AGREEMENT_AFTER
    active = Relationship.objects.filter(
        Q(started_at__lte=since) | Q(started_at__isnull=True, created_at__lte=since),
        status=Relationship.Status.ACTIVE,
    ).select_related("agreement")
    told = set(
        AuditEvent.objects.filter(kind=REMINDER_SENT, detail__reminder="agreement").values_list(
            "subject", "detail__side", "detail__version"
        )
    )
    due = []
    for relationship in active:
        if not agreement_waited(relationship, since):
            continue
        for side, key in unsigned(relationship):
            if (f"relationship {relationship.pk}", key["side"], key["version"]) not in told:
                due.append((relationship.pk, side, key))

    def claim(item) -> list[Email | None]:
        pk, side, key = item
        relationship = (
            Relationship.objects.select_for_update(of=("self",))
            .select_related(
                "mentee__user", "mentor__user", "cohort__programme__organisation", "agreement"
            )
            .filter(pk=pk, status=Relationship.Status.ACTIVE)
            .first()
        )
        if relationship is None or _already(relationship, **key):
            return []
        if (side, key) not in unsigned(relationship) or not agreement_waited(relationship, since):
            return []
        _note(relationship, **key)
        return [agreement_email(relationship, side)]

    return _each(due, claim)


def intake_email(place: Participant) -> Email | None:
    link = settings.SITE_URL + reverse("programmes:intake", args=[place.pk])
    context = {"programme": place.cohort.programme.name, "cohort": place.cohort.name, "link": link}
    return _email("intake_reminder", place.user, context)


def request_email(relationship: Relationship) -> Email | None:
    context = {
        "programme": relationship.cohort.programme.name,
        "other": relationship.mentee.user.full_name or "A mentee",
        "link": settings.SITE_URL + reverse("programmes:requests"),
    }
    return _email("request_reminder", relationship.mentor.user, context)


def agreement_email(relationship: Relationship, side: str) -> Email | None:
    person, other = pair_of(relationship)[0 if side == Side.MENTEE else 1]
    context = {
        "programme": relationship.cohort.programme.name,
        "other": other.full_name,
        "link": settings.SITE_URL + reverse("programmes:agreement", args=[relationship.pk]),
    }
    return _email("agreement_reminder", person, context)


def meeting_due_emails(relationship: Relationship) -> list[Email | None]:
    context = {
        "programme": relationship.cohort.programme.name,
        "weeks": interval_weeks(relationship),
        "link": relationship_link(relationship),
    }
    return [
        _email("meeting_due", person, {**context, "other": other.full_name})
        for person, other in pair_of(relationship)
    ]


def agreement_waited(relationship: Relationship, since: datetime) -> bool:
    """Whether the agreement as it is now has waited for signatures since `since`: counted
    from the later of the start and its last change (a change asks both to sign again)."""
    agreement = getattr(relationship, "agreement", None)
    changed = agreement.updated_at if agreement is not None else None
    started = relationship.started_at or relationship.created_at
    return max(d for d in (started, changed) if d is not None) <= since


def unsigned(relationship: Relationship) -> list[tuple[str, dict]]:
    """(side, reminder key) for each of the pair who has not signed the agreement as it is
    now (nobody has, before it is first saved)."""
    agreement = getattr(relationship, "agreement", None)
    version = agreement.version if agreement is not None else 0
    signed = {
        Side.MENTEE: agreement.mentee_signed_version if agreement is not None else None,
        Side.MENTOR: agreement.mentor_signed_version if agreement is not None else None,
    }
    return [
        (str(side), {"reminder": "agreement", "side": str(side), "version": version})
        for side in (Side.MENTEE, Side.MENTOR)
        if agreement is None or signed[side] != version
    ]


REMINDERS = {
    "meeting": meeting_reminders,
    "log": log_reminders,
    "meeting_due": meeting_due_reminders,
    "review": review_reminders,
    "intake": intake_reminders,
    "request": request_reminders,
    "agreement": agreement_reminders,
}


def send_due_reminders(now: datetime | None = None) -> dict[str, int]:
    """Sends every reminder that is due and returns the number of emails sent, by kind."""
    now = now or timezone.now()
    return {name: send(now) for name, send in REMINDERS.items()}
