"""Leaving a programme."""

from django.urls import path

from allied.mentoring.views import leaving as views

urlpatterns = [
    path("places/<int:pk>/leave/", views.place_leave, name="place_leave"),
    path(
        "cohorts/<int:pk>/people/<int:participant_id>/withdraw/",
        views.person_withdraw,
        name="person_withdraw",
    ),
]
