"""Programme URLs, one module per area: set-up, intake, matching, the relationship, and the
JSON API. Each module's `urlpatterns` joins the one `programmes` namespace."""

from allied.programmes.urls import (
    api,
    intake,
    leaving,
    matching,
    outcomes,
    relationship,
    setup,
)

app_name = "programmes"

urlpatterns = [
    *setup.urlpatterns,
    *intake.urlpatterns,
    *matching.urlpatterns,
    *relationship.urlpatterns,
    *leaving.urlpatterns,
    *outcomes.urlpatterns,
    *api.urlpatterns,
]
