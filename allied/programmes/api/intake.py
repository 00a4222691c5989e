"""The intake as JSON: read your own answers, save a step, submit. Each step is validated by
the same form as its page (`allied.programmes.forms.intake`), and saved by the same action.

Only the place's owner may use these (anyone else: 404). POST replaces the step's answers as
the page does (a field not sent is cleared); PATCH changes only the fields sent. `PATHS` is
this module's part of the OpenAPI document.
"""

from __future__ import annotations

from django import forms
from django.http import Http404, JsonResponse

from allied.accounts.api import BadInput, Payload, api_user, api_view, error_response
from allied.programmes import access, sensitive
from allied.programmes.actions import intake as actions
from allied.programmes.errors import ProgrammeError
from allied.programmes.forms.intake import EqualityForm, extra_questions, form_class
from allied.programmes.models import Participant
from allied.programmes.views.intake import bind

PROFILE_FIELDS = (
    "profession",
    "band",
    "work_setting",
    "region",
    "career_goals",
    "interests",
    "languages",
    "meeting_mode",
    "availability",
    "team",
    "line_manager_email",
    "values",
    "working_style",
    "openness",
    "conscientiousness",
)
MENTEE_FIELDS = (
    "needs_need",
    "needs_help",
    "needs_support",
    "needs_require",
    "needs_text",
    "race_conversation",
    "race_raised_by",
    "race_note",
)
MENTOR_FIELDS = ("offers", "offer_text", "capacity", "race_comfort", "race_note")
EQUALITY_FIELDS = (*EqualityForm.FIELDS,)


def _place(request, pk: int) -> Participant:
    api_user(request)
    return access.place_for(request, pk)


def intake_json(place: Participant) -> dict:
    """The person's own intake, their own ethnicity and gender included (not logged: it is
    their data, read by them)."""
    fields = PROFILE_FIELDS + (MENTOR_FIELDS if place.is_mentor else MENTEE_FIELDS)
    answers = sensitive.own_answers(place)
    return {
        "id": place.pk,
        "side": place.side,
        "status": place.status,
        "open": actions.is_open(place),
        "intake_step": place.intake_step,
        "intake_completed_at": place.intake_completed_at,
        "programme": {"id": place.cohort.programme_id, "name": place.cohort.programme.name},
        "cohort": {"id": place.cohort_id, "name": place.cohort.name, "status": place.cohort.status},
        "sections": actions.sections(place),
        "answers": {
            **{name: getattr(place, name) for name in fields},
            "preferences": place.preferences,
            "extra_answers": place.extra_answers,
        },
        "equality": None
        if answers.pk is None
        else {
            **{name: getattr(answers, name) for name in EQUALITY_FIELDS},
            "consent_recorded_at": answers.consent_recorded_at,
        },
        "questions": [
            {"id": q.pk, "text": q.text, "hint": q.hint, "required": q.required}
            for q in extra_questions(place)
        ],
    }


def _flatten(values: dict) -> dict:
    """Turns the API's nested shapes into the form's fields: `preferences` {attribute:
    {kind, strength}} into `<attribute>_kind`/`_strength`, `needs_text` {question: words}
    into `text_<question>`, and `answers` {question id: text} into `q_<id>`."""
    out = {k: v for k, v in values.items() if k not in ("preferences", "needs_text", "answers")}
    nested = (
        ("preferences", lambda key, value: _preference(key, value)),
        ("needs_text", lambda key, value: {f"text_{key}": value}),
        ("answers", lambda key, value: {f"q_{key}": value}),
    )
    for name, expand in nested:
        given = values.get(name)
        if given is None:
            continue
        if not isinstance(given, dict):
            raise BadInput(f"'{name}' must be an object.")
        for key, value in given.items():
            out.update(expand(str(key), value))
    return out


def _preference(attribute: str, value) -> dict:
    if not isinstance(value, dict):
        raise BadInput(f"The preference about '{attribute}' must be an object with 'kind'.")
    return {
        f"{attribute}_kind": value.get("kind", ""),
        f"{attribute}_strength": value.get("strength", ""),
    }


def _as_data(form, values: dict) -> Payload:
    """A form's data from JSON values: lists for checkbox answers; a list sent for a text
    answer (interests, languages) becomes one semicolon-separated text."""
    out = {}
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, list) and not isinstance(
            form.fields.get(name), forms.MultipleChoiceField
        ):
            value = "; ".join(str(x) for x in value if not isinstance(x, dict | list))
        out[name] = value
    return Payload(out)


@api_view("GET")
def intake_detail(request, pk: int):
    return JsonResponse(intake_json(_place(request, pk)))


@api_view("POST", "PATCH")
def intake_step(request, pk: int, step: str):
    place = _place(request, pk)
    if step not in actions.steps_for(place) or form_class(step, place) is None:
        raise Http404
    if not actions.step_open(place, step):
        raise ProgrammeError(actions.CLOSED)
    blank = bind(step, place)
    values = _flatten(request.data.values)
    if request.method == "PATCH":
        values = {**{k: v for k, v in blank.initial.items() if v is not None}, **values}
    form = bind(step, place, _as_data(blank, values))
    if not form.is_valid():
        return error_response(
            400,
            "Some answers need correcting; nothing was saved.",
            errors={name: [str(e) for e in errors] for name, errors in form.errors.items()},
        )
    place = actions.save_step(place, step, form.changes(), request=request)
    return JsonResponse({"ok": True, "next": actions.next_step(place, step), **intake_json(place)})


@api_view("POST")
def intake_submit(request, pk: int):
    place = _place(request, pk)
    submitted = actions.submit(place, request=request)
    return JsonResponse({"ok": True, "submitted_now": submitted, **intake_json(place)})


_PK = {"name": "pk", "in": "path", "required": True, "schema": {"type": "integer"}}
_STEP = {
    "name": "step",
    "in": "path",
    "required": True,
    "description": "about, you, needs (mentees) or offer (mentors), preferences, equality, "
    "race, extra (when the programme asks its own questions).",
    "schema": {"type": "string"},
}
_ERR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


def _errors(*codes: int) -> dict:
    meanings = {
        400: "Bad input; `errors` maps each field to its messages. Nothing was saved.",
        401: "No usable credentials.",
        403: "The CSRF check failed for a session.",
        404: "Not found, or not your own place.",
        405: "Wrong method.",
        409: "Refused now (intake closed, or a section is not completed). Nothing was "
        "changed. The equality step is never closed to its owner: consent can be withdrawn "
        "at any time, taking effect from the next matching run.",
    }
    return {str(c): {"description": meanings[c], "content": _ERR} for c in codes}


_INTAKE = {
    "description": "Your own intake.",
    "content": {"application/json": {"schema": {"type": "object"}}},
}
_STEP_BODY = {
    "type": "object",
    "description": "The step's fields, named as on its page. Checkbox answers are lists of "
    "codes; `preferences` is {attribute: {kind: same|different|none, strength: "
    "essential|important|nice_to_have}}; `needs_text` is {need|help|support|require: words}; "
    "`answers` is {question id: text}; the personality statements are openness_1, "
    "openness_2, conscientiousness_1, conscientiousness_2 (1 to 5, the second of each "
    "reversed).",
    "additionalProperties": True,
}

PATHS = {
    "/api/places/{pk}/intake/": {
        "get": {
            "operationId": "intakeDetail",
            "summary": "Your own intake: answers, sections and their state, your own "
            "ethnicity and gender answers and consents.",
            "parameters": [_PK],
            "responses": {"200": _INTAKE, **_errors(401, 404, 405)},
        }
    },
    "/api/places/{pk}/intake/{step}/": {
        method: {
            "operationId": f"intakeStep{method.title()}",
            "summary": summary,
            "parameters": [_PK, _STEP],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": _STEP_BODY},
                    "application/x-www-form-urlencoded": {"schema": _STEP_BODY},
                },
            },
            "responses": {"200": _INTAKE, **_errors(400, 401, 403, 404, 405, 409)},
        }
        for method, summary in (
            ("post", "Save one step, replacing its answers (a field not sent is cleared)."),
            ("patch", "Change only the fields sent in one step."),
        )
    },
    "/api/places/{pk}/intake/submit/": {
        "post": {
            "operationId": "intakeSubmit",
            "summary": "Submit the intake for matching. A second submission changes nothing "
            "(`submitted_now` is false).",
            "parameters": [_PK],
            "responses": {"200": _INTAKE, **_errors(401, 403, 404, 405, 409)},
        }
    },
}
