"""Leaving a programme: the participant's own page, and the coordinator's button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from allied.mentoring.leaving import participant_withdraw
from allied.programmes import access
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import Relationship


@login_required
@require_http_methods(["GET", "POST"])
def place_leave(request, pk: int):
    """The person's own "leave this programme", with what it will do, then done."""
    place = access.place_for(request, pk)
    if request.method == "POST":
        try:
            participant_withdraw(place=place, by=request.user, request=request)
        except ProgrammeError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"You have left {place.cohort.programme.name}. Thank you for taking part.",
            )
            return redirect("web:dashboard")
    field = "mentee" if place.side == "mentee" else "mentor"
    current = (
        Relationship.objects.current()
        .filter(**{field: place})
        .select_related("mentee__user", "mentor__user")
        .first()
    )
    return render(
        request,
        "mentoring/leaving/leave.html",
        {"place": place, "programme": place.cohort.programme, "current": current},
    )


@login_required
@require_POST
def person_withdraw(request, pk: int, participant_id: int):
    """The coordinator withdraws someone from the cohort (they asked, or they have left)."""
    cohort = access.cohort_for(request, pk)
    place = cohort.participants.filter(pk=participant_id).select_related("user").first()
    if place is None:
        raise Http404
    try:
        participant_withdraw(place=place, by=request.user, request=request)
    except ProgrammeError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"{place.user.full_name or place.user.email} has been withdrawn from {cohort.name}.",
        )
    return redirect("programmes:cohort", cohort.pk)
