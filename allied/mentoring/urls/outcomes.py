"""Career progression outcomes: the participant's own (under their place) and the
coordinator's queue of outcomes to confirm."""

from django.urls import path

from allied.mentoring.views import outcomes as views

urlpatterns = [
    path("places/<int:pk>/outcomes/", views.outcomes, name="outcomes"),
    path("places/<int:pk>/outcomes/new/", views.outcome_new, name="outcome_new"),
    path(
        "places/<int:pk>/outcomes/<int:outcome_id>/edit/",
        views.outcome_edit,
        name="outcome_edit",
    ),
    path(
        "places/<int:pk>/outcomes/<int:outcome_id>/withdraw/",
        views.outcome_withdraw,
        name="outcome_withdraw",
    ),
    path("programmes/<int:pk>/outcomes/", views.outcomes_queue, name="outcomes_queue"),
    path("outcomes/<int:pk>/decide/", views.outcome_decide, name="outcome_decide"),
]
