"""What a live workshop screen shows, built once for the JSON state endpoint and the HTML
fragments, so a screen updated by events always equals a fresh page."""

from __future__ import annotations

from django.utils import timezone

from allied.workshops.actions import (
    everyone_has_passed,
    phase_key,
    turn_order,
    votes_cast,
    waiting,
)
from allied.workshops.models import SHOWS_RESULTS, Admission, Phase, Question, Scheme, Workshop
from allied.workshops.results import ballot_ideas, question_tally

SHOWS_IDEAS = {
    Phase.ROUND_ROBIN,
    Phase.CLARIFICATION,
    Phase.VOTING,
    Phase.RESULTS,
    Phase.DISCUSSION,
}


def live_state(workshop: Workshop, *, staff: bool = False) -> dict:
    """Returns the public state of the workshop: nothing private to any participant, and no
    tally before voting closes. Staff see also who waits to be let in and, during silent
    generation, how many have said they are done."""
    question: Question | None = workshop.current_question
    order = turn_order(workshop)
    state: dict = {
        "version": workshop.version,
        "status": workshop.status,
        "phase_key": phase_key(question)
        if workshop.status == Workshop.Status.LIVE
        else workshop.status,
        "participants": [p.pseudonym for p in order],
        "question": None,
    }
    if staff:
        state["waiting"] = (
            [p.pseudonym for p in waiting(workshop)]
            if workshop.status == Workshop.Status.LIVE
            else []
        )
    if question is None or workshop.status != Workshop.Status.LIVE:
        return state
    seconds_left = None
    if question.phase == Phase.SILENT and question.phase_ends_at:
        seconds_left = max(0, int((question.phase_ends_at - timezone.now()).total_seconds()))
    everyone_passed = question.phase == Phase.ROUND_ROBIN and everyone_has_passed(question)
    current_turn = None
    if question.phase == Phase.ROUND_ROBIN and order and not everyone_passed:
        current_turn = order[question.turn_index % len(order)].pseudonym
    q = {
        "id": question.pk,
        "number": question.order,
        "of": workshop.questions.count(),
        "text": question.text,
        "phase": question.phase,
        "phase_label": question.get_phase_display(),
        "phase_number": question.phase_number,
        "ends_at": question.phase_ends_at.isoformat() if question.phase_ends_at else None,
        "seconds_left": seconds_left,
        "current_turn": current_turn,
        "everyone_passed": everyone_passed,
        "vote_round": question.vote_round,
        "scheme": question.scheme,
        "k": question.k,
        "votes_cast": votes_cast(question)
        if question.phase in {Phase.VOTING, *SHOWS_RESULTS}
        else None,
        "voters": len(order),
        # During silent generation, how many have written at least one idea: a count, never
        # what anyone wrote.
        "writers": writers(question) if question.phase == Phase.SILENT else None,
        "ideas": [],
        "results": None,
        "face_validity": question.face_validity,
        "face_validity_reason": question.face_validity_reason,
    }
    if staff:
        # How many have said "I'm done": a count, never who.
        q["done"] = done(question) if question.phase == Phase.SILENT else None
    if question.phase in SHOWS_IDEAS:
        q["ideas"] = [
            {
                "id": idea.pk,
                "number": idea.number,
                "text": idea.text,
                "original_text": idea.original_text if idea.original_text != idea.text else None,
                "theme": idea.theme.name if idea.theme else None,
                "by": idea.participant.pseudonym if idea.participant else None,
            }
            for idea in ballot_ideas(question)
        ]
    if question.phase in SHOWS_RESULTS:
        q["results"] = results_summary(question)
    state["question"] = q
    return state


def results_summary(question: Question) -> dict | None:
    """Returns the latest round's ranking of ideas and themes, as plain values; None when
    nobody voted in it (an earlier round's ranking is never shown as the latest)."""
    result = question_tally(question)
    if result is None:
        return None
    latest = [r for r in result.questions if r.round == question.vote_round]
    if not latest:
        return None
    block = latest[0]
    agreement = block.agreement
    rating = question.scheme == Scheme.RATING
    return {
        "round": block.round,
        "voters": block.voters,
        # For ratings the ranking's measure is the median, and each idea is agreed or not.
        "rating": rating,
        "carry": rating and question.exclude_bottom is not None,
        "ideas": [
            {
                "rank": idea.rank,
                "idea": idea.idea,
                "theme": idea.theme,
                "total": _number(idea.total),
                "voters": idea.voters,
                "pct_of_max": round(idea.pct_of_max, 1),
                "rank_change": idea.rank_change,
            }
            | (
                {
                    "median": None if idea.median is None else _number(idea.median),
                    "agreed": idea.agreed,
                    "outcome": idea.outcome,
                }
                if rating
                else {}
            )
            for idea in block.ideas
            # An idea a carry-forward rule kept out of this round is not in its ranking.
            if not (rating and idea.voters == 0 and block.round > 1)
        ],
        "themes": [
            {"rank": t.rank, "theme": t.theme, "total": _number(t.total), "voters": t.voters}
            for t in block.themes
        ],
        "kendall_w": round(agreement.kendall_w, 3)
        if agreement and agreement.kendall_w is not None
        else None,
    }


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(float(value), 2)


def writers(question: Question) -> int:
    """How many participants have written at least one private idea for the question."""
    return (
        question.drafts.filter(
            participant__consented_at__isnull=False, participant__admission=Admission.ADMITTED
        )
        .values("participant")
        .distinct()
        .count()
    )


def done(question: Question) -> int:
    """How many participants taking part have said they are done writing ideas."""
    return question.workshop.participants.filter(
        done_with=question, consented_at__isnull=False, admission=Admission.ADMITTED
    ).count()
