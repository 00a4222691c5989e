"""The setup area's rows of the access matrix (see tests/programmes/matrix.py).

Four set-up URLs are not about one programme, so they do not fit PAGES or API: the list of
one's programmes and creating a programme in an organisation. Their rows are below in the
shapes of `tests/test_access_matrix.py`'s own tables (PERSONAL_URLS, ORGANISATION_URLS and the
API ones), and `tests/programmes/test_setup_matrix.py` runs them.
"""

from allied.accounts.models import Role

RUNS = {"coordinator", "admin"}
ANY = {"coordinator", "admin", "mentor", "mentee"}


def programme(w, side):
    return {"pk": w[f"programme_{side}"].pk}


def cohort(w, side):
    return {"pk": w[f"cohort_{side}"].pk}


def question(w, side):
    return {"pk": w[f"programme_{side}"].pk, "question_id": w[f"question_{side}"].pk}


def person(w, side):
    return {"pk": w[f"cohort_{side}"].pk, "participant_id": w[f"mentee_place_{side}"].pk}


def mentor(w, side):
    return {"pk": w[f"cohort_{side}"].pk, "participant_id": w[f"mentor_place_{side}"].pk}


PAGES: dict = {
    "programmes:detail": ("get", ANY, programme),
    "programmes:edit": ("get", RUNS, programme),
    "programmes:questions": ("get", RUNS, programme),
    "programmes:question_edit": ("get", RUNS, question),
    "programmes:question_delete": ("post", RUNS, question),
    "programmes:cohort_create": ("get", RUNS, programme),
    "programmes:cohort": ("get", RUNS, cohort),
    "programmes:cohort_status": ("post", RUNS, cohort),
    "programmes:cohort_add": ("post", RUNS, cohort),
    "programmes:cohort_invite": ("post", RUNS, cohort),
    "programmes:person": ("get", RUNS, person),
    "programmes:person_trained": ("post", RUNS, mentor),
    "programmes:person_withdraw": ("post", RUNS, person),
    "programmes:import": ("get", RUNS, cohort),
    "programmes:import_confirm": ("post", RUNS, cohort),
    "programmes:import_template": ("get", RUNS, cohort),
}
PLACES: dict = {}
API: dict = {
    "programmes:api_detail": ("get", ANY, programme),
    "programmes:api_cohort_create": ("post", RUNS, programme),
    "programmes:api_participants": ("get", RUNS, cohort),
}

# In the shapes of tests/test_access_matrix.py's tables of the same names.
PERSONAL_URLS = {"programmes:list": ("get", None, 302, 200)}
ORGANISATION_URLS = {
    "programmes:create": (
        "get",
        {Role.ORG_ADMIN, Role.COORDINATOR},
        lambda w, side: {"org": w[side].slug},
    ),
}
API_PERSONAL_URLS = {"programmes:api_list": ("get", None, 401, 200)}
API_ORGANISATION_URLS = {
    "programmes:api_create": (
        "post",
        {Role.ORG_ADMIN, Role.COORDINATOR},
        lambda w, side: {"org": w[side].slug},
    ),
}
