"""Career progression outcomes: the participant's own list, where they record, change and
withdraw outcomes (fetched through `access.place_for`, so only the place's owner opens them);
and the coordinator's queue, where outcomes are confirmed or not (through
`access.programme_for` with the coordinator or admin role). The queue names people: it is an
operational list for the programme's coordinators alone, not a statistic.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from allied.base.submissions import key_from, with_submission
from allied.mentoring import outcomes as actions
from allied.mentoring.forms import outcomes as forms
from allied.programmes import access
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import CareerOutcome

# How many decided outcomes the coordinator's page lists below the queue.
RECENTLY_DECIDED = 25


def _posted(request):
    """Returns the posted data for a POST (even an empty one, so it shows its errors)."""
    return request.POST if request.method == "POST" else None


def _own_outcome(request, pk: int, outcome_id: int):
    """Returns (place, outcome) for the person's own place; 404 for anything else."""
    place = access.place_for(request, pk)
    outcome = place.outcomes.filter(pk=outcome_id).first()
    if outcome is None:
        raise Http404
    outcome.participant = place
    return place, outcome


@login_required
def outcomes(request, pk: int):
    """The participant's outcomes in this place, newest first, with the coordinator's
    decisions."""
    place = access.place_for(request, pk)
    return render(
        request,
        "mentoring/outcomes/list.html",
        {
            "place": place,
            "programme": place.cohort.programme,
            "outcomes": place.outcomes.all(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcome_new(request, pk: int):
    place = access.place_for(request, pk)
    form = forms.OutcomeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            _, made = actions.outcome_record(
                place=place,
                by=request.user,
                key=key_from(request.POST),
                request=request,
                **form.cleaned_data,
            )
        except ProgrammeError as error:
            form.add_error(None, str(error))
        else:
            if made:
                messages.success(
                    request, "Your outcome has been recorded. Your coordinator will confirm it."
                )
            return redirect("programmes:outcomes", place.pk)
    context = {"place": place, "programme": place.cohort.programme, "form": form}
    return render(
        request, "mentoring/outcomes/form.html", with_submission(context, _posted(request))
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcome_edit(request, pk: int, outcome_id: int):
    place, outcome = _own_outcome(request, pk, outcome_id)
    if outcome.status != CareerOutcome.Status.PENDING:
        messages.info(request, actions.DECIDED)
        return redirect("programmes:outcomes", place.pk)
    if request.method == "POST":
        form = forms.OutcomeForm(request.POST)
    else:
        form = forms.OutcomeForm(initial=forms.OutcomeForm.initial_from(outcome))
    if request.method == "POST" and form.is_valid():
        try:
            _, changed = actions.outcome_change(
                outcome=outcome, by=request.user, request=request, **form.cleaned_data
            )
        except ProgrammeError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, "Your outcome has been changed." if changed else "Nothing was changed."
            )
        return redirect("programmes:outcomes", place.pk)
    context = {
        "place": place,
        "programme": place.cohort.programme,
        "form": form,
        "outcome": outcome,
    }
    return render(request, "mentoring/outcomes/form.html", context)


@login_required
@require_POST
def outcome_withdraw(request, pk: int, outcome_id: int):
    """Withdraws a pending outcome. Sent twice, the second finds nothing left to withdraw."""
    place = access.place_for(request, pk)
    outcome = place.outcomes.filter(pk=outcome_id).first()
    if outcome is None:
        messages.info(request, "That outcome has already been withdrawn.")
        return redirect("programmes:outcomes", place.pk)
    try:
        actions.outcome_withdraw(outcome=outcome, by=request.user, request=request)
    except ProgrammeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Your outcome has been withdrawn.")
    return redirect("programmes:outcomes", place.pk)


@login_required
def outcomes_queue(request, pk: int):
    """The coordinator's queue: outcomes waiting for a decision, oldest first, and the most
    recent decisions."""
    programme = access.programme_for(request, pk, *access.RUNS)
    in_programme = CareerOutcome.objects.filter(
        participant__cohort__programme=programme
    ).select_related("participant__user", "participant__cohort", "decided_by")
    return render(
        request,
        "mentoring/outcomes/queue.html",
        {
            "programme": programme,
            "pending": in_programme.filter(status=CareerOutcome.Status.PENDING).order_by(
                "recorded_at", "pk"
            ),
            "decided": in_programme.exclude(status=CareerOutcome.Status.PENDING).order_by(
                "-decided_at", "-pk"
            )[:RECENTLY_DECIDED],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcome_decide(request, pk: int):
    """One outcome, with the coordinator's decision form while it is pending."""
    outcome = (
        CareerOutcome.objects.filter(pk=pk)
        .select_related("participant__user", "participant__cohort", "decided_by")
        .first()
    )
    if outcome is None:
        raise Http404
    programme = access.programme_for(request, outcome.participant.cohort.programme_id, *access.RUNS)
    form = forms.DecisionForm(
        _posted(request), initial={"seen": actions.outcome_fingerprint(outcome)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            outcome, decided = actions.outcome_decide(
                outcome=outcome,
                by=request.user,
                confirmed=form.cleaned_data["decision"] == "confirmed",
                note=form.cleaned_data["note"],
                seen=form.cleaned_data["seen"] or None,
                request=request,
            )
        except ProgrammeError as error:
            messages.error(request, str(error))
            if CareerOutcome.objects.filter(pk=pk).exists():
                return redirect("programmes:outcome_decide", pk)
            return redirect("programmes:outcomes_queue", programme.pk)
        name = outcome.participant.user.full_name or "The participant"
        if decided:
            messages.success(
                request,
                f"{name}\u2019s outcome is now {outcome.get_status_display().lower()}.",
            )
        else:
            messages.info(
                request,
                f"This outcome had already been decided: "
                f"{outcome.get_status_display().lower()}. Nothing was changed.",
            )
        return redirect("programmes:outcomes_queue", programme.pk)
    return render(
        request,
        "mentoring/outcomes/decide.html",
        {"programme": programme, "outcome": outcome, "form": form},
    )
