"""Programme URLs, one module per area: set-up, intake, the relationship, outcomes, leaving
and the JSON API. They share the `programmes` namespace with matching's URLs, which
`allied/urls.py` joins to them (decision 0019), so every page keeps its name."""

from allied.programmes.urls import (
    api,
    intake,
    leaving,
    outcomes,
    relationship,
    setup,
)

app_name = "programmes"

urlpatterns = [
    *setup.urlpatterns,
    *intake.urlpatterns,
    *relationship.urlpatterns,
    *leaving.urlpatterns,
    *outcomes.urlpatterns,
    *api.urlpatterns,
]
