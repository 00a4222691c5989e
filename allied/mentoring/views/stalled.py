"""The coordinator's view of who in a cohort is stalled where, and reminding them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from allied.mentoring import stalled as stalls
from allied.programmes.access import cohort_for


@login_required
@require_http_methods(["GET", "POST"])
def cohort_stalled(request, pk: int):
    cohort = cohort_for(request, pk)
    if request.method == "POST":
        keys = [key[:60] for key in request.POST.getlist("stall")[:2000]]
        if not keys:
            messages.error(request, "Choose at least one person to remind.")
            return redirect("programmes:cohort_stalled", pk)
        sent, skipped = stalls.remind_now(
            cohort=cohort, keys=keys, by=request.user, request=request
        )
        text = f"{sent} reminder{'s' if sent != 1 else ''} sent."
        if skipped:
            text += (
                f" {skipped} left out: reminded in the last day, or no longer waiting at that step."
            )
        messages.success(request, text)
        return redirect("programmes:cohort_stalled", pk)
    found = stalls.stalled(cohort)
    steps = [
        (step, label, [s for s in found if s.step == step]) for step, label in stalls.STEPS.items()
    ]
    return render(
        request,
        "mentoring/stalled/cohort.html",
        {"cohort": cohort, "programme": cohort.programme, "steps": steps, "count": len(found)},
    )
