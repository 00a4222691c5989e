"""The audit log, as organisation admins read it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from allied.accounts.access import organisation_for
from allied.accounts.models import Role
from allied.audit.forms import AuditFilterForm
from allied.audit.models import AuditEvent

PAGE_SIZE = 50


@login_required
def log(request, org: str):
    organisation = organisation_for(request, org, Role.ORG_ADMIN)
    # Events about the organisation, plus sign-in events of its own people.
    events = (
        AuditEvent.objects.filter(
            Q(organisation=organisation)
            | Q(organisation__isnull=True, actor__memberships__organisation=organisation)
        )
        .select_related("actor")
        .distinct()
    )
    form = AuditFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            events = events.filter(kind=data["kind"])
        if data["email"]:
            events = events.filter(
                Q(email__icontains=data["email"]) | Q(actor__email__icontains=data["email"])
            )
        if data["since"]:
            events = events.filter(created_at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(created_at__date__lte=data["until"])
    elif form.is_bound:
        events = events.none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log.html",
        {"organisation": organisation, "form": form, "page": page, "query": query.urlencode()},
    )
