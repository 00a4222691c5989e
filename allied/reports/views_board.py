"""The board report (a printable page and its PDF) and the organisation's view across
programmes, for the people who run the programmes.

The board report is for a programme's coordinators and the organisation's admins; the
organisation view for its admins (every programme) and coordinators (the programmes they
coordinate). Both show only figures that went through the disclosure rule; they hold no
special category data, so, like the dashboard's exports, they are not audited.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from allied.accounts.access import organisation_for
from allied.accounts.models import Role
from allied.programmes.access import RUNS, programme_for
from allied.reports import board, organisation


def _period(request) -> board.PeriodForm:
    """The period form, bound to `?from=&to=` (unbound, so the defaults, without either)."""
    chosen = {name: request.GET[name] for name in ("from", "to") if name in request.GET}
    return board.PeriodForm(chosen or None)


def _page(request, programme, form, status=200):
    report = None
    if not form.is_bound or form.is_valid():
        start, end = form.period() if form.is_bound else (None, None)
        report = board.build(programme, start=start, end=end, request=request)
    query = request.GET.urlencode() if form.is_bound and form.is_valid() else ""
    return render(
        request,
        "reports/board.html",
        {
            "programme": programme,
            "form": form,
            "report": report,
            "charts": [(c, board.chart_uri(c) if c.drawn else None) for c in report.charts]
            if report
            else [],
            "query": query,
            "rule": board.RULE_LINES,
        },
        status=status,
    )


@login_required
def board_report(request, pk: int):
    programme = programme_for(request, pk, *RUNS)
    return _page(request, programme, _period(request))


@login_required
def board_report_pdf(request, pk: int):
    programme = programme_for(request, pk, *RUNS)
    form = _period(request)
    if form.is_bound and not form.is_valid():
        return _page(request, programme, form, status=400)
    start, end = form.period() if form.is_bound else (None, None)
    report = board.build(programme, start=start, end=end, request=request)
    try:
        content = board.render_pdf(report)
    except board.PdfUnavailable as error:
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type=board.CONTENT_TYPES["pdf"])
    name = board.filename(programme, report, "pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def organisation_reports(request, org: str):
    place = organisation_for(request, org, Role.ORG_ADMIN, Role.COORDINATOR)
    programmes = organisation.programmes_for(place, request.user, request.organisation_roles)
    return render(
        request,
        "reports/organisation.html",
        {
            "organisation": place,
            "overview": organisation.overview(place, programmes, request=request),
            "columns": [label for _, label in organisation.COLUMNS],
            "is_admin": Role.ORG_ADMIN in request.organisation_roles,
            "rule": board.RULE_LINES,
        },
    )
