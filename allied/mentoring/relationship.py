"""Everything that changes a mentoring relationship: the agreement, meetings and their notes,
goals, sponsorship, reviews, the ending, and concerns. Pages and the API call these, each in
one transaction; refusals raise `ProgrammeError` with a message for the person and change
nothing. Emails go after the commit.

Privacy, decided here once: shared notes belong to the pair, private notes to their author;
the coordinator learns that meetings happen (counts and dates, in `summary_of`), never what
was said or written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from allied.audit.log import record
from allied.audit.models import Kind
from allied.base.links import site_link
from allied.core.matching import vocabulary as v
from allied.mentoring import ics, signals
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import (
    Agreement,
    Concern,
    Goal,
    GoalAction,
    GoalUpdate,
    Meeting,
    Participant,
    PrivateNote,
    Relationship,
    Review,
    ShortlistOffer,
    SponsorshipAction,
)
from allied.programmes.submissions import create_once

DEFAULT_CONFIDENTIALITY = (
    "What we talk about stays between the two of us. Neither of us will share it with managers, "
    "colleagues or the programme coordinator without the other's agreement.\n"
    "The limit: if either of us believes someone is at risk of harm (a safeguarding concern), "
    "or something must be reported by law or by our professional codes, we will say so, and "
    "raise it through the proper route, telling the other person first where it is safe to."
)

# What mentoring can and cannot offer: fixed text both people confirm they have read.
SCOPE_CAN = (
    "A confidential space to think about your career, your development and your experiences "
    "at work, the mentee's needs at the centre.",
    "A mentor who listens, believes you, challenges you kindly, and shares what they know.",
    "Sponsorship: the mentor may open doors, introduce you to networks, signpost and speak up "
    "for you, and records this so it is visible.",
    "Honest conversations about race and racism, if and when the mentee wants them.",
)
SCOPE_CANNOT = (
    "Line management, clinical supervision, or a formal assessment of your work.",
    "Therapy or counselling; your mentor can help you find that support.",
    "A guarantee of a job, a promotion or a place on a course.",
    "A route for formal complaints or grievances; those go through your organisation.",
    "Keeping a safeguarding concern secret.",
)

STAGES = {"mid": "mid-point review", "end": "end review"}
# How long before its date each review opens: early enough to plan, late enough to mean it.
REVIEW_OPENS_BEFORE = {"mid": timedelta(days=14), "end": timedelta(days=28)}
AT_RISK_UNSIGNED_AFTER = timedelta(weeks=4)
ENDED = "This mentoring relationship has ended; its record can be read but not changed."
NOT_STARTED = (
    "This mentoring relationship has not started: it is still a request, so this cannot be "
    "done yet."
)


def _require_active(relationship: Relationship) -> None:
    """Refuses a change unless the relationship is active, reading its status under a lock
    so that a change racing an ending waits for it and then sees it. Callers run inside a
    transaction and call this before locking anything else (the ending locks the
    relationship first too, so the two never wait on each other in opposite orders)."""
    status = (
        Relationship.objects.select_for_update()
        .filter(pk=relationship.pk)
        .values_list("status", flat=True)
        .first()
    )
    if status == Relationship.Status.ACTIVE:
        return
    if status == Relationship.Status.ENDED:
        raise ProgrammeError(ENDED)
    if status in (Relationship.Status.REQUESTED, Relationship.Status.CONVERSATION):
        raise ProgrammeError(NOT_STARTED)
    raise ProgrammeError(
        "This mentoring relationship is not active, so this cannot be changed now."
    )


def _bump(relationship: Relationship) -> None:
    from django.db.models import F

    Relationship.objects.filter(pk=relationship.pk).update(version=F("version") + 1)


def _people(relationship: Relationship) -> tuple:
    return relationship.mentee.user, relationship.mentor.user


def _other_user(relationship: Relationship, user):
    mentee, mentor = _people(relationship)
    return mentor if user.pk == mentee.pk else mentee


# Reading ----------------------------------------------------------------------------------


def start_of(relationship: Relationship) -> datetime:
    return relationship.started_at or relationship.created_at


def agreement_defaults(relationship: Relationship) -> dict:
    """Returns a first draft of the agreement: the programme's rhythm and length, review dates
    from the start, the mentee's intake answers to the four questions and about race."""
    programme = relationship.cohort.programme
    mentee: Participant = relationship.mentee
    start = timezone.localtime(start_of(relationship)).date()
    months = programme.relationship_months or 12
    texts = mentee.needs_text if isinstance(mentee.needs_text, dict) else {}

    def answer(key: str, codes) -> str:
        own = str(texts.get(key) or "").strip()
        topics = ", ".join(v.label(v.SUPPORT_TOPICS, c) for c in codes or [] if isinstance(c, str))
        return "\n".join(part for part in (own, topics and f"Topics: {topics}") if part)

    race = ""
    if mentee.race_conversation == "yes":
        race = "The mentee would like race and racism to be part of the mentoring."
    elif mentee.race_conversation == "not_now":
        race = "Not now. The mentee can raise it at any time if that changes."
    elif mentee.race_conversation == "unsure":
        race = "The mentee is not sure yet; we will come back to it when they are ready."
    return {
        "what_i_need": answer("need", mentee.needs_need),
        "what_can_help_me": answer("help", mentee.needs_help),
        "what_can_support_me": answer("support", mentee.needs_support),
        "what_i_require": answer("require", mentee.needs_require),
        "confidentiality": DEFAULT_CONFIDENTIALITY,
        "meeting_every_weeks": programme.meeting_every_weeks or 4,
        "meeting_mode": mentee.meeting_mode or "either",
        "length_months": months,
        "mid_review_on": start + timedelta(days=round(months * 30.44 / 2)),
        "end_review_on": start + timedelta(days=round(months * 30.44)),
        "race_discussion": race,
        "race_raised_by": mentee.race_raised_by if mentee.race_conversation == "yes" else "",
    }


def agreement_of(relationship: Relationship) -> Agreement:
    """Returns the relationship's agreement or, when there is none yet, the first draft,
    unsaved: reading never writes, and the row is made by the first save or signature."""
    existing = Agreement.objects.filter(relationship=relationship).first()
    if existing is not None:
        return existing
    return Agreement(relationship=relationship, **agreement_defaults(relationship))


def agreement_readable(relationship: Relationship) -> Agreement | None:
    """Returns the agreement the pair may read: the draft or the agreement while the
    mentoring is active, the agreement they had once it has ended; None otherwise. A
    request is not mentoring yet: its agreement would show the mentor the mentee's intake
    before they have accepted her."""
    if relationship.status == Relationship.Status.ACTIVE:
        return agreement_of(relationship)
    if relationship.status == Relationship.Status.ENDED:
        return Agreement.objects.filter(relationship=relationship).first()
    return None


def _agreement_row(relationship: Relationship) -> Agreement:
    """Returns the agreement row, locked, making it from the first draft when there is none."""
    if not Agreement.objects.filter(relationship=relationship).exists():
        try:
            with transaction.atomic():
                Agreement.objects.create(
                    relationship=relationship, **agreement_defaults(relationship)
                )
        except IntegrityError:
            pass
    return Agreement.objects.select_for_update().get(relationship=relationship)


def agreement_state(agreement: Agreement | None, side: str, other_name: str) -> tuple[str, str]:
    """Returns (status, next step) as the person on `side` should read them."""
    if agreement is None:
        return "Not started", "Agree your expectations"
    if agreement.signed_by_both:
        return "Agreed", ""
    mine = agreement.mentee_signed_version if side == "mentee" else agreement.mentor_signed_version
    if side in ("mentee", "mentor") and mine == agreement.version:
        return "Signed by you", f"Waiting for {other_name} to sign"
    return "Not signed yet", "Agree your expectations"


@dataclass(frozen=True)
class Summary:
    """What the coordinator sees of a relationship: that things happen, never what was said."""

    agreement_signed: bool
    meetings_held: int
    meetings_planned: int
    meetings_expected: int
    last_met: datetime | None
    next_meeting: datetime | None
    reviews_done: tuple[str, ...]
    goals_open: int
    goals_achieved: int
    sponsorship_recorded: int
    sponsorship_confirmed: int
    at_risk: tuple[str, ...]


def risks_of(
    *, start: datetime, last_held: datetime | None, signed: bool, interval: timedelta, now
) -> list[str]:
    """Returns why an active relationship may be at risk: no meeting held for more than twice
    the meeting interval, or no signed agreement four weeks after the start."""
    risks: list[str] = []
    if now - (last_held or start) > 2 * interval:
        risks.append(
            f"No meeting recorded since {timezone.localtime(last_held):%-d %B %Y}"
            if last_held
            else "No meeting recorded since the mentoring started"
        )
    if not signed and now - start > AT_RISK_UNSIGNED_AFTER:
        risks.append("Agreement not signed after 4 weeks")
    return risks


def summary_of(relationship: Relationship, now: datetime | None = None) -> Summary:
    """Returns the counts and dates for one relationship, with why it may be at risk: no
    meeting held for more than twice the programme's meeting interval, or no signed
    agreement four weeks after the start. Five queries."""
    now = now or timezone.now()
    programme = relationship.cohort.programme
    interval = timedelta(weeks=programme.meeting_every_weeks or 4)
    start = start_of(relationship)
    meetings = list(relationship.meetings.values_list("status", "starts_at"))
    held = [at for status, at in meetings if status == Meeting.Status.HELD]
    upcoming = sorted(
        at for status, at in meetings if status == Meeting.Status.SCHEDULED and at >= now
    )
    agreement = Agreement.objects.filter(relationship=relationship).first()
    signed = bool(agreement and agreement.signed_by_both)
    goals = list(relationship.goals.values_list("status", flat=True))
    sponsorship = list(relationship.sponsorship.values_list("confirmed_at", flat=True))
    reviews = tuple(
        f"{stage}:{side}"
        for stage, side in relationship.reviews.values_list("stage", "side").order_by(
            "stage", "side"
        )
    )
    risks = (
        risks_of(
            start=start,
            last_held=max(held) if held else None,
            signed=signed,
            interval=interval,
            now=now,
        )
        if relationship.status == Relationship.Status.ACTIVE
        else []
    )
    expected = max(1, int((now - start) / interval)) if now > start else 0
    return Summary(
        agreement_signed=signed,
        meetings_held=len(held),
        meetings_planned=len(upcoming),
        meetings_expected=expected,
        last_met=max(held) if held else None,
        next_meeting=upcoming[0] if upcoming else None,
        reviews_done=reviews,
        goals_open=sum(1 for s in goals if s == Goal.Status.OPEN),
        goals_achieved=sum(1 for s in goals if s == Goal.Status.ACHIEVED),
        sponsorship_recorded=len(sponsorship),
        sponsorship_confirmed=sum(1 for c in sponsorship if c),
        at_risk=tuple(risks),
    )


def review_due_on(relationship: Relationship, stage: str) -> date:
    """Returns the date the stage's review is for: the agreement's date when the pair set
    one, otherwise the middle or the intended end of the programme's length from the start."""
    agreement = Agreement.objects.filter(relationship=relationship).first()
    agreed = getattr(agreement, f"{stage}_review_on", None) if agreement else None
    if agreed:
        return agreed
    months = relationship.cohort.programme.relationship_months or 12
    days = round(months * 30.44 / (2 if stage == Review.Stage.MID else 1))
    return timezone.localtime(start_of(relationship)).date() + timedelta(days=days)


def review_opens_on(relationship: Relationship, stage: str) -> date:
    """Returns the first day the stage's review can be sent: 14 days before the mid-point
    review's date, 28 before the end review's. An end review sent on day one would let the
    pair call the mentoring "completed" at once."""
    return review_due_on(relationship, stage) - REVIEW_OPENS_BEFORE[stage]


def review_is_open(relationship: Relationship, stage: str, today: date | None = None) -> bool:
    """Whether the stage's review can be sent now. Once the mentoring has ended, both are
    open: the ending email asks the pair for their end review."""
    if relationship.status == Relationship.Status.ENDED:
        return True
    return review_opens_on(relationship, stage) <= (today or timezone.localdate())


def may_complete(relationship: Relationship, today: date | None = None) -> bool:
    """Whether the pair may call the ending "completed": the end review is due or done."""
    today = today or timezone.localdate()
    if review_due_on(relationship, Review.Stage.END) <= today:
        return True
    return relationship.reviews.filter(stage=Review.Stage.END).exists()


def notes_digest(text: str) -> str:
    return hashlib.sha256((text or "").encode()).hexdigest()[:16]


# The agreement ----------------------------------------------------------------------------

AGREEMENT_FIELDS = (
    "mentee_expectations",
    "mentor_expectations",
    "what_i_need",
    "what_can_help_me",
    "what_can_support_me",
    "what_i_require",
    "confidentiality",
    "meeting_every_weeks",
    "meeting_mode",
    "length_months",
    "mid_review_on",
    "end_review_on",
    "race_discussion",
    "race_raised_by",
)


@transaction.atomic
def agreement_update(
    *, relationship: Relationship, by, seen_version: int, data: dict
) -> tuple[Agreement, bool]:
    """Saves the edited agreement. Returns (agreement, changed). Any change raises the
    version and clears both signatures; an edit made on an older version is refused, so
    nobody overwrites what the other wrote without seeing it."""
    _require_active(relationship)
    agreement = _agreement_row(relationship)
    if seen_version != agreement.version:
        raise ProgrammeError(
            "The agreement was changed while you were editing it. Read the current version, "
            "then make your changes again."
        )
    changed = [f for f in AGREEMENT_FIELDS if f in data and getattr(agreement, f) != data[f]]
    if not changed:
        return agreement, False
    for name in changed:
        setattr(agreement, name, data[name])
    agreement.version += 1
    agreement.mentee_signed_version = agreement.mentor_signed_version = None
    agreement.mentee_signed_at = agreement.mentor_signed_at = None
    agreement.scope_understood = False
    agreement.updated_by = by
    agreement.save()
    _bump(relationship)
    return agreement, True


@transaction.atomic
def agreement_sign(*, relationship: Relationship, by, side: str, version: int) -> Agreement:
    """Signs the version the person read. A stale version is refused: they must read what
    the agreement says now. Signing also confirms they read what mentoring can and cannot
    offer; once both have signed, `scope_understood` records that both did."""
    _require_active(relationship)
    agreement = _agreement_row(relationship)
    if version != agreement.version:
        raise ProgrammeError(
            "The agreement has changed since you opened it. Read the current version, then sign."
        )
    now = timezone.now()
    if side == "mentee":
        agreement.mentee_signed_version, agreement.mentee_signed_at = version, now
    elif side == "mentor":
        agreement.mentor_signed_version, agreement.mentor_signed_at = version, now
    else:
        raise ProgrammeError("Only the mentor and the mentee sign the agreement.")
    agreement.scope_understood = agreement.signed_by_both
    # A signature is not a change to what the agreement says: `updated_at` keeps the time of
    # the last change, from which the other person's reminder to sign is counted.
    agreement.save(
        update_fields=[
            f"{side}_signed_version",
            f"{side}_signed_at",
            "scope_understood",
        ]
    )
    _bump(relationship)
    return agreement


# Meetings ---------------------------------------------------------------------------------


def _event(meeting: Meeting) -> ics.Event:
    relationship = meeting.relationship
    mentee, mentor = _people(relationship)
    organiser = meeting.created_by or mentor
    where = meeting.location or dict(v.MEETING_MODES).get(meeting.mode, "")
    return ics.Event(
        uid=f"{meeting.uid}@allied",
        starts_at=meeting.starts_at,
        ends_at=meeting.starts_at + timedelta(minutes=meeting.duration_minutes),
        summary="Mentoring meeting",
        sequence=meeting.sequence,
        description=(
            f"Mentoring meeting between {mentee.full_name} (mentee) and {mentor.full_name} "
            f"(mentor).\n{site_link('programmes:meeting', meeting.pk)}"
        ),
        location=where,
        url=site_link("programmes:meeting", meeting.pk),
        cancelled=meeting.status == Meeting.Status.CANCELLED,
        organiser=(organiser.full_name or organiser.email, organiser.email),
        attendees=tuple((p.full_name or p.email, p.email) for p in (mentee, mentor)),
    )


def meeting_calendar(meeting: Meeting, *, method: str = "PUBLISH") -> str:
    """Returns the meeting's invitation as calendar text."""
    return ics.calendar(_event(meeting), now=timezone.now(), method=method)


def _send_invitation(meeting: Meeting, headline: str) -> None:
    """Emails both people the invitation (or cancellation) once the transaction commits."""

    def send():
        fresh = Meeting.objects.select_related(
            "relationship__mentee__user", "relationship__mentor__user", "created_by"
        ).get(pk=meeting.pk)
        local = timezone.localtime(fresh.starts_at)
        text = meeting_calendar(fresh, method="REQUEST")
        mentee, mentor = _people(fresh.relationship)
        message = EmailMessage(
            subject=f"{headline}: {local:%-d %B %Y at %H:%M}",
            body=(
                f"{headline}: mentoring meeting between {mentee.full_name} and "
                f"{mentor.full_name}, {local:%A %-d %B %Y at %H:%M}.\n\n"
                "The calendar invitation is attached. You can see the meeting here:\n"
                f"{site_link('programmes:meeting', fresh.pk)}\n"
            ),
            to=[mentee.email, mentor.email],
        )
        method = "CANCEL" if fresh.status == Meeting.Status.CANCELLED else "REQUEST"
        message.attach("invite.ics", text, f"text/calendar; charset=utf-8; method={method}")
        message.send()

    transaction.on_commit(send)


@transaction.atomic
def meeting_schedule(
    *,
    relationship: Relationship,
    by,
    starts_at: datetime,
    duration_minutes: int,
    mode: str,
    location: str,
    key=None,
) -> tuple[Meeting, bool]:
    """Schedules a meeting and emails both people the invitation. Returns (meeting, made);
    a resent form (the same `key`) returns the first meeting and sends nothing."""
    meeting, made = create_once(
        Meeting,
        key,
        {"relationship_id": relationship.pk},
        before=lambda: _require_active(relationship),
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        mode=mode,
        location=location,
        created_by=by,
    )
    if not made:
        return meeting, False
    _bump(relationship)
    _send_invitation(meeting, "Meeting arranged")
    return meeting, True


def _locked(meeting: Meeting) -> Meeting:
    """Returns the meeting locked, once its relationship is known to be active (locked
    first, in the same order as the ending)."""
    _require_active(meeting.relationship)
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("relationship__mentee__user", "relationship__mentor__user")
        .get(pk=meeting.pk)
    )


@transaction.atomic
def meeting_reschedule(
    *,
    meeting: Meeting,
    by,
    starts_at: datetime,
    duration_minutes: int,
    mode: str,
    location: str,
    seen_sequence: int | None = None,
) -> Meeting:
    """Changes a scheduled meeting, raising its SEQUENCE so calendars replace the old event,
    and emails both people the new invitation. `seen_sequence` is the SEQUENCE the person's
    form was made from: if their partner changed the meeting since, the change is refused
    rather than silently undoing the partner's."""
    meeting = _locked(meeting)
    _check_sequence(meeting, seen_sequence)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ProgrammeError("Only a meeting that is still planned can be changed.")
    new = (starts_at, duration_minutes, mode, location)
    if new == (meeting.starts_at, meeting.duration_minutes, meeting.mode, meeting.location):
        return meeting
    meeting.starts_at, meeting.duration_minutes, meeting.mode, meeting.location = new
    meeting.sequence += 1
    meeting.reminder_sent_at = None
    meeting.save()
    _bump(meeting.relationship)
    _send_invitation(meeting, "Meeting changed")
    return meeting


def _check_sequence(meeting: Meeting, seen_sequence: int | None) -> None:
    if seen_sequence is not None and seen_sequence != meeting.sequence:
        raise ProgrammeError(
            "Your mentoring partner changed this meeting while you were looking at it. "
            "Nothing was changed: read the meeting as it is now, then try again."
        )


@transaction.atomic
def meeting_held(*, meeting: Meeting, by, now: datetime | None = None) -> bool:
    """Records that the meeting happened. Returns False when it was already recorded."""
    now = now or timezone.now()
    meeting = _locked(meeting)
    if meeting.status == Meeting.Status.HELD:
        return False
    if meeting.status == Meeting.Status.CANCELLED:
        raise ProgrammeError("This meeting was cancelled, so it cannot be recorded as held.")
    if meeting.starts_at > now:
        raise ProgrammeError("This meeting has not started yet. Record it once it has happened.")
    meeting.status = Meeting.Status.HELD
    meeting.logged_at, meeting.logged_by = now, by
    meeting.save(update_fields=["status", "logged_at", "logged_by"])
    _bump(meeting.relationship)
    return True


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by, seen_sequence: int | None = None) -> bool:
    """Cancels a planned meeting and emails both people the cancellation. Returns False when
    it was already cancelled. A stale `seen_sequence` (the meeting changed since the person
    read it) is refused."""
    meeting = _locked(meeting)
    if meeting.status == Meeting.Status.CANCELLED:
        return False
    _check_sequence(meeting, seen_sequence)
    if meeting.status == Meeting.Status.HELD:
        raise ProgrammeError("This meeting has been recorded as held, so it cannot be cancelled.")
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence"])
    _bump(meeting.relationship)
    _send_invitation(meeting, "Meeting cancelled")
    return True


@transaction.atomic
def meetings_cancel_for_leaving(*, relationship: Relationship, leaving) -> int:
    """Cancels the relationship's planned meetings because `leaving` has left the programme
    (their data is being erased), and emails the other person, once the transaction commits,
    a calendar cancellation for each: the same UID and a higher SEQUENCE, so their calendar
    removes the meeting it holds. Neither the email nor the cancellation names the person
    leaving: both are written now, before their data goes, and only the partner is sent them.
    Returns how many meetings were cancelled."""
    mentee, mentor = _people(relationship)
    partner = mentor if leaving.pk == mentee.pk else mentee
    side = "mentee" if leaving.pk == mentee.pk else "mentor"
    planned = list(
        Meeting.objects.select_for_update(of=("self",))
        .filter(
            relationship=relationship,
            status=Meeting.Status.SCHEDULED,
            starts_at__gte=timezone.now(),
        )
        .select_related("created_by", "relationship__mentee__user", "relationship__mentor__user")
    )
    messages = []
    for meeting in planned:
        meeting.status = Meeting.Status.CANCELLED
        meeting.sequence += 1
        meeting.save(update_fields=["status", "sequence"])
        messages.append(_cancellation_for_partner(meeting, partner, side))
    if planned:
        _bump(relationship)
        # Robust: a mail server that fails must not undo what follows the committed erasure.
        for message in messages:
            transaction.on_commit(message.send, robust=True)
    return len(planned)


def _cancellation_for_partner(meeting: Meeting, partner, side: str) -> EmailMessage:
    """The cancellation of one meeting for the partner of someone who has left: the meeting's
    own calendar event (`_event`), naming only the partner. Its organiser stays when that is
    the partner; otherwise Allied, which sent the invitation, stands in."""
    local = timezone.localtime(meeting.starts_at)
    link = site_link("programmes:meeting", meeting.pk)
    invitation = _event(meeting)
    partner_as = (partner.full_name or partner.email, partner.email)
    event = replace(
        invitation,
        description=f"Cancelled: your {side} has left the programme.\n{link}",
        cancelled=True,
        organiser=partner_as
        if invitation.organiser and invitation.organiser[1] == partner.email
        else ("Allied", parseaddr(settings.DEFAULT_FROM_EMAIL)[1]),
        attendees=(partner_as,),
    )
    message = EmailMessage(
        subject=f"Meeting cancelled: {local:%-d %B %Y at %H:%M}",
        body=(
            f"Your mentoring meeting on {local:%A %-d %B %Y at %H:%M} has been cancelled, "
            f"because your {side} has left the programme.\n\n"
            "The calendar cancellation is attached. You can see the meeting here:\n"
            f"{link}\n"
        ),
        to=[partner.email],
    )
    message.attach(
        "invite.ics",
        ics.calendar(event, now=timezone.now(), method="REQUEST"),
        "text/calendar; charset=utf-8; method=CANCEL",
    )
    return message


class NotesClash(ProgrammeError):
    """The partner saved the shared notes after this person started writing. `theirs` is
    what is saved now, and `base` its digest: a form that shows both versions starts from it,
    so the person's next save, having read theirs, goes through."""

    def __init__(self, theirs: str) -> None:
        self.theirs = theirs
        self.base = notes_digest(theirs)
        super().__init__(
            "Your mentoring partner changed the shared notes while you were writing. Nothing "
            "was saved. Read their version beside yours, bring in what you want to keep, then "
            "save again."
        )


@transaction.atomic
def shared_notes_save(*, meeting: Meeting, by, text: str, base: str | None) -> bool:
    """Saves the pair's shared notes. `base` is the digest of the notes the person started
    from: if the other person saved in between, the save is refused with `NotesClash` rather
    than silently overwriting them. Returns False when nothing changed."""
    meeting = _locked(meeting)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ProgrammeError("This meeting was cancelled, so it has no notes.")
    if base is not None and base != notes_digest(meeting.shared_notes):
        raise NotesClash(meeting.shared_notes)
    if text == meeting.shared_notes:
        return False
    meeting.shared_notes = text
    meeting.save(update_fields=["shared_notes"])
    _bump(meeting.relationship)
    return True


@transaction.atomic
def private_note_save(*, meeting: Meeting, by, text: str) -> PrivateNote | None:
    """Saves the person's own reflective note on the meeting (an empty text deletes it)."""
    _require_active(meeting.relationship)
    if not text.strip():
        PrivateNote.objects.filter(meeting=meeting, author=by).delete()
        return None
    note, _ = PrivateNote.objects.update_or_create(
        meeting=meeting, author=by, defaults={"text": text}
    )
    return note


def private_note_of(meeting: Meeting, user) -> PrivateNote | None:
    """Returns the person's own note: the only private note anyone can ever read."""
    return PrivateNote.objects.filter(meeting=meeting, author=user).first()


# Goals ------------------------------------------------------------------------------------


@transaction.atomic
def goal_create(*, relationship: Relationship, by, title, description, target_date, key=None):
    _require_active(relationship)
    goal, made = create_once(
        Goal,
        key,
        {"relationship_id": relationship.pk},
        title=title,
        description=description,
        target_date=target_date,
        created_by=by,
    )
    if made:
        _bump(relationship)
    return goal, made


@transaction.atomic
def goal_action_add(*, goal: Goal, by, text: str, due_on, key=None):
    _require_active(goal.relationship)
    action, made = create_once(GoalAction, key, {"goal_id": goal.pk}, text=text, due_on=due_on)
    if made:
        _bump(goal.relationship)
    return action, made


@transaction.atomic
def goal_action_done(*, action: GoalAction, by, done: bool = True) -> GoalAction:
    _require_active(action.goal.relationship)
    action = GoalAction.objects.select_for_update().get(pk=action.pk)
    if done and action.done_at is None:
        action.done_at = timezone.now()
    elif not done:
        action.done_at = None
    action.save(update_fields=["done_at"])
    return action


@transaction.atomic
def goal_update_add(*, goal: Goal, by, text: str, key=None):
    _require_active(goal.relationship)
    update, made = create_once(GoalUpdate, key, {"goal_id": goal.pk}, author=by, text=text)
    if made:
        _bump(goal.relationship)
    return update, made


def goal_fingerprint(goal: Goal) -> str:
    """A short digest of what a goal says now: a change sent with an older one is refused."""
    target = goal.target_date.isoformat() if goal.target_date else ""
    text = "\x1f".join((goal.status, goal.title, goal.description, target))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@transaction.atomic
def goal_change(
    *,
    goal: Goal,
    by,
    status: str | None = None,
    words: dict | None = None,
    seen: str | None = None,
) -> tuple[Goal, bool]:
    """Changes a goal's status and/or its words (`title`, `description`, `target_date`), all
    or nothing. `seen` is the fingerprint the person read: when their partner changed the goal
    since, nothing changes. Returns (goal, changed)."""
    _require_active(goal.relationship)
    if status is not None and status not in Goal.Status.values:
        raise ProgrammeError("Choose a status for the goal.")
    locked = Goal.objects.select_for_update().get(pk=goal.pk)
    if seen is not None and seen != goal_fingerprint(locked):
        raise ProgrammeError(
            "Your mentoring partner changed this goal while you were looking at it. Nothing "
            "was changed: read the goal as it is now, then try again."
        )
    new = dict(words or {})
    if status is not None:
        new["status"] = status
    changed = [name for name, value in new.items() if getattr(locked, name) != value]
    if not changed:
        return locked, False
    for name in changed:
        setattr(locked, name, new[name])
    locked.save(update_fields=changed)
    _bump(goal.relationship)
    return locked, True


def goal_status_set(*, goal: Goal, by, status: str) -> Goal:
    changed, _ = goal_change(goal=goal, by=by, status=status)
    goal.status = changed.status
    return goal


def goal_edit(*, goal: Goal, by, title, description, target_date) -> Goal:
    words = {"title": title, "description": description, "target_date": target_date}
    goal_change(goal=goal, by=by, words=words)
    goal.title, goal.description, goal.target_date = title, description, target_date
    return goal


# Sponsorship ------------------------------------------------------------------------------


@transaction.atomic
def sponsorship_record(
    *, relationship: Relationship, by, kind: str, description: str, happened_on, key=None
):
    """The mentor records something they did as a sponsor; the mentee then confirms it."""
    _require_active(relationship)
    action, made = create_once(
        SponsorshipAction,
        key,
        {"relationship_id": relationship.pk},
        kind=kind,
        description=description,
        happened_on=happened_on,
        recorded_by=by,
    )
    if made:
        _bump(relationship)
    return action, made


@transaction.atomic
def sponsorship_confirm(*, action: SponsorshipAction, by, comment: str = "") -> bool:
    """The mentee confirms the mentor's record. Returns False when it was already confirmed
    (the first confirmation and its comment stand)."""
    _require_active(action.relationship)
    action = SponsorshipAction.objects.select_for_update().get(pk=action.pk)
    if action.confirmed_at is not None:
        return False
    action.confirmed_at = timezone.now()
    action.mentee_comment = comment
    action.save(update_fields=["confirmed_at", "mentee_comment"])
    _bump(action.relationship)
    return True


# Reviews ----------------------------------------------------------------------------------


@transaction.atomic
def review_submit(*, relationship: Relationship, by, side: str, stage: str, data: dict) -> Review:
    """Stores the person's review for the stage. Each of the pair reviews each stage once: a
    second submission is refused and changes nothing. Announces `review_submitted` with the
    form's data, in the same transaction (allyship keeps the mentee's answers on allyship)."""
    if relationship.status not in (Relationship.Status.ACTIVE, Relationship.Status.ENDED):
        raise ProgrammeError("Reviews open once the mentoring has started.")
    if side not in ("mentor", "mentee") or stage not in STAGES:
        raise ProgrammeError("Only the mentor and the mentee write reviews.")
    if Review.objects.filter(relationship=relationship, stage=stage, side=side).exists():
        raise ProgrammeError(f"You have already sent your {STAGES[stage]}. Nothing was changed.")
    if not review_is_open(relationship, stage):
        opens = review_opens_on(relationship, stage)
        raise ProgrammeError(
            f"Your {STAGES[stage]} opens on {opens:%-d %B %Y}, "
            f"{REVIEW_OPENS_BEFORE[stage].days} days before it is due. Nothing was sent."
        )
    try:
        with transaction.atomic():
            review = Review.objects.create(
                relationship=relationship,
                stage=stage,
                side=side,
                author=by,
                satisfaction=data["satisfaction"],
                trust=data["trust"],
                psychological_safety=data["psychological_safety"],
                expectations_met=data["expectations_met"],
                allyship=data.get("allyship") if side == "mentee" else None,
                career_change=data.get("career_change", ""),
                comments=data.get("comments", ""),
            )
            _bump(relationship)
    except IntegrityError:
        raise ProgrammeError(
            f"You have already sent your {STAGES[stage]}. Nothing was changed."
        ) from None
    signals.review_submitted.send(sender=Review, review=review, data=data)
    return review


# Endings ----------------------------------------------------------------------------------


@transaction.atomic
def relationship_end(*, relationship: Relationship, by, ending: str, request=None) -> Relationship:
    """Ends the relationship, by either person, for any reason or none. The mentee's place
    stays ready and they hold no current relationship, so the coordinator's next matching
    run includes them: a no-fault ending carries no blame. Planned meetings are cancelled;
    the other person and the coordinators are told kindly."""
    locked = Relationship.objects.select_for_update().get(pk=relationship.pk)
    if locked.status in (Relationship.Status.REQUESTED, Relationship.Status.CONVERSATION):
        raise ProgrammeError(
            "This is still a request, not a mentoring relationship, so it cannot be ended. "
            "The mentor answers it on the request's page."
        )
    if locked.status != Relationship.Status.ACTIVE:
        raise ProgrammeError("This mentoring relationship has already ended.")
    if ending not in Relationship.Ending.values:
        ending = Relationship.Ending.NO_FAULT
    now = timezone.now()
    locked.status = Relationship.Status.ENDED
    locked.ended_at, locked.ended_by, locked.ending = now, by, ending
    locked.version += 1
    locked.save(update_fields=["status", "ended_at", "ended_by", "ending", "version"])
    # The mentor she has just left is no longer one of her suggestions: she could otherwise
    # request them again at once. Withdrawn offers are not suggested again either.
    ShortlistOffer.objects.filter(
        mentee_id=locked.mentee_id, mentor_id=locked.mentor_id, withdrawn_at__isnull=True
    ).update(withdrawn_at=now)
    planned = list(
        Meeting.objects.select_for_update().filter(
            relationship=locked, status=Meeting.Status.SCHEDULED, starts_at__gte=now
        )
    )
    for meeting in planned:
        meeting.status = Meeting.Status.CANCELLED
        meeting.sequence += 1
        meeting.save(update_fields=["status", "sequence"])
        _send_invitation(meeting, "Meeting cancelled")
    relationship.status, relationship.ending = locked.status, locked.ending
    relationship.ended_at, relationship.ended_by = locked.ended_at, by
    programme = relationship.cohort.programme
    record(
        Kind.RELATIONSHIP_ENDED,
        request=request,
        actor=by,
        organisation=programme.organisation,
        subject=f"Relationship {relationship.pk}",
        relationship=relationship.pk,
        ending=ending,
        by_side=relationship.side_of(by) or "",
    )
    other = _other_user(relationship, by)
    mentee, mentor = _people(relationship)
    completed = ending == Relationship.Ending.COMPLETED
    transaction.on_commit(
        lambda: send_mail(
            subject="Your mentoring relationship has ended",
            message=(
                f"{by.full_name} has "
                + ("marked your mentoring as completed" if completed else "ended your mentoring")
                + ". "
                + (
                    "Thank you for the time and care you have given each other.\n\n"
                    if completed
                    else "Mentoring relationships end for many reasons, and ending one is "
                    "nobody's fault. No reason is needed and none has been asked for.\n\n"
                )
                + ("Any meetings you had arranged have been cancelled.\n\n" if planned else "")
                + "You can still read your relationship page, and complete your end review "
                f"if you have not:\n{site_link('programmes:relationship', relationship.pk)}\n"
            ),
            from_email=None,
            recipient_list=[other.email],
        )
    )
    coordinators = relationship.cohort.programme.coordinator_emails()
    if coordinators:
        transaction.on_commit(
            lambda: send_mail(
                subject=f"A mentoring relationship has ended: {programme.name}",
                message=(
                    f"The mentoring between {mentee.full_name} (mentee) and {mentor.full_name} "
                    f"(mentor) has ended ({Relationship.Ending(ending).label.lower()}).\n\n"
                    + (
                        ""
                        if completed
                        else f"{mentee.full_name} is ready to be matched again; they will be "
                        "included the next time you run matching for the cohort. Please treat "
                        "the ending as no-fault: no reason is needed.\n\n"
                    )
                    + site_link("programmes:cohort_relationships", relationship.cohort_id)
                    + "\n"
                ),
                from_email=None,
                recipient_list=coordinators,
            )
        )
    return relationship


# Concerns ---------------------------------------------------------------------------------


@transaction.atomic
def concern_raise(
    *, relationship: Relationship, by, safeguarding: bool, text: str, key=None, request=None
) -> tuple[Concern, bool]:
    """Records a concern for the programme's coordinators and tells them one is waiting,
    without its content: email is not the place for it. Returns (concern, made)."""
    programme = relationship.cohort.programme
    concern, made = create_once(
        Concern,
        key,
        {"programme_id": programme.pk, "relationship_id": relationship.pk},
        raised_by=by,
        safeguarding=safeguarding,
        text=text,
    )
    if not made:
        return concern, False
    record(
        Kind.CONCERN_RAISED,
        request=request,
        actor=by,
        organisation=programme.organisation,
        subject=f"Concern {concern.pk}",
        concern=concern.pk,
        relationship=relationship.pk,
        safeguarding=safeguarding,
    )
    coordinators = relationship.cohort.programme.coordinator_emails()
    link = site_link("programmes:concern", concern.pk)
    if coordinators:
        transaction.on_commit(
            lambda: send_mail(
                subject=(
                    (
                        "Safeguarding concern raised: "
                        if safeguarding
                        else "A concern has been raised: "
                    )
                    + programme.name
                ),
                message=(
                    f"A {'safeguarding ' if safeguarding else ''}concern has been raised in "
                    f"{programme.name}. Sign in to read it:\n{link}\n\n"
                    "For privacy, this email does not include what was written."
                ),
                from_email=None,
                recipient_list=coordinators,
            )
        )
    return concern, True


@transaction.atomic
def concern_handle(*, concern: Concern, by, status: str, note: str) -> Concern:
    """The coordinator acknowledges or closes a concern, with their note."""
    if status not in (Concern.Status.ACKNOWLEDGED, Concern.Status.CLOSED):
        raise ProgrammeError("Choose whether you have acknowledged or closed the concern.")
    locked = Concern.objects.select_for_update().get(pk=concern.pk)
    if locked.status == Concern.Status.CLOSED and status != Concern.Status.CLOSED:
        raise ProgrammeError("This concern is closed.")
    locked.status = status
    if note.strip():
        stamp = timezone.localtime().strftime("%-d %B %Y %H:%M")
        addition = f"{stamp}, {by.full_name}: {note.strip()}"
        locked.coordinator_note = "\n\n".join(p for p in (locked.coordinator_note, addition) if p)
    locked.save(update_fields=["status", "coordinator_note", "updated_at"])
    return locked
