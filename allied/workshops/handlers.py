"""Turns posted form fields into calls to `actions`: one small function per console or
participant action, each returning the message to show."""

from __future__ import annotations

from django.db import transaction

from allied.workshops import actions
from allied.workshops.models import (
    Admission,
    DraftIdea,
    Idea,
    Participant,
    Question,
    Scheme,
    StaffRole,
    Workshop,
    WorkshopStaff,
)
from allied.workshops.results import ballot_order, round_ideas


@transaction.atomic
def workshop_from_form(*, organisation, by, data: dict) -> Workshop:
    """Returns a new draft workshop with its questions; its creator is the lead facilitator."""
    workshop = Workshop.objects.create(
        organisation=organisation,
        title=data["title"],
        purpose=data["purpose"],
        briefing=data["briefing"],
        date=data["date"],
        created_by=by,
    )
    for order, text in enumerate(data["questions"], start=1):
        Question.objects.create(
            workshop=workshop,
            order=order,
            text=text,
            scheme=data["scheme"],
            k=data["k"],
            silent_minutes=data["silent_minutes"],
        )
    WorkshopStaff.objects.create(workshop=workshop, user=by, role=StaffRole.LEAD)
    return workshop


def _number(value: str, *, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise actions.WorkshopError(f"{what} must be a number.") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise actions.WorkshopError(f"{what} must be a number.")
    return number


def ballot_values(question: Question, post) -> dict[Idea, float]:
    """Returns the choices a ballot form holds: `idea-<id>` fields, blank meaning not chosen."""
    values: dict[Idea, float] = {}
    for idea in round_ideas(question):
        raw = (post.get(f"idea-{idea.pk}") or "").strip()
        if not raw:
            continue
        if question.scheme == Scheme.APPROVAL:
            values[idea] = 1.0
        else:
            values[idea] = _number(raw, what=f"The value for idea {idea.number}")
    if not values:
        raise actions.WorkshopError("Choose at least one idea before you submit your vote.")
    return values


def ballot_field_errors(question: Question, post) -> dict[int, str]:
    """Returns, per idea id, what is wrong with what was typed for that idea, in words that
    name the idea: not a number, a rank out of range or not whole, a rank given twice. The
    whole ballot's other problems (a points total, say) are left to the engine's message."""
    ideas = round_ideas(question)
    if question.scheme == Scheme.APPROVAL:
        return {}
    ranks = question.scheme in {Scheme.TOP_K, Scheme.FULL_RANK}
    highest = (
        (question.k if question.scheme == Scheme.TOP_K else len(ideas))
        if ranks
        else (question.scale_max if question.scheme == Scheme.RATING else None)
    )
    lowest = 1 if ranks else question.scale_min if question.scheme == Scheme.RATING else 0
    errors: dict[int, str] = {}
    by_rank: dict[float, list[Idea]] = {}
    for idea in ideas:
        raw = (post.get(f"idea-{idea.pk}") or "").strip()
        if not raw:
            continue
        try:
            value = float(raw)
        except ValueError:
            value = float("nan")
        if value != value or value in (float("inf"), float("-inf")):
            errors[idea.pk] = f"Enter a number for idea {idea.number}"
        elif (ranks or question.scheme == Scheme.RATING) and not value.is_integer():
            errors[idea.pk] = f"Enter a whole number for idea {idea.number}"
        elif highest is not None and not lowest <= value <= highest:
            errors[idea.pk] = f"Enter a number from {lowest} to {highest} for idea {idea.number}"
        elif value < 0:
            errors[idea.pk] = f"Enter a number of 0 or more for idea {idea.number}"
        elif ranks:
            by_rank.setdefault(value, []).append(idea)
    for rank, sharing in by_rank.items():
        if len(sharing) > 1:
            numbers = [str(idea.number) for idea in sharing]
            names = ", ".join(numbers[:-1]) + " and " + numbers[-1]
            for idea in sharing:
                errors[idea.pk] = (
                    f"Ideas {names} share rank {int(rank)}: give each a different rank"
                )
    return errors


def earlier_choices(question: Question, idea_values: dict[str, float]) -> dict[int, float]:
    """Returns a set-aside ballot's choices for the ideas still on the ballot, to fill in when
    its voter votes again. Ranks close up over ideas merged away (1, 2, 3, 5 becomes 1, 2, 3,
    4), so what is filled in is a ballot that can be submitted as it stands."""
    on_ballot = {idea.pk for idea in round_ideas(question)}
    kept = {int(pk): value for pk, value in idea_values.items() if int(pk) in on_ballot}
    if question.scheme in (Scheme.TOP_K, Scheme.FULL_RANK):
        kept = {pk: float(rank) for rank, pk in enumerate(sorted(kept, key=kept.get), start=1)}
    return kept


def error_links(rows: list[dict]) -> list[dict]:
    """Returns the error summary's links for a refused ballot, in the order of the boxes on
    the page: one per distinct message, to the first box it is about (two ideas sharing a
    rank are one problem)."""
    links: dict[str, int] = {}
    for row in rows:
        if row["error"] and row["error"] not in links:
            links[row["error"]] = row["idea"].pk
    return [{"message": message, "idea": pk} for message, pk in links.items()]


def ballot_rows(
    question: Question,
    my_votes: dict[int, float],
    typed: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    *,
    participant,
) -> list[dict]:
    """Returns one row per idea on the ballot, in the order the participant sees them: the
    value saved, or what was typed when a refused ballot is shown again (`typed` and
    `errors` by idea id), with its error."""
    rows = []
    for idea in ballot_order(question, participant):
        value = my_votes.get(idea.pk)
        saved = "" if value is None else (int(value) if float(value).is_integer() else value)
        rows.append(
            {
                "idea": idea,
                "value": saved if typed is None else typed.get(str(idea.pk), ""),
                "error": (errors or {}).get(str(idea.pk), ""),
            }
        )
    return rows


# The console ----------------------------------------------------------------------------


def _phase_step(step: int):
    def handler(*, request, workshop, question, post, seen, ctx):
        from allied.workshops.models import PHASE_ORDER

        index = PHASE_ORDER.index(question.phase) + step
        if not 0 <= index < len(PHASE_ORDER):
            raise actions.WorkshopError("There is no phase that way.")
        moved = actions.phase_move(
            question=question,
            to_phase=PHASE_ORDER[index],
            by=request.user,
            seen=seen,
            confirmed=post.get("confirm", "") in {"on", "yes", "true", "1"},
        )
        return f"Now: {moved.get_phase_display().lower()}."

    return handler


def _timer_extend(*, request, workshop, question, post, seen, ctx):
    minutes = int(_number(post.get("minutes", "1"), what="The number of minutes"))
    if not 1 <= minutes <= 30:
        raise actions.WorkshopError("Extend the time by 1 to 30 minutes.")
    actions.timer_change(question=question, minutes=minutes, by=request.user, seen=seen)
    return f"The time has been extended by {minutes} minute{'s' if minutes != 1 else ''}."


def _timer_end(*, request, workshop, question, post, seen, ctx):
    actions.timer_change(question=question, minutes=None, by=request.user, seen=seen)
    return "The countdown has ended."


def _turn_for(*, request, workshop, question, post, seen, ctx):
    """A facilitator or note-taker records a spoken idea, or a pass, for the current participant."""
    participant = ctx.participant(workshop, post.get("participant"))
    text = post.get("text", "")[:500]
    actions.turn_take(
        question=question,
        participant=participant,
        client_id=ctx.client_id(request),
        text=text,
        entered_by=request.user,
        seen=seen,
    )
    return f"{participant.pseudonym} {'shared an idea' if text.strip() else 'passed'}."


def _idea_edit(*, request, workshop, question, post, seen, ctx):
    idea = ctx.idea(question, post.get("idea"))
    actions.idea_edit(idea=idea, text=post.get("text", "")[:500], by=request.user, seen=seen)
    return f"Idea {idea.number} has been reworded; its original wording is kept."


def _merge(*, request, workshop, question, post, seen, ctx):
    keep = ctx.idea(question, post.get("keep"))
    merge = [ctx.idea(question, value) for value in post.getlist("merge")]
    actions.ideas_merge(
        keep=keep,
        merge=merge,
        agreement=post.get("agreement", "")[:300],
        by=request.user,
        seen=seen,
    )
    return f"Merged into idea {keep.number}."


def _theme(*, request, workshop, question, post, seen, ctx):
    ideas = [ctx.idea(question, value) for value in post.getlist("ideas")]
    theme = actions.ideas_theme(
        question=question, name=post.get("name", "")[:200], ideas=ideas, by=request.user, seen=seen
    )
    return f"Grouped into the theme “{theme.name}”." if theme else "Taken out of their theme."


def _note(*, request, workshop, question, post, seen, ctx):
    idea = ctx.idea(question, post.get("idea")) if post.get("idea") else None
    actions.note_add(
        question=question, idea=idea, text=post.get("text", "")[:5000], by=request.user
    )
    return "The note has been recorded."


def _paper_ballot(*, request, workshop, question, post, seen, ctx):
    """A facilitator enters a paper ballot on behalf of a participant in the room."""
    participant = ctx.participant(workshop, post.get("participant"))
    actions.ballot_submit(
        question=question,
        participant=participant,
        client_id=ctx.client_id(request),
        values=ballot_values(question, post),
        entered_by=request.user,
        seen=seen,
    )
    return f"{participant.pseudonym}'s paper ballot has been recorded."


def _face_validity(*, request, workshop, question, post, seen, ctx):
    actions.face_validity_record(
        question=question,
        verdict=post.get("verdict", ""),
        reason=post.get("reason", "")[:5000],
        by=request.user,
        seen=seen,
    )
    return "The group's judgement has been recorded."


def _revote(*, request, workshop, question, post, seen, ctx):
    actions.revote_start(question=question, by=request.user, seen=seen)
    return f"Voting round {question.vote_round + 1} is open."


def _admit(*, request, workshop, question, post, seen, ctx):
    participant = waiting_participant(workshop, post.get("participant"))
    actions.participant_admit(workshop=workshop, participant=participant, by=request.user)
    return f"{participant.pseudonym} has been let in."


def _turn_away(*, request, workshop, question, post, seen, ctx):
    participant = waiting_participant(workshop, post.get("participant"))
    actions.participant_turn_away(workshop=workshop, participant=participant, by=request.user)
    return f"{participant.pseudonym} has been turned away."


def _decided(people: list[Participant], what: str) -> str:
    names = ", ".join(participant.pseudonym for participant in people)
    return f"{names} {'have' if len(people) > 1 else 'has'} been {what}."


def _admit_all(*, request, workshop, question, post, seen, ctx):
    return _decided(actions.participants_admit_all(workshop=workshop, by=request.user), "let in")


def _turn_away_all(*, request, workshop, question, post, seen, ctx):
    turned = actions.participants_turn_away_all(workshop=workshop, by=request.user)
    return _decided(turned, "turned away")


def _next_question(*, request, workshop, question, post, seen, ctx):
    following = actions.question_next(workshop=workshop, by=request.user)
    return (
        "The workshop has finished. Thank everyone for taking part."
        if following is None
        else f"Now on question {following.order}."
    )


def _previous_question(*, request, workshop, question, post, seen, ctx):
    previous = actions.question_previous(workshop=workshop, by=request.user)
    return f"Back to question {previous.order}."


CONSOLE_ACTIONS = {
    "phase_next": ("runs", _phase_step(+1)),
    "phase_back": ("runs", _phase_step(-1)),
    "timer_extend": ("runs", _timer_extend),
    "timer_end": ("runs", _timer_end),
    "turn": ("notes", _turn_for),
    "idea_edit": ("runs", _idea_edit),
    "merge": ("runs", _merge),
    "theme": ("runs", _theme),
    "note": ("notes", _note),
    "paper_ballot": ("runs", _paper_ballot),
    "face_validity": ("runs", _face_validity),
    "revote": ("runs", _revote),
    "next_question": ("runs", _next_question),
    "previous_question": ("runs", _previous_question),
    "admit": ("runs", _admit),
    "turn_away": ("runs", _turn_away),
    "admit_all": ("runs", _admit_all),
    "turn_away_all": ("runs", _turn_away_all),
}


# The participant's screen ---------------------------------------------------------------


def _draft(*, request, workshop, question, participant, post, seen, ctx):
    draft = actions.draft_save(
        question=question,
        participant=participant,
        client_id=ctx.client_id(request),
        text=post.get("text", "")[:500],
    )
    return "Your idea has been saved." if draft else "Your idea has been removed."


def _share(*, request, workshop, question, participant, post, seen, ctx):
    draft = None
    if post.get("draft"):
        draft = (
            DraftIdea.objects.filter(
                participant=participant, question=question, pk=post.get("draft")
            ).first()
            if post.get("draft", "").isdigit()
            else None
        )
        if draft is None:
            raise actions.WorkshopError("Choose one of your ideas, or type one.")
    text = post.get("text", "")[:500]
    if draft is None and not text.strip():
        raise actions.WorkshopError("Choose one of your ideas or type one, or pass.")
    actions.turn_take(
        question=question,
        participant=participant,
        client_id=ctx.client_id(request),
        text=text,
        draft=draft,
        seen=seen,
    )
    return "Your idea has been shared with the group."


def _pass(*, request, workshop, question, participant, post, seen, ctx):
    actions.turn_take(
        question=question, participant=participant, client_id=ctx.client_id(request), seen=seen
    )
    return "You passed this turn."


def _vote(*, request, workshop, question, participant, post, seen, ctx):
    actions.ballot_submit(
        question=question,
        participant=participant,
        client_id=ctx.client_id(request),
        values=ballot_values(question, post),
        seen=seen,
    )
    return "Your vote has been saved. You can change it until voting closes."


def _done(*, request, workshop, question, participant, post, seen, ctx):
    actions.participant_done(question=question, participant=participant, done=True, seen=seen)
    return "The facilitator can see you have finished. You can still add ideas."


def _not_done(*, request, workshop, question, participant, post, seen, ctx):
    actions.participant_done(question=question, participant=participant, done=False, seen=seen)
    return "You are no longer counted as done."


PARTICIPANT_ACTIONS = {
    "draft": _draft,
    "share": _share,
    "pass": _pass,
    "vote": _vote,
    "done": _done,
    "not_done": _not_done,
}


def idea_in(question: Question | None, value) -> Idea:
    """Returns the idea of `question` with the id `value`; refuses anything else."""
    if question is None:
        raise actions.WorkshopError("The workshop is not on a question.")
    try:
        return question.ideas.get(pk=int(value))
    except (TypeError, ValueError, Idea.DoesNotExist):
        raise actions.WorkshopError("Choose an idea from the list.") from None


def joined_participant(workshop: Workshop, value) -> Participant:
    """Returns the participant of `workshop` with the id `value` who has joined (consented)
    and takes part (admitted)."""
    try:
        return workshop.participants.get(
            pk=int(value), consented_at__isnull=False, admission=Admission.ADMITTED
        )
    except (TypeError, ValueError, OverflowError, Participant.DoesNotExist):
        raise actions.WorkshopError("Choose a participant who has joined.") from None


def waiting_participant(workshop: Workshop, value) -> Participant:
    """Returns the participant of `workshop` with the id `value` (or pseudonym, "P12") who
    waits to be let in."""
    try:
        if isinstance(value, str) and value[:1] in "Pp" and value[1:].isdigit():
            return workshop.participants.get(
                number=int(value[1:]), consented_at__isnull=False, admission=Admission.WAITING
            )
        return workshop.participants.get(
            pk=int(value), consented_at__isnull=False, admission=Admission.WAITING
        )
    except (TypeError, ValueError, OverflowError, Participant.DoesNotExist):
        raise actions.WorkshopError(
            "They are no longer waiting: the facilitator has already decided."
        ) from None
