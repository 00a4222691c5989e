"""The data rights area's rows of the access matrix (see tests/programmes/matrix.py).

A programme's retention period is for the people who run it. A person's own data page and
downloads are for anyone signed in (each sees only their own). An organisation's data
rights pages (downloading for a member, erasing them, the record of an erasure) are for its
organisation admins: a member of another organisation is a 404, like any other object there.
"""

from allied.accounts.models import Role

RUNS = {"coordinator", "admin"}


def _programme(w, side):
    return {"pk": w[f"programme_{side}"].pk}


def _member(w, side):
    return {"org": w[side].slug, "user_id": w["max_mentor" if side == "own" else "olga"].pk}


def _erasure(w, side):
    from allied.rights.models import Erasure

    found, _ = Erasure.objects.get_or_create(organisation=w[side], scope=Erasure.Scope.PERSON)
    return {"org": w[side].slug, "pk": found.pk}


PAGES: dict = {
    "rights:retention": ("get", RUNS, _programme),
}
PLACES: dict = {}
API: dict = {}

# (method, kwargs builder, status for anonymous, status for a signed-in person).
PERSONAL_URLS = {
    "rights:your_data": ("get", None, 302, 200),
    "rights:download": ("get", lambda w: {"fmt": "json"}, 302, 200),
    "rights:erasure_request": ("get", None, 302, 200),
    "rights:erasure_request_withdraw": ("post", None, 302, 302),
}

ORGANISATION_URLS = {
    "rights:organisation": ("get", {Role.ORG_ADMIN}, lambda w, side: {"org": w[side].slug}),
    "rights:person": ("get", {Role.ORG_ADMIN}, _member),
    "rights:person_download": (
        "get",
        {Role.ORG_ADMIN},
        lambda w, side: {**_member(w, side), "fmt": "html"},
    ),
    "rights:person_erase": ("get", {Role.ORG_ADMIN}, _member),
    "rights:erasure": ("get", {Role.ORG_ADMIN}, _erasure),
}
