from django.urls import path

from allied.mentoring.views import stalled as views

urlpatterns = [
    path("cohorts/<int:pk>/stalled/", views.cohort_stalled, name="cohort_stalled"),
]
