"""The programme dashboard and its exports, for the people who run the programme.

Every figure comes from `allied.reports.measures.dashboard`, which publishes the whole
programme and every cohort through the disclosure rule at once; the cohort filter only picks
which of those already-suppressed columns to show, so filtering can never reveal a small group.
The exports hold the same suppressed figures, never raw counts; they hold no special category
data, so they are not audited.
"""

from __future__ import annotations

import csv
import io

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from openpyxl import Workbook

from allied.core.disclosure import SMALLEST_SHOWN
from allied.programmes.access import programme_for
from allied.reports import chart, measures

RUNS = ("coordinator", "admin")


def _scope(request, board: measures.Dashboard) -> str:
    """The scope chosen by `?cohort=<id>`: the whole programme without one; 404 for anything
    that is not one of this programme's cohorts."""
    chosen = request.GET.get("cohort", "")
    if not chosen:
        return measures.ALL
    key = f"cohort-{chosen}" if chosen.isdigit() else None
    if key not in board.scopes:
        raise Http404("That cohort is not part of this programme.")
    return key


@login_required
def dashboard(request, pk: int):
    programme = programme_for(request, pk, *RUNS)
    board = measures.dashboard(programme)
    scope = _scope(request, board)
    figures = board.scopes[scope]
    return render(
        request,
        "reports/dashboard.html",
        {
            "programme": programme,
            "board": board,
            "scope": scope,
            "figures": figures,
            "whole": board.scopes[measures.ALL],
            "filtered": scope != measures.ALL,
            "sections": board.sections(scope),
            "chart": chart.meetings_chart(figures.months),
            "smallest": SMALLEST_SHOWN,
            "selected": int(scope.split("-")[1]) if scope != measures.ALL else None,
        },
    )


def _filename(programme, extension: str) -> str:
    return f"programme-{programme.pk}-dashboard.{extension}"


@login_required
def dashboard_csv(request, pk: int):
    programme = programme_for(request, pk, *RUNS)
    rows = measures.export_rows(measures.dashboard(programme))
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(programme, "csv")}"'
    return response


@login_required
def dashboard_xlsx(request, pk: int):
    programme = programme_for(request, pk, *RUNS)
    rows = measures.export_rows(measures.dashboard(programme))
    book = Workbook()
    sheet = book.active
    sheet.title = "Dashboard"
    for row in rows:
        sheet.append(row)
    sheet.append([])
    sheet.append(
        [
            f"Counts of 1 to {SMALLEST_SHOWN - 1} are shown as *, other counts are rounded to "
            f"the nearest 5, averages over fewer than {SMALLEST_SHOWN} people are not shown, and "
            "further figures are hidden where one could be worked out from the others."
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(programme, "xlsx")}"'
    return response
