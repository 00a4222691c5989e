"""The mentee's picture's rows of the access matrix (see tests/programmes/matrix.py).

The picture is the mentee's: the mentee of the relationship and its mentor open it (the
mentor without what is the mentee's alone); the programme's coordinators and admins get a
403, and anyone without a role in the programme a 404.
"""

PAIR = {"mentor", "mentee"}


def _relationship(w, side):
    return {"pk": w[f"relationship_{side}"].pk}


PAGES: dict = {
    "picture:page": ("get", PAIR, _relationship),
    "picture:svg": ("get", PAIR, _relationship),
    "picture:png": ("get", PAIR, _relationship),
}
PLACES: dict = {}
API: dict = {}
