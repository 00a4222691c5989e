"""The career outcomes area's rows of the access matrix (see tests/programmes/matrix.py).

A participant's outcomes live under their own place: only its owner (Mia on the own side,
Omar on the other) opens them, and anyone else gets a 404, the programme's coordinators too
(they decide outcomes through the queue). The queue and the decision page are for the
programme's coordinators and admins. The matrix posts empty bodies: withdrawing the owner's
pending outcome succeeds (a redirect); an empty decision shows its errors.
"""

RUNS = {"coordinator", "admin"}


def _place(w, side):
    return {"pk": w[f"mentee_place_{side}"].pk}


def _outcome_in_place(w, side):
    return {"pk": w[f"mentee_place_{side}"].pk, "outcome_id": w[f"outcome_{side}"].pk}


PAGES: dict = {
    "programmes:outcomes_queue": ("get", RUNS, lambda w, side: {"pk": w[f"programme_{side}"].pk}),
    "programmes:outcome_decide": ("get", RUNS, lambda w, side: {"pk": w[f"outcome_{side}"].pk}),
}
PLACES: dict = {
    "programmes:outcomes": ("get", _place),
    "programmes:outcome_new": ("get", _place),
    "programmes:outcome_edit": ("get", _outcome_in_place),
    "programmes:outcome_withdraw": ("post", _outcome_in_place),
}
API: dict = {}
