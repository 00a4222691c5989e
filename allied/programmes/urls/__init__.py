"""Programme URLs: set-up and intake. They share the `programmes` namespace with matching's
and mentoring's URLs, which `allied/urls.py` joins to them (decision 0019), so every page
keeps its name."""

from allied.programmes.urls import (
    api,
    intake,
    setup,
)

app_name = "programmes"

urlpatterns = [
    *setup.urlpatterns,
    *intake.urlpatterns,
    *api.urlpatterns,
]
