"""Data rights pages.

A signed-in person opens their own data page, downloads a copy of everything held about
them (JSON, or a readable document to print), and asks for erasure. An organisation admin
does the same on behalf of a member of their organisation (`member_of`: anyone else is a
404) and carries out erasure after a typed confirmation. A programme's coordinators and
admins set its retention period (`programme_for`).
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from allied.accounts.access import member_of, organisation_for
from allied.accounts.models import Role, User
from allied.programmes.access import programme_for
from allied.rights import actions
from allied.rights.forms import EraseForm, ErasureRequestForm, RetentionForm
from allied.rights.models import Erasure, ErasureRequest, RetentionPolicy

FORMATS = ("json", "html")


def _open_request(user):
    return ErasureRequest.objects.filter(user=user, status=ErasureRequest.Status.OPEN).first()


@login_required
def your_data(request):
    """The person's own data page: what is held, the downloads, and erasure."""
    return render(request, "rights/your_data.html", {"open_request": _open_request(request.user)})


@login_required
def download(request, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    copy = actions.subject_access(person=request.user, by=request.user, request=request, fmt=fmt)
    return _file(copy, fmt, "your-data")


@login_required
@require_http_methods(["GET", "POST"])
def erasure_request(request):
    """The person asks for erasure; an organisation admin carries it out."""
    form = ErasureRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        actions.erasure_request_make(user=request.user, request=request)
        messages.success(
            request,
            "Your request has been sent to your organisation's admins. They will erase your "
            "data within one month and tell you when it is done.",
        )
        return redirect("rights:your_data")
    return render(
        request,
        "rights/erasure_request.html",
        {"form": form, "open_request": _open_request(request.user)},
    )


@login_required
@require_POST
def erasure_request_withdraw(request):
    if actions.erasure_request_withdraw(user=request.user):
        messages.success(request, "Your request for erasure has been withdrawn.")
    return redirect("rights:your_data")


@login_required
def organisation(request, org: str):
    """The admin's data rights page: open erasure requests, members, recent erasures."""
    organisation = organisation_for(request, org, Role.ORG_ADMIN)
    members = User.objects.filter(memberships__organisation=organisation).distinct()
    return render(
        request,
        "rights/organisation.html",
        {
            "organisation": organisation,
            "requests": ErasureRequest.objects.filter(
                status=ErasureRequest.Status.OPEN, user__in=members
            ).select_related("user"),
            "members": members.order_by("full_name", "email"),
            "erasures": Erasure.objects.filter(
                organisation=organisation, scope=Erasure.Scope.PERSON
            )[:20],
        },
    )


@login_required
def person(request, org: str, user_id: int):
    organisation = organisation_for(request, org, Role.ORG_ADMIN)
    member = member_of(organisation, user_id)
    return render(
        request,
        "rights/person.html",
        {"organisation": organisation, "person": member, "open_request": _open_request(member)},
    )


@login_required
def person_download(request, org: str, user_id: int, fmt: str):
    organisation = organisation_for(request, org, Role.ORG_ADMIN)
    member = member_of(organisation, user_id)
    if fmt not in FORMATS:
        raise Http404
    copy = actions.subject_access(
        person=member, by=request.user, request=request, organisation=organisation, fmt=fmt
    )
    return _file(copy, fmt, f"personal-data-{member.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def person_erase(request, org: str, user_id: int):
    """What erasing the person will do, then the typed confirmation."""
    organisation = organisation_for(request, org, Role.ORG_ADMIN)
    member = member_of(organisation, user_id)
    refusal = actions.erasure_refusal(member, by=request.user)
    form = EraseForm(request.POST if request.method == "POST" else None, email=member.email)
    if request.method == "POST" and refusal is None and form.is_valid():
        erasure = actions.person_erase(
            user=member, by=request.user, organisation=organisation, request=request
        )
        messages.success(request, "The person's data has been erased.")
        return redirect("rights:erasure", organisation.slug, erasure.pk)
    return render(
        request,
        "rights/person_erase.html",
        {
            "organisation": organisation,
            "person": member,
            "form": form,
            "refusal": refusal,
            "preview": actions.erasure_preview(member),
            "other_organisations": member.memberships.exclude(organisation=organisation)
            .values("organisation")
            .distinct()
            .count(),
        },
    )


@login_required
def erasure(request, org: str, pk: int):
    """The record of an erasure: what changed, and what was retained and why."""
    organisation = organisation_for(request, org, Role.ORG_ADMIN)
    found = Erasure.objects.filter(organisation=organisation, pk=pk).first()
    if found is None:
        raise Http404
    return render(
        request,
        "rights/erasure.html",
        {
            "organisation": organisation,
            "erasure": found,
            "lines": actions.erasure_lines(found.counts),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def retention(request, pk: int):
    """A programme's retention period, for its coordinators and admins. A period that has
    already passed erases places at the next tick, so it is saved only once the coordinator
    has confirmed how many places will go."""
    programme = programme_for(request, pk, "coordinator", "admin")
    policy = RetentionPolicy.objects.filter(programme=programme).first()
    current = policy.months if policy else None
    initial = {"months": current}
    form = RetentionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        months = form.cleaned_data["months"]
        due = _erased_at_next_tick(programme, months) if months != current else 0
        if due:
            form = RetentionForm(request.POST, initial=initial, due=due)
        if not due or form.is_valid():
            actions.retention_set(
                programme=programme, months=months, by=request.user, request=request
            )
            messages.success(
                request,
                "Personal data will be kept until someone asks for it to be erased."
                if months is None
                else f"Personal data will be erased {months} months after the last cohort ends.",
            )
            return redirect("rights:retention", programme.pk)
    return render(
        request,
        "rights/retention.html",
        {
            "programme": programme,
            "form": form,
            "months": current,
            "ends_on": actions.retention_ends_on(programme, current),
            "today": timezone.localdate(),
            "due": _erased_at_next_tick(programme, current),
        },
    )


def _erased_at_next_tick(programme, months: int | None) -> int:
    """Returns how many places the next run of retention would erase with this period."""
    if months is None or actions.programme_live(programme, months, timezone.localdate()):
        return 0
    return actions.places_due(programme)


def _file(copy: dict, fmt: str, stem: str) -> HttpResponse:
    day = timezone.localdate().isoformat()
    if fmt == "json":
        body = json.dumps(copy, indent=2, ensure_ascii=False, default=str)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        body = render_to_string("rights/document.html", {"copy": copy, **readable(copy)})
        response = HttpResponse(body, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="allied-{stem}-{day}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


def readable(copy: dict) -> dict:
    """Returns the copy shaped for the readable document: each section's rows as lists of
    (label, text) pairs."""
    sections = []
    for section in copy["sections"]:
        rows = [
            [(label, _text(row.get(name))) for name, label in section["columns"]]
            for row in section["rows"]
        ]
        sections.append({"title": section["title"], "rows": rows})
    return {
        "readable_sections": sections,
        "equality": [[(k, _text(v)) for k, v in e.items()] for e in copy["equality_monitoring"]],
        "concerns": [[(k, _text(v)) for k, v in c.items()] for c in copy["concerns_you_raised"]],
    }


def _text(value) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
