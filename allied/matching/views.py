"""Matching pages: the coordinator's draft run and shortlists, the mentee's suggestions, and
the mentor's answer to a request. Each view checks access, validates with a form, and calls
one action in `allied.matching.actions`; a refusal becomes a message."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from allied.base.search import search_text
from allied.core.matching import vocabulary as v
from allied.core.matching.explain import points
from allied.core.matching.scoring import ENDED_BEFORE
from allied.core.matching.vocabulary import label
from allied.matching import actions
from allied.matching.forms import (
    AssignForm,
    ChooseForm,
    LockForm,
    RespondForm,
    RunStateForm,
)
from allied.programmes import access
from allied.programmes.access import cohort_for
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import (
    Cohort,
    MatchingMode,
    MatchRun,
    Participant,
    Relationship,
    ShortlistOffer,
    Side,
)


def first_error(form) -> str:
    for errors in [form.non_field_errors(), *(f.errors for f in form)]:
        if errors:
            return errors[0]
    return "Check the form and try again."


def mentor_label(mentor: Participant, free: int) -> str:
    what = ", ".join(x for x in (mentor.get_profession_display(), mentor.get_band_display()) if x)
    places = "no free place" if free <= 0 else f"{free} free place{'s' if free != 1 else ''}"
    return f"{mentor.user.full_name}{f' ({what})' if what else ''}: {places}"


PAGE_SIZE = 25


def _places_used(cohort: Cohort, run) -> dict[int, int]:
    """Mentor id → places held by current relationships and proposed in the draft (two
    queries, whatever the cohort's size)."""
    used: dict[int, int] = {}
    mentor_ids = Relationship.objects.current().filter(cohort=cohort).values_list("mentor_id")
    drafted = run.proposals.values_list("mentor_id") if run is not None else []
    for (mentor_id,) in [*mentor_ids, *drafted]:
        used[mentor_id] = used.get(mentor_id, 0) + 1
    return used


# How the proposed pairs can be put in order (label, ordering), and which can be shown
# (label, words for the count, filter). Anything else in the query is the first of each.
PAIR_ORDERS = {
    "mentee": ("Mentee's name", ("mentee__user__full_name", "pk")),
    "score": ("Score, lowest first", ("score", "mentee__user__full_name", "pk")),
    "mentor": ("Mentor's name", ("mentor__user__full_name", "mentee__user__full_name", "pk")),
}
PAIR_FILTERS = {
    "all": ("Every pair", "", Q()),
    "unlocked": ("Pairs not locked", "not locked", Q(locked=False)),
    "locked": ("Locked pairs", "locked", Q(locked=True)),
    "overridden": (
        "Pairs made against a hard rule",
        "made against a hard rule",
        ~Q(override_reason=""),
    ),
}


def _chosen(request, name: str, choices: dict) -> str:
    value = request.GET.get(name)
    return value if value in choices else next(iter(choices))


def _paged(request, items, param: str, size: int = PAGE_SIZE):
    """A page of `items` by the query's `param`, with links to the pages before and after
    that keep everything else the page was asked for (the search, the order, the other lists'
    pages)."""
    page = Paginator(items, size).get_page(request.GET.get(param))

    def link(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return "?" + query.urlencode()

    page.previous_link = link(page.previous_page_number()) if page.has_previous() else ""
    page.next_link = link(page.next_page_number()) if page.has_next() else ""
    return page


def _matching_context(request, cohort: Cohort) -> dict:
    """The draft at any size: a summary of the whole, then the pairs, the unmatched and the
    mentors with free places a page at a time, with a search by name. A swap chooses its mentor
    on a page of its own (`matching_choose`), not from a list of every mentor on every card."""
    run = actions.draft_run(cohort)
    version = actions.run_version(run)
    query = search_text(request)
    mentors = Participant.objects.filter(
        cohort=cohort, side=Side.MENTOR, status=Participant.Status.READY
    ).select_related("user")
    used = _places_used(cohort, run)
    pairs = Paginator([], PAGE_SIZE).get_page(1)
    left = Paginator([], PAGE_SIZE).get_page(1)
    order = _chosen(request, "sort", PAIR_ORDERS)
    show = _chosen(request, "show", PAIR_FILTERS)
    summary = {"pairs": 0, "unmatched": 0, "overridden": 0}
    if run is not None:
        proposals = run.proposals.select_related("mentee__user", "mentor__user", "overridden_by")
        summary["pairs"] = run.proposals.count()
        summary["overridden"] = run.proposals.exclude(override_reason="").count()
        summary["unmatched"] = len(run.unmatched)
        if query:
            proposals = proposals.filter(
                Q(mentee__user__full_name__icontains=query)
                | Q(mentor__user__full_name__icontains=query)
            )
        proposals = proposals.filter(PAIR_FILTERS[show][2]).order_by(*PAIR_ORDERS[order][1])
        pairs = _paged(request, proposals, "pairs")
        for p in pairs:
            p.points = points(p.score)
        people = Participant.objects.filter(
            pk__in=[e.get("participant") for e in run.unmatched]
        ).select_related("user")
        if query:
            people = people.filter(user__full_name__icontains=query)
        by_pk = {p.pk: p for p in people}
        unmatched = [
            {"mentee": by_pk[e["participant"]], "reason": e.get("reason", "")}
            for e in run.unmatched
            if e.get("participant") in by_pk
        ]
        left = _paged(request, unmatched, "unmatched")
    free = [m for m in mentors.order_by("user__full_name") if m.capacity > used.get(m.pk, 0)]
    for mentor in free:
        mentor.free = mentor.capacity - used.get(mentor.pk, 0)
    summary["mentors"] = mentors.count()
    summary["mentors_free"] = len(free)
    summary["places_free"] = sum(m.free for m in free)
    context = {
        "cohort": cohort,
        "programme": cohort.programme,
        "run": run,
        "state": {"run": run.pk if run else "", "version": version},
        "query": query,
        "order": order,
        "orders": [(key, text) for key, (text, _) in PAIR_ORDERS.items()],
        "show": show,
        "show_words": PAIR_FILTERS[show][1],
        "filters": [(key, text) for key, (text, _, _) in PAIR_FILTERS.items()],
        "summary": summary,
        "pairs": pairs,
        "unmatched": left,
        "free_mentors": _paged(request, free, "free"),
        "not_ready": cohort.participants.exclude(status=Participant.Status.READY)
        .exclude(status=Participant.Status.WITHDRAWN)
        .count(),
        "published": cohort.match_runs.filter(status=MatchRun.Status.PUBLISHED).first(),
        "shortlist_mode": cohort.programme.matching_mode == MatchingMode.SHORTLIST,
    }
    if context["shortlist_mode"]:
        context["requests"] = (
            Relationship.objects.filter(cohort=cohort, source=Relationship.Source.SHORTLIST)
            .select_related("mentee__user", "mentor__user")
            .order_by("mentee__user__full_name", "-created_at")
        )
        context["offered"] = (
            ShortlistOffer.objects.filter(mentee__cohort=cohort, withdrawn_at__isnull=True)
            .values("mentee")
            .distinct()
            .count()
        )
    return context


@login_required
@require_GET
def matching_choose(request, pk: int, mentee_id: int):
    """A page of its own for choosing a mentee's (new) mentor: mentors with a free place, by
    name, a page at a time; those whose mentoring with her ended say so before anyone chooses."""
    cohort = cohort_for(request, pk)
    mentee = get_object_or_404(
        Participant.objects.select_related("user"), pk=mentee_id, cohort=cohort, side=Side.MENTEE
    )
    run = actions.draft_run(cohort)
    query = search_text(request)
    current = run.proposals.filter(mentee=mentee).first() if run is not None else None
    used = _places_used(cohort, run)
    if current is not None:
        used[current.mentor_id] -= 1  # her own place moves with her
    mentors = Participant.objects.filter(
        cohort=cohort, side=Side.MENTOR, status=Participant.Status.READY
    ).select_related("user")
    if query:
        mentors = mentors.filter(user__full_name__icontains=query)
    if current is not None:
        mentors = mentors.exclude(pk=current.mentor_id)
    free = [m for m in mentors.order_by("user__full_name") if m.capacity > used.get(m.pk, 0)]
    page = _paged(request, free, "page", 20)
    ended = actions.engine.ended_pairs([mentee], list(page))
    for mentor in page:
        mentor.label = mentor_label(mentor, mentor.capacity - used.get(mentor.pk, 0))
        mentor.ended = str(mentor.pk) in ended.get(mentee.pk, frozenset())
    return render(
        request,
        "matching/choose.html",
        {
            "cohort": cohort,
            "programme": cohort.programme,
            "run": run,
            "state": {"run": run.pk if run else "", "version": actions.run_version(run)},
            "mentee": mentee,
            "current": current,
            "has_mentor": Relationship.objects.current().filter(mentee=mentee).exists(),
            "query": query,
            "page": page,
            "ended_words": ENDED_BEFORE,
        },
    )


@login_required
@require_GET
def matching(request, pk: int):
    cohort = cohort_for(request, pk)
    return render(request, "matching/cohort.html", _matching_context(request, cohort))


# What of the matching page's query a form carries back after a change (its `back` field),
# so that the coordinator returns to the same search, filter, order and pages.
KEPT = ("q", "show", "sort", "pairs", "unmatched", "free")


def _back(pk: int, request=None):
    url = reverse("programmes:matching", args=[pk])
    if request is not None:
        asked = QueryDict(request.POST.get("back", "")[:1000])
        kept = {key: asked[key][:100] for key in KEPT if asked.get(key)}
        if kept:
            url += "?" + urlencode(kept)
    return redirect(url)


@login_required
@require_POST
def matching_run(request, pk: int):
    cohort = cohort_for(request, pk)
    try:
        run = actions.matching_run(cohort=cohort, by=request.user, request=request)
    except ProgrammeError as error:
        messages.error(request, str(error))
        return _back(pk, request)
    pairs, left = run.proposals.count(), len(run.unmatched)
    messages.success(
        request,
        f"Matching has run: {pairs} pair{'s' if pairs != 1 else ''} proposed, "
        f"{left} mentee{'s' if left != 1 else ''} unmatched. Nothing is published yet.",
    )
    return _back(pk, request)


@login_required
@require_POST
def matching_lock(request, pk: int, proposal_id: int):
    cohort = cohort_for(request, pk)
    form = LockForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _back(pk, request)
    try:
        proposal = actions.proposal_lock(
            cohort=cohort,
            run_id=form.cleaned_data["run"],
            version=form.cleaned_data["version"],
            proposal_id=proposal_id,
            locked=form.cleaned_data["locked"],
        )
    except ProgrammeError as error:
        messages.error(request, str(error))
        return _back(pk, request)
    name = proposal.mentee.user.full_name
    messages.success(
        request,
        f"The pair for {name} is locked: re-running keeps it."
        if proposal.locked
        else f"The pair for {name} is unlocked: re-running may change it.",
    )
    return _back(pk, request)


@login_required
@require_POST
def matching_remove(request, pk: int, proposal_id: int):
    cohort = cohort_for(request, pk)
    form = RunStateForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _back(pk, request)
    try:
        mentee = actions.proposal_remove(
            cohort=cohort,
            run_id=form.cleaned_data["run"],
            version=form.cleaned_data["version"],
            proposal_id=proposal_id,
        )
    except ProgrammeError as error:
        messages.error(request, str(error))
        return _back(pk, request)
    messages.success(request, f"{mentee.user.full_name} is now unmatched.")
    return _back(pk, request)


@login_required
@require_POST
def matching_assign(request, pk: int):
    cohort = cohort_for(request, pk)
    mentors = actions.engine.ready_people(cohort, Side.MENTOR)
    form = AssignForm(request.POST, mentors=[(m, m.user.full_name) for m in mentors])
    if not form.is_valid():
        messages.error(request, first_error(form))
        mentee = form.cleaned_data.get("mentee")
        return redirect("programmes:matching_choose", pk, mentee) if mentee else _back(pk, request)
    data = form.cleaned_data
    confirming = request.POST.get("confirming") == "yes"
    try:
        proposal = actions.proposal_assign(
            cohort=cohort,
            run_id=data["run"],
            version=data["version"],
            mentee_id=data["mentee"],
            mentor_id=data["mentor"],
            by=request.user,
            override_reason=data["override_reason"],
            request=request,
        )
    except actions.RuleBreach as breach:
        # Warned before anything changes: the rules it breaks, and a reason to make it anyway.
        if confirming:
            form.add_error("override_reason", "Say why you are pairing them anyway.")
        people = {
            p.pk: p
            for p in Participant.objects.filter(
                cohort=cohort, pk__in=[data["mentee"], data["mentor"]]
            ).select_related("user")
        }
        return render(
            request,
            "matching/override.html",
            {
                "cohort": cohort,
                "programme": cohort.programme,
                "form": form,
                "breaches": breach.breaches,
                "mentee": people[data["mentee"]],
                "mentor": people[data["mentor"]],
            },
        )
    except ProgrammeError as error:
        messages.error(request, str(error))
        return _back(pk, request)
    pair = f"{proposal.mentee.user.full_name} is now paired with {proposal.mentor.user.full_name}"
    if proposal.breaches:
        rules = "; ".join(b.text for b in proposal.breaches)
        messages.warning(
            request,
            f"{pair} (locked), overriding a hard rule: {rules}. Your reason is recorded: "
            f"{proposal.override_reason}",
        )
    else:
        messages.success(request, f"{pair} (locked).")
    return _back(pk, request)


@login_required
@require_POST
def matching_publish(request, pk: int):
    cohort = cohort_for(request, pk)
    form = RunStateForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _back(pk, request)
    try:
        made = actions.matching_publish(
            cohort=cohort,
            run_id=form.cleaned_data["run"],
            version=form.cleaned_data["version"],
            by=request.user,
            request=request,
        )
    except ProgrammeError as error:
        messages.error(request, str(error))
        return _back(pk, request)
    messages.success(
        request,
        f"Published: {len(made)} mentoring relationship{'s' if len(made) != 1 else ''} "
        "started. Everyone matched has been emailed, and anyone left unmatched has been "
        "told why and what happens next.",
    )
    return _back(pk, request)


@login_required
@require_POST
def shortlists_generate(request, pk: int):
    cohort = cohort_for(request, pk)
    try:
        told = actions.shortlists_generate(cohort=cohort, by=request.user, request=request)
    except ProgrammeError as error:
        messages.error(request, str(error))
        return _back(pk, request)
    messages.success(
        request,
        f"Suggestions are ready for {told} mentee{'s' if told != 1 else ''}; each has been "
        "emailed.",
    )
    return _back(pk, request)


# The mentee's suggestions ------------------------------------------------------------------


def mentee_place(request, pk: int) -> Participant:
    place = access.place_for(request, pk)
    if place.side != Side.MENTEE:
        raise Http404
    return place


def _shortlist_context(place: Participant, failed: tuple[int, ChooseForm] | None = None) -> dict:
    """What the mentee sees: their suggestions with a form each, the state of their request,
    and, after a decline, a kind word. Never the decline reason."""
    offers = list(
        ShortlistOffer.objects.filter(mentee=place)
        .select_related("mentor__user")
        .order_by("withdrawn_at", "rank")
    )
    for offer in offers:
        offer.topics = [label(v.SUPPORT_TOPICS, t) for t in offer.mentor.offers]
        offer.form = (
            failed[1]
            if failed and failed[0] == offer.pk
            else ChooseForm(auto_id=f"offer-{offer.pk}-%s")
        )
    latest = (
        Relationship.objects.filter(mentee=place)
        .select_related("mentor__user")
        .order_by("-created_at")
        .first()
    )
    current = actions.current_request(place)
    return {
        "place": place,
        "programme": place.cohort.programme,
        "offers": [o for o in offers if o.withdrawn_at is None],
        "withdrawn": [o for o in offers if o.withdrawn_at is not None],
        "current": current,
        "relationship_url": actions.relationship_link(current).removeprefix(settings.SITE_URL)
        if current
        else "",
        "declined_by": latest.mentor.user.full_name
        if latest and latest.status == Relationship.Status.DECLINED
        else "",
        "form": failed[1] if failed else None,
        "generated": ShortlistOffer.objects.filter(mentee__cohort_id=place.cohort_id).exists(),
    }


@login_required
@require_GET
def shortlist(request, pk: int):
    place = mentee_place(request, pk)
    return render(request, "matching/shortlist.html", _shortlist_context(place))


@login_required
@require_POST
def shortlist_choose(request, pk: int, offer_id: int):
    place = mentee_place(request, pk)
    offer = get_object_or_404(
        ShortlistOffer.objects.select_related("mentor__user"), pk=offer_id, mentee=place
    )
    form = ChooseForm(request.POST, auto_id=f"offer-{offer.pk}-%s")
    if not form.is_valid():
        context = _shortlist_context(place, failed=(offer.pk, form))
        return render(request, "matching/shortlist.html", context)
    try:
        actions.shortlist_choose(place=place, offer_id=offer.pk, note=form.cleaned_data["note"])
    except ProgrammeError as error:
        messages.error(request, str(error))
        return redirect("programmes:shortlist", pk)
    messages.success(
        request,
        f"Your request has gone to {offer.mentor.user.full_name}. We will email you when they "
        "answer.",
    )
    return redirect("programmes:shortlist", pk)


# The mentor's answer -----------------------------------------------------------------------


@login_required
@require_POST
def shortlist_withdraw(request, pk: int):
    """The mentee takes back their waiting request, to choose again."""
    place = mentee_place(request, pk)
    try:
        relationship = actions.request_withdraw(place=place, by=request.user)
    except ProgrammeError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"Your request to {relationship.mentor.user.full_name} has been withdrawn. "
            "You can choose a mentor again.",
        )
    return redirect("programmes:shortlist", place.pk)


@login_required
@require_http_methods(["GET", "POST"])
def respond(request, pk: int):
    relationship = access.relationship_for(request, pk, access.MENTOR)
    talked = relationship.status == Relationship.Status.CONVERSATION
    form = RespondForm(request.POST or None, talked=talked)
    if request.method == "POST" and form.is_valid():
        try:
            done = actions.relationship_respond(
                relationship=relationship,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                by=request.user,
                request=request,
            )
        except ProgrammeError as error:
            messages.error(request, str(error))
            return redirect("programmes:respond", pk)
        name = done.mentee.user.full_name
        messages.success(
            request,
            {
                Relationship.Status.ACTIVE: f"You are now {name}'s mentor. We have told them.",
                Relationship.Status.DECLINED: f"You have declined. We have told {name} kindly; "
                "your reason stays private.",
                Relationship.Status.CONVERSATION: f"We have told {name} you would like a "
                "conversation first. Come back here to accept or decline.",
            }[done.status],
        )
        return redirect("programmes:requests")
    return render(
        request,
        "matching/respond.html",
        {
            "relationship": relationship,
            "programme": relationship.cohort.programme,
            "form": form,
            "waiting": relationship.status
            in (Relationship.Status.REQUESTED, Relationship.Status.CONVERSATION),
        },
    )


@login_required
@require_GET
def requests(request):
    """The signed-in mentor's requests waiting for an answer, across every programme."""
    return render(
        request,
        "matching/requests.html",
        {"pending": actions.pending_requests(request.user)},
    )
