"""The programmes' rows of the access matrix, one module per area.

PAGES: {url name: (method, roles that may use it, kwargs builder)}; roles are "admin",
"coordinator", "mentor", "mentee" as `allied.programmes.access` names them, and the builder
gets (world, "own" or "other"). Without a role in that side's programme a person gets a 404;
with the wrong one, a 403.
PLACES: {url name: (method, kwargs builder)} for pages about one person's own place (their
intake): the owner (Mia on the own side, Omar on the other) may use it; everyone else gets 404.
API: like PAGES, for JSON endpoints (anonymous gets 401).
API_PLACES: like PLACES, for JSON endpoints about one's own place (anonymous gets 401).
"""

from tests.programmes import (
    matrix_allyship,
    matrix_api,
    matrix_board,
    matrix_circles,
    matrix_extract,
    matrix_intake,
    matrix_matching,
    matrix_outcomes,
    matrix_picture,
    matrix_relationship,
    matrix_reports,
    matrix_rights,
    matrix_setup,
)

AREAS = (
    matrix_setup,
    matrix_intake,
    matrix_matching,
    matrix_relationship,
    matrix_api,
    matrix_circles,
    matrix_allyship,
    matrix_reports,
    matrix_outcomes,
    matrix_board,
    matrix_extract,
    matrix_rights,
    matrix_picture,
)

PROGRAMME_PAGES = {k: v for area in AREAS for k, v in area.PAGES.items()}
PROGRAMME_PLACES = {k: v for area in AREAS for k, v in area.PLACES.items()}
PROGRAMME_API = {k: v for area in AREAS for k, v in area.API.items()}
PROGRAMME_API_PLACES = {k: v for area in AREAS for k, v in getattr(area, "API_PLACES", {}).items()}

# Rows an area adds to the main matrix's own tables (URLs not about one programme: the list,
# creating a programme in an organisation, a person's own requests).
EXTRA = {
    table: {k: v for area in AREAS for k, v in getattr(area, table, {}).items()}
    for table in (
        "PERSONAL_URLS",
        "ORGANISATION_URLS",
        "API_PERSONAL_URLS",
        "API_ORGANISATION_URLS",
    )
}
