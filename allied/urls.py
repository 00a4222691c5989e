from django.urls import include, path

urlpatterns = [
    path("", include("allied.web.urls")),
    path("", include("allied.accounts.urls")),
    path("", include("allied.web.audit_urls")),
    path("", include("allied.workshops.urls")),
    path("", include("allied.programmes.urls")),
    path("", include("allied.circles.urls")),
    path("", include("allied.allyship.urls")),
    path("", include("allied.reports.urls")),
    path("", include("allied.picture.urls")),
    path("", include("allied.consensus.urls")),
    path("", include("allied.rights.urls")),
]

handler400 = "allied.web.views.bad_request"
handler403 = "allied.web.views.permission_denied"
handler404 = "allied.web.views.page_not_found"
handler500 = "allied.web.views.server_error"
