"""The research extract's rows of the access matrix (see tests/programmes/matrix.py).

Only the organisation's admins take the pseudonymised research extract
(docs/decisions/0012-research-extract.md): coordinators, mentors and mentees get a 403; anyone
outside, a 404. The matrix opens the page; tests/reports/test_extract.py checks that the same
people are refused the download.
"""


def _programme(w, side):
    return {"pk": w[f"programme_{side}"].pk}


PAGES: dict = {
    "reports:extract": ("get", {"admin"}, _programme),
}
PLACES: dict = {}
API: dict = {}
