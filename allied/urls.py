from django.urls import include, path

from allied.matching import urls as matching_urls
from allied.mentoring import urls as mentoring_urls
from allied.programmes import urls as programme_urls

# Programmes and the apps that split from them keep the one `programmes` namespace: a page's
# name does not change when its code moves up a layer.
PROGRAMMES = (
    [*programme_urls.urlpatterns, *matching_urls.urlpatterns, *mentoring_urls.urlpatterns],
    "programmes",
)

urlpatterns = [
    path("", include("allied.web.urls")),
    path("", include("allied.accounts.urls")),
    path("", include("allied.web.audit_urls")),
    path("", include("allied.workshops.urls")),
    path("", include(PROGRAMMES)),
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
