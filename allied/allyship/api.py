"""The allyship JSON API: a person's own reflections (create, read, share, stop sharing), a
programme's training modules and completing one, and, for those who run a programme, training
progress and mentees' feedback as suppressed counts. The same forms and actions as the pages;
`PATHS` describes these endpoints for /api/schema/.
"""

from __future__ import annotations

from django.http import Http404, JsonResponse

from allied.accounts.access import RoleRequired
from allied.accounts.api import BadInput, api_submission, api_user, api_view
from allied.allyship import actions, reports
from allied.allyship.forms import CompleteForm, ModuleForm, ReflectionForm, ShareForm
from allied.allyship.models import Completion, Reflection, TrainingModule
from allied.base import openapi
from allied.core import allyship as model
from allied.programmes import access

RUNS = (access.COORDINATOR, access.ADMIN)


def _checked(form) -> dict:
    """Returns the form's cleaned data, or raises BadInput naming every problem."""
    if not form.is_valid():
        raise BadInput(
            "; ".join(
                f"{field}: {' '.join(errors)}" if field != "__all__" else " ".join(errors)
                for field, errors in form.errors.items()
            )
        )
    return form.cleaned_data


def _fields(request, names) -> dict:
    return {name: request.data.get(name) for name in names if request.data.get(name) is not None}


def reflection_dict(reflection: Reflection) -> dict:
    answers = {a.quality: a for a in reflection.answers.all()}
    return {
        "id": reflection.pk,
        "created_at": reflection.created_at.isoformat(),
        "overall": reflection.overall,
        "shared_with": reflection.shared_with_id,
        "answers": [
            {"quality": q.code, "rating": answers[q.code].rating, "text": answers[q.code].text}
            for q in model.QUALITIES
            if q.code in answers
        ],
    }


def _own(request, pk: int) -> Reflection:
    reflection = Reflection.objects.filter(pk=pk, author=request.user).first()
    if reflection is None:
        raise Http404
    return reflection


@api_view("GET", "POST")
def reflections(request):
    """GET: your reflections, newest first. POST: a new one (rating_<quality> 1 to 5 for every
    quality; text_<quality> and overall optional)."""
    user = api_user(request)
    if request.method == "POST":
        names = ["overall"] + [f"{k}_{c}" for c in model.CODES for k in ("rating", "text")]
        data = _checked(ReflectionForm(_fields(request, names)))
        reflection = actions.reflection_create(
            author=user, data=data, submission=api_submission(request)
        )
        return JsonResponse(reflection_dict(reflection), status=201)
    mine = Reflection.objects.filter(author=user).prefetch_related("answers")
    return JsonResponse(
        {
            "qualities": [
                {"code": q.code, "name": q.name, "description": q.description}
                for q in model.QUALITIES
            ],
            "reflections": [reflection_dict(r) for r in mine],
        }
    )


@api_view("GET")
def reflection(request, pk: int):
    api_user(request)
    return JsonResponse(reflection_dict(_own(request, pk)))


@api_view("POST")
def reflection_share(request, pk: int):
    user = api_user(request)
    reflection = _own(request, pk)
    programmes = list(actions.programmes_to_share_with(user))
    data = _checked(ShareForm(_fields(request, ["programme"]), programmes=programmes))
    actions.reflection_share(reflection=reflection, programme=data["programme"])
    return JsonResponse(reflection_dict(reflection))


@api_view("POST")
def reflection_unshare(request, pk: int):
    api_user(request)
    reflection = _own(request, pk)
    actions.reflection_unshare(reflection=reflection)
    return JsonResponse(reflection_dict(reflection))


def module_dict(module: TrainingModule, completion: Completion | None = None) -> dict:
    out = {
        "id": module.pk,
        "title": module.title,
        "content": module.content,
        "order": module.order,
        "required": module.required,
        "reflection_prompt": module.reflection_prompt,
    }
    if completion is not None:
        out["completed_at"] = completion.completed_at.isoformat()
        out["reflection"] = completion.reflection
    return out


@api_view("GET", "POST")
def module(request, module_id: int):
    """GET: the module (with your completion, for mentors). POST (mentors): complete it, with
    an optional reflection that only you will see."""
    user = api_user(request)
    found = TrainingModule.objects.filter(pk=module_id).select_related("programme").first()
    if found is None:
        raise Http404
    access.programme_for(request, found.programme_id, access.MENTOR, *RUNS)
    is_mentor = access.MENTOR in request.programme_roles
    if request.method == "POST":
        if not is_mentor:
            raise RoleRequired(found.programme.organisation, (access.MENTOR,))
        data = _checked(CompleteForm(_fields(request, ["reflection"])))
        completion = actions.module_complete(module=found, user=user, reflection=data["reflection"])
        out = module_dict(found, completion)
        out["trained"] = actions.is_trained(user=user, programme=found.programme)
        return JsonResponse(out)
    completion = Completion.objects.filter(module=found, user=user).first() if is_mentor else None
    return JsonResponse(module_dict(found, completion))


@api_view("GET", "POST")
def training(request, pk: int):
    """GET (mentors and those who run the programme): its modules. POST (coordinators and
    admins): add a module."""
    user = api_user(request)
    programme = access.programme_for(request, pk, access.MENTOR, *RUNS)
    if request.method == "POST":
        if not access.runs(request):
            raise RoleRequired(programme.organisation, RUNS)
        fields = _fields(request, actions.MODULE_FIELDS)
        fields.setdefault("order", "0")
        data = _checked(ModuleForm(fields))
        created = actions.module_add(
            programme=programme, data=data, submission=api_submission(request)
        )
        return JsonResponse(module_dict(created), status=201)
    done = {}
    if access.MENTOR in request.programme_roles:
        done = {c.module_id: c for c in Completion.objects.filter(user=user)}
    return JsonResponse(
        {
            "programme": programme.pk,
            "modules": [module_dict(m, done.get(m.pk)) for m in programme.training_modules.all()],
        }
    )


@api_view("GET")
def progress(request, pk: int):
    """Each mentor's completion of the programme's modules (dates only, never reflections)."""
    api_user(request)
    programme = access.programme_for(request, pk, *RUNS)
    modules, rows = reports.progress(programme)
    return JsonResponse(
        {
            "modules": [{"id": m.pk, "title": m.title, "required": m.required} for m in modules],
            "mentors": [
                {
                    "name": row.name,
                    "trained": row.trained,
                    "required_done": row.required_done,
                    "required": row.required,
                    "completed": {str(m.pk): at.isoformat() if at else None for m, at in row.done},
                }
                for row in rows
            ],
        }
    )


@api_view("GET")
def feedback(request, pk: int):
    """Mentees' feedback on allyship: counts per answer, hidden ("*") or rounded to the nearest
    5, decided together with all who answered so that no hidden count can be worked out."""
    api_user(request)
    programme = access.programme_for(request, pk, *RUNS)
    return JsonResponse({"questions": reports.feedback(programme)})


# OpenAPI 3.1 ----------------------------------------------------------------------------

_errors = openapi.errors
_ok = openapi.ok
_body = openapi.body
USER = openapi.USER
TAGS = ["allyship"]


def _in_path(name: str, description: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "integer"},
    }


_PK = _in_path("pk", "The programme's id.")
_REFLECTION_ID = _in_path("pk", "The reflection's id (yours).")
_MODULE_ID = _in_path("module_id", "The training module's id.")
_QUALITY = {"enum": list(model.CODES)}
_REFLECTION = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "created_at": {"type": "string", "format": "date-time"},
        "overall": {"type": "string"},
        "shared_with": {
            "type": ["integer", "null"],
            "description": "The programme whose coordinators may read it, or null (private).",
        },
        "answers": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "quality": _QUALITY,
                    "rating": {"type": "integer", "minimum": 1, "maximum": 5},
                    "text": {"type": "string"},
                },
            },
        },
    },
    "required": ["id", "created_at", "answers"],
}
_REFLECTION_CREATE = {
    "type": "object",
    "properties": {
        "overall": {"type": "string", "maxLength": 5000},
        "submission": {
            "type": "string",
            "format": "uuid",
            "description": "A one-time key: sending it again returns the first reflection.",
        },
        **{
            f"rating_{code}": {"type": "integer", "minimum": 1, "maximum": 5}
            for code in model.CODES
        },
        **{f"text_{code}": {"type": "string", "maxLength": 5000} for code in model.CODES},
    },
    "required": [f"rating_{code}" for code in model.CODES],
}
_MODULE = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "content": {
            "type": "string",
            "description": "Plain text: blank lines between paragraphs, '- ' for bullets.",
        },
        "order": {"type": "integer"},
        "required": {"type": "boolean"},
        "reflection_prompt": {"type": "string"},
        "completed_at": {
            "type": "string",
            "format": "date-time",
            "description": "Mentors only: when you completed it.",
        },
        "reflection": {"type": "string", "description": "Mentors only: your own reflection."},
        "trained": {"type": "boolean", "description": "After completing: all required done."},
    },
    "required": ["id", "title", "content", "required"],
}
_MODULE_CREATE = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "maxLength": 200},
        "content": {"type": "string", "maxLength": 20000},
        "order": {"type": "integer", "minimum": 0, "maximum": 999, "default": 0},
        "required": {"type": "boolean", "default": False},
        "reflection_prompt": {"type": "string", "maxLength": 300},
        "submission": {"type": "string", "format": "uuid"},
    },
    "required": ["title", "content"],
}
_COUNT = {
    "type": "string",
    "description": "A count rounded to the nearest 5, or '*' for a hidden one: fewer than 8, "
    "or a larger count hidden so that a small one cannot be worked out from the others.",
}

PATHS = {
    "/api/allyship/reflections/": {
        "get": {
            "operationId": "allyshipReflections",
            "summary": "Your allyship reflections, newest first, and the model's qualities",
            "tags": TAGS,
            "security": USER,
            "responses": {
                **_ok(
                    {
                        "type": "object",
                        "properties": {
                            "qualities": {"type": "array", "items": {"type": "object"}},
                            "reflections": {"type": "array", "items": _REFLECTION},
                        },
                    },
                    "Your reflections.",
                ),
                **_errors(401),
            },
        },
        "post": {
            "operationId": "allyshipReflectionCreate",
            "summary": "Write a dated reflection (private to you)",
            "tags": TAGS,
            "security": USER,
            "requestBody": _body(_REFLECTION_CREATE),
            "responses": {**_ok(_REFLECTION, "The reflection.", 201), **_errors(400, 401)},
        },
    },
    "/api/allyship/reflections/{pk}/": {
        "get": {
            "operationId": "allyshipReflection",
            "summary": "One of your reflections",
            "tags": TAGS,
            "security": USER,
            "parameters": [_REFLECTION_ID],
            "responses": {**_ok(_REFLECTION, "The reflection."), **_errors(401, 404)},
        }
    },
    "/api/allyship/reflections/{pk}/share/": {
        "post": {
            "operationId": "allyshipReflectionShare",
            "summary": "Share a reflection with the coordinators of a programme you take part in",
            "tags": TAGS,
            "security": USER,
            "parameters": [_REFLECTION_ID],
            "requestBody": _body(
                {
                    "type": "object",
                    "properties": {"programme": {"type": "integer"}},
                    "required": ["programme"],
                }
            ),
            "responses": {**_ok(_REFLECTION, "Shared."), **_errors(400, 401, 404, 409)},
        }
    },
    "/api/allyship/reflections/{pk}/unshare/": {
        "post": {
            "operationId": "allyshipReflectionUnshare",
            "summary": "Stop sharing a reflection",
            "tags": TAGS,
            "security": USER,
            "parameters": [_REFLECTION_ID],
            "responses": {**_ok(_REFLECTION, "Private again."), **_errors(401, 404)},
        }
    },
    "/api/allyship/training/{module_id}/": {
        "get": {
            "operationId": "allyshipModule",
            "summary": "A training module (mentors, coordinators and admins of its programme)",
            "tags": TAGS,
            "security": USER,
            "parameters": [_MODULE_ID],
            "responses": {**_ok(_MODULE, "The module."), **_errors(401, 403, 404)},
        },
        "post": {
            "operationId": "allyshipModuleComplete",
            "summary": "Complete a module (mentors), with an optional reflection only you see",
            "tags": TAGS,
            "security": USER,
            "parameters": [_MODULE_ID],
            "requestBody": _body(
                {"type": "object", "properties": {"reflection": {"type": "string"}}}
            ),
            "responses": {**_ok(_MODULE, "Completed."), **_errors(400, 401, 403, 404)},
        },
    },
    "/api/programmes/{pk}/training/": {
        "get": {
            "operationId": "allyshipTraining",
            "summary": "A programme's training modules",
            "tags": TAGS,
            "security": USER,
            "parameters": [_PK],
            "responses": {
                **_ok(
                    {
                        "type": "object",
                        "properties": {
                            "programme": {"type": "integer"},
                            "modules": {"type": "array", "items": _MODULE},
                        },
                    },
                    "The modules.",
                ),
                **_errors(401, 403, 404),
            },
        },
        "post": {
            "operationId": "allyshipModuleCreate",
            "summary": "Add a training module (coordinators and admins)",
            "tags": TAGS,
            "security": USER,
            "parameters": [_PK],
            "requestBody": _body(_MODULE_CREATE),
            "responses": {**_ok(_MODULE, "The new module.", 201), **_errors(400, 401, 403, 404)},
        },
    },
    "/api/programmes/{pk}/training/progress/": {
        "get": {
            "operationId": "allyshipProgress",
            "summary": "Each mentor's completion of the training (never their reflections)",
            "tags": TAGS,
            "security": USER,
            "parameters": [_PK],
            "responses": {
                **_ok({"type": "object"}, "Modules and mentors."),
                **_errors(401, 403, 404),
            },
        }
    },
    "/api/programmes/{pk}/allyship-feedback/": {
        "get": {
            "operationId": "allyshipFeedback",
            "summary": "Mentees' feedback on allyship, as counts with small numbers hidden",
            "tags": TAGS,
            "security": USER,
            "parameters": [_PK],
            "responses": {
                **_ok(
                    {
                        "type": "object",
                        "properties": {
                            "questions": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "field": {"type": "string"},
                                        "question": {"type": "string"},
                                        "answered": _COUNT,
                                        "answers": {
                                            "type": "array",
                                            "items": {
                                                "type": "object",
                                                "properties": {
                                                    "answer": {"type": "string"},
                                                    "label": {"type": "string"},
                                                    "count": _COUNT,
                                                },
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "Counts per answer.",
                ),
                **_errors(401, 403, 404),
            },
        }
    },
}
