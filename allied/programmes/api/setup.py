"""The JSON API for setting up programmes: list, read and create programmes, add cohorts, and
list a cohort's people. The same forms and actions as the pages, so the rules are the same;
`PATHS` describes these endpoints for /api/schema/.

A cohort's people are listed without any special category data: ethnicity and gender are read
only on the coordinator's page for one person's intake, where the read is audited.
"""

from __future__ import annotations

from django.http import JsonResponse

from allied.accounts.access import organisation_for
from allied.accounts.api import BadInput, api_client_id, api_user, api_view
from allied.accounts.models import Role
from allied.base import openapi
from allied.programmes import access
from allied.programmes.actions import setup as actions
from allied.programmes.forms.setup import CohortForm, ProgrammeForm
from allied.programmes.models import Cohort, MatchingMode, Programme
from allied.programmes.views.setup import RUNS, cohorts_with_counts

PROGRAMME_DEFAULTS = {
    "description": "",
    "relationship_months": "12",
    "meeting_every_weeks": "4",
    "matching_mode": MatchingMode.COORDINATOR,
    "shortlist_size": "3",
    "require_allyship_training": "",
}


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


def programme_summary(programme: Programme) -> dict:
    return {
        "id": programme.pk,
        "name": programme.name,
        "organisation": programme.organisation.slug,
        "description": programme.description,
    }


def programme_dict(programme: Programme, *, runs: bool) -> dict:
    """Returns the programme; its settings and cohorts only for those who run it."""
    out = programme_summary(programme)
    if not runs:
        return out
    out.update(
        relationship_months=programme.relationship_months,
        meeting_every_weeks=programme.meeting_every_weeks,
        matching_mode=programme.matching_mode,
        shortlist_size=programme.shortlist_size,
        require_allyship_training=programme.require_allyship_training,
        matching_settings=programme.matching_settings or {},
        coordinators=[
            {"id": user.pk, "name": user.full_name}
            for user in programme.coordinators.order_by("full_name")
        ],
        cohorts=[cohort_dict(cohort) for cohort in cohorts_with_counts(programme)],
    )
    return out


def cohort_dict(cohort: Cohort) -> dict:
    out = {
        "id": cohort.pk,
        "name": cohort.name,
        "starts_on": cohort.starts_on.isoformat(),
        "ends_on": cohort.ends_on.isoformat(),
        "status": cohort.status,
    }
    for count in ("mentors", "mentees", "ready", "matched"):
        if hasattr(cohort, count):
            out[count] = getattr(cohort, count)
    return out


@api_view("GET")
def programme_list(request):
    user = api_user(request)
    programmes = access.programmes_for(user).select_related("organisation")
    return JsonResponse({"programmes": [programme_summary(p) for p in programmes]})


@api_view("GET")
def programme_detail(request, pk: int):
    api_user(request)
    programme = access.programme_for(request, pk)
    return JsonResponse(programme_dict(programme, runs=access.runs(request)))


@api_view("POST")
def programme_create(request, org: str):
    """Creates a programme with the page's rules; its creator becomes its coordinator."""
    api_user(request)
    organisation = organisation_for(request, org, Role.ORG_ADMIN, Role.COORDINATOR)
    fields = {"name": request.data.get("name", "")}
    fields.update({k: request.data.get(k, d) for k, d in PROGRAMME_DEFAULTS.items()})
    data = _checked(ProgrammeForm(fields))
    programme = actions.programme_create(
        organisation=organisation,
        by=request.user,
        data=data,
        request=request,
        submission=api_client_id(request),
    )
    request.programme_roles = {access.COORDINATOR}
    return JsonResponse(programme_dict(programme, runs=True), status=201)


@api_view("POST")
def cohort_create(request, pk: int):
    api_user(request)
    programme = access.programme_for(request, pk, *RUNS)
    data = _checked(
        CohortForm({k: request.data.get(k, "") for k in ("name", "starts_on", "ends_on")})
    )
    cohort = actions.cohort_create(
        programme=programme, data=data, submission=api_client_id(request)
    )
    return JsonResponse(cohort_dict(cohort), status=201)


@api_view("GET")
def cohort_participants(request, pk: int):
    api_user(request)
    cohort = access.cohort_for(request, pk)
    people = cohort.participants.select_related("user").order_by("side", "user__full_name", "pk")
    return JsonResponse(
        {
            "cohort": cohort_dict(cohort),
            "participants": [
                {
                    "id": place.pk,
                    "name": place.user.full_name,
                    "side": place.side,
                    "status": place.status,
                    "allyship_trained": place.allyship_trained if place.is_mentor else None,
                }
                for place in people
            ],
        }
    )


# OpenAPI 3.1 ----------------------------------------------------------------------------

_errors = openapi.errors
_ok = openapi.ok
_body = openapi.body
USER = openapi.USER


def _in_path(name: str, schema_type: str, description: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": schema_type},
    }


_CLIENT_ID = {
    "type": "string",
    "format": "uuid",
    "description": "Optional. Generated by the client for each new thing it creates: a "
    "retry with the same id (after a timeout, say) returns what the first request made "
    "instead of making another. An id that is not a UUID is a 400.",
}
_PK = _in_path("pk", "integer", "The programme's id.")
_COHORT = _in_path("pk", "integer", "The cohort's id.")
_ORG = _in_path("org", "string", "The organisation's slug.")

_SUMMARY = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "organisation": {"type": "string", "description": "The organisation's slug."},
        "description": {"type": "string"},
    },
    "required": ["id", "name", "organisation"],
}
_COHORT_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "starts_on": {"type": "string", "format": "date"},
        "ends_on": {"type": "string", "format": "date"},
        "status": {"enum": [s.value for s in Cohort.Status]},
        "mentors": {"type": "integer"},
        "mentees": {"type": "integer"},
        "ready": {"type": "integer", "description": "Intakes complete."},
        "matched": {"type": "integer", "description": "Mentees in a current relationship."},
    },
    "required": ["id", "name", "starts_on", "ends_on", "status"],
}
_DETAIL = {
    "type": "object",
    "description": "Mentors and mentees see the summary; coordinators and admins also see "
    "the settings and cohorts.",
    "properties": {
        **_SUMMARY["properties"],
        "relationship_months": {"type": "integer"},
        "meeting_every_weeks": {"type": "integer"},
        "matching_mode": {"enum": [m.value for m in MatchingMode]},
        "shortlist_size": {"type": "integer"},
        "require_allyship_training": {"type": "boolean"},
        "matching_settings": {
            "type": "object",
            "description": 'The engine\'s weights and rules: {"weights": {...}, "rules": '
            "{...}}; empty means the engine's defaults.",
        },
        "coordinators": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            },
        },
        "cohorts": {"type": "array", "items": _COHORT_SCHEMA},
    },
    "required": ["id", "name", "organisation"],
}
_CREATE = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 200},
        "description": {"type": "string", "maxLength": 5000},
        "relationship_months": {"type": "integer", "minimum": 1, "maximum": 60, "default": 12},
        "meeting_every_weeks": {"type": "integer", "minimum": 1, "maximum": 52, "default": 4},
        "matching_mode": {"enum": [m.value for m in MatchingMode], "default": "coordinator"},
        "shortlist_size": {"type": "integer", "minimum": 1, "maximum": 10, "default": 3},
        "require_allyship_training": {"type": "boolean", "default": False},
        "client_id": _CLIENT_ID,
    },
    "required": ["name"],
}
_COHORT_CREATE = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 200},
        "starts_on": {"type": "string", "format": "date"},
        "ends_on": {"type": "string", "format": "date", "description": "After starts_on."},
        "client_id": _CLIENT_ID,
    },
    "required": ["name", "starts_on", "ends_on"],
}
_PARTICIPANTS = {
    "type": "object",
    "properties": {
        "cohort": _COHORT_SCHEMA,
        "participants": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "side": {"enum": ["mentor", "mentee"]},
                    "status": {"enum": ["intake", "ready", "withdrawn"]},
                    "allyship_trained": {"type": ["boolean", "null"]},
                },
            },
        },
    },
}

PATHS = {
    "/api/programmes/": {
        "get": {
            "operationId": "programmesList",
            "summary": "The programmes you may open",
            "tags": ["programmes"],
            "security": USER,
            "responses": {
                **_ok(
                    {
                        "type": "object",
                        "properties": {"programmes": {"type": "array", "items": _SUMMARY}},
                    },
                    "Your programmes.",
                ),
                **_errors(401),
            },
        }
    },
    "/api/programmes/{pk}/": {
        "get": {
            "operationId": "programmeDetail",
            "summary": "One programme, with its settings and cohorts for those who run it",
            "tags": ["programmes"],
            "security": USER,
            "parameters": [_PK],
            "responses": {**_ok(_DETAIL, "The programme."), **_errors(401, 404)},
        }
    },
    "/api/organisations/{org}/programmes/": {
        "post": {
            "operationId": "programmeCreate",
            "summary": "Create a programme (organisation admins and coordinators); you become "
            "its coordinator",
            "tags": ["programmes"],
            "security": USER,
            "parameters": [_ORG],
            "requestBody": _body(_CREATE),
            "responses": {
                **_ok(_DETAIL, "The new programme.", 201),
                **_errors(400, 401, 403, 404),
            },
        }
    },
    "/api/programmes/{pk}/cohorts/": {
        "post": {
            "operationId": "cohortCreate",
            "summary": "Add a cohort to a programme you run",
            "tags": ["programmes"],
            "security": USER,
            "parameters": [_PK],
            "requestBody": _body(_COHORT_CREATE),
            "responses": {
                **_ok(_COHORT_SCHEMA, "The new cohort.", 201),
                **_errors(400, 401, 403, 404, 409),
            },
        }
    },
    "/api/cohorts/{pk}/participants/": {
        "get": {
            "operationId": "cohortParticipants",
            "summary": "A cohort's mentors and mentees (never special category data)",
            "tags": ["programmes"],
            "security": USER,
            "parameters": [_COHORT],
            "responses": {**_ok(_PARTICIPANTS, "The cohort's people."), **_errors(401, 403, 404)},
        }
    },
}
