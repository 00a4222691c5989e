"""Allyship URLs: a person's own reflections and training under /allyship/, and a
programme's training, progress, shared reflections and feedback under /programmes/<pk>/.
The JSON API is described by `allied.allyship.api.PATHS`."""

from django.urls import path

from allied.allyship import api, views

app_name = "allyship"

urlpatterns = [
    path("allyship/", views.home, name="home"),
    path("allyship/reflections/new/", views.reflection_new, name="reflection_new"),
    path("allyship/reflections/<int:pk>/", views.reflection_detail, name="reflection"),
    path("allyship/reflections/<int:pk>/share/", views.reflection_share, name="reflection_share"),
    path(
        "allyship/reflections/<int:pk>/unshare/",
        views.reflection_unshare,
        name="reflection_unshare",
    ),
    path("allyship/training/<int:module_id>/", views.module_page, name="module"),
    path("programmes/<int:pk>/training/", views.training, name="training"),
    path(
        "programmes/<int:pk>/training/defaults/",
        views.training_defaults,
        name="training_defaults",
    ),
    path(
        "programmes/<int:pk>/training/<int:module_id>/edit/",
        views.module_edit,
        name="module_edit",
    ),
    path("programmes/<int:pk>/training/progress/", views.progress, name="progress"),
    path("programmes/<int:pk>/allyship/reflections/", views.shared, name="shared"),
    path("programmes/<int:pk>/allyship-feedback/", views.feedback, name="feedback"),
    # The JSON API.
    path("api/allyship/reflections/", api.reflections, name="api_reflections"),
    path("api/allyship/reflections/<int:pk>/", api.reflection, name="api_reflection"),
    path("api/allyship/reflections/<int:pk>/share/", api.reflection_share, name="api_share"),
    path(
        "api/allyship/reflections/<int:pk>/unshare/",
        api.reflection_unshare,
        name="api_unshare",
    ),
    path("api/allyship/training/<int:module_id>/", api.module, name="api_module"),
    path("api/programmes/<int:pk>/training/", api.training, name="api_training"),
    path("api/programmes/<int:pk>/training/progress/", api.progress, name="api_progress"),
    path("api/programmes/<int:pk>/allyship-feedback/", api.feedback, name="api_feedback"),
]
