"""Report URLs: a programme's dashboard of feasibility, acceptability, career progression and
equity, its exports, the workforce figures it is compared with, the board report, the
organisation's view across programmes, and the pseudonymised research extract."""

from django.urls import path

from allied.reports import views, views_board, views_extract

app_name = "reports"

urlpatterns = [
    path("programmes/<int:pk>/dashboard/", views.dashboard, name="dashboard"),
    path("programmes/<int:pk>/dashboard.csv", views.dashboard_csv, name="dashboard_csv"),
    path("programmes/<int:pk>/dashboard.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("programmes/<int:pk>/workforce/", views.workforce, name="workforce"),
    path("programmes/<int:pk>/workforce/remove/", views.workforce_remove, name="workforce_remove"),
    path("programmes/<int:pk>/board-report/", views_board.board_report, name="board"),
    path("programmes/<int:pk>/board-report.pdf", views_board.board_report_pdf, name="board_pdf"),
    path(
        "organisations/<slug:org>/reports/", views_board.organisation_reports, name="organisation"
    ),
    path("programmes/<int:pk>/research-extract/", views_extract.extract, name="extract"),
]
