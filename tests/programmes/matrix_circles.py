"""The circles area's rows of the access matrix (see tests/programmes/matrix.py).

In the world, Mia is a member of the own side's circle and Max its facilitator, so every
programme role may open the circle's pages; members-only and scheduling actions narrow it.
The matrix posts empty bodies: pages answer with a message and a redirect, the API with 400
or 409.
"""

EVERYONE = {"admin", "coordinator", "mentor", "mentee"}
RUNS = {"coordinator", "admin"}
# Who schedules sessions and records attendance: the coordinator and the facilitator (Max).
SCHEDULERS = {"coordinator", "admin", "mentor"}
# The circle's people: its member (Mia) and its facilitator (Max).
PEOPLE = {"mentor", "mentee"}


def _cohort(w, side):
    return {"pk": w[f"cohort_{side}"].pk}


def _circle(w, side):
    return {"pk": w[f"circle_{side}"].pk}


def _membership(w, side):
    return {"pk": w[f"circle_membership_{side}"].pk}


def _session(w, side):
    return {"pk": w[f"circle_session_{side}"].pk}


PAGES: dict = {
    "circles:cohort": ("get", RUNS, _cohort),
    "circles:form": ("post", RUNS, _cohort),
    "circles:publish": ("post", RUNS, _cohort),
    "circles:at_risk": ("get", RUNS, _cohort),
    "circles:move": ("post", RUNS, _membership),
    "circles:leave": ("post", RUNS, _membership),
    "circles:add_member": ("post", RUNS, _circle),
    "circles:facilitator": ("post", RUNS, _circle),
    "circles:detail": ("get", EVERYONE, _circle),
    "circles:agreement": ("get", EVERYONE, _circle),
    "circles:session_new": ("get", SCHEDULERS, _circle),
    "circles:schedule_ics": ("get", EVERYONE, _circle),
    "circles:check_in": ("post", {"mentee"}, _circle),
    "circles:session": ("get", EVERYONE, _session),
    "circles:session_notes": ("post", PEOPLE, _session),
    "circles:session_attendance": ("post", SCHEDULERS, _session),
    "circles:session_cancel": ("post", SCHEDULERS, _session),
    "circles:session_ics": ("get", EVERYONE, _session),
}
PLACES: dict = {}
API: dict = {
    "circles:api_cohort": ("get", RUNS, _cohort),
    "circles:api_form": ("post", RUNS, _cohort),
    "circles:api_publish": ("post", RUNS, _cohort),
    "circles:api_detail": ("get", EVERYONE, _circle),
    "circles:api_sessions": ("post", SCHEDULERS, _circle),
    "circles:api_check_in": ("post", {"mentee"}, _circle),
}
PERSONAL_URLS = {
    "circles:commitments": ("get", None, 302, 200),
}
API_PERSONAL_URLS = {
    "circles:api_commitments": ("get", None, 401, 200),
}
