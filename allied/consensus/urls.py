"""Model builder URLs: starting a model from a workshop, the draft being built (under
/models/drafts/), an organisation's published models, and the study's model."""

from django.urls import path

from allied.consensus import views

app_name = "consensus"

urlpatterns = [
    path("workshops/<int:pk>/models/new/", views.model_new, name="new"),
    path("models/drafts/<int:pk>/", views.draft_page, name="draft"),
    path("models/drafts/<int:pk>/name/", views.draft_name, name="draft_name"),
    path("models/drafts/<int:pk>/place/", views.item_place, name="place"),
    path("models/drafts/<int:pk>/unplace/", views.item_unplace, name="unplace"),
    path("models/drafts/<int:pk>/domains/<slug:code>/", views.domain_edit, name="domain"),
    path("models/drafts/<int:pk>/add-domain/", views.domain_add, name="domain_add"),
    path("models/drafts/<int:pk>/merge/", views.domains_merge, name="merge"),
    path("models/drafts/<int:pk>/workshops/", views.workshop_add, name="workshop_add"),
    path("models/drafts/<int:pk>/publish/", views.publish, name="publish"),
    path("models/drafts/<int:pk>/model.<str:fmt>", views.draft_export, name="draft_export"),
    path("organisations/<slug:org>/models/", views.model_list, name="list"),
    path("organisations/<slug:org>/models/<int:pk>/", views.published_page, name="published"),
    path(
        "organisations/<slug:org>/models/<int:pk>/model.<str:fmt>",
        views.published_export,
        name="published_export",
    ),
    path("models/study/", views.study_page, name="study"),
    path("models/study/model.<str:fmt>", views.study_export, name="study_export"),
]
