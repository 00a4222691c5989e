"""Matching pages and their JSON API: the coordinator's draft run and shortlists, the mentee's
suggestions, and the mentor's answer to a request."""

from django.urls import path

from allied.matching import api, views

urlpatterns = [
    path("cohorts/<int:pk>/matching/", views.matching, name="matching"),
    path("cohorts/<int:pk>/matching/run/", views.matching_run, name="matching_run"),
    path(
        "cohorts/<int:pk>/matching/pairs/<int:proposal_id>/lock/",
        views.matching_lock,
        name="matching_lock",
    ),
    path(
        "cohorts/<int:pk>/matching/pairs/<int:proposal_id>/remove/",
        views.matching_remove,
        name="matching_remove",
    ),
    path("cohorts/<int:pk>/matching/swap/", views.matching_assign, name="matching_assign"),
    path(
        "cohorts/<int:pk>/matching/mentees/<int:mentee_id>/choose/",
        views.matching_choose,
        name="matching_choose",
    ),
    path("cohorts/<int:pk>/matching/publish/", views.matching_publish, name="matching_publish"),
    path("cohorts/<int:pk>/shortlists/", views.shortlists_generate, name="shortlists_generate"),
    path("places/<int:pk>/shortlist/", views.shortlist, name="shortlist"),
    path(
        "places/<int:pk>/shortlist/<int:offer_id>/choose/",
        views.shortlist_choose,
        name="shortlist_choose",
    ),
    path(
        "places/<int:pk>/shortlist/withdraw/",
        views.shortlist_withdraw,
        name="shortlist_withdraw",
    ),
    path("relationships/<int:pk>/respond/", views.respond, name="respond"),
    path("mentoring/requests/", views.requests, name="requests"),
    # The JSON API.
    path("api/programmes/cohorts/<int:pk>/matching/", api.draft, name="api_matching"),
    path("api/programmes/cohorts/<int:pk>/matching/run/", api.run, name="api_matching_run"),
    path("api/programmes/cohorts/<int:pk>/matching/lock/", api.lock, name="api_matching_lock"),
    path(
        "api/programmes/cohorts/<int:pk>/matching/remove/", api.remove, name="api_matching_remove"
    ),
    path("api/programmes/cohorts/<int:pk>/matching/swap/", api.swap, name="api_matching_swap"),
    path(
        "api/programmes/cohorts/<int:pk>/matching/publish/",
        api.publish,
        name="api_matching_publish",
    ),
    path(
        "api/programmes/cohorts/<int:pk>/shortlists/",
        api.shortlists_generate,
        name="api_shortlists_generate",
    ),
    path("api/programmes/places/<int:pk>/shortlist/", api.shortlist, name="api_shortlist"),
    path(
        "api/programmes/places/<int:pk>/shortlist/withdraw/",
        api.withdraw,
        name="api_shortlist_withdraw",
    ),
    path(
        "api/programmes/places/<int:pk>/shortlist/<int:offer_id>/choose/",
        api.choose,
        name="api_shortlist_choose",
    ),
    path("api/programmes/relationships/<int:pk>/respond/", api.respond, name="api_respond"),
]
