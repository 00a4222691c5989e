"""Data rights URLs: a person's own data page, an organisation admin's pages for a member's
data and erasure, and a programme's retention period."""

from django.urls import path

from allied.rights import views

app_name = "rights"

urlpatterns = [
    path("account/data/", views.your_data, name="your_data"),
    path("account/data/your-data.<str:fmt>", views.download, name="download"),
    path("account/data/erase/", views.erasure_request, name="erasure_request"),
    path(
        "account/data/erase/withdraw/",
        views.erasure_request_withdraw,
        name="erasure_request_withdraw",
    ),
    path("organisations/<slug:org>/data-rights/", views.organisation, name="organisation"),
    path("organisations/<slug:org>/people/<int:user_id>/data/", views.person, name="person"),
    path(
        "organisations/<slug:org>/people/<int:user_id>/data/personal-data.<str:fmt>",
        views.person_download,
        name="person_download",
    ),
    path(
        "organisations/<slug:org>/people/<int:user_id>/erase/",
        views.person_erase,
        name="person_erase",
    ),
    path("organisations/<slug:org>/erasures/<int:pk>/", views.erasure, name="erasure"),
    path("programmes/<int:pk>/retention/", views.retention, name="retention"),
]
