"""Every change to a workshop. Each runs in a transaction, raises the workshop's version
and announces it after commit, so every screen catches up; nothing else changes a live
workshop. A `WorkshopError` carries a message for the person and means nothing changed."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from allied import live
from allied.base.errors import Refused
from allied.base.sqlite_log import clear_the_log_after_commit
from allied.workshops.models import (
    PHASE_ORDER,
    Admission,
    Ballot,
    BallotChoice,
    Characteristics,
    DraftIdea,
    Idea,
    Note,
    Participant,
    Phase,
    PhaseChange,
    Question,
    SetAsideBallot,
    Theme,
    Turn,
    Workshop,
    digest,
)
from allied.workshops.results import WRITERS, panel_counts, problems_with, round_ideas


class WorkshopError(Refused):
    """Something the person tried cannot be done now; nothing was changed."""


def _bump(workshop: Workshop) -> int:
    """Raises the workshop's version and announces it once the transaction commits."""
    Workshop.objects.filter(pk=workshop.pk).update(version=F("version") + 1)
    version = Workshop.objects.values_list("version", flat=True).get(pk=workshop.pk)
    workshop.version = version
    live.announce(workshop.channel, version)
    return version


def _locked(question: Question) -> Question:
    return Question.objects.select_for_update().select_related("workshop").get(pk=question.pk)


def _check_phase(question: Question, *phases: str, seen: str | None = None) -> None:
    if seen is not None and seen != phase_key(question):
        raise WorkshopError(
            f"The workshop has moved on to {question.get_phase_display().lower()}. Your screen has been brought up to date."
        )
    if question.phase not in phases:
        raise WorkshopError(f"That cannot be done during {question.get_phase_display().lower()}.")
    if (
        question.workshop.status != Workshop.Status.LIVE
        or question.workshop.current_question_id != question.pk
    ):
        raise WorkshopError("This question is not the one the workshop is on.")


def phase_key(question: Question | None) -> str:
    """Returns what a screen must match to act: the question, its phase and voting round, and
    how many times its phase has moved. A screen from before the facilitator went back and
    forward again (voting, back to clarification, voting again) shows the same phase but an
    older ballot: the count tells them apart, so it reloads, and what it sends is refused."""
    if question is None:
        return ""
    moves = PhaseChange.objects.filter(question=question).count()
    return f"{question.pk}:{question.phase}:{question.vote_round}:{moves}"


def turn_order(workshop: Workshop) -> list[Participant]:
    """Returns everyone taking part (consented and admitted), by pseudonym number: the
    round-robin order, and the "m" of every "n of m"."""
    return list(
        workshop.participants.filter(
            consented_at__isnull=False, admission=Admission.ADMITTED
        ).order_by("number")
    )


def waiting(workshop: Workshop) -> list[Participant]:
    """Returns those who joined late and wait for the facilitator to let them in."""
    return list(
        workshop.participants.filter(
            consented_at__isnull=False, admission=Admission.WAITING
        ).order_by("number")
    )


def admission_needed(workshop: Workshop) -> bool:
    """Whether someone joining by code now waits to be let in: once silent generation of any
    of the workshop's questions has begun, a stranger with the code must not add a voice, an
    idea or a ballot on their own (decision 0024)."""
    return (
        workshop.status != Workshop.Status.DRAFT
        and PhaseChange.objects.filter(question__workshop=workshop, to_phase=Phase.SILENT).exists()
    )


def places_taken(workshop: Workshop) -> int:
    """Returns how many places of the workshop's limit are taken: everyone added or joined,
    waiting included, except those turned away."""
    return workshop.participants.exclude(admission=Admission.TURNED_AWAY).count()


def is_full(workshop: Workshop) -> bool:
    limit = workshop.participant_limit
    return limit is not None and places_taken(workshop) >= limit


FULL = "This workshop is full. Ask the facilitator if you expected to take part."
LINK_USED = (
    "This personal link has already been used to join, so it cannot be used again. If that "
    "was not you, or you changed device, ask the facilitator."
)


def check_taking_part(participant: Participant) -> None:
    """Refuses anything a participant does that counts (an idea, a turn, a vote) unless the
    facilitator has let them in. Reads their admission afresh: a page may be older."""
    admission = (
        Participant.objects.filter(pk=participant.pk).values_list("admission", flat=True).first()
    )
    if admission == Admission.WAITING:
        raise WorkshopError(
            "The facilitator has not let you in yet. Your page will change when they do."
        )
    if admission != Admission.ADMITTED:
        raise WorkshopError("The facilitator did not let you into this workshop.")


# Setting up -----------------------------------------------------------------------------


# The settings of a question that make up its consensus definition, and all its settings.
CONSENSUS_SETTINGS = (
    "scheme",
    "k",
    "exactly_k",
    "pool",
    "scale_min",
    "scale_max",
    "agree_top",
    "agree_bottom",
    "exclude_bottom",
    "consensus_definition",
)
QUESTION_SETTINGS = ("text", "silent_minutes", *CONSENSUS_SETTINGS)


@transaction.atomic
def question_update(*, question: Question, by, **settings) -> Question:
    """Saves a question's wording, voting scheme, timing and consensus definition. Only while
    the workshop is a draft: once it starts, the definition a report cites is the one fixed
    before anyone voted. When the definition changes, the time it was set is recorded."""
    workshop = Workshop.objects.select_for_update().get(pk=question.workshop_id)
    if workshop.status != Workshop.Status.DRAFT:
        raise WorkshopError("Questions can be changed only before the workshop starts.")
    question = Question.objects.select_for_update().get(pk=question.pk)
    unknown = set(settings) - set(QUESTION_SETTINGS)
    if unknown:
        raise ValueError(f"Not a question setting: {', '.join(sorted(unknown))}")
    changed = [name for name in settings if getattr(question, name) != settings[name]]
    for name in changed:
        setattr(question, name, settings[name])
    fields = list(changed)
    if question.consensus_set_at is None or any(n in CONSENSUS_SETTINGS for n in changed):
        question.consensus_set_at = timezone.now()
        fields.append("consensus_set_at")
    if fields:
        question.save(update_fields=fields)
    return question


@transaction.atomic
def workshop_start(*, workshop: Workshop, by) -> None:
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if workshop.status != Workshop.Status.DRAFT:
        raise WorkshopError("The workshop has already started.")
    first = workshop.questions.first()
    if first is None:
        raise WorkshopError("Add at least one question before starting the workshop.")
    workshop.status = Workshop.Status.LIVE
    workshop.current_question = first
    workshop.save(update_fields=["status", "current_question"])
    PhaseChange.objects.create(question=first, from_phase=first.phase, to_phase=first.phase, by=by)
    _bump(workshop)


@transaction.atomic
def participant_add(
    *, workshop: Workshop, real_name: str = "", email: str = "", by=None
) -> tuple[Participant, str]:
    """Returns the new participant and the token for their personal join link (never stored)."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if workshop.status == Workshop.Status.FINISHED:
        raise WorkshopError("This workshop has finished: nobody more can be added.")
    number = _next_number(workshop)
    token = uuid.uuid4().hex + uuid.uuid4().hex
    participant = Participant.objects.create(
        workshop=workshop,
        number=number,
        real_name=real_name,
        email=email.lower(),
        invite_digest=digest(token),
        added_by=by,
    )
    _bump(workshop)
    return participant, token


def participant_invitation_send(
    *, request, workshop: Workshop, participant: Participant, token: str
) -> None:
    """Emails the participant their personal join link once the transaction commits."""
    from django.core.mail import send_mail
    from django.urls import reverse

    link = request.build_absolute_uri(
        reverse("workshops:join_invited", args=[workshop.join_code, token])
    )
    transaction.on_commit(
        lambda: send_mail(
            subject=f"Your invitation to the workshop: {workshop.title}",
            message=(
                f"You are invited to take part in a workshop, {workshop.title}.\n\n"
                f"Open this link on the day to join. It is personal to you:\n\n{link}\n\n"
                "You will read a short consent statement before you join. Everyone will see "
                "you as a pseudonym, not your name."
            ),
            from_email=None,
            recipient_list=[participant.email],
        )
    )


@transaction.atomic
def participant_consent(
    *, workshop: Workshop, participant: Participant | None, session_token: str
) -> Participant:
    """Records consent (the version accepted and when) and binds the participant to this
    browser. A join by code creates the participant; an invitation link brings its own."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if workshop.status == Workshop.Status.FINISHED:
        raise WorkshopError("This workshop has finished.")
    if participant is None:
        # The workshop's row is locked, so joins one after another see each other's places.
        if is_full(workshop):
            raise WorkshopError(FULL)
        number = _next_number(workshop)
        participant = Participant.objects.create(
            workshop=workshop,
            number=number,
            admission=Admission.WAITING if admission_needed(workshop) else Admission.ADMITTED,
        )
    else:
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if participant.consented_at is not None:
            # A personal link lets one browser in, once.
            raise WorkshopError(LINK_USED)
    now = timezone.now()
    participant.consent_version = workshop.consent_version
    participant.consented_anonymity = workshop.anonymity
    participant.consented_at = now
    participant.joined_at = participant.joined_at or now
    participant.session_digest = digest(session_token)
    participant.save(
        update_fields=[
            "consent_version",
            "consented_anonymity",
            "consented_at",
            "joined_at",
            "session_digest",
        ]
    )
    _bump(workshop)
    return participant


@transaction.atomic
def characteristics_save(*, participant: Participant, answers: dict) -> None:
    """Saves a participant's optional answers about themselves. Refused once the workshop has
    finished: a strict workshop's answers are destroyed then, and one saved at the same moment
    must not slip past (the workshop's lock orders the two)."""
    workshop = Workshop.objects.select_for_update().get(pk=participant.workshop_id)
    if workshop.status == Workshop.Status.FINISHED:
        raise WorkshopError("This workshop has finished.")
    Characteristics.objects.update_or_create(participant=participant, defaults=answers)


def _next_number(workshop: Workshop) -> int:
    """The next pseudonym's number (the caller holds the workshop's lock): one more than the
    last, or, in a strict workshop, a number drawn at random among those free, so that a
    pseudonym says nothing of the order in which people were invited or joined."""
    taken = set(workshop.participants.values_list("number", flat=True))
    if workshop.anonymity != Workshop.Anonymity.STRICT:
        return max(taken, default=0) + 1
    free = [n for n in range(1, max(99, 3 * len(taken) + 10)) if n not in taken]
    return secrets.choice(free)


def _decide(workshop: Workshop, chosen: list[Participant] | None, admission: str, by):
    """Lets in (or turns away) those chosen who are waiting, or everyone waiting when
    `chosen` is None; notes each decision in the record and updates every screen."""
    if Workshop.objects.filter(pk=workshop.pk, status=Workshop.Status.FINISHED).exists():
        raise WorkshopError("This workshop has finished.")
    # The current question's row with the workshop's, locked as every question's action
    # locks them (`_locked`), so that two actions never wait for each other.
    current = Workshop.objects.values_list("current_question_id", flat=True).get(pk=workshop.pk)
    if current is not None:
        question = _locked(Question(pk=current))
        workshop = question.workshop
    else:
        question = None
        workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    found = workshop.participants.select_for_update().filter(
        consented_at__isnull=False, admission=Admission.WAITING
    )
    if chosen is not None:
        found = found.filter(pk__in=[participant.pk for participant in chosen])
    decided = list(found.order_by("number"))
    if not decided:
        raise WorkshopError(
            "Nobody is waiting to join."
            if chosen is None
            else "They are no longer waiting: the facilitator has already decided."
        )
    now = timezone.now()
    # In round-robin the turn stays with whoever has it, wherever those let in fall in order.
    turn_keeper = None
    if question is not None and question.phase == Phase.ROUND_ROBIN:
        order = turn_order(workshop)
        turn_keeper = order[question.turn_index % len(order)] if order else None
    Participant.objects.filter(pk__in=[p.pk for p in decided]).update(
        admission=admission, admission_by=by, admission_at=now
    )
    if turn_keeper is not None:
        question.turn_index = [p.pk for p in turn_order(workshop)].index(turn_keeper.pk)
        question.save(update_fields=["turn_index"])
    names = ", ".join(p.pseudonym for p in decided)
    if question is not None:
        what = "let in" if admission == Admission.ADMITTED else "turned away"
        Note.objects.create(
            question=question,
            text=f"{names} joined after silent generation began and "
            f"{'were' if len(decided) > 1 else 'was'} {what} by the facilitator.",
            by=by,
        )
    _bump(workshop)
    for participant in decided:
        participant.admission = admission
    return decided


@transaction.atomic
def participant_admit(*, workshop: Workshop, participant: Participant, by) -> Participant:
    """Lets in someone waiting to join: from now on they take part, and their votes count."""
    return _decide(workshop, [participant], Admission.ADMITTED, by)[0]


@transaction.atomic
def participant_turn_away(*, workshop: Workshop, participant: Participant, by) -> Participant:
    """Turns away someone waiting to join: they take no part, and their page says so."""
    return _decide(workshop, [participant], Admission.TURNED_AWAY, by)[0]


@transaction.atomic
def participants_admit_all(*, workshop: Workshop, by) -> list[Participant]:
    """Lets in everyone waiting to join."""
    return _decide(workshop, None, Admission.ADMITTED, by)


@transaction.atomic
def participants_turn_away_all(*, workshop: Workshop, by) -> list[Participant]:
    """Turns away everyone waiting to join: a list filled by someone joining again and
    again is cleared in one go, and frees the places it took."""
    return _decide(workshop, None, Admission.TURNED_AWAY, by)


# Phases ---------------------------------------------------------------------------------


@transaction.atomic
def phase_move(
    *, question: Question, to_phase: str, by, seen: str | None = None, confirmed: bool = False
) -> Question:
    """Moves the question to the next or previous phase (one step), logging the change.
    Going back from voting once votes are cast needs `confirmed`: those votes are set aside
    (kept in the record, not counted) and their voters asked to vote again."""
    question = _locked(question)
    _check_phase(question, *PHASE_ORDER, seen=seen)
    here, there = PHASE_ORDER.index(question.phase), PHASE_ORDER.index(to_phase)
    if abs(here - there) != 1:
        raise WorkshopError("Phases move one step at a time.")
    if question.phase == Phase.VOTING and there < here:
        _set_ballots_aside(question, by=by, confirmed=confirmed)
    if to_phase == Phase.VOTING and there > here:
        ideas = round_ideas(question)
        if not ideas:
            raise WorkshopError("There are no ideas to vote on yet.")
        if question.scheme == "top-k" and question.exactly_k and len(ideas) < question.k:
            raise WorkshopError(
                f"Everyone must rank exactly {question.k} ideas, but only {len(ideas)} are on the ballot."
            )
    if question.phase == Phase.RESULTS and to_phase == Phase.VOTING:
        raise WorkshopError(
            "Voting has closed. To vote again, start a re-vote from the final discussion."
        )
    PhaseChange.objects.create(
        question=question,
        from_phase=question.phase,
        to_phase=to_phase,
        vote_round=question.vote_round,
        by=by,
    )
    question.phase = to_phase
    question.phase_ends_at = (
        timezone.now() + timedelta(minutes=question.silent_minutes)
        if to_phase == Phase.SILENT
        else None
    )
    if to_phase == Phase.ROUND_ROBIN and there > here:
        question.turn_index = 0
    question.save(update_fields=["phase", "phase_ends_at", "turn_index"])
    _bump(question.workshop)
    return question


def _set_ballots_aside(question: Question, *, by, confirmed: bool) -> None:
    ballots = list(
        question.ballots.filter(vote_round=question.vote_round)
        .select_related("participant")
        .prefetch_related("choices__idea")
    )
    if not ballots:
        return
    if not confirmed:
        voted = f"{len(ballots)} {'person has' if len(ballots) == 1 else 'people have'} voted"
        raise WorkshopError(
            f"{voted} in this round. Going back sets their votes aside and asks them to vote "
            "again: tick the box to confirm, then go back."
        )
    SetAsideBallot.objects.bulk_create(
        SetAsideBallot(
            question=question,
            participant=ballot.participant,
            vote_round=ballot.vote_round,
            choices={choice.idea.label: choice.value for choice in ballot.choices.all()},
            idea_values={str(choice.idea_id): choice.value for choice in ballot.choices.all()},
            by=by,
        )
        for ballot in ballots
    )
    Ballot.objects.filter(pk__in=[ballot.pk for ballot in ballots]).delete()
    Note.objects.create(
        question=question,
        text=f"Round {question.vote_round}: the facilitator went back from voting, so "
        f"{len(ballots)} vote{'s' if len(ballots) != 1 else ''} cast were set aside (kept in "
        "the record, not counted) and those who voted were asked to vote again.",
        by=by,
    )


@transaction.atomic
def timer_change(
    *, question: Question, minutes: int | None, by, seen: str | None = None
) -> Question:
    """Extends the running countdown by `minutes`, or ends it now when `minutes` is None."""
    question = _locked(question)
    _check_phase(question, Phase.SILENT, seen=seen)
    now = timezone.now()
    if minutes is None:
        question.phase_ends_at = now
    else:
        question.phase_ends_at = max(question.phase_ends_at or now, now) + timedelta(
            minutes=minutes
        )
    question.save(update_fields=["phase_ends_at"])
    _bump(question.workshop)
    return question


@transaction.atomic
def question_next(*, workshop: Workshop, by) -> Question | None:
    """Moves the workshop to its next question, or finishes it after the last. Returns the
    new current question (None when finished)."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    current = workshop.current_question
    if current is None or current.phase != Phase.DISCUSSION:
        raise WorkshopError("Finish the final discussion of this question first.")
    following = workshop.questions.filter(order__gt=current.order).first()
    workshop.current_question = following
    if following is None:
        workshop.status = Workshop.Status.FINISHED
        if workshop.anonymity == Workshop.Anonymity.STRICT:
            _destroy_identities(workshop)
    else:
        PhaseChange.objects.create(
            question=following, from_phase=following.phase, to_phase=following.phase, by=by
        )
    workshop.save(update_fields=["current_question", "status"])
    _bump(workshop)
    return following


# Anonymity, lowest first: once the workshop has started it may move right, never left.
ANONYMITY_ORDER = (Workshop.Anonymity.NAMED, Workshop.Anonymity.STRICT)


@transaction.atomic
def anonymity_set(*, workshop: Workshop, anonymity: str, by) -> Workshop:
    """Sets how anonymous participants are. Before the start, any mode; after it, only a
    higher one: people spoke under the promise they were given. Raising a finished workshop
    to strict destroys its key at once."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if anonymity not in ANONYMITY_ORDER:
        raise WorkshopError("Choose how anonymous participants are.")
    if anonymity == workshop.anonymity:
        return workshop
    agreed = workshop.participants.filter(consented_at__isnull=False).exists()
    if (workshop.status != Workshop.Status.DRAFT or agreed) and ANONYMITY_ORDER.index(
        anonymity
    ) < ANONYMITY_ORDER.index(workshop.anonymity):
        raise WorkshopError(
            "Anonymity can be raised once anyone has agreed to take part, never lowered: "
            "people took part under the promise they were given"
        )
    workshop.anonymity = anonymity
    workshop.save(update_fields=["anonymity"])
    if workshop.status == Workshop.Status.FINISHED and anonymity == Workshop.Anonymity.STRICT:
        _destroy_identities(workshop)
    _bump(workshop)
    return workshop


def _destroy_identities(workshop: Workshop) -> None:
    """Destroys the link between people and what they said in a strict workshop (the caller
    holds the workshop's lock): the key from pseudonyms to names and emails, the links from
    browsers and invitations, the answers to the optional questionnaire (their counts are
    kept, never a row per person), the private drafts nobody shared, and the times each person
    joined (all set to the start). Ideas, ballots and turns stay, under pseudonyms nobody can
    resolve. The staff who added or let someone in stay: they say nothing of who it was."""
    counts = panel_counts(workshop)
    # Drafts are deleted below: keep how many wrote in silence on each question.
    counts[WRITERS] = {
        str(q.order): DraftIdea.objects.filter(
            question=q, participant__admission=Admission.ADMITTED
        )
        .values("participant")
        .distinct()
        .count()
        for q in workshop.questions.all()
    }
    workshop.panel_counts = counts
    Characteristics.objects.filter(participant__workshop=workshop).delete()
    DraftIdea.objects.filter(question__workshop=workshop).delete()
    started = (
        PhaseChange.objects.filter(question__workshop=workshop)
        .order_by("at")
        .values_list("at", flat=True)
        .first()
        or timezone.now()
    )
    people = workshop.participants
    people.update(real_name="", email="", invite_digest="", session_digest="")
    people.filter(consented_at__isnull=False).update(consented_at=started, joined_at=started)
    people.filter(consented_at__isnull=True, joined_at__isnull=False).update(joined_at=started)
    people.filter(admission_at__isnull=False).update(admission_at=started)
    workshop.identities_destroyed_at = timezone.now()
    workshop.save(update_fields=["identities_destroyed_at", "panel_counts"])
    # SQLite's write-ahead log still holds the pages as they were until it is emptied.
    clear_the_log_after_commit()


@transaction.atomic
def question_previous(*, workshop: Workshop, by) -> Question:
    """Goes back to the previous question's final discussion (e.g. moved on by mistake)."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    current = workshop.current_question
    if current is None or current.phase != Phase.INTRODUCTION:
        raise WorkshopError("You can go back to the previous question only from the introduction.")
    previous = workshop.questions.filter(order__lt=current.order).last()
    if previous is None:
        raise WorkshopError("This is the first question.")
    workshop.current_question = previous
    workshop.save(update_fields=["current_question"])
    _bump(workshop)
    return previous


# Ideas ----------------------------------------------------------------------------------


@transaction.atomic
def draft_save(
    *, question: Question, participant: Participant, client_id: uuid.UUID, text: str
) -> DraftIdea | None:
    """Saves (or, given empty text, removes) one of the participant's private ideas. When
    that changes whether they have written anything, every screen is told: the count of
    those who have written at least one idea moves."""
    question = _locked(question)
    _check_phase(question, Phase.SILENT, Phase.ROUND_ROBIN)
    check_taking_part(participant)
    wrote = DraftIdea.objects.filter(participant=participant, question=question).exists()
    draft = _draft_save(question, participant, client_id, text)
    if wrote != DraftIdea.objects.filter(participant=participant, question=question).exists():
        _bump(question.workshop)
    return draft


def _draft_save(
    question: Question, participant: Participant, client_id: uuid.UUID, text: str
) -> DraftIdea | None:
    text = text.strip()
    draft = DraftIdea.objects.filter(participant=participant, client_id=client_id).first()
    if draft is not None and draft.question_id != question.pk:
        raise WorkshopError("That idea belongs to another question.")
    if draft is not None and draft.shared:
        raise WorkshopError(
            "That idea has been shared with the group; the facilitator can edit its wording."
        )
    if not text:
        if draft is not None:
            draft.delete()
        return None
    if draft is None:
        draft = DraftIdea.objects.create(
            participant=participant, question=question, client_id=client_id, text=text
        )
    elif draft.text != text:
        draft.text = text
        draft.save(update_fields=["text", "updated_at"])
    return draft


@transaction.atomic
def turn_take(
    *,
    question: Question,
    participant: Participant,
    client_id: uuid.UUID,
    text: str = "",
    draft: DraftIdea | None = None,
    entered_by=None,
    seen: str | None = None,
) -> Turn:
    """Shares one idea (typed, or from the participant's private list) or passes, on the
    participant's turn. A retried submission (same client id) returns the turn already taken."""
    question = _locked(question)
    existing = Turn.objects.filter(question=question, client_id=client_id).first()
    if existing is not None:
        return existing
    _check_phase(question, Phase.ROUND_ROBIN, seen=seen)
    check_taking_part(participant)
    order = turn_order(question.workshop)
    if not order:
        raise WorkshopError("Nobody has joined the workshop yet.")
    current = order[question.turn_index % len(order)]
    if current.pk != participant.pk:
        raise WorkshopError(f"It is {current.pseudonym}'s turn, not {participant.pseudonym}'s.")
    if draft is not None:
        if (
            draft.participant_id != participant.pk
            or draft.question_id != question.pk
            or draft.shared
        ):
            raise WorkshopError("That idea cannot be shared.")
        text = draft.text
    text = text.strip()
    idea = None
    if text:
        if question.ideas.filter(original_text__iexact=text).exists():
            raise WorkshopError(
                "That idea has already been shared. Share a different one, or pass."
            )
        number = (
            question.ideas.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        idea = Idea.objects.create(
            question=question,
            number=number,
            text=text,
            original_text=text,
            participant=participant,
            entered_by=entered_by,
            client_id=client_id,
        )
        if draft is not None:
            draft.shared = True
            draft.save(update_fields=["shared", "updated_at"])
    turn = Turn.objects.create(
        question=question, participant=participant, idea=idea, client_id=client_id
    )
    question.turn_index = (question.turn_index + 1) % len(order)
    question.save(update_fields=["turn_index"])
    _bump(question.workshop)
    return turn


def everyone_has_passed(question: Question) -> bool:
    """Returns whether the last full cycle of turns was all passes: round-robin is over."""
    size = len(turn_order(question.workshop))
    if size == 0:
        return False
    last = list(Turn.objects.filter(question=question).order_by("-id")[:size])
    return len(last) == size and all(turn.idea_id is None for turn in last)


@transaction.atomic
def idea_edit(*, idea: Idea, text: str, by, seen: str | None = None) -> Idea:
    """Changes an idea's wording during clarification; its original wording is kept."""
    question = _locked(idea.question)
    _check_phase(question, Phase.CLARIFICATION, seen=seen)
    text = text.strip()
    if not text:
        raise WorkshopError("Enter the idea's new wording.")
    if (
        question.ideas.exclude(pk=idea.pk)
        .filter(text__iexact=text, merged_into__isnull=True)
        .exists()
    ):
        raise WorkshopError("Another idea already has that wording. Merge them instead.")
    Idea.objects.filter(pk=idea.pk).update(text=text)
    Note.objects.create(
        question=question, idea=idea, text=f"Wording changed from “{idea.text}” to “{text}”.", by=by
    )
    _bump(question.workshop)
    idea.text = text
    return idea


@transaction.atomic
def ideas_merge(
    *, keep: Idea, merge: list[Idea], agreement: str, by, seen: str | None = None
) -> Idea:
    """Merges duplicates into `keep`, recording how the group agreed."""
    question = _locked(keep.question)
    _check_phase(question, Phase.CLARIFICATION, seen=seen)
    agreement = agreement.strip()
    merge = [idea for idea in merge if idea.pk != keep.pk]
    voted = (
        BallotChoice.objects.filter(idea__in=[keep, *merge])
        .select_related("idea", "ballot")
        .order_by("ballot__vote_round")
        .first()
    )
    if voted is not None:
        raise WorkshopError(
            f"Idea {voted.idea.number} was voted on in round {voted.ballot.vote_round}, whose "
            "results are kept: merging would change them. Change its wording instead, or "
            "keep both ideas."
        )
    if not merge and not agreement:
        raise WorkshopError(
            f"Tick the ideas to merge into idea {keep.number}, and record how the group agreed."
        )
    if not merge:
        raise WorkshopError(f"Tick at least one other idea to merge into idea {keep.number}.")
    if not agreement:
        raise WorkshopError("Record how the group agreed to the merge.")
    if keep.merged_into_id or any(
        idea.question_id != question.pk or idea.merged_into_id for idea in merge
    ):
        raise WorkshopError("Those ideas cannot be merged.")
    Idea.objects.filter(pk__in=[idea.pk for idea in merge]).update(
        merged_into=keep, merge_agreement=agreement[:300]
    )
    Idea.objects.filter(merged_into__in=merge).update(merged_into=keep)
    Note.objects.create(
        question=question,
        idea=keep,
        text=f"Merged {', '.join(str(idea.number) for idea in merge)} into {keep.number}. Agreement: {agreement}",
        by=by,
    )
    _bump(question.workshop)
    return keep


@transaction.atomic
def ideas_theme(
    *, question: Question, name: str, ideas: list[Idea], by, seen: str | None = None
) -> Theme | None:
    """Puts ideas into the named theme (created if new); an empty name takes them out of any theme."""
    question = _locked(question)
    _check_phase(question, Phase.CLARIFICATION, seen=seen)
    name = name.strip()
    if not ideas:
        raise WorkshopError("Choose at least one idea.")
    if any(idea.question_id != question.pk for idea in ideas):
        raise WorkshopError("Those ideas belong to another question.")
    theme = Theme.objects.get_or_create(question=question, name=name)[0] if name else None
    Idea.objects.filter(pk__in=[idea.pk for idea in ideas]).update(theme=theme)
    Theme.objects.filter(question=question, ideas__isnull=True).delete()
    _bump(question.workshop)
    return theme


@transaction.atomic
def note_add(*, question: Question, idea: Idea | None, text: str, by) -> Note:
    question = _locked(question)
    if question.workshop.status != Workshop.Status.LIVE:
        raise WorkshopError("Notes can be added while the workshop is running.")
    text = text.strip()
    if not text:
        raise WorkshopError("Enter the note.")
    if idea is not None and idea.question_id != question.pk:
        raise WorkshopError("That idea belongs to another question.")
    note = Note.objects.create(question=question, idea=idea, text=text, by=by)
    _bump(question.workshop)
    return note


# Voting ---------------------------------------------------------------------------------


@transaction.atomic
def ballot_submit(
    *,
    question: Question,
    participant: Participant,
    client_id: uuid.UUID,
    values: dict[Idea, float],
    entered_by=None,
    seen: str | None = None,
) -> Ballot:
    """Stores the participant's vote, replacing an earlier one in the same round. A retried
    submission (same client id) is acknowledged again and stored once."""
    question = _locked(question)
    ballot = Ballot.objects.filter(
        question=question, participant=participant, vote_round=question.vote_round
    ).first()
    if ballot is not None and ballot.client_id == client_id:
        return ballot
    _check_phase(question, Phase.VOTING, seen=seen)
    if participant.workshop_id != question.workshop_id or participant.consented_at is None:
        raise WorkshopError("Only people taking part in this workshop can vote.")
    check_taking_part(participant)
    on_ballot = {idea.pk for idea in round_ideas(question)}
    if any(idea.pk not in on_ballot for idea in values):
        raise WorkshopError("One of those ideas is not on this round's ballot.")
    if question.scheme == "rating" and any(not float(v).is_integer() for v in values.values()):
        raise WorkshopError("Give each rating as a whole number.")
    problems = problems_with(question, participant.pseudonym, values)
    if problems:
        raise WorkshopError(" ".join(problems))
    if ballot is None:
        try:
            with transaction.atomic():
                ballot = Ballot.objects.create(
                    question=question,
                    participant=participant,
                    vote_round=question.vote_round,
                    client_id=client_id,
                    entered_by=entered_by,
                )
        except IntegrityError:
            ballot = Ballot.objects.get(
                question=question, participant=participant, vote_round=question.vote_round
            )
    else:
        ballot.client_id = client_id
        ballot.entered_by = entered_by
        ballot.save(update_fields=["client_id", "entered_by", "updated_at"])
        ballot.choices.all().delete()
    BallotChoice.objects.bulk_create(
        BallotChoice(ballot=ballot, idea=idea, value=value) for idea, value in values.items()
    )
    _bump(question.workshop)
    return ballot


def votes_cast(question: Question) -> int:
    return question.ballots.filter(
        vote_round=question.vote_round, participant__admission=Admission.ADMITTED
    ).count()


@transaction.atomic
def participant_done(
    *, question: Question, participant: Participant, done: bool, seen: str | None = None
) -> Participant:
    """Records that the participant has finished writing their ideas (or, undone, that they
    have not): the facilitator sees how many are done, never who."""
    question = _locked(question)
    _check_phase(question, Phase.SILENT, seen=seen)
    check_taking_part(participant)
    Participant.objects.filter(pk=participant.pk).update(done_with=question if done else None)
    participant.done_with = question if done else None
    _bump(question.workshop)
    return participant


@transaction.atomic
def face_validity_record(
    *, question: Question, verdict: str, reason: str, by, seen: str | None = None
) -> Question:
    question = _locked(question)
    _check_phase(question, Phase.DISCUSSION, seen=seen)
    if verdict not in {"yes", "partly", "no"}:
        raise WorkshopError("Say whether the group judged the ranking to have face validity.")
    question.face_validity = verdict
    question.face_validity_reason = reason.strip()
    question.save(update_fields=["face_validity", "face_validity_reason"])
    _bump(question.workshop)
    return question


@transaction.atomic
def revote_start(*, question: Question, by, seen: str | None = None) -> Question:
    """Opens a further round of voting (a preliminary and a final vote). The group's judgement
    of face validity was of the round just closed: it stays in the question's record as a
    note, and the new round waits for a judgement of its own."""
    question = _locked(question)
    _check_phase(question, Phase.DISCUSSION, seen=seen)
    if not round_ideas(question, question.vote_round + 1):
        raise WorkshopError(
            "The carry-forward rule settled every idea in this round: there is nothing left to "
            "vote on."
        )
    if question.face_validity:
        reason = question.face_validity_reason
        Note.objects.create(
            question=question,
            text=f"Round {question.vote_round}: the group judged the ranking to have face "
            f"validity: {question.get_face_validity_display().lower()}"
            + (f". {reason}" if reason else "."),
            by=by,
        )
    PhaseChange.objects.create(
        question=question,
        from_phase=question.phase,
        to_phase=Phase.VOTING,
        vote_round=question.vote_round + 1,
        by=by,
    )
    question.vote_round += 1
    question.phase = Phase.VOTING
    question.face_validity, question.face_validity_reason = "", ""
    question.save(update_fields=["vote_round", "phase", "face_validity", "face_validity_reason"])
    _bump(question.workshop)
    return question
