from django.urls import path

from allied.workshops import api, views

app_name = "workshops"

urlpatterns = [
    path("workshops/", views.workshop_list, name="list"),
    path("organisations/<slug:org>/workshops/new/", views.workshop_create, name="create"),
    path("workshops/<int:pk>/", views.workshop_detail, name="detail"),
    path("workshops/<int:pk>/edit/", views.workshop_edit, name="edit"),
    path(
        "workshops/<int:pk>/questions/<int:question_id>/edit/",
        views.question_edit,
        name="question_edit",
    ),
    path("workshops/<int:pk>/participants/new/", views.participant_add, name="participant_add"),
    path("workshops/<int:pk>/staff/new/", views.staff_add, name="staff_add"),
    path("workshops/<int:pk>/briefing/new/", views.briefing_add, name="briefing_add"),
    path("workshops/<int:pk>/briefing/<int:file_id>/", views.briefing_file, name="briefing_file"),
    path(
        "j/<str:code>/briefing/<int:file_id>/",
        views.participant_briefing_file,
        name="participant_briefing_file",
    ),
    path("workshops/<int:pk>/start/", views.workshop_start, name="start"),
    path("workshops/<int:pk>/pseudonyms/", views.workshop_identities, name="identities"),
    path(
        "workshops/<int:pk>/characteristics/",
        views.workshop_characteristics,
        name="characteristics",
    ),
    path("workshops/<int:pk>/run/", views.workshop_run, name="run"),
    path("workshops/<int:pk>/run/live/", views.workshop_run_fragment, name="run_fragment"),
    path("workshops/<int:pk>/state/", views.workshop_state, name="state"),
    path("workshops/<int:pk>/events/", views.workshop_events, name="events"),
    path("workshops/<int:pk>/act/", views.workshop_act, name="act"),
    path("workshops/<int:pk>/results/", views.workshop_results, name="results"),
    path("workshops/<int:pk>/pooled/", views.workshop_pooled, name="pooled"),
    path("workshops/<int:pk>/export.<str:fmt>", views.workshop_export, name="export"),
    path(
        "workshops/<int:pk>/questions/<int:question_id>/ballots.csv",
        views.question_ballots,
        name="question_ballots",
    ),
    path("join/", views.join, name="join"),
    path("join/<str:code>/", views.join_code, name="join_code"),
    path("join/<str:code>/<str:token>/", views.join_code, name="join_invited"),
    path("j/<str:code>/", views.participate, name="participate"),
    path("j/<str:code>/about-you/", views.about_you, name="about_you"),
    path("j/<str:code>/live/", views.participate_fragment, name="participate_fragment"),
    path("j/<str:code>/state/", views.participate_state, name="participate_state"),
    path("j/<str:code>/events/", views.participate_events, name="participate_events"),
    path("j/<str:code>/act/", views.participate_act, name="participate_act"),
    # The JSON API, described at /api/schema/ (allied/workshops/openapi.py).
    path("api/tokens/", api.token_create, name="api_token_create"),
    path("api/tokens/current/", api.token_revoke, name="api_token_revoke"),
    path("api/organisations/<slug:org>/workshops/", api.workshop_create, name="api_create"),
    path("api/workshops/<int:pk>/", api.workshop_detail, name="api_detail"),
    path("api/workshops/<int:pk>/start/", api.workshop_start, name="api_start"),
    path("api/workshops/<int:pk>/participants/", api.participant_add, name="api_participant_add"),
    path("api/workshops/<int:pk>/staff/", api.staff_add, name="api_staff_add"),
    path("api/workshops/<int:pk>/state/", api.workshop_state, name="api_state"),
    path("api/workshops/<int:pk>/act/", api.workshop_act, name="api_act"),
    path("api/workshops/<int:pk>/results/", api.workshop_results, name="api_results"),
    path("api/join/<str:code>/", api.join, name="api_join"),
    path("api/j/<str:code>/state/", api.participant_state, name="api_participant_state"),
    path("api/j/<str:code>/act/", api.participant_act, name="api_participant_act"),
]
