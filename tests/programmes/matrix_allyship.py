"""The allyship area's rows of the access matrix (see tests/programmes/matrix.py).

A person's own reflections need only sign-in: the list and the form are PERSONAL_URLS, and one
reflection (Mia's on the own side, Omar's on the other) is a PLACE: its author alone may open,
share or stop sharing it; anyone else, coordinators included, gets a 404. Coordinators read a
reflection only on the programme's shared page, while its author shares it.
"""

RUNS = {"coordinator", "admin"}
READS_TRAINING = {"mentor", "coordinator", "admin"}


def programme(w, side):
    return {"pk": w[f"programme_{side}"].pk}


def module(w, side):
    return {"module_id": w[f"module_{side}"].pk}


def module_edit(w, side):
    return {"pk": w[f"programme_{side}"].pk, "module_id": w[f"module_{side}"].pk}


def reflection(w, side):
    return {"pk": w[f"reflection_{side}"].pk}


PAGES: dict = {
    "allyship:module": ("get", READS_TRAINING, module),
    "allyship:training": ("get", RUNS, programme),
    "allyship:training_defaults": ("post", RUNS, programme),
    "allyship:module_edit": ("get", RUNS, module_edit),
    "allyship:progress": ("get", RUNS, programme),
    "allyship:shared": ("get", RUNS, programme),
    "allyship:feedback": ("get", RUNS, programme),
}
PLACES: dict = {
    "allyship:reflection": ("get", reflection),
    "allyship:reflection_share": ("post", reflection),
    "allyship:reflection_unshare": ("post", reflection),
}
API: dict = {
    "allyship:api_module": ("get", READS_TRAINING, module),
    "allyship:api_training": ("get", READS_TRAINING, programme),
    "allyship:api_progress": ("get", RUNS, programme),
    "allyship:api_feedback": ("get", RUNS, programme),
}
API_PLACES: dict = {
    "allyship:api_reflection": ("get", reflection),
    "allyship:api_share": ("post", reflection),
    "allyship:api_unshare": ("post", reflection),
}

# In the shapes of tests/test_access_matrix.py's tables of the same names.
PERSONAL_URLS = {
    "allyship:home": ("get", None, 302, 200),
    "allyship:reflection_new": ("get", None, 302, 200),
}
API_PERSONAL_URLS = {"allyship:api_reflections": ("get", None, 401, 200)}
