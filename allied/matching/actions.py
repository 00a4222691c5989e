"""Matching a cohort: the coordinator's draft run and its publication, the mentees' shortlists,
their requests, and the mentor's answer.

Every change here runs in a transaction. Capacity holds under races because each step that
takes a mentor's place locks that mentor's `Participant` row (`select_for_update`) before
counting the places already held, and because the database allows one current relationship
per mentee (`one_current_relationship_per_mentee`): a second request loses on the constraint
and becomes a `ProgrammeError`, never a duplicate.

Emails go out after the transaction commits, so nobody is told about a change that rolled back.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from allied.audit.log import record
from allied.audit.models import Kind
from allied.core.matching import (
    Lock,
    coordinator_lines,
    match_cohort,
    name_only,
    participant_lines,
    score_pair,
    shortlist,
    unmatched_coordinator_line,
    unmatched_participant_line,
)
from allied.matching import engine
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import (
    Cohort,
    MatchingMode,
    MatchRun,
    Participant,
    Proposal,
    Relationship,
    ShortlistOffer,
    Side,
)

OBJECTIVE = "max-total"
REMOVED = "Removed by the coordinator."
UNMATCHED_BY_COORDINATOR = (
    "We could not match you this time. Your coordinator is looking for the right mentor for you."
)
NEXT_FOR_THE_UNMATCHED = (
    "You stay in the cohort. Your coordinator can pair you with a mentor when a place comes "
    "free, or when matching runs again, and you will be emailed when you are matched. You do "
    "not need to do anything now; if your needs or preferences have changed, tell your "
    "coordinator."
)
STALE = (
    "The matching has changed since you opened this page (someone else may be working on it). "
    "Check the pairs below and try again."
)


# Links and emails --------------------------------------------------------------------------


def relationship_link(relationship: Relationship) -> str:
    """The relationship page's address (helper D's page; the path itself until it exists)."""
    try:
        path = reverse("programmes:relationship", args=[relationship.pk])
    except NoReverseMatch:
        path = f"/relationships/{relationship.pk}/"
    return settings.SITE_URL + path


def _email_later(to: str, subject: str, body: str) -> None:
    transaction.on_commit(
        lambda: send_mail(subject=subject, message=body, from_email=None, recipient_list=[to])
    )


# The draft run -----------------------------------------------------------------------------


def draft_run(cohort: Cohort) -> MatchRun | None:
    return cohort.match_runs.filter(status=MatchRun.Status.DRAFT).first()


def run_version(run: MatchRun | None) -> str:
    """Returns a short fingerprint of the run's pairs and unmatched list. A form carries it,
    so an action on a page that no longer shows the run as it is now is refused, rather than
    applied to pairs the coordinator did not see. Costs one query."""
    if run is None:
        return ""
    pairs = list(
        Proposal.objects.filter(run=run)
        .order_by("pk")
        .values_list("pk", "mentee_id", "mentor_id", "locked")
    )
    text = json.dumps([run.pk, str(run.status), pairs, run.unmatched], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class RuleBreach(ProgrammeError):
    """A pair the coordinator asked for breaks a hard rule, and no reason was given to make it
    anyway. `breaches` are the engine's, for the page that asks for the reason."""

    def __init__(self, mentee: str, mentor: str, breaches) -> None:
        self.breaches = tuple(breaches)
        rules = "; ".join(b.text for b in self.breaches)
        super().__init__(
            f"Pairing {mentee} with {mentor} breaks a hard rule: {rules}. Nothing was changed. "
            "To pair them anyway, say why: the reason is recorded."
        )


REASON_LIMIT = 1000


def _as_id(value) -> int:
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else 0


def check_fresh(run: MatchRun | None, run_id, version) -> None:
    """Refuses when the page showed another run, or this run as it was before a change."""
    if run is None or str(run.pk) != str(run_id) or run_version(run) != (version or ""):
        raise ProgrammeError(STALE)


def _free_mentees(cohort: Cohort) -> list[Participant]:
    """Mentees whose intake is complete and who hold no current relationship."""
    taken = set(
        Relationship.objects.current()
        .filter(mentee__cohort=cohort)
        .values_list("mentee_id", flat=True)
    )
    return [p for p in engine.ready_people(cohort, Side.MENTEE) if p.pk not in taken]


def _removed(run: MatchRun | None) -> dict[str, set[str]]:
    """Mentee id → mentor ids the coordinator removed them from, as the engine names them."""
    out: dict[str, set[str]] = {}
    for entry in (run.unmatched if run else None) or []:
        for mentor in entry.get("removed_mentors", ()):
            out.setdefault(str(entry.get("participant")), set()).add(str(mentor))
    return out


def _without_removed(mentees, removed: dict[str, set[str]]):
    return [
        replace(m, exclusions=m.exclusions | frozenset(removed[m.id])) if m.id in removed else m
        for m in mentees
    ]


@transaction.atomic
def matching_run(*, cohort: Cohort, by, request=None) -> MatchRun:
    """Runs the engine over the cohort's free mentees, keeping the draft's locked pairs, and
    returns the draft run. Unlocked proposals are replaced; a pair the coordinator removed
    is not proposed again in this draft. Reads ethnicity and gender (audited)."""
    Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
    programme = cohort.programme
    run = draft_run(cohort)
    mentees = _free_mentees(cohort)
    mentors = engine.ready_people(cohort, Side.MENTOR)
    mentee_ids = {p.pk for p in mentees}
    mentor_ids = {p.pk for p in mentors}
    kept: list[Proposal] = []
    if run is None:
        run = MatchRun.objects.create(cohort=cohort, objective=OBJECTIVE, created_by=by)
    else:
        for proposal in run.proposals.all():
            if (
                proposal.locked
                and proposal.mentee_id in mentee_ids
                and proposal.mentor_id in mentor_ids
            ):
                kept.append(proposal)
            else:
                proposal.delete()
    removed = _removed(run)
    config = engine.config_for(programme)
    people, guides = engine.cohort_people(mentees, mentors, request=request, purpose="matching")
    people = _without_removed(people, removed)
    mentee_by_id = {m.id: m for m in people}
    mentor_by_id = {m.id: m for m in guides}
    result = match_cohort(
        people,
        guides,
        config,
        objective=OBJECTIVE,
        locked=[Lock(str(p.mentee_id), str(p.mentor_id)) for p in kept],
    )
    locked_by_mentee = {str(p.mentee_id): p for p in kept}
    for match in result.matches:
        mentee, mentor = mentee_by_id[match.mentee_id], mentor_by_id[match.mentor_id]
        lines = coordinator_lines(
            score_pair(mentee, mentor, config),
            mentee,
            mentor,
            sensitive_values=False,
            who=name_only,
        )
        proposal = locked_by_mentee.get(match.mentee_id)
        if proposal is None:
            Proposal.objects.create(
                run=run,
                mentee_id=int(match.mentee_id),
                mentor_id=int(match.mentor_id),
                score=match.score,
                explanation=lines,
            )
        else:
            proposal.score, proposal.explanation = match.score, lines
            proposal.save(update_fields=["score", "explanation"])
    run.unmatched = [
        {
            "participant": int(u.mentee_id),
            "reason": unmatched_coordinator_line(
                u, mentee_by_id[u.mentee_id], mentor_by_id, who=name_only
            ),
            # What the mentee may read, told to them if the run is published without them.
            "participant_reason": unmatched_participant_line(u),
            **(
                {"removed_mentors": sorted(int(x) for x in removed[u.mentee_id])}
                if u.mentee_id in removed
                else {}
            ),
        }
        for u in result.unmatched
    ]
    run.objective = OBJECTIVE
    run.save(update_fields=["unmatched", "objective"])
    if cohort.status == Cohort.Status.INTAKE:
        Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.MATCHING)
    return run


def _locked_run(cohort: Cohort, run_id, version) -> MatchRun:
    """The cohort's draft run, locked for this change, if the page showed it as it is."""
    run = cohort.match_runs.select_for_update().filter(status=MatchRun.Status.DRAFT).first()
    check_fresh(run, run_id, version)
    return run


@transaction.atomic
def proposal_lock(*, cohort: Cohort, run_id, version, proposal_id: int, locked: bool) -> Proposal:
    """Locks a pair (a re-run keeps it) or unlocks it (a re-run may change it)."""
    run = _locked_run(cohort, run_id, version)
    proposal = run.proposals.filter(pk=proposal_id).select_related("mentee__user").first()
    if proposal is None:
        raise ProgrammeError(STALE)
    proposal.locked = locked
    proposal.save(update_fields=["locked"])
    return proposal


@transaction.atomic
def proposal_remove(*, cohort: Cohort, run_id, version, proposal_id: int) -> Participant:
    """Removes a pair: the mentee becomes unmatched, and a re-run will not pair them with that
    mentor again. Returns the mentee."""
    run = _locked_run(cohort, run_id, version)
    proposal = run.proposals.filter(pk=proposal_id).select_related("mentee__user").first()
    if proposal is None:
        raise ProgrammeError(STALE)
    mentee = proposal.mentee
    previous = [e for e in run.unmatched if e.get("participant") == mentee.pk]
    removed = {m for e in previous for m in e.get("removed_mentors", ())} | {proposal.mentor_id}
    run.unmatched = [e for e in run.unmatched if e.get("participant") != mentee.pk] + [
        {
            "participant": mentee.pk,
            "reason": REMOVED,
            "participant_reason": UNMATCHED_BY_COORDINATOR,
            "removed_mentors": sorted(removed),
        }
    ]
    proposal.delete()
    run.save(update_fields=["unmatched"])
    return mentee


def places_left(mentor: Participant, run: MatchRun | None = None, *, leaving=None) -> int:
    """The mentor's places not held by a current relationship nor proposed in the run
    (`leaving`, a proposal about to move away, does not count)."""
    used = Relationship.objects.current().filter(mentor=mentor).count()
    if run is not None:
        proposed = run.proposals.filter(mentor=mentor)
        if leaving is not None:
            proposed = proposed.exclude(pk=leaving.pk)
        used += proposed.count()
    return mentor.capacity - used


def proposal_assign(**kwargs) -> Proposal:
    """See `_assign`. A pair against a hard rule without a reason is refused with `RuleBreach`
    after the transaction commits, so that the audited read of ethnicity and gender that found
    the breach stays in the audit log, though nothing else changed."""
    with transaction.atomic():
        outcome = _assign(**kwargs)
    if isinstance(outcome, RuleBreach):
        raise outcome
    return outcome


def _assign(
    *,
    cohort: Cohort,
    run_id,
    version,
    mentee_id: int,
    mentor_id: int,
    by=None,
    override_reason: str = "",
    request=None,
) -> Proposal | RuleBreach:
    """Gives a mentee (paired or unmatched) another mentor with a free place: the swap. The
    new pair is locked, since the coordinator chose it. Reads ethnicity and gender for the
    explanation (audited).

    A pair that breaks a hard rule (their mentoring together ended, a line manager, a rule of
    the programme's) is refused unless `override_reason` says why: the `RuleBreach` is
    returned, for `proposal_assign` to raise once the read is committed. With a reason it is
    made, and who overrode which rule, and why, is kept on the pair and in the audit log.
    The returned proposal's `breaches` are the rules it breaks (none for an ordinary swap)."""
    reason = (override_reason or "").strip()
    if len(reason) > REASON_LIMIT:
        raise ProgrammeError(f"Keep the reason to {REASON_LIMIT:,} characters or fewer.")
    run = _locked_run(cohort, run_id, version)
    mentee = next((p for p in _free_mentees(cohort) if p.pk == mentee_id), None)
    mentor = (
        Participant.objects.select_for_update()
        .filter(pk=mentor_id, cohort=cohort, side=Side.MENTOR, status=Participant.Status.READY)
        .select_related("user")
        .first()
    )
    if mentee is None or mentor is None:
        raise ProgrammeError("Choose a mentee and a mentor from this cohort.")
    proposal = run.proposals.filter(mentee=mentee).first()
    if proposal is not None and proposal.mentor_id == mentor.pk:
        raise ProgrammeError(
            f"{mentee.user.full_name} is already paired with {mentor.user.full_name}."
        )
    if places_left(mentor, run, leaving=proposal) <= 0:
        raise ProgrammeError(
            f"{mentor.user.full_name} has no free place (capacity {mentor.capacity}). "
            "Choose another mentor, or remove one of their pairs first."
        )
    config = engine.config_for(cohort.programme)
    (engine_mentee,), (engine_mentor,) = engine.cohort_people(
        [mentee], [mentor], request=request, purpose="matching"
    )
    # Every mentor whose mentoring with her ended, for the explanation's "not matched again".
    gone = engine.ended_pairs([mentee], engine.ready_people(cohort, Side.MENTOR))
    engine_mentee = replace(engine_mentee, ended_with=gone.get(mentee.pk, frozenset()))
    pair = score_pair(engine_mentee, engine_mentor, config)
    if pair.breaches and not reason:
        return RuleBreach(mentee.user.full_name, mentor.user.full_name, pair.breaches)
    lines = coordinator_lines(
        pair, engine_mentee, engine_mentor, sensitive_values=False, who=name_only
    )
    if proposal is None:
        proposal = Proposal(run=run, mentee=mentee)
    proposal.mentor = mentor
    proposal.score = pair.mentee_score + pair.mentor_score
    proposal.explanation = lines
    proposal.locked = True
    proposal.override_reason = reason if pair.breaches else ""
    proposal.overridden_by = by if pair.breaches else None
    proposal.save()
    run.unmatched = [e for e in run.unmatched if e.get("participant") != mentee.pk]
    run.save(update_fields=["unmatched"])
    if pair.breaches:
        record(
            Kind.MATCH_RULE_OVERRIDDEN,
            request=request,
            actor=by,
            organisation=cohort.programme.organisation,
            subject=f"cohort {cohort.pk}",
            run=run.pk,
            mentee=mentee.pk,
            mentor=mentor.pk,
            rules=[b.code for b in pair.breaches],
            reason=reason,
        )
    proposal.breaches = pair.breaches
    return proposal


@transaction.atomic
def matching_publish(*, cohort: Cohort, run_id, version, by, request=None) -> list[Relationship]:
    """Turns every proposal of the draft run into an active relationship, marks the run
    published, moves the cohort to running, and emails each pair. Mentors' rows are locked
    while their places are counted, so a shortlist request arriving at the same moment cannot
    push anyone over capacity. A double publish finds no draft (the stale check) and a mentee
    already in a relationship trips the unique constraint: nothing is created twice."""
    Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
    run = cohort.match_runs.filter(pk=_as_id(run_id)).first()
    if run is not None and run.status == MatchRun.Status.PUBLISHED:
        raise ProgrammeError("These matches have already been published.")
    check_fresh(run if run and run.status == MatchRun.Status.DRAFT else None, run_id, version)
    proposals = list(run.proposals.select_related("mentee__user", "mentor__user"))
    if not proposals:
        raise ProgrammeError("There are no pairs to publish. Run matching first.")
    gone = sorted(
        person.user.full_name
        for p in proposals
        for person in (p.mentee, p.mentor)
        if person.status != Participant.Status.READY
    )
    if gone:
        raise ProgrammeError(
            f"Not published: {', '.join(gone)} {'is' if len(gone) == 1 else 'are'} no longer "
            "taking part. Re-run for the rest, then publish."
        )
    mentors = {
        m.pk: m
        for m in Participant.objects.select_for_update()
        .filter(pk__in={p.mentor_id for p in proposals})
        .order_by("pk")
    }
    full = []
    for mentor in mentors.values():
        wanted = sum(1 for p in proposals if p.mentor_id == mentor.pk)
        if places_left(mentor) < wanted:
            full.append(mentor)
    if full:
        names = ", ".join(sorted({p.mentor.user.full_name for p in proposals if p.mentor in full}))
        raise ProgrammeError(
            f"Not published: these mentors would have more mentees than places: {names}. "
            "Swap or remove pairs, then publish again."
        )
    now = timezone.now()
    made = []
    for proposal in proposals:
        try:
            with transaction.atomic():
                made.append(
                    Relationship.objects.create(
                        cohort=cohort,
                        mentee=proposal.mentee,
                        mentor=proposal.mentor,
                        status=Relationship.Status.ACTIVE,
                        source=Relationship.Source.COORDINATOR,
                        started_at=now,
                    )
                )
        except IntegrityError:
            raise ProgrammeError(
                f"Not published: {proposal.mentee.user.full_name} already has a current mentor "
                "or request. Remove that pair, then publish again."
            ) from None
    run.status = MatchRun.Status.PUBLISHED
    run.published_at = now
    run.save(update_fields=["status", "published_at"])
    Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.RUNNING)
    record(
        Kind.MATCHES_PUBLISHED,
        request=request,
        actor=by,
        organisation=cohort.programme.organisation,
        subject=f"cohort {cohort.pk}",
        run=run.pk,
        pairs=len(made),
    )
    _tell_the_unmatched(run, cohort, made)
    for relationship in made:
        link = relationship_link(relationship)
        for person, other, role in (
            (relationship.mentee, relationship.mentor, "mentor"),
            (relationship.mentor, relationship.mentee, "mentee"),
        ):
            _email_later(
                person.user.email,
                f"You have been matched: {cohort.programme.name}",
                f"Hello {person.user.full_name},\n\n"
                f"You have been matched with your {role}, {other.user.full_name}, in "
                f"{cohort.programme.name} ({cohort.name}).\n\n"
                f"Your next step is to arrange your first conversation and agree how you "
                f"will work together:\n\n{link}\n",
            )
    return made


def unmatched_entry(place: Participant) -> tuple[MatchRun, dict] | None:
    """The cohort's last published run and its entry for this mentee, when she was left
    unmatched by it and has no mentor or request since."""
    run = (
        place.cohort.match_runs.filter(status=MatchRun.Status.PUBLISHED)
        .order_by("-published_at")
        .first()
    )
    if run is None or Relationship.objects.current().filter(mentee=place).exists():
        return None
    entry = next((e for e in run.unmatched or [] if e.get("participant") == place.pk), None)
    return (run, entry) if entry else None


def _tell_the_unmatched(run: MatchRun, cohort: Cohort, made: list[Relationship]) -> None:
    """Emails each mentee the published run left without a mentor: why, in the words she may
    read (never about anyone else), and what happens next."""
    matched = {r.mentee_id for r in made}
    ids = [e.get("participant") for e in run.unmatched or [] if e.get("participant") not in matched]
    places = (
        Participant.objects.filter(pk__in=ids, cohort=cohort, status=Participant.Status.READY)
        .exclude(pk__in=Relationship.objects.current().values("mentee_id"))
        .select_related("user")
    )
    reasons = {e.get("participant"): e.get("participant_reason", "") for e in run.unmatched}
    programme = cohort.programme
    for place in places:
        why = reasons.get(place.pk) or UNMATCHED_BY_COORDINATOR
        _email_later(
            place.user.email,
            f"About matching: {programme.name}",
            f"Hello {place.user.full_name},\n\n"
            f"Matches for {programme.name} ({cohort.name}) have been published.\n\n{why}\n\n"
            f"{NEXT_FOR_THE_UNMATCHED}\n\n"
            f"Your dashboard: {settings.SITE_URL}{reverse('web:dashboard')}\n",
        )


# Shortlists --------------------------------------------------------------------------------


@transaction.atomic
def shortlists_generate(*, cohort: Cohort, by, request=None) -> int:
    """Suggests up to `shortlist_size` mentors to each free mentee, with explanations safe for
    the mentee, and returns how many mentees got suggestions.

    On regeneration: a mentee with a current request (or mentor) is left alone; a suggestion
    that was withdrawn (the mentor declined) stays withdrawn and that mentor is not suggested
    to them again; every other suggestion is replaced by the new list, so it reflects who has
    places now. Reads ethnicity and gender (audited) for matching only: nothing about them
    reaches the mentee's explanation."""
    Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
    programme = cohort.programme
    if programme.matching_mode != MatchingMode.SHORTLIST:
        raise ProgrammeError(
            "This programme's coordinator matches mentors and mentees directly: there are no "
            "shortlists. Change the matching mode in the programme settings first."
        )
    mentees = _free_mentees(cohort)
    mentors = engine.ready_people(cohort, Side.MENTOR)
    if not mentees or not mentors:
        raise ProgrammeError(
            "Shortlists need at least one mentee without a mentor and one mentor whose intake "
            "is complete."
        )
    withdrawn: dict[str, set[str]] = {}
    for mentee_id, mentor_id in ShortlistOffer.objects.filter(
        mentee__in=mentees, withdrawn_at__isnull=False
    ).values_list("mentee_id", "mentor_id"):
        withdrawn.setdefault(str(mentee_id), set()).add(str(mentor_id))
    config = engine.config_for(programme)
    people, guides = engine.cohort_people(mentees, mentors, request=request, purpose="matching")
    people = _without_removed(people, withdrawn)
    mentee_by_id = {m.id: m for m in people}
    mentor_by_id = {m.id: m for m in guides}
    lists = shortlist(people, guides, config, size=max(1, programme.shortlist_size))
    ShortlistOffer.objects.filter(mentee__in=mentees, withdrawn_at__isnull=True).delete()
    told = 0
    place_by_id = {str(p.pk): p for p in mentees}
    for mentee_id, matches in lists.items():
        mentee = mentee_by_id[mentee_id]
        for rank, match in enumerate(matches, start=1):
            mentor = mentor_by_id[match.mentor_id]
            lines = participant_lines(
                score_pair(mentee, mentor, config), mentee, mentor, "mentee", who=name_only
            )
            ShortlistOffer.objects.create(
                mentee_id=int(mentee_id),
                mentor_id=int(match.mentor_id),
                rank=rank,
                explanation=list(lines[1:]),  # the first says "matched with": not yet
            )
        if matches:
            told += 1
            place = place_by_id[mentee_id]
            _email_later(
                place.user.email,
                f"Your mentor suggestions are ready: {programme.name}",
                f"Hello {place.user.full_name},\n\n"
                f"We have suggested up to {programme.shortlist_size} mentors for you in "
                f"{programme.name}. Read why each might suit you and choose one:\n\n"
                f"{settings.SITE_URL}{reverse('programmes:shortlist', args=[place.pk])}\n",
            )
    if cohort.status == Cohort.Status.INTAKE:
        Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.MATCHING)
    return told


def current_request(place: Participant) -> Relationship | None:
    return (
        Relationship.objects.current().filter(mentee=place).select_related("mentor__user").first()
    )


@transaction.atomic
def shortlist_choose(*, place: Participant, offer_id: int, note: str) -> Relationship:
    """The mentee asks a suggested mentor. Locks the mentor's row, then counts their current
    relationships: of two mentees choosing the last place at the same moment, the second
    waits for the first and is then told the mentor is full. Returns the request."""
    offer = (
        ShortlistOffer.objects.filter(pk=offer_id, mentee=place, withdrawn_at__isnull=True)
        .select_related("mentor__user")
        .first()
    )
    if offer is None:
        raise ProgrammeError("That suggestion is no longer available. Choose another mentor.")
    if current_request(place) is not None:
        raise ProgrammeError(
            "You already have a request or a mentor. You can choose again if that mentor declines."
        )
    mentor = Participant.objects.select_for_update().get(pk=offer.mentor_id)
    if mentor.status != Participant.Status.READY:
        raise ProgrammeError("That mentor is no longer taking part. Choose another mentor.")
    if places_left(mentor) <= 0:
        raise ProgrammeError(
            f"{offer.mentor.user.full_name} has no free place now: another mentee has just "
            "taken it. Choose another mentor from your suggestions."
        )
    try:
        with transaction.atomic():
            relationship = Relationship.objects.create(
                cohort=place.cohort,
                mentee=place,
                mentor=mentor,
                status=Relationship.Status.REQUESTED,
                source=Relationship.Source.SHORTLIST,
                mentee_note=note.strip(),
            )
    except IntegrityError:
        raise ProgrammeError(
            "You already have a request or a mentor. You can choose again if that mentor declines."
        ) from None
    _email_later(
        offer.mentor.user.email,
        f"A mentee would like you as their mentor: {place.cohort.programme.name}",
        f"Hello {offer.mentor.user.full_name},\n\n"
        f"{place.user.full_name} has chosen you as their mentor in "
        f"{place.cohort.programme.name}. Please accept, decline, or ask for a conversation "
        f"first:\n\n{settings.SITE_URL}{reverse('programmes:respond', args=[relationship.pk])}\n",
    )
    return relationship


ANSWERS = ("accept", "decline", "conversation")


@transaction.atomic
def relationship_respond(
    *, relationship: Relationship, decision: str, reason: str = "", by, request=None
) -> Relationship:
    """The mentor's answer to a request: accept (the relationship starts), decline (with an
    optional private reason; the mentee goes back to their shortlist without that mentor), or
    a conversation first (then accept or decline). Locks the relationship so two answers
    given at once cannot both apply."""
    relationship = (
        Relationship.objects.select_for_update(of=("self",))
        .select_related("mentee__user", "mentor__user", "cohort__programme__organisation")
        .get(pk=relationship.pk)
    )
    status = relationship.status
    waiting = (Relationship.Status.REQUESTED, Relationship.Status.CONVERSATION)
    if decision not in ANSWERS:
        raise ProgrammeError("Choose whether to accept, decline, or talk first.")
    if status not in waiting:
        raise ProgrammeError(
            f"This request has already been answered: it is now "
            f"{relationship.get_status_display().lower()}."
        )
    if decision == "conversation" and status == Relationship.Status.CONVERSATION:
        raise ProgrammeError("You have already asked for a conversation: now accept or decline.")
    programme = relationship.cohort.programme
    mentee, mentor = relationship.mentee.user, relationship.mentor.user
    now = timezone.now()
    if decision == "accept":
        relationship.status = Relationship.Status.ACTIVE
        relationship.started_at = now
        record(
            Kind.RELATIONSHIP_STARTED,
            request=request,
            actor=by,
            organisation=programme.organisation,
            subject=f"relationship {relationship.pk}",
            source=relationship.source,
        )
        subject = f"{mentor.full_name} has accepted: {programme.name}"
        body = (
            f"{mentor.full_name} has accepted your request and is now your mentor. Your next "
            f"step is to arrange your first conversation:\n\n{relationship_link(relationship)}\n"
        )
    elif decision == "decline":
        relationship.status = Relationship.Status.DECLINED
        relationship.decline_reason = reason.strip()
        ShortlistOffer.objects.filter(
            mentee=relationship.mentee, mentor=relationship.mentor
        ).update(withdrawn_at=now)
        subject = f"About your mentor request: {programme.name}"
        body = (
            f"{mentor.full_name} is not able to take you on this time. This is not a judgement "
            "about you: mentors decline for many reasons, such as time or fit.\n\n"
            "Your other suggestions are waiting for you, and you can choose again:\n\n"
            f"{settings.SITE_URL}{reverse('programmes:shortlist', args=[relationship.mentee_id])}\n"
        )
    else:
        relationship.status = Relationship.Status.CONVERSATION
        subject = f"{mentor.full_name} would like a conversation first: {programme.name}"
        body = (
            f"{mentor.full_name} would like a short conversation with you before deciding. "
            "They will be in touch; your request keeps their place for you meanwhile.\n\n"
            f"{settings.SITE_URL}{reverse('programmes:shortlist', args=[relationship.mentee_id])}\n"
        )
    relationship.version += 1
    relationship.save(update_fields=["status", "started_at", "decline_reason", "version"])
    _email_later(mentee.email, subject, f"Hello {mentee.full_name},\n\n{body}")
    return relationship


@transaction.atomic
def request_withdraw(*, place: Participant, by) -> Relationship:
    """The mentee takes back a request the mentor has not accepted, so they can choose again
    (a mentor who never answers must not hold them forever). The mentor is told kindly; the
    suggestion stays on the mentee's list."""
    relationship = (
        Relationship.objects.select_for_update(of=("self",))
        .select_related("mentee__user", "mentor__user", "cohort__programme")
        .filter(
            mentee=place,
            status__in=(Relationship.Status.REQUESTED, Relationship.Status.CONVERSATION),
        )
        .first()
    )
    if relationship is None:
        raise ProgrammeError(
            "You have no request waiting for an answer, so there is nothing to withdraw."
        )
    relationship.status = Relationship.Status.WITHDRAWN
    relationship.ended_at = timezone.now()
    relationship.ended_by = by
    relationship.version += 1
    relationship.save(update_fields=["status", "ended_at", "ended_by", "version"])
    mentor, mentee = relationship.mentor.user, relationship.mentee.user
    _email_later(
        mentor.email,
        f"A request has been withdrawn: {relationship.cohort.programme.name}",
        f"Hello {mentor.full_name},\n\n{mentee.full_name} has withdrawn their request for you "
        "to be their mentor, so there is nothing for you to answer. Thank you for your time.\n",
    )
    return relationship


def pending_requests(user):
    """The signed-in mentor's requests awaiting their answer, oldest first."""
    return (
        Relationship.objects.filter(
            mentor__user=user,
            status__in=(Relationship.Status.REQUESTED, Relationship.Status.CONVERSATION),
        )
        .select_related("mentee__user", "cohort__programme")
        .order_by("created_at")
    )
