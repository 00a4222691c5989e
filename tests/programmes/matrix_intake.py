"""The intake area's rows of the access matrix (see tests/programmes/matrix.py).

Every intake URL is about one person's own place: Mia's on the own side, Omar's on the other.
The JSON endpoints answer anonymous requests with 401, not a redirect to sign in, so they are
in API_PLACES, which `tests/programmes/test_intake_api.py` checks the same way.
"""


def _place(world, side):
    return {"pk": world[f"mentee_place_{side}"].pk}


PAGES: dict = {}
PLACES: dict = {
    "programmes:intake": ("get", _place),
    "programmes:intake_step": ("get", lambda w, side: {**_place(w, side), "step": "about"}),
    "programmes:place_leave": ("get", _place),
}
# Where an invitation to a cohort leads: the signed-in person's own place there, and for
# anyone without one the dashboard (naming no cohort), so a redirect for everyone.
PERSONAL_URLS: dict = {
    "programmes:my_intake": (
        "get",
        lambda w: {"pk": w["mentee_place_own"].cohort_id, "side": "mentee"},
        302,
        302,
    ),
}
API: dict = {}
API_PLACES: dict = {
    "programmes:api_intake": ("get", _place),
    "programmes:api_intake_step": ("post", lambda w, side: {**_place(w, side), "step": "about"}),
    "programmes:api_intake_submit": ("post", _place),
}
