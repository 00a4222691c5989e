"""The board report's and the organisation view's rows of the access matrix (see
tests/programmes/matrix.py).

The board report and its PDF are for the people who run the programme: its coordinators and
the organisation's admins; mentors and mentees get a 403, anyone outside a 404. The
organisation's view across programmes is for its admins and coordinators (a coordinator sees
only the programmes they coordinate; tests/reports/test_organisation.py checks that).
"""

from allied.accounts.models import Role

RUNS = {"coordinator", "admin"}


def _programme(w, side):
    return {"pk": w[f"programme_{side}"].pk}


PAGES: dict = {
    "reports:board": ("get", RUNS, _programme),
    "reports:board_pdf": ("get", RUNS, _programme),
}
PLACES: dict = {}
API: dict = {}

# In the shape of tests/test_access_matrix.py's table of the same name.
ORGANISATION_URLS = {
    "reports:organisation": (
        "get",
        {Role.ORG_ADMIN, Role.COORDINATOR},
        lambda w, side: {"org": w[side].slug},
    ),
}
