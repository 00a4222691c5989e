"""The relationship area's rows of the access matrix (see tests/programmes/matrix.py).

A relationship is open to its pair and to the programme's coordinators and admins (who share
the "coordinator" side in `relationship_for`); pages the coordinator may open list both
"coordinator" and "admin". The matrix posts empty bodies: pages answer with a message and a
redirect, the API with 400 or 409.
"""

EVERYONE = {"mentor", "mentee", "coordinator", "admin"}
PAIR = {"mentor", "mentee"}
RUNS = {"coordinator", "admin"}


def _relationship(w, side):
    return {"pk": w[f"relationship_{side}"].pk}


def _meeting(w, side):
    return {"pk": w[f"meeting_{side}"].pk}


def _goal(w, side):
    return {"pk": w[f"goal_{side}"].pk}


PAGES: dict = {
    "programmes:relationship": ("get", EVERYONE, _relationship),
    "programmes:agreement": ("get", EVERYONE, _relationship),
    "programmes:agreement_edit": ("get", PAIR, _relationship),
    "programmes:agreement_sign": ("post", PAIR, _relationship),
    "programmes:meeting_new": ("get", PAIR, _relationship),
    "programmes:meeting": ("get", PAIR, _meeting),
    "programmes:meeting_edit": ("get", PAIR, _meeting),
    "programmes:meeting_held": ("post", PAIR, _meeting),
    "programmes:meeting_cancel": ("post", PAIR, _meeting),
    "programmes:meeting_ics": ("get", PAIR, _meeting),
    "programmes:meeting_notes": ("post", PAIR, _meeting),
    "programmes:meeting_private_note": ("post", PAIR, _meeting),
    "programmes:goal_new": ("get", PAIR, _relationship),
    "programmes:goal": ("get", PAIR, _goal),
    "programmes:goal_action_new": ("post", PAIR, _goal),
    "programmes:goal_update_new": ("post", PAIR, _goal),
    "programmes:goal_status": ("post", PAIR, _goal),
    "programmes:goal_action_done": (
        "post",
        PAIR,
        lambda w, side: {"pk": w[f"goal_action_{side}"].pk},
    ),
    "programmes:sponsorship_new": ("get", {"mentor"}, _relationship),
    "programmes:sponsorship_confirm": (
        "post",
        {"mentee"},
        lambda w, side: {"pk": w[f"sponsorship_{side}"].pk},
    ),
    "programmes:review": (
        "get",
        PAIR,
        lambda w, side: {"pk": w[f"relationship_{side}"].pk, "stage": "end"},
    ),
    "programmes:end": ("get", PAIR, _relationship),
    "programmes:concern_new": ("get", PAIR, _relationship),
    "programmes:concerns": ("get", RUNS, lambda w, side: {"pk": w[f"programme_{side}"].pk}),
    "programmes:concern": ("get", RUNS, lambda w, side: {"pk": w[f"concern_{side}"].pk}),
    "programmes:cohort_relationships": (
        "get",
        RUNS,
        lambda w, side: {"pk": w[f"cohort_{side}"].pk},
    ),
    "programmes:cohort_stalled": ("get", RUNS, lambda w, side: {"pk": w[f"cohort_{side}"].pk}),
}
PLACES: dict = {}
API: dict = {
    "programmes:api_relationship": ("get", EVERYONE, _relationship),
    "programmes:api_agreement": ("get", EVERYONE, _relationship),
    "programmes:api_agreement_sign": ("post", PAIR, _relationship),
    "programmes:api_meetings": ("get", EVERYONE, _relationship),
    "programmes:api_meeting_held": ("post", PAIR, _meeting),
    "programmes:api_meeting_cancel": ("post", PAIR, _meeting),
    "programmes:api_meeting_notes": ("put", PAIR, _meeting),
    "programmes:api_private_note": ("get", PAIR, _meeting),
    "programmes:api_goals": ("post", PAIR, _relationship),
    "programmes:api_goal": ("get", PAIR, _goal),
    "programmes:api_goal_actions": ("post", PAIR, _goal),
    "programmes:api_goal_action": (
        "put",
        PAIR,
        lambda w, side: {"pk": w[f"goal_action_{side}"].pk},
    ),
    "programmes:api_goal_updates": ("post", PAIR, _goal),
    "programmes:api_sponsorship": ("post", {"mentor"}, _relationship),
    "programmes:api_sponsorship_confirm": (
        "post",
        {"mentee"},
        lambda w, side: {"pk": w[f"sponsorship_{side}"].pk},
    ),
    "programmes:api_review": (
        "post",
        PAIR,
        lambda w, side: {"pk": w[f"relationship_{side}"].pk, "stage": "end"},
    ),
    "programmes:api_end": ("post", PAIR, _relationship),
    "programmes:api_concern": ("post", PAIR, _relationship),
}
