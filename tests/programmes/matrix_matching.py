"""The matching area's rows of the access matrix (see tests/programmes/matrix.py).

Two kinds of URL do not fit PAGES, PLACES or API:
- PERSONAL: the signed-in mentor's own requests, about no programme (the shape of
  `PERSONAL_URLS` in tests/test_access_matrix.py; checked by test_matching_access.py until
  the matrix reads it);
- API_PLACES: the JSON API about one's own place (like PLACES, but anonymous gets 401).
"""


def cohort(w, side):
    return {"pk": w[f"cohort_{side}"].pk}


def pair(w, side):
    return {"pk": w[f"cohort_{side}"].pk, "proposal_id": w[f"proposal_{side}"].pk}


def cohort_mentee(w, side):
    return {"pk": w[f"cohort_{side}"].pk, "mentee_id": w[f"mentee_place_{side}"].pk}


def relationship(w, side):
    return {"pk": w[f"relationship_{side}"].pk}


def place(w, side):
    return {"pk": w[f"mentee_place_{side}"].pk}


def offer(w, side):
    return {"pk": w[f"mentee_place_{side}"].pk, "offer_id": w[f"offer_{side}"].pk}


RUNS = {"coordinator", "admin"}

PAGES: dict = {
    "programmes:matching": ("get", RUNS, cohort),
    "programmes:matching_run": ("post", RUNS, cohort),
    "programmes:matching_lock": ("post", RUNS, pair),
    "programmes:matching_remove": ("post", RUNS, pair),
    "programmes:matching_assign": ("post", RUNS, cohort),
    "programmes:matching_choose": ("get", RUNS, cohort_mentee),
    "programmes:matching_publish": ("post", RUNS, cohort),
    "programmes:shortlists_generate": ("post", RUNS, cohort),
    "programmes:respond": ("get", {"mentor"}, relationship),
}
PLACES: dict = {
    "programmes:shortlist": ("get", place),
    "programmes:shortlist_choose": ("post", offer),
    "programmes:shortlist_withdraw": ("post", place),
}
API: dict = {
    "programmes:api_matching": ("get", RUNS, cohort),
    "programmes:api_matching_run": ("post", RUNS, cohort),
    "programmes:api_matching_lock": ("post", RUNS, cohort),
    "programmes:api_matching_remove": ("post", RUNS, cohort),
    "programmes:api_matching_swap": ("post", RUNS, cohort),
    "programmes:api_matching_publish": ("post", RUNS, cohort),
    "programmes:api_shortlists_generate": ("post", RUNS, cohort),
    "programmes:api_respond": ("post", {"mentor"}, relationship),
}
# (method, kwargs builder, status for anonymous, status for a signed-in person).
PERSONAL_URLS: dict = {
    "programmes:requests": ("get", None, 302, 200),
}
# (method, kwargs builder): the owner gets an answer other than 401/403/404; anyone else
# signed in a 404, anonymous a 401.
API_PLACES: dict = {
    "programmes:api_shortlist": ("get", place),
    "programmes:api_shortlist_choose": ("post", offer),
    "programmes:api_shortlist_withdraw": ("post", place),
}
