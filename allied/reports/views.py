"""The programme dashboard, its exports, and the workforce figures it is compared with, for
the people who run the programme.

Every figure comes from `allied.reports.measures.dashboard`, which publishes the whole
programme and every cohort, for all dates and the chosen period, and every group of every
breakdown (for the whole programme) through the disclosure rule at once; the choosers only pick
which of those already-suppressed figures to show, so filtering can never reveal a small
group. The exports hold the same suppressed figures, never raw counts. Building the figures
reads mentees' ethnic groups (only of those who consented to equality monitoring) through
`allied.programmes.sensitive`, which writes the read to the audit log.
"""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from allied.core.cells import plain_row
from allied.core.disclosure import RULE_LINES
from allied.programmes.access import programme_for
from allied.reports import chart, measures
from allied.reports.forms import DashboardFilterForm, WorkforceForm, WorkforceRemoveForm
from allied.reports.models import ETHNIC_GROUPS, workforce_replace
from allied.reports.models import workforce_remove as remove_figures

RUNS = ("coordinator", "admin")


def _scope(request, programme) -> str:
    """The scope chosen by `?cohort=<id>`: the whole programme without one; 404 for anything
    that is not one of this programme's cohorts."""
    chosen = request.GET.get("cohort", "")
    if not chosen:
        return measures.ALL
    if not (chosen.isdigit() and programme.cohorts.filter(pk=int(chosen)).exists()):
        raise Http404("That cohort is not part of this programme.")
    return f"cohort-{chosen}"


def _filters(request) -> tuple[DashboardFilterForm, dict]:
    """The filter form bound to the query, and the choices it allows (bad ones dropped)."""
    wanted = {k: request.GET[k] for k in ("from", "to", "breakdown") if k in request.GET}
    form = DashboardFilterForm(wanted or None)
    start, end, breakdown = form.chosen()
    return form, {"start": start, "end": end, "breakdown": breakdown}


def _equity(board: measures.Dashboard, scope: str, name: str) -> dict:
    """The chosen breakdown's table, its chart, and the workforce comparison for ethnicity."""
    if not name:
        return {}
    table = board.breakdown(scope, name)
    matched = [(row.label, row.figures[1][1]) for row in table.rows]
    return {
        "table": table,
        "matched": matched,
        "chart": chart.share_chart(matched, "Share of the group's mentees who were matched"),
        "comparison": board.comparison(scope) if name == "ethnicity" else None,
    }


@login_required
def dashboard(request, pk: int):
    programme = programme_for(request, pk, *RUNS)
    scope = _scope(request, programme)
    form, chosen = _filters(request)
    board = measures.dashboard(programme, start=chosen["start"], end=chosen["end"], request=request)
    figures = board.scopes[scope]
    query = {k: v for k, v in (("from", chosen["start"]), ("to", chosen["end"])) if v}
    return render(
        request,
        "reports/dashboard.html",
        {
            "programme": programme,
            "board": board,
            "form": form,
            "scope": scope,
            "figures": figures,
            "whole": board.scopes[measures.ALL],
            "filtered": scope != measures.ALL,
            "dated": not board.period.is_open,
            "sections": board.sections(scope),
            "outcomes": board.outcomes(scope),
            "chart": chart.meetings_chart(figures.months),
            "equity": _equity(board, scope, chosen["breakdown"]),
            "breakdown": chosen["breakdown"],
            "measures": [label for _, label, _ in measures.HEADLINE],
            "rule": RULE_LINES,
            "selected": int(scope.split("-")[1]) if scope != measures.ALL else None,
            "export_query": "&".join(f"{k}={v.isoformat()}" for k, v in query.items()),
        },
    )


def _filename(programme, extension: str) -> str:
    return f"programme-{programme.pk}-dashboard.{extension}"


def _export_rows(request, programme) -> list[list[str]] | HttpResponse:
    """The export's rows for the period in the query, or a 400 that says what to correct."""
    form, chosen = _filters(request)
    if form.is_bound and ({"from", "to"} & set(form.errors)):
        problems = "; ".join(e for name in ("from", "to") for e in form.errors.get(name, []))
        return HttpResponse(
            f"These figures could not be downloaded: {problems}.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    board = measures.dashboard(programme, start=chosen["start"], end=chosen["end"], request=request)
    return measures.export_rows(board)


@login_required
def dashboard_csv(request, pk: int):
    programme = programme_for(request, pk, *RUNS)
    rows = _export_rows(request, programme)
    if isinstance(rows, HttpResponse):
        return rows
    buffer = io.StringIO()
    # The figures, then an empty row and the rule that says what "*" stands for.
    csv.writer(buffer).writerows(plain_row(row) for row in [*rows, [], [" ".join(RULE_LINES)]])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(programme, "csv")}"'
    return response


@login_required
def dashboard_xlsx(request, pk: int):
    programme = programme_for(request, pk, *RUNS)
    rows = _export_rows(request, programme)
    if isinstance(rows, HttpResponse):
        return rows
    book = Workbook()
    sheet = book.active
    sheet.title = "Dashboard"
    for row in rows:
        sheet.append(plain_row(row))
    sheet.append([])
    sheet.append([" ".join(RULE_LINES)])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(programme, "xlsx")}"'
    return response


def _saved_sets(programme) -> list[dict]:
    """Each set of workforce figures entered, latest first: date, band, headcount by group."""
    sets: dict[tuple, dict] = {}
    for figure in programme.workforce_figures.select_related("entered_by"):
        entry = sets.setdefault(
            (figure.as_of, figure.band),
            {
                "as_of": figure.as_of,
                "band": figure.band,
                "band_label": figure.get_band_display() if figure.band else "All bands",
                "counts": {},
                "entered_by": figure.entered_by,
            },
        )
        entry["counts"][figure.group] = figure.headcount
    for entry in sets.values():
        entry["rows"] = [(label, entry["counts"].get(code, 0)) for code, label in ETHNIC_GROUPS]
    return list(sets.values())


@login_required
def workforce(request, pk: int):
    """The organisation's workforce by ethnic group, entered by the coordinator for the
    dashboard's comparison. Entering a set for a date and band again replaces it."""
    programme = programme_for(request, pk, *RUNS)
    form = WorkforceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        workforce_replace(
            programme=programme,
            as_of=form.cleaned_data["as_of"],
            band=form.cleaned_data["band"],
            counts=form.counts(),
            by=request.user,
            request=request,
        )
        messages.success(request, "The workforce figures have been saved.")
        return redirect("reports:workforce", programme.pk)
    return render(
        request,
        "reports/workforce.html",
        {
            "programme": programme,
            "form": form,
            "group_fields": [form[f"group_{code}"] for code, _ in ETHNIC_GROUPS],
            "saved": _saved_sets(programme),
        },
    )


@login_required
@require_POST
def workforce_remove(request, pk: int):
    """Removes one set of workforce figures. Removing it twice changes nothing more."""
    programme = programme_for(request, pk, *RUNS)
    form = WorkforceRemoveForm(request.POST)
    if form.is_valid() and remove_figures(
        programme=programme,
        as_of=form.cleaned_data["as_of"],
        band=form.cleaned_data["band"],
        by=request.user,
        request=request,
    ):
        messages.success(request, "Those workforce figures have been removed.")
    else:
        messages.info(request, "There were no such workforce figures: nothing was removed.")
    return redirect("reports:workforce", programme.pk)
