"""A person's own intake: the pages and the JSON API (url names starting "api_")."""

from django.urls import path

from allied.programmes.api import intake as api
from allied.programmes.views import intake as views

urlpatterns = [
    path("places/<int:pk>/intake/", views.intake, name="intake"),
    path("cohorts/<int:pk>/my-intake/<slug:side>/", views.my_intake, name="my_intake"),
    path("places/<int:pk>/intake/<slug:step>/", views.intake_step, name="intake_step"),
    path("api/places/<int:pk>/intake/", api.intake_detail, name="api_intake"),
    path("api/places/<int:pk>/intake/submit/", api.intake_submit, name="api_intake_submit"),
    path("api/places/<int:pk>/intake/<slug:step>/", api.intake_step, name="api_intake_step"),
]
