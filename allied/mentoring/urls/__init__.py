"""Mentoring URLs, one module per area; `allied/urls.py` joins them to the `programmes`
namespace (decision 0019)."""

from allied.mentoring.urls import leaving, outcomes, relationship, stalled

urlpatterns = [
    *relationship.urlpatterns,
    *leaving.urlpatterns,
    *outcomes.urlpatterns,
    *stalled.urlpatterns,
]
