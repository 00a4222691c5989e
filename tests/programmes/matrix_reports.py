"""The reports area's rows of the access matrix (see tests/programmes/matrix.py).

The dashboard, its exports and the workforce figures are for the people who run the
programme: its coordinators and the organisation's admins. Mentors and mentees get a 403; anyone outside, a 404.
"""

RUNS = {"coordinator", "admin"}


def _programme(w, side):
    return {"pk": w[f"programme_{side}"].pk}


PAGES: dict = {
    "reports:dashboard": ("get", RUNS, _programme),
    "reports:dashboard_csv": ("get", RUNS, _programme),
    "reports:dashboard_xlsx": ("get", RUNS, _programme),
    "reports:workforce": ("get", RUNS, _programme),
    "reports:workforce_remove": ("post", RUNS, _programme),
}
PLACES: dict = {}
API: dict = {}
