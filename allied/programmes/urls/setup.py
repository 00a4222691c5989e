"""Programme set-up pages and their JSON API: programmes, intake questions, cohorts, the
people in them, and bulk import."""

from django.urls import path

from allied.programmes.api import setup as api
from allied.programmes.views import setup as views

urlpatterns = [
    path("programmes/", views.programme_list, name="list"),
    path(
        "organisations/<slug:org>/programmes/new/",
        views.programme_create,
        name="create",
    ),
    path("programmes/<int:pk>/", views.programme_detail, name="detail"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="edit"),
    path("programmes/<int:pk>/questions/", views.questions, name="questions"),
    path(
        "programmes/<int:pk>/questions/<int:question_id>/edit/",
        views.question_edit,
        name="question_edit",
    ),
    path(
        "programmes/<int:pk>/questions/<int:question_id>/delete/",
        views.question_delete,
        name="question_delete",
    ),
    path("programmes/<int:pk>/cohorts/new/", views.cohort_create, name="cohort_create"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort"),
    path("cohorts/<int:pk>/status/", views.cohort_status, name="cohort_status"),
    path("cohorts/<int:pk>/people/add/", views.cohort_add, name="cohort_add"),
    path("cohorts/<int:pk>/people/invite/", views.cohort_invite, name="cohort_invite"),
    path("cohorts/<int:pk>/people/<int:participant_id>/", views.person, name="person"),
    path(
        "cohorts/<int:pk>/people/<int:participant_id>/trained/",
        views.person_trained,
        name="person_trained",
    ),
    path("cohorts/<int:pk>/import/", views.cohort_import, name="import"),
    path(
        "cohorts/<int:pk>/import/confirm/",
        views.cohort_import_confirm,
        name="import_confirm",
    ),
    path("cohorts/<int:pk>/import/template.csv", views.import_template, name="import_template"),
    # The JSON API, described by `allied.programmes.api.setup.PATHS` at /api/schema/.
    path("api/programmes/", api.programme_list, name="api_list"),
    path("api/programmes/<int:pk>/", api.programme_detail, name="api_detail"),
    path(
        "api/organisations/<slug:org>/programmes/",
        api.programme_create,
        name="api_create",
    ),
    path("api/programmes/<int:pk>/cohorts/", api.cohort_create, name="api_cohort_create"),
    path(
        "api/cohorts/<int:pk>/participants/",
        api.cohort_participants,
        name="api_participants",
    ),
]
