"""Report URLs: a programme's dashboard of feasibility and acceptability, and its exports."""

from django.urls import path

from allied.reports import views

app_name = "reports"

urlpatterns = [
    path("programmes/<int:pk>/dashboard/", views.dashboard, name="dashboard"),
    path("programmes/<int:pk>/dashboard.csv", views.dashboard_csv, name="dashboard_csv"),
    path("programmes/<int:pk>/dashboard.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
]
