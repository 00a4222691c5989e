"""The one place that converts a workshop's rows into the NGT results engine's types."""

from __future__ import annotations

import random
from collections import Counter

from django.utils import timezone

from allied.core import ngt
from allied.core.cells import plain
from allied.workshops.models import (
    CHARACTERISTIC_FIELDS,
    NOT_GIVEN,
    SHOWS_RESULTS,
    Admission,
    Ballot,
    Characteristics,
    Idea,
    Question,
    Scheme,
    Turn,
    Workshop,
)


def engine_scheme(question: Question) -> ngt.Scheme:
    """Returns the results engine's scheme for the question's settings."""
    if question.scheme == Scheme.TOP_K:
        return ngt.top_k(question.k, exactly_k=question.exactly_k)
    if question.scheme == Scheme.FULL_RANK:
        return ngt.full_rank()
    if question.scheme == Scheme.POINTS:
        return ngt.PointsScheme(pool=question.pool)
    if question.scheme == Scheme.RATING:
        return ngt.RatingScheme(
            low=question.scale_min,
            high=question.scale_max,
            rule=ngt.AgreementRule(
                min_top=question.agree_top,
                max_bottom=question.agree_bottom,
                exclude_bottom=question.exclude_bottom,
            ),
        )
    return ngt.ApprovalScheme()


def ballot_ideas(question: Question) -> list[Idea]:
    """Returns the ideas on the ballot: every shared idea not merged into another. One query."""
    return list(question.ideas.filter(merged_into__isnull=True).select_related("theme"))


def round_ideas(question: Question, vote_round: int | None = None) -> list[Idea]:
    """Returns the ideas put to a voting round (the current one by default): every idea on the
    ballot, except that under a carry-forward rule (ratings) a later round holds only the
    ideas the round before sent on, those it neither agreed nor excluded. An idea nobody
    rated was not settled, so it goes on."""
    ideas = ballot_ideas(question)
    vote_round = question.vote_round if vote_round is None else vote_round
    if question.scheme != Scheme.RATING or question.exclude_bottom is None or vote_round <= 1:
        return ideas
    before = {idea.pk for idea in round_ideas(question, vote_round - 1)}
    settled: set[str] = set()
    tally = question_tally(question, vote_round - 1)
    for block in tally.questions if tally is not None else ():
        if block.carry_forward is not None:
            settled |= {*block.carry_forward.agreed, *block.carry_forward.excluded}
    return [idea for idea in ideas if idea.pk in before and idea.label not in settled]


def ballot_order(question: Question, participant) -> list[Idea]:
    """Returns the ideas on this round's ballot in the order this participant sees them:
    shuffled for them when the workshop shuffles ballots (the same order at every reload, a
    new one in each re-vote), else by number. Ideas keep their numbers, so a ballot means the
    same in any order."""
    ideas = round_ideas(question)
    shuffles = Workshop.objects.filter(pk=question.workshop_id, shuffle_ballots=True).exists()
    if shuffles:
        random.Random(f"{question.pk}:{question.vote_round}:{participant.pk}").shuffle(ideas)
    return ideas


def methods_text(question: Question, tally: ngt.TallyResult) -> str:
    """Returns the methods paragraph of a workshop question: the engine's account of the
    tally, and how the ballot listed the ideas."""
    shuffled = Workshop.objects.filter(pk=question.workshop_id, shuffle_ballots=True).exists()
    order = (
        "Each participant's ballot listed the ideas in an order shuffled for that participant, "
        "so that no idea gained from its position."
        if shuffled
        else "Every participant's ballot listed the ideas in the order they were shared."
    )
    if shuffled and Ballot.objects.filter(question=question, entered_by__isnull=False).exists():
        order += " Paper ballots, entered by the facilitator, listed them in the order shared."
    return " ".join(filter(None, [ngt.methods_paragraph(tally), order, consensus_text(question)]))


def consensus_text(question: Question) -> str:
    """Returns the facilitator's own definition of consensus and when it was fixed, as a
    methods sentence ('' when they wrote none)."""
    words = question.consensus_definition.strip()
    if not words:
        return ""
    when = ""
    if question.consensus_set_at is not None:
        local = timezone.localtime(question.consensus_set_at)
        when = f", set on {local:%-d %B %Y at %H:%M} before voting began"
    return f"The facilitator defined consensus{when} as: “{words.rstrip('.')}”."


def engine_question(question: Question, ideas: list[Idea] | None = None) -> ngt.Question:
    ideas = ballot_ideas(question) if ideas is None else ideas
    return ngt.Question(
        question.text,
        tuple(idea.label for idea in ideas),
        tuple(idea.theme.name if idea.theme else None for idea in ideas),
    )


def engine_ballot(
    question: Question, pseudonym: str, values: dict[Idea, float], vote_round: int
) -> ngt.Ballot:
    return ngt.Ballot(
        pseudonym,
        tuple(ngt.Choice(idea.label, float(value)) for idea, value in values.items()),
        question=question.text,
        round=vote_round,
    )


def problems_with(question: Question, pseudonym: str, values: dict[Idea, float]) -> list[str]:
    """Returns what is wrong with a ballot, in words a participant understands (empty if valid)."""
    problems = ngt.validate_ballots(
        [engine_ballot(question, pseudonym, values, question.vote_round)],
        [engine_question(question)],
        engine_scheme(question),
    )
    said = [problem.message.split(": ", 1)[-1] for problem in problems]
    return [message[:1].upper() + message[1:] for message in said]


def open_round(question: Question) -> int | None:
    """Returns the voting round still open on the question, or None. Its ballots are counted
    by nobody, the facilitator included, on any page, state, export or API answer, until the
    facilitator closes the vote: a round is open while its workshop is live, on this
    question, and the question has not reached its results."""
    if question.phase in SHOWS_RESULTS:
        return None
    # Read afresh: a workshop cached on the question may be from before a move.
    current = Workshop.objects.filter(
        pk=question.workshop_id, status=Workshop.Status.LIVE, current_question=question.pk
    ).exists()
    return question.vote_round if current else None


def engine_ballots(question: Question, vote_round: int | None = None) -> list[ngt.Ballot]:
    """Returns the question's ballots from closed rounds (all of them, or one) as the engine's
    ballots; never those of the round still open (`open_round`)."""
    ballots = (
        # Only the ballots of those taking part: someone never let in has no voice.
        Ballot.objects.filter(question=question, participant__admission=Admission.ADMITTED)
        .select_related("participant")
        .prefetch_related("choices__idea")
    )
    if vote_round is not None:
        ballots = ballots.filter(vote_round=vote_round)
    still_open = open_round(question)
    if still_open is not None:
        ballots = ballots.exclude(vote_round=still_open)
    out = []
    for ballot in ballots.order_by("vote_round", "participant__number"):
        values = {choice.idea: choice.value for choice in ballot.choices.all()}
        out.append(engine_ballot(question, ballot.participant.pseudonym, values, ballot.vote_round))
    return out


def question_tally(question: Question, vote_round: int | None = None) -> ngt.TallyResult | None:
    """Returns the tally of the question's ballots (with rank movement when there are several
    rounds), or None when nobody has voted."""
    ballots = [b for b in engine_ballots(question, vote_round) if b.choices]
    if not ballots:
        return None
    return ngt.tally(ballots, [engine_question(question)], engine_scheme(question))


def participation(workshop: Workshop) -> list[dict]:
    """Returns, per question, who took part in round-robin and in each voting round, by
    pseudonym: never what anyone said or chose. A participant can check they were counted."""
    people = list(
        workshop.participants.filter(consented_at__isnull=False, admission=Admission.ADMITTED)
    )
    out = []
    for question in workshop.questions.all():
        turns = set(Turn.objects.filter(question=question).values_list("participant_id", flat=True))
        voted: dict[int, set[int]] = {}
        for participant, vote_round in Ballot.objects.filter(question=question).values_list(
            "participant_id", "vote_round"
        ):
            voted.setdefault(vote_round, set()).add(participant)
        # Rounds still open are not listed: who has voted so far is shown as a count only.
        still_open = open_round(question)
        rounds = [n for n in sorted(voted) if n != still_open]
        out.append(
            {
                "question": question,
                "rounds": rounds,
                "rows": [
                    {
                        "participant": p,
                        "round_robin": p.pk in turns,
                        "voted": [p.pk in voted[n] for n in rounds],
                    }
                    for p in people
                ],
            }
        )
    return out


# In the counts kept when a strict workshop's key is destroyed: how many wrote in silence on
# each question (by its order), since the drafts themselves are deleted.
WRITERS = "_wrote_in_silence"


def panel_counts(workshop: Workshop) -> dict[str, dict[str, int]]:
    """Returns, for each question of the optional questionnaire, how many of those who took
    part gave each answer ("Not given" for no answer): never a row per person. Once a strict
    workshop's key is destroyed, the counts kept in its place."""
    if workshop.panel_counts is not None:
        return workshop.panel_counts
    taking_part = workshop.participants.filter(
        consented_at__isnull=False, admission=Admission.ADMITTED
    )
    answers = list(Characteristics.objects.filter(participant__in=taking_part))
    people = taking_part.count()
    counts: dict[str, dict[str, int]] = {}
    for field, _ in CHARACTERISTIC_FIELDS:
        said = Counter((getattr(a, field) or "").strip() or NOT_GIVEN for a in answers)
        said[NOT_GIVEN] += people - len(answers)
        # Sorted: in the order answered, the first answers would be the first person's.
        counts[field] = {answer: said[answer] for answer in sorted(said) if said[answer]}
    return counts


def ballots_csv(question: Question) -> str:
    """Returns the raw pseudonymised ballots in the engine's ballot format, so anyone can
    reproduce the tally with `allied ngt tally`."""
    import csv
    import io

    # Approval ballots carry no value column: a row is an approval.
    column = {Scheme.POINTS: "points", Scheme.RATING: "rating", Scheme.APPROVAL: None}.get(
        question.scheme, "rank"
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["question", "round", "participant", "idea", "theme"] + ([column] if column else [])
    )
    on_ballot = engine_question(question)
    themes = dict(zip(on_ballot.ideas, on_ballot.themes, strict=True))
    for ballot in engine_ballots(question):
        for choice in ballot.choices:
            theme = themes.get(choice.idea)
            value = int(choice.value) if float(choice.value).is_integer() else choice.value
            row = [plain(question.text), ballot.round, ballot.participant, choice.idea]
            row.append(plain(theme or ""))
            writer.writerow(row + ([value] if column else []))
    return buffer.getvalue()


def pooled(questions: list[Question]) -> ngt.PooledResult | None:
    """Returns the question pooled across the workshops the questions come from, each tallied
    on its own ballot (latest voting round); None unless every one has votes."""
    groups = []
    for question in questions:
        tally = question_tally(question)
        if tally is None:
            return None
        latest = max(tally.questions, key=lambda block: block.round)
        groups.append((f"{question.workshop.title} (workshop {question.workshop_id})", latest))
    return ngt.pool_groups(groups)
