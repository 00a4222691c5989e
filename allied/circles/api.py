"""The circles' JSON API: the same forms, actions and access as the pages, and the same privacy
(members see names and professions; the coordinator never reads notes or check-ins; the
scheduler learns how many people a time clashes for, never whose meeting or when).

`PATHS` is this area's fragment of the OpenAPI description, keyed by the routes in
`allied/circles/urls.py`.
"""

from __future__ import annotations

from django.http import JsonResponse

from allied.accounts.api import BadInput, api_submission, api_user, api_view
from allied.circles import access, actions, forms
from allied.circles.models import Circle, CircleSession


def _valid(form):
    if not form.is_valid():
        raise BadInput(
            "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())
        )
    return form.cleaned_data


def _iso(value):
    return value.isoformat() if value else None


def session_dict(session: CircleSession, *, notes: bool) -> dict:
    out = {
        "id": session.pk,
        "starts_at": session.starts_at.isoformat(),
        "duration_minutes": session.duration_minutes,
        "mode": session.mode,
        "location": session.location,
        "status": session.status,
        "uid": f"{session.uid}@allied-circles",
        "sequence": session.sequence,
    }
    if notes:
        out["shared_notes"] = session.shared_notes
    return out


def circle_dict(circle: Circle, roles: set[str]) -> dict:
    people = bool(roles & set(access.PEOPLE))
    return {
        "id": circle.pk,
        "cohort": circle.cohort_id,
        "name": circle.name,
        "status": circle.status,
        "min_size": circle.min_size,
        "max_size": circle.max_size,
        "your_roles": sorted(roles),
        "facilitator": (
            {"id": circle.facilitator_id, "name": circle.facilitator.user.full_name}
            if circle.facilitator_id
            else None
        ),
        "members": [
            {
                "id": m.participant_id,
                "name": m.participant.user.full_name,
                "profession": m.participant.profession,
                "joined_on": _iso(m.joined_on),
            }
            for m in circle.current_members()
        ],
        "ground_rules": circle.ground_rules,
        "goals": circle.goals,
        "sessions": [session_dict(s, notes=people) for s in circle.sessions.all()],
    }


def _review_dict(found: actions.Review) -> dict:
    return {
        "quality": found.quality,
        "formed_quality": found.formation.quality if found.formation else None,
        "random_start_quality": found.formation.start_quality if found.formation else None,
        "seed": found.formation.seed if found.formation else None,
        "scores": [
            {"attribute": name, "kind": kind, "score": score} for name, kind, score in found.scores
        ],
        "circles": [
            {
                "id": view.circle.pk,
                "name": view.circle.name,
                "status": view.circle.status,
                "size": view.size,
                "min_size": view.circle.min_size,
                "max_size": view.circle.max_size,
                "facilitator": view.circle.facilitator_id,
                "members": [
                    {
                        "membership": m.pk,
                        "id": m.participant_id,
                        "name": m.participant.user.full_name,
                    }
                    for m in view.members
                ],
                "mix": [
                    {"attribute": a, "values": [{"value": x, "count": n} for x, n in counts]}
                    for a, counts in view.mix
                ],
                "likeness": [{"attribute": a, "value": x, "count": n} for a, x, n in view.likeness],
                "flags": view.flags,
            }
            for view in found.circles
        ],
        "waiting": [{"id": p.pk, "name": p.user.full_name} for p in found.waiting],
    }


def _cohort(request, pk: int):
    api_user(request)
    return access.cohort_for(request, pk)


def _circle(request, pk: int, *roles: str) -> Circle:
    api_user(request)
    return access.circle_for(request, pk, *roles)


# Endpoints ----------------------------------------------------------------------------------


@api_view("GET")
def cohort_circles(request, pk: int):
    """The cohort's circles as the coordinator reviews them, with the engine's explanation."""
    return JsonResponse(_review_dict(actions.review(_cohort(request, pk))))


@api_view("POST")
def form_circles(request, pk: int):
    """Form draft circles (`min_size`, `max_size`, `seed`, `availability_weight`)."""
    cohort = _cohort(request, pk)
    merged = {"min_size": 5, "max_size": 8, "seed": 1, "availability_weight": 2}
    merged.update(request.data.values)
    data = _valid(forms.FormCirclesForm(request.data.like(merged)))
    actions.form(cohort=cohort, by=request.user, request=request, **data)
    return JsonResponse(_review_dict(actions.review(cohort)), status=201)


@api_view("POST")
def publish(request, pk: int):
    cohort = _cohort(request, pk)
    published = actions.publish(cohort=cohort, by=request.user, request=request)
    return JsonResponse({"published": [c.pk for c in published]})


@api_view("GET")
def circle_detail(request, pk: int):
    circle = _circle(request, pk, *access.EVERYONE)
    return JsonResponse(circle_dict(circle, request.circle_roles))


@api_view("GET", "POST")
def sessions(request, pk: int):
    """GET: the circle's sessions. POST: arrange one (`day`, `time`, `duration_minutes`,
    `mode`, `location`, optional `submission`); the answer says for how many people in the
    circle the time clashes with a one-to-one meeting."""
    if request.method == "GET":
        circle = _circle(request, pk, *access.EVERYONE)
        people = bool(request.circle_roles & set(access.PEOPLE))
        return JsonResponse(
            {"sessions": [session_dict(s, notes=people) for s in circle.sessions.all()]}
        )
    circle = _circle(request, pk, *access.RUNNERS)
    form = forms.SessionForm(request.data)
    data = _valid(form)
    clashing = actions.members_clashing(
        circle, form.starts_at(), data["duration_minutes"], data["mode"]
    )
    session, made = actions.session_schedule(
        circle=circle,
        by=request.user,
        starts_at=form.starts_at(),
        duration_minutes=data["duration_minutes"],
        mode=data["mode"],
        location=data["location"],
        key=api_submission(request),
    )
    return JsonResponse(
        {"created": made, "clashes_for_people": clashing, **session_dict(session, notes=True)},
        status=201 if made else 200,
    )


@api_view("POST")
def check_in(request, pk: int):
    circle = _circle(request, pk, access.MEMBER)
    place = actions.place_in(circle, request.user)
    data = _valid(forms.CheckInForm(request.data))
    made_check_in, made = actions.check_in(
        circle=circle,
        participant=place,
        mood=data["mood"],
        text=data["text"],
        shared=data["shared"],
        key=api_submission(request),
    )
    return JsonResponse(
        {
            "created": made,
            "id": made_check_in.pk,
            "mood": made_check_in.mood,
            "text": made_check_in.text,
            "shared": made_check_in.shared,
        },
        status=201 if made else 200,
    )


@api_view("GET")
def commitments(request):
    """Your upcoming one-to-one meetings and circle sessions, with a warning on every clash."""
    user = api_user(request)
    entries, clashes = actions.commitments_of(user)
    return JsonResponse(
        {
            "commitments": [
                {
                    "kind": e.kind,
                    "title": e.title,
                    "starts_at": e.starts_at.isoformat(),
                    "ends_at": e.ends_at.isoformat(),
                    "mode": e.mode,
                    "href": e.href,
                    "warnings": e.warnings,
                }
                for e in entries
            ],
            "clashes": clashes,
        }
    )


# OpenAPI ------------------------------------------------------------------------------------

USER = [{"bearer": []}, {"session": []}]
PK = {"name": "pk", "in": "path", "required": True, "schema": {"type": "integer"}}
TEXT = {"type": "string"}
SUBMISSION = {
    "type": "string",
    "format": "uuid",
    "description": "A one-time key: a resent request with the same key changes nothing and "
    "answers with what the first one made.",
}
MEANINGS = {
    400: "Bad input: a missing or malformed field. Nothing was changed.",
    401: "No usable credentials.",
    403: "Your role in the programme or circle does not allow this (audited).",
    404: "Not found, or not yours to see.",
    409: "Refused now (already published, not published yet, already done). Nothing was changed.",
}


def _body(properties: dict, required: list[str] | None = None) -> dict:
    schema: dict = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return {
        "required": True,
        "content": {
            "application/json": {"schema": schema},
            "application/x-www-form-urlencoded": {"schema": schema},
        },
    }


def _op(
    op_id, summary, ok, *, params=(PK,), body=None, status="200", errors=(400, 401, 403, 404, 409)
):
    operation = {
        "operationId": op_id,
        "summary": summary,
        "tags": ["Mentoring circles"],
        "security": USER,
        "parameters": list(params),
        "responses": {
            status: {
                "description": ok,
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
            **{
                str(code): {
                    "description": MEANINGS[code],
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
                for code in errors
            },
        },
    }
    if body is not None:
        operation["requestBody"] = body
    return operation


SESSION_BODY = _body(
    {
        "day": {"type": "string", "format": "date"},
        "time": {"type": "string", "example": "14:30"},
        "duration_minutes": {"type": "integer", "minimum": 15, "maximum": 480},
        "mode": {"type": "string", "enum": ["online", "in_person"]},
        "location": TEXT,
        "submission": SUBMISSION,
    },
    ["day", "time", "duration_minutes", "mode"],
)

PATHS = {
    "/api/cohorts/{pk}/circles/": {
        "get": _op(
            "circlesOfCohort",
            "The cohort's circles as they stand, with the engine's explanation: quality, "
            "each circle's mix and likeness, and flags (below the minimum size, no facilitator).",
            "The circles.",
            errors=(401, 403, 404),
        )
    },
    "/api/cohorts/{pk}/circles/form/": {
        "post": _op(
            "circlesForm",
            "Form draft circles from the mentees whose intake is complete, replacing any "
            "earlier draft. Refused (409) once the cohort's circles are published.",
            "The draft circles.",
            status="201",
            body=_body(
                {
                    "min_size": {"type": "integer", "minimum": 2, "default": 5},
                    "max_size": {"type": "integer", "minimum": 2, "default": 8},
                    "seed": {"type": "integer", "minimum": 0, "default": 1},
                    "availability_weight": {"type": "number", "minimum": 0, "default": 2},
                }
            ),
        )
    },
    "/api/cohorts/{pk}/circles/publish/": {
        "post": _op(
            "circlesPublish",
            "Publish the cohort's draft circles and email every member and facilitator.",
            "The ids of the circles published.",
        )
    },
    "/api/circles/{pk}/": {
        "get": _op(
            "circleDetail",
            "A circle as you may see it: members' names and professions, ground rules, goals, "
            "sessions (notes only for its members and facilitator).",
            "The circle.",
            errors=(401, 403, 404),
        )
    },
    "/api/circles/{pk}/sessions/": {
        "get": _op(
            "circleSessions",
            "The circle's sessions.",
            "The sessions.",
            errors=(401, 403, 404),
        ),
        "post": _op(
            "circleSessionCreate",
            "Arrange a session (the coordinator or the facilitator). The answer's "
            "`clashes_for_people` counts the people whose one-to-one meetings it clashes with.",
            "The session.",
            status="201",
            body=SESSION_BODY,
        ),
    },
    "/api/circles/{pk}/check-in/": {
        "post": _op(
            "circleCheckIn",
            "Check in (members only): `mood` 1 to 5, optional `text`, `shared` to let the "
            "circle see it.",
            "The check-in.",
            status="201",
            body=_body(
                {
                    "mood": {"type": "integer", "minimum": 1, "maximum": 5},
                    "text": TEXT,
                    "shared": {"type": "boolean"},
                    "submission": SUBMISSION,
                },
                ["mood"],
            ),
        )
    },
    "/api/mentoring/commitments/": {
        "get": _op(
            "commitments",
            "Your upcoming one-to-one meetings and circle sessions, with every clash.",
            "Your commitments.",
            params=(),
            errors=(401,),
        )
    },
}
