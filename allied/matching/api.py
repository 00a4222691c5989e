"""The matching JSON API: the same forms and actions as the pages, answered in JSON.

`PATHS` is this area's part of the OpenAPI document at /api/schema/. Refusals (a stale
run version, a full mentor, a request already answered) are 409; malformed input is 400.
"""

from __future__ import annotations

from django.http import Http404, JsonResponse

from allied.accounts.api import BadInput, api_user, api_view
from allied.core.matching.explain import points
from allied.matching import actions
from allied.matching.forms import (
    AssignForm,
    ChooseForm,
    LockForm,
    RespondForm,
    RunStateForm,
)
from allied.matching.views import cohort_for, first_error, mentee_place
from allied.programmes import access
from allied.programmes.models import Participant, ShortlistOffer, Side


def _valid(form):
    if not form.is_valid():
        raise BadInput(first_error(form))
    return form.cleaned_data


def run_dict(cohort) -> dict:
    """The draft run as the coordinator sees it: pairs with explanations, and the unmatched."""
    run = actions.draft_run(cohort)
    if run is None:
        return {"cohort": cohort.pk, "run": None, "version": "", "pairs": [], "unmatched": []}
    names = dict(Participant.objects.filter(cohort=cohort).values_list("pk", "user__full_name"))
    return {
        "cohort": cohort.pk,
        "run": run.pk,
        "version": actions.run_version(run),
        "status": run.status,
        "pairs": [_pair(p, names) for p in run.proposals.all()],
        "unmatched": [_unmatched(e, names) for e in run.unmatched],
    }


def _pair(p, names: dict) -> dict:
    return {
        "id": p.pk,
        "mentee": {"id": p.mentee_id, "name": names.get(p.mentee_id, "")},
        "mentor": {"id": p.mentor_id, "name": names.get(p.mentor_id, "")},
        "score": points(p.score),
        "locked": p.locked,
        "explanation": p.explanation,
        "override_reason": p.override_reason,
    }


def _unmatched(entry: dict, names: dict) -> dict:
    mentee = entry.get("participant")
    return {
        "mentee": {"id": mentee, "name": names.get(mentee, "")},
        "reason": entry.get("reason", ""),
    }


def _snapshot(cohort) -> tuple[dict, set]:
    """What a change is measured against: each pair's id with what can change of it, and the
    unmatched mentees' ids. One query; no explanations or names are read."""
    run = actions.draft_run(cohort)
    if run is None:
        return {}, set()
    pairs = {
        pk: rest
        for pk, *rest in run.proposals.values_list(
            "pk", "mentee_id", "mentor_id", "locked", "override_reason"
        )
    }
    return pairs, {e.get("participant") for e in run.unmatched}


def change_dict(cohort, before: tuple[dict, set]) -> dict:
    """What a lock, removal or swap changed in the draft, and its new version: the pairs that
    are new or changed (in full), the ids of pairs that went, the mentees newly unmatched
    (with the reason) and those no longer unmatched. A client that needs the whole draft
    fetches it (GET .../matching/); at 2,000 mentees it is megabytes, the change a few lines."""
    old_pairs, old_unmatched = before
    run = actions.draft_run(cohort)
    new_pairs, new_unmatched = _snapshot(cohort)
    changed = [pk for pk, rest in new_pairs.items() if old_pairs.get(pk) != rest]
    proposals = list(run.proposals.filter(pk__in=changed)) if run else []
    added = [e for e in (run.unmatched if run else []) if e.get("participant") not in old_unmatched]
    people = {p.mentee_id for p in proposals} | {p.mentor_id for p in proposals}
    people |= {e.get("participant") for e in added}
    names = dict(
        Participant.objects.filter(cohort=cohort, pk__in=people).values_list(
            "pk", "user__full_name"
        )
    )
    return {
        "cohort": cohort.pk,
        "run": run.pk if run else None,
        "version": actions.run_version(run),
        "pairs": [_pair(p, names) for p in proposals],
        "removed_pairs": sorted(set(old_pairs) - set(new_pairs)),
        "unmatched": [_unmatched(e, names) for e in added],
        "no_longer_unmatched": sorted(old_unmatched - new_unmatched),
    }


def _cohort(request, pk):
    api_user(request)
    return cohort_for(request, pk)


@api_view("GET")
def draft(request, pk: int):
    return JsonResponse(run_dict(_cohort(request, pk)))


@api_view("POST")
def run(request, pk: int):
    cohort = _cohort(request, pk)
    actions.matching_run(cohort=cohort, by=request.user, request=request)
    return JsonResponse(run_dict(cohort))


@api_view("POST")
def lock(request, pk: int):
    cohort = _cohort(request, pk)
    data = _valid(LockForm(request.data))
    proposal = request.data.get("proposal") or ""
    if not (proposal.isascii() and proposal.isdigit() and len(proposal) < 19):
        raise BadInput("Send 'proposal', the id of a pair.")
    before = _snapshot(cohort)
    actions.proposal_lock(
        cohort=cohort,
        run_id=data["run"],
        version=data["version"],
        proposal_id=int(proposal),
        locked=data["locked"],
    )
    return JsonResponse(change_dict(cohort, before))


@api_view("POST")
def remove(request, pk: int):
    cohort = _cohort(request, pk)
    data = _valid(RunStateForm(request.data))
    proposal = request.data.get("proposal") or ""
    if not (proposal.isascii() and proposal.isdigit() and len(proposal) < 19):
        raise BadInput("Send 'proposal', the id of a pair.")
    before = _snapshot(cohort)
    actions.proposal_remove(
        cohort=cohort, run_id=data["run"], version=data["version"], proposal_id=int(proposal)
    )
    return JsonResponse(change_dict(cohort, before))


@api_view("POST")
def swap(request, pk: int):
    cohort = _cohort(request, pk)
    mentors = actions.engine.ready_people(cohort, Side.MENTOR)
    data = _valid(AssignForm(request.data, mentors=[(m, m.user.full_name) for m in mentors]))
    before = _snapshot(cohort)
    actions.proposal_assign(
        cohort=cohort,
        run_id=data["run"],
        version=data["version"],
        mentee_id=data["mentee"],
        mentor_id=data["mentor"],
        by=request.user,
        override_reason=data["override_reason"],
        request=request,
    )
    return JsonResponse(change_dict(cohort, before))


@api_view("POST")
def publish(request, pk: int):
    cohort = _cohort(request, pk)
    data = _valid(RunStateForm(request.data))
    made = actions.matching_publish(
        cohort=cohort,
        run_id=data["run"],
        version=data["version"],
        by=request.user,
        request=request,
    )
    return JsonResponse({"ok": True, "relationships": [r.pk for r in made]}, status=201)


@api_view("POST")
def shortlists_generate(request, pk: int):
    cohort = _cohort(request, pk)
    told = actions.shortlists_generate(cohort=cohort, by=request.user, request=request)
    return JsonResponse({"ok": True, "mentees_with_suggestions": told})


def shortlist_dict(place: Participant) -> dict:
    """What the mentee may read: suggested mentors' work profile and offer, and the
    mentee-safe explanation. Never anyone's ethnicity, gender or a decline reason."""
    current = actions.current_request(place)
    offers = ShortlistOffer.objects.filter(mentee=place).select_related("mentor__user")
    return {
        "place": place.pk,
        "request": None
        if current is None
        else {
            "relationship": current.pk,
            "status": current.status,
            "status_text": current.get_status_display(),
            "mentor": current.mentor.user.full_name,
        },
        "suggestions": [
            {
                "id": o.pk,
                "rank": o.rank,
                "withdrawn": o.withdrawn_at is not None,
                "mentor": {
                    "name": o.mentor.user.full_name,
                    "profession": o.mentor.get_profession_display(),
                    "band": o.mentor.get_band_display(),
                    "work_setting": o.mentor.get_work_setting_display(),
                    "offers": o.mentor.offers,
                    "offer_text": o.mentor.offer_text,
                },
                "explanation": o.explanation,
            }
            for o in offers
        ],
    }


@api_view("GET")
def shortlist(request, pk: int):
    api_user(request)
    return JsonResponse(shortlist_dict(mentee_place(request, pk)))


@api_view("POST")
def choose(request, pk: int, offer_id: int):
    api_user(request)
    place = mentee_place(request, pk)
    if not ShortlistOffer.objects.filter(pk=offer_id, mentee=place).exists():
        raise Http404
    data = _valid(ChooseForm(request.data))
    relationship = actions.shortlist_choose(place=place, offer_id=offer_id, note=data["note"])
    return JsonResponse(
        {"ok": True, "relationship": relationship.pk, "status": relationship.status}, status=201
    )


@api_view("POST")
def withdraw(request, pk: int):
    api_user(request)
    place = mentee_place(request, pk)
    relationship = actions.request_withdraw(place=place, by=request.user)
    return JsonResponse(
        {"ok": True, "relationship": relationship.pk, "status": relationship.status}
    )


@api_view("POST")
def respond(request, pk: int):
    api_user(request)
    relationship = access.relationship_for(request, pk, access.MENTOR)
    data = _valid(RespondForm(request.data))
    done = actions.relationship_respond(
        relationship=relationship,
        decision=data["decision"],
        reason=data["reason"],
        by=request.user,
        request=request,
    )
    return JsonResponse({"ok": True, "relationship": done.pk, "status": done.status})


# OpenAPI -----------------------------------------------------------------------------------

_SECURITY = [{"bearer": []}, {"session": []}]
_ERROR = {"$ref": "#/components/schemas/Error"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    meanings = {
        400: "Bad input: a missing or malformed field. Nothing was changed.",
        401: "No usable credentials.",
        403: "Your role does not allow this (recorded in the audit log), or the CSRF check "
        "failed for a session.",
        404: "Not found, or not yours to see.",
        405: "Wrong method.",
        409: "Refused now (a stale run version, a full mentor, a request already answered). "
        "Nothing was changed.",
    }
    return {str(code): _json(_ERROR, meanings[code]) for code in codes}


def _body(properties: dict, required: list[str]) -> dict:
    schema = {"type": "object", "required": required, "properties": properties}
    return {
        "required": bool(required),
        "content": {
            "application/json": {"schema": schema},
            "application/x-www-form-urlencoded": {"schema": schema},
        },
    }


def _path_ids(*names: str) -> list[dict]:
    return [
        {"name": n, "in": "path", "required": True, "schema": {"type": "integer"}} for n in names
    ]


_STATE = {
    "run": {"type": "integer", "description": "The draft run's id, from GET .../matching/."},
    "version": {
        "type": "string",
        "description": "The run's version from GET .../matching/; a stale one gets a 409.",
    },
}
_PERSON = {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}
_RUN = {
    "type": "object",
    "properties": {
        "cohort": {"type": "integer"},
        "run": {"type": ["integer", "null"]},
        "version": {"type": "string"},
        "status": {"type": "string"},
        "pairs": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "mentee": _PERSON,
                    "mentor": _PERSON,
                    "score": {"type": "string"},
                    "locked": {"type": "boolean"},
                    "explanation": {"type": "array", "items": {"type": "string"}},
                    "override_reason": {
                        "type": "string",
                        "description": "Why the coordinator made this pair against a hard "
                        "rule; empty for every other pair.",
                    },
                },
            },
        },
        "unmatched": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"mentee": _PERSON, "reason": {"type": "string"}},
            },
        },
    },
}


def _op(op_id: str, summary: str, ok: dict, *codes: int, body=None, params=("pk",)) -> dict:
    operation = {
        "operationId": op_id,
        "summary": summary,
        "security": _SECURITY,
        "parameters": _path_ids(*params),
        "responses": {**ok, **_errors(*codes)},
    }
    if body is not None:
        operation["requestBody"] = body
    return operation


_CHANGE = {
    "type": "object",
    "properties": {
        "cohort": {"type": "integer"},
        "run": {"type": ["integer", "null"]},
        "version": {
            "type": "string",
            "description": "The draft's version after the change: send it with the next one.",
        },
        "pairs": {
            "type": "array",
            "description": "Pairs that are new or changed, in full.",
            "items": _RUN["properties"]["pairs"]["items"],
        },
        "removed_pairs": {
            "type": "array",
            "description": "Ids of pairs that are no longer in the draft.",
            "items": {"type": "integer"},
        },
        "unmatched": {
            "type": "array",
            "description": "Mentees the change left unmatched, with the reason.",
            "items": _RUN["properties"]["unmatched"]["items"],
        },
        "no_longer_unmatched": {
            "type": "array",
            "description": "Ids of mentees who were unmatched before the change and are not now.",
            "items": {"type": "integer"},
        },
    },
}
_COHORT = "/api/programmes/cohorts/{pk}"
_DONE = {
    "200": _json(
        _CHANGE,
        "What the change did to the draft, and its new version. GET .../matching/ gives the "
        "whole draft.",
    )
}

# What answering, choosing or withdrawing a request returns.
_REQUEST_STATE = {
    "type": "object",
    "properties": {
        "ok": {"type": "boolean"},
        "relationship": {"type": "integer"},
        "status": {"type": "string"},
    },
}

PATHS = {
    f"{_COHORT}/matching/": {
        "get": _op(
            "matchingDraft",
            "The cohort's draft matching run: every pair with its explanation, and everyone "
            "unmatched with the reason. Coordinators and admins.",
            {"200": _json(_RUN, "The draft run (run is null when there is none).")},
            401,
            403,
            404,
            405,
        )
    },
    f"{_COHORT}/matching/run/": {
        "post": _op(
            "matchingRun",
            "Run matching over mentees with a complete intake and no mentor, keeping locked "
            "pairs; replaces the draft's other pairs.",
            {"200": _json(_RUN, "The whole draft run after the run.")},
            401,
            403,
            404,
            405,
            409,
        )
    },
    f"{_COHORT}/matching/lock/": {
        "post": _op(
            "matchingLock",
            "Lock a pair (a re-run keeps it) or unlock it.",
            _DONE,
            400,
            401,
            403,
            404,
            405,
            409,
            body=_body(
                {
                    **_STATE,
                    "proposal": {"type": "integer"},
                    "locked": {"type": "string", "enum": ["yes", "no"]},
                },
                ["run", "version", "proposal", "locked"],
            ),
        )
    },
    f"{_COHORT}/matching/remove/": {
        "post": _op(
            "matchingRemove",
            "Remove a pair: the mentee becomes unmatched and is not paired with that mentor "
            "again in this draft.",
            _DONE,
            400,
            401,
            403,
            404,
            405,
            409,
            body=_body({**_STATE, "proposal": {"type": "integer"}}, ["run", "version", "proposal"]),
        )
    },
    f"{_COHORT}/matching/swap/": {
        "post": _op(
            "matchingSwap",
            "Give a mentee (paired or unmatched) another mentor with a free place; the new "
            "pair is locked. A mentor without a free place is refused (409). A pair that "
            "breaks a hard rule (their mentoring together ended, a line manager, a rule of the "
            "programme's) is refused (409) unless override_reason says why; the reason is "
            "kept with the pair and in the audit log.",
            _DONE,
            400,
            401,
            403,
            404,
            405,
            409,
            body=_body(
                {
                    **_STATE,
                    "mentee": {"type": "integer"},
                    "mentor": {"type": "integer"},
                    "override_reason": {"type": "string", "maxLength": 1000},
                },
                ["run", "version", "mentee", "mentor"],
            ),
        )
    },
    f"{_COHORT}/matching/publish/": {
        "post": _op(
            "matchingPublish",
            "Publish the draft: every pair becomes an active relationship, everyone is "
            "emailed, and the cohort is running. Publishing twice creates nothing (409).",
            {
                "201": _json(
                    {
                        "type": "object",
                        "properties": {
                            "ok": {"type": "boolean"},
                            "relationships": {"type": "array", "items": {"type": "integer"}},
                        },
                    },
                    "The relationships started.",
                )
            },
            400,
            401,
            403,
            404,
            405,
            409,
            body=_body(_STATE, ["run", "version"]),
        )
    },
    f"{_COHORT}/shortlists/": {
        "post": _op(
            "shortlistsGenerate",
            "Suggest up to the programme's shortlist size of mentors to each mentee without a "
            "mentor, and email them. Suggestions a mentor declined stay withdrawn.",
            {
                "200": _json(
                    {
                        "type": "object",
                        "properties": {
                            "ok": {"type": "boolean"},
                            "mentees_with_suggestions": {"type": "integer"},
                        },
                    },
                    "Done.",
                )
            },
            401,
            403,
            404,
            405,
            409,
        )
    },
    "/api/programmes/places/{pk}/shortlist/": {
        "get": _op(
            "shortlist",
            "The signed-in mentee's suggested mentors, with explanations that never mention "
            "anyone else's ethnicity or gender, and the state of their request.",
            {"200": _json({"type": "object"}, "The suggestions.")},
            401,
            404,
            405,
        )
    },
    "/api/programmes/places/{pk}/shortlist/{offer_id}/choose/": {
        "post": _op(
            "shortlistChoose",
            "Ask a suggested mentor, with an optional note. A mentor whose places have just "
            "gone, or a second request, is refused (409).",
            {
                "201": _json(
                    _REQUEST_STATE,
                    "The request.",
                )
            },
            400,
            401,
            404,
            405,
            409,
            body=_body({"note": {"type": "string", "maxLength": 1000}}, []),
            params=("pk", "offer_id"),
        )
    },
    "/api/programmes/places/{pk}/shortlist/withdraw/": {
        "post": _op(
            "shortlistWithdraw",
            "The mentee takes back a request the mentor has not accepted, to choose again. "
            "Nothing waiting to withdraw is refused (409).",
            {
                "200": _json(
                    _REQUEST_STATE,
                    "The withdrawn request.",
                )
            },
            401,
            404,
            405,
            409,
            params=("pk",),
        )
    },
    "/api/programmes/relationships/{pk}/respond/": {
        "post": _op(
            "requestRespond",
            "The mentor's answer to a request: accept, decline (with an optional reason only "
            "the mentor and coordinator see), or a conversation first.",
            {
                "200": _json(
                    _REQUEST_STATE,
                    "The relationship's new state.",
                )
            },
            400,
            401,
            403,
            404,
            405,
            409,
            body=_body(
                {
                    "decision": {"type": "string", "enum": ["accept", "decline", "conversation"]},
                    "reason": {"type": "string", "maxLength": 1000},
                },
                ["decision"],
            ),
        )
    },
}
