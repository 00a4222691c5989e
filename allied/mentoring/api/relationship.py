"""The mentoring relationship's JSON API: the same forms and actions as the pages, the same
access (`relationship_for`) and the same privacy: the pair read their shared notes, each
person only their own private note, and the coordinator counts and dates only.

`PATHS` is this area's fragment of the OpenAPI description, keyed by the routes in
`allied/mentoring/urls/relationship.py`.
"""

from __future__ import annotations

from django.forms.models import model_to_dict
from django.http import Http404, JsonResponse

from allied.accounts.api import BadInput, api_submission, api_user, api_view
from allied.mentoring import relationship as actions
from allied.mentoring.forms import relationship as forms
from allied.programmes import access
from allied.programmes.errors import ProgrammeError
from allied.programmes.models import (
    Goal,
    GoalAction,
    Meeting,
    Relationship,
    Review,
    SponsorshipAction,
)

PAIR = ("mentor", "mentee")
EVERYONE = ("mentor", "mentee", "coordinator")


def _valid(form):
    if not form.is_valid():
        raise BadInput(
            "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())
        )
    return form.cleaned_data


def _iso(value):
    return value.isoformat() if value else None


def _relationship(request, pk: int, *sides: str) -> Relationship:
    api_user(request)
    return access.relationship_for(request, pk, *sides)


def _meeting(request, pk: int, *sides: str) -> Meeting:
    api_user(request)
    meeting = Meeting.objects.filter(pk=pk).first()
    if meeting is None:
        raise Http404
    meeting.relationship = access.relationship_for(request, meeting.relationship_id, *sides)
    return meeting


def _goal(request, pk: int) -> Goal:
    api_user(request)
    goal = Goal.objects.filter(pk=pk).first()
    if goal is None:
        raise Http404
    goal.relationship = access.relationship_for(request, goal.relationship_id, *PAIR)
    return goal


# What each person may read ----------------------------------------------------------------


def summary_dict(summary: actions.Summary) -> dict:
    return {
        "agreement_signed": summary.agreement_signed,
        "meetings_held": summary.meetings_held,
        "meetings_planned": summary.meetings_planned,
        "meetings_expected": summary.meetings_expected,
        "last_met": _iso(summary.last_met),
        "next_meeting": _iso(summary.next_meeting),
        "reviews_done": list(summary.reviews_done),
        "goals_open": summary.goals_open,
        "goals_achieved": summary.goals_achieved,
        "sponsorship_recorded": summary.sponsorship_recorded,
        "sponsorship_confirmed": summary.sponsorship_confirmed,
        "at_risk": list(summary.at_risk),
    }


def agreement_dict(agreement, *, full: bool) -> dict:
    if agreement is None:
        return {"signed_by_both": False, "version": None}
    out = {
        "version": agreement.version,
        "signed_by_both": agreement.signed_by_both,
        "mentee_signed_version": agreement.mentee_signed_version,
        "mentor_signed_version": agreement.mentor_signed_version,
    }
    if full:
        for name in actions.AGREEMENT_FIELDS:
            value = getattr(agreement, name)
            out[name] = _iso(value) if hasattr(value, "isoformat") else value
        out["scope_understood"] = agreement.scope_understood
        out["scope"] = {"can": list(actions.SCOPE_CAN), "cannot": list(actions.SCOPE_CANNOT)}
    return out


def meeting_dict(meeting: Meeting, *, user=None) -> dict:
    """The meeting as `user` may read it: with the shared notes and their own private note
    for one of the pair; dates and status only when `user` is None (the coordinator)."""
    out = {
        "id": meeting.pk,
        "starts_at": meeting.starts_at.isoformat(),
        "duration_minutes": meeting.duration_minutes,
        "status": meeting.status,
        "sequence": meeting.sequence,
    }
    if user is not None:
        own = actions.private_note_of(meeting, user)
        out.update(
            {
                "mode": meeting.mode,
                "location": meeting.location,
                "uid": f"{meeting.uid}@allied",
                "shared_notes": meeting.shared_notes,
                "shared_notes_base": actions.notes_digest(meeting.shared_notes),
                "my_private_note": own.text if own else "",
            }
        )
    return out


def goal_dict(goal: Goal) -> dict:
    return {
        "id": goal.pk,
        "fingerprint": actions.goal_fingerprint(goal),
        "title": goal.title,
        "description": goal.description,
        "target_date": _iso(goal.target_date),
        "status": goal.status,
        "actions": [
            {"id": a.pk, "text": a.text, "due_on": _iso(a.due_on), "done_at": _iso(a.done_at)}
            for a in goal.actions.all()
        ],
        "updates": [
            {"id": u.pk, "text": u.text, "created_at": _iso(u.created_at)}
            for u in goal.updates.all()
        ],
    }


def sponsorship_dict(action: SponsorshipAction) -> dict:
    return {
        "id": action.pk,
        "kind": action.kind,
        "description": action.description,
        "happened_on": _iso(action.happened_on),
        "confirmed_at": _iso(action.confirmed_at),
        "mentee_comment": action.mentee_comment,
    }


def review_dict(review: Review, *, full: bool) -> dict:
    out = {
        "stage": review.stage,
        "side": review.side,
        "submitted_at": _iso(review.submitted_at),
        "satisfaction": review.satisfaction,
        "trust": review.trust,
        "psychological_safety": review.psychological_safety,
        "expectations_met": review.expectations_met,
        "allyship": review.allyship,
    }
    if full:
        out.update({"career_change": review.career_change, "comments": review.comments})
    return out


def relationship_dict(relationship: Relationship, side: str, user) -> dict:
    out = {
        "id": relationship.pk,
        "status": relationship.status,
        "version": Relationship.objects.values_list("version", flat=True).get(pk=relationship.pk),
        "cohort": relationship.cohort_id,
        "started_at": _iso(relationship.started_at),
        "ended_at": _iso(relationship.ended_at),
        "ending": relationship.ending,
        "your_side": side,
        "summary": summary_dict(actions.summary_of(relationship)),
    }
    agreement = getattr(relationship, "agreement", None)
    if side != "mentee":
        out["decline_reason"] = relationship.decline_reason
    if side == "coordinator":
        out["mentee"] = {"id": relationship.mentee_id, "name": relationship.mentee.user.full_name}
        out["mentor"] = {"id": relationship.mentor_id, "name": relationship.mentor.user.full_name}
        out["agreement"] = agreement_dict(agreement, full=False)
        out["meetings"] = [meeting_dict(m) for m in relationship.meetings.all()]
        out["reviews"] = [review_dict(r, full=False) for r in relationship.reviews.all()]
        return out
    partner = relationship.mentor if side == "mentee" else relationship.mentee
    out["partner"] = {
        "name": partner.user.full_name,
        "email": partner.user.email,
        "profession": partner.profession,
        "band": partner.band,
        "work_setting": partner.work_setting,
    }
    out["agreement"] = agreement_dict(agreement, full=True)
    out["meetings"] = [meeting_dict(m, user=user) for m in relationship.meetings.all()]
    out["goals"] = [goal_dict(g) for g in relationship.goals.all()]
    out["sponsorship"] = [sponsorship_dict(s) for s in relationship.sponsorship.all()]
    out["reviews"] = [
        review_dict(r, full=True) if r.side == side else {"stage": r.stage, "side": r.side}
        for r in relationship.reviews.all()
    ]
    return out


# Endpoints --------------------------------------------------------------------------------


@api_view("GET")
def relationship_detail(request, pk: int):
    relationship = _relationship(request, pk, *EVERYONE)
    return JsonResponse(relationship_dict(relationship, request.relationship_side, request.user))


@api_view("GET", "PUT")
def agreement(request, pk: int):
    """GET: the agreement (the coordinator reads only whether it is signed). PUT: change any
    of its fields; send `version`, the one you read. Any change clears both signatures."""
    if request.method == "GET":
        relationship = _relationship(request, pk, *EVERYONE)
        if request.relationship_side == "coordinator":
            return JsonResponse(
                agreement_dict(getattr(relationship, "agreement", None), full=False)
            )
        readable = actions.agreement_readable(relationship)
        if readable is None:
            raise ProgrammeError(
                "This is still a request, not a mentoring relationship: the agreement opens "
                "once the mentor has accepted it."
            )
        return JsonResponse(agreement_dict(readable, full=True))
    relationship = _relationship(request, pk, *PAIR)
    if relationship.status != Relationship.Status.ACTIVE:
        raise ProgrammeError(
            actions.ENDED
            if relationship.status == Relationship.Status.ENDED
            else "This mentoring relationship is not active, so its agreement cannot be changed."
        )
    current = actions.agreement_of(relationship)
    merged = {
        key: ("" if value is None else value.isoformat() if hasattr(value, "isoformat") else value)
        for key, value in model_to_dict(current, fields=actions.AGREEMENT_FIELDS).items()
    }
    merged["version"] = None
    merged.update(request.data.values)
    if merged["version"] in (None, ""):
        raise BadInput("Send 'version': the agreement version you read.")
    data = _valid(forms.AgreementForm(request.data.like(merged), instance=current))
    fields = {name: data[name] for name in actions.AGREEMENT_FIELDS}
    fields["race_raised_by"] = fields["race_raised_by"] or ""
    updated, changed = actions.agreement_update(
        relationship=relationship, by=request.user, seen_version=data["version"], data=fields
    )
    return JsonResponse({"changed": changed, **agreement_dict(updated, full=True)})


@api_view("POST")
def agreement_sign(request, pk: int):
    relationship = _relationship(request, pk, *PAIR)
    data = _valid(forms.SignForm(request.data))
    signed = actions.agreement_sign(
        relationship=relationship,
        by=request.user,
        side=request.relationship_side,
        version=data["version"],
    )
    return JsonResponse(agreement_dict(signed, full=True))


@api_view("GET", "POST")
def meetings(request, pk: int):
    """GET: the meetings (the coordinator: dates and status only). POST: arrange one
    (`day`, `time`, `duration_minutes`, `mode`, `location`, optional `submission` UUID)."""
    if request.method == "GET":
        relationship = _relationship(request, pk, *EVERYONE)
        user = None if request.relationship_side == "coordinator" else request.user
        return JsonResponse(
            {"meetings": [meeting_dict(m, user=user) for m in relationship.meetings.all()]}
        )
    relationship = _relationship(request, pk, *PAIR)
    form = forms.MeetingForm(request.data)
    data = _valid(form)
    meeting, made = actions.meeting_schedule(
        relationship=relationship,
        by=request.user,
        starts_at=form.starts_at(),
        duration_minutes=data["duration_minutes"],
        mode=data["mode"],
        location=data["location"],
        key=api_submission(request),
    )
    return JsonResponse(
        {"created": made, **meeting_dict(meeting, user=request.user)}, status=201 if made else 200
    )


def _seen_sequence(request) -> int | None:
    raw = request.data.values.get("sequence")
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise BadInput("'sequence' must be the meeting's sequence number you read.")
    try:
        return int(raw)
    except ValueError:
        raise BadInput("'sequence' must be the meeting's sequence number you read.") from None


@api_view("POST")
def meeting_held(request, pk: int):
    meeting = _meeting(request, pk, *PAIR)
    changed = actions.meeting_held(meeting=meeting, by=request.user)
    meeting.refresh_from_db()
    return JsonResponse({"changed": changed, **meeting_dict(meeting, user=request.user)})


@api_view("POST")
def meeting_cancel(request, pk: int):
    meeting = _meeting(request, pk, *PAIR)
    changed = actions.meeting_cancel(
        meeting=meeting, by=request.user, seen_sequence=_seen_sequence(request)
    )
    meeting.refresh_from_db()
    return JsonResponse({"changed": changed, **meeting_dict(meeting, user=request.user)})


@api_view("PUT")
def meeting_notes(request, pk: int):
    """Replaces the shared notes. Send `base` (the `shared_notes_base` you read) to be told
    when your partner saved in between rather than overwrite them."""
    meeting = _meeting(request, pk, *PAIR)
    if "shared_notes" not in request.data:
        raise BadInput("Send 'shared_notes'.")
    data = _valid(forms.SharedNotesForm(request.data))
    changed = actions.shared_notes_save(
        meeting=meeting, by=request.user, text=data["shared_notes"], base=data["base"] or None
    )
    meeting.refresh_from_db()
    return JsonResponse({"changed": changed, **meeting_dict(meeting, user=request.user)})


@api_view("GET", "PUT")
def private_note(request, pk: int):
    """Your own private note on the meeting: nobody else can read it. PUT `text`; an empty
    string deletes the note, and a missing or null `text` is refused rather than taken as
    a deletion."""
    meeting = _meeting(request, pk, *PAIR)
    if request.method == "PUT":
        if request.data.values.get("text") is None:
            raise BadInput("Send 'text': your note, or \"\" to delete it.")
        data = _valid(forms.PrivateNoteForm(request.data))
        actions.private_note_save(meeting=meeting, by=request.user, text=data["text"])
    own = actions.private_note_of(meeting, request.user)
    return JsonResponse({"meeting": meeting.pk, "text": own.text if own else ""})


@api_view("POST")
def goal_create(request, pk: int):
    relationship = _relationship(request, pk, *PAIR)
    data = _valid(forms.GoalForm(request.data))
    goal, made = actions.goal_create(
        relationship=relationship, by=request.user, key=api_submission(request), **data
    )
    return JsonResponse({"created": made, **goal_dict(goal)}, status=201 if made else 200)


GOAL_WORDS = ("title", "description", "target_date")


@api_view("GET", "PUT")
def goal(request, pk: int):
    """GET the goal; PUT `status` (open, achieved, set_aside) and/or `title`,
    `description`, `target_date`, with `fingerprint` (the one you read) to be told when your
    partner changed the goal in between. Everything is checked before anything changes."""
    goal = _goal(request, pk)
    if request.method == "PUT":
        status = None
        if "status" in request.data:
            status = request.data.get("status")
            if status not in Goal.Status.values:
                raise BadInput(f"status: Choose one of {', '.join(Goal.Status.values)}.")
        words = None
        if set(GOAL_WORDS) & set(request.data.values):
            merged = {
                "title": goal.title,
                "description": goal.description,
                "target_date": _iso(goal.target_date) or "",
                **{
                    k: v
                    for k, v in request.data.values.items()
                    if k in ("title", "description", "target_date")
                },
            }
            words = _valid(forms.GoalForm(request.data.like(merged)))
        seen = request.data.get("fingerprint") or None
        actions.goal_change(goal=goal, by=request.user, status=status, words=words, seen=seen)
        goal.refresh_from_db()
    return JsonResponse(goal_dict(goal))


@api_view("POST")
def goal_action_create(request, pk: int):
    goal = _goal(request, pk)
    data = _valid(forms.GoalActionForm(request.data))
    action, made = actions.goal_action_add(
        goal=goal, by=request.user, key=api_submission(request), **data
    )
    return JsonResponse(
        {"created": made, "id": action.pk, "text": action.text, "due_on": _iso(action.due_on)},
        status=201 if made else 200,
    )


@api_view("PUT")
def goal_action(request, pk: int):
    """Marks an action done (`done`: true) or not done (`done`: false)."""
    api_user(request)
    action = GoalAction.objects.filter(pk=pk).select_related("goal").first()
    if action is None:
        raise Http404
    action.goal.relationship = access.relationship_for(request, action.goal.relationship_id, *PAIR)
    raw = request.data.values.get("done", True)
    if not isinstance(raw, bool):
        raise BadInput("'done' must be true or false.")
    action = actions.goal_action_done(action=action, by=request.user, done=raw)
    return JsonResponse({"id": action.pk, "done_at": _iso(action.done_at)})


@api_view("POST")
def goal_update_create(request, pk: int):
    goal = _goal(request, pk)
    data = _valid(forms.GoalUpdateForm(request.data))
    update, made = actions.goal_update_add(
        goal=goal, by=request.user, text=data["text"], key=api_submission(request)
    )
    return JsonResponse({"created": made, "id": update.pk}, status=201 if made else 200)


@api_view("POST")
def sponsorship_create(request, pk: int):
    relationship = _relationship(request, pk, "mentor")
    data = _valid(forms.SponsorshipForm(request.data))
    action, made = actions.sponsorship_record(
        relationship=relationship, by=request.user, key=api_submission(request), **data
    )
    return JsonResponse({"created": made, **sponsorship_dict(action)}, status=201 if made else 200)


@api_view("POST")
def sponsorship_confirm(request, pk: int):
    api_user(request)
    action = SponsorshipAction.objects.filter(pk=pk).first()
    if action is None:
        raise Http404
    access.relationship_for(request, action.relationship_id, "mentee")
    data = _valid(forms.SponsorshipConfirmForm(request.data))
    changed = actions.sponsorship_confirm(action=action, by=request.user, comment=data["comment"])
    action.refresh_from_db()
    return JsonResponse({"changed": changed, **sponsorship_dict(action)})


@api_view("POST")
def review_submit(request, pk: int, stage: str):
    if stage not in actions.STAGES:
        raise Http404
    relationship = _relationship(request, pk, *PAIR)
    side = request.relationship_side
    data = _valid(forms.ReviewForm(request.data, side=side))
    review = actions.review_submit(
        relationship=relationship, by=request.user, side=side, stage=stage, data=data
    )
    return JsonResponse(review_dict(review, full=True), status=201)


@api_view("POST")
def end(request, pk: int):
    """Ends the relationship: no reason is needed. `ending` is "no_fault" (the default) or
    "completed" (once the end review is due or done). Only active mentoring can be ended: a
    request is answered by the mentor (`respond`)."""
    relationship = _relationship(request, pk, *PAIR)
    if relationship.status != Relationship.Status.ACTIVE:
        raise ProgrammeError(
            "This mentoring relationship has already ended."
            if relationship.status == Relationship.Status.ENDED
            else "This is still a request, not a mentoring relationship, so it cannot be "
            "ended. The mentor answers it with the respond endpoint."
        )
    data = _valid(forms.EndForm(request.data, may_complete=actions.may_complete(relationship)))
    ended = actions.relationship_end(
        relationship=relationship, by=request.user, ending=data["ending"], request=request
    )
    return JsonResponse({"id": ended.pk, "status": ended.status, "ending": ended.ending})


@api_view("POST")
def concern(request, pk: int):
    relationship = _relationship(request, pk, *PAIR)
    data = _valid(forms.ConcernForm(request.data))
    raised, made = actions.concern_raise(
        relationship=relationship,
        by=request.user,
        key=api_submission(request),
        request=request,
        **data,
    )
    return JsonResponse(
        {"created": made, "id": raised.pk, "status": raised.status}, status=201 if made else 200
    )


# OpenAPI ----------------------------------------------------------------------------------

USER = [{"bearer": []}, {"session": []}]
PK = {"name": "pk", "in": "path", "required": True, "schema": {"type": "integer"}}
STAGE = {
    "name": "stage",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "enum": ["mid", "end"]},
}
SUBMISSION = {
    "type": "string",
    "format": "uuid",
    "description": "A one-time key: a resent request with the same key changes nothing and "
    "answers with what the first one made.",
}


def _ok(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }


def _errors(*codes: int) -> dict:
    meanings = {
        400: "Bad input: a missing or malformed field. Nothing was changed.",
        401: "No usable credentials.",
        403: "Your side of the relationship does not allow this (audited).",
        404: "Not found, or not yours to see.",
        409: "Refused now (not active, a stale version, already done). Nothing was changed.",
    }
    return {
        str(code): {
            "description": meanings[code],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for code in codes
    }


def _body(properties: dict, required: list[str] | None = None) -> dict:
    schema = {"type": "object", "properties": properties}
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
    op_id: str,
    summary: str,
    ok: str,
    *,
    params=(PK,),
    body=None,
    status="200",
    errors=(400, 401, 403, 404, 409),
):
    operation = {
        "operationId": op_id,
        "summary": summary,
        "tags": ["Mentoring relationships"],
        "security": USER,
        "parameters": list(params),
        "responses": {status: _ok(ok), **_errors(*errors)},
    }
    if body is not None:
        operation["requestBody"] = body
    return operation


TEXT = {"type": "string"}
DATE = {"type": "string", "format": "date"}
RATING = {"type": "integer", "minimum": 1, "maximum": 5}

PATHS = {
    "/api/relationships/{pk}/": {
        "get": _op(
            "relationshipDetail",
            "The relationship as you may see it: the pair get notes, goals and sponsorship; "
            "the coordinator counts and dates only.",
            "The relationship.",
            errors=(401, 403, 404),
        )
    },
    "/api/relationships/{pk}/agreement/": {
        "get": _op(
            "agreementGet",
            "The agreement (the coordinator: whether it is signed).",
            "The agreement.",
            errors=(401, 403, 404),
        ),
        "put": _op(
            "agreementPut",
            "Change the agreement; any change clears both signatures.",
            "The agreement after the change.",
            body=_body(
                {"version": {"type": "integer"}, **dict.fromkeys(actions.AGREEMENT_FIELDS, TEXT)},
                ["version"],
            ),
        ),
    },
    "/api/relationships/{pk}/agreement/sign/": {
        "post": _op(
            "agreementSign",
            "Sign the version you read; a stale version is refused (409).",
            "The signed agreement.",
            body=_body(
                {"version": {"type": "integer"}, "scope_understood": {"type": "boolean"}},
                ["version", "scope_understood"],
            ),
        )
    },
    "/api/relationships/{pk}/meetings/": {
        "get": _op(
            "meetingList",
            "The meetings (the coordinator: dates and status only).",
            "The meetings.",
            errors=(401, 403, 404),
        ),
        "post": _op(
            "meetingCreate",
            "Arrange a meeting; both people are emailed an .ics invitation.",
            "The meeting (201 when made, 200 for a resent submission).",
            status="201",
            body=_body(
                {
                    "day": DATE,
                    "time": {"type": "string", "example": "14:30"},
                    "duration_minutes": {"type": "integer", "minimum": 15, "maximum": 480},
                    "mode": {"type": "string", "enum": ["online", "in_person"]},
                    "location": TEXT,
                    "submission": SUBMISSION,
                },
                ["day", "time", "duration_minutes", "mode"],
            ),
        ),
    },
    "/api/meetings/{pk}/held/": {
        "post": _op("meetingHeld", "Record that the meeting happened.", "The meeting.")
    },
    "/api/meetings/{pk}/cancel/": {
        "post": _op(
            "meetingCancel",
            "Cancel a planned meeting. Send `sequence` (the one you read) to be refused (409) "
            "when your partner changed the meeting in between.",
            "The meeting.",
            body={**_body({"sequence": {"type": "integer", "minimum": 0}}), "required": False},
        )
    },
    "/api/meetings/{pk}/notes/": {
        "put": _op(
            "meetingNotesPut",
            "Replace the pair's shared notes.",
            "The meeting.",
            body=_body({"shared_notes": TEXT, "base": TEXT}, ["shared_notes"]),
        )
    },
    "/api/meetings/{pk}/private-note/": {
        "get": _op(
            "privateNoteGet",
            "Your own private note: nobody else can read it.",
            "Your note.",
            errors=(401, 403, 404),
        ),
        "put": _op(
            "privateNotePut",
            'Save your own private note. To delete it, send an empty string (`"text": ""`); '
            "a missing or null `text` is refused (400) and changes nothing.",
            "Your note.",
            body=_body(
                {"text": {"type": "string", "description": 'Your note; "" deletes it.'}},
                ["text"],
            ),
        ),
    },
    "/api/relationships/{pk}/goals/": {
        "post": _op(
            "goalCreate",
            "Add a career goal.",
            "The goal.",
            status="201",
            body=_body(
                {"title": TEXT, "description": TEXT, "target_date": DATE, "submission": SUBMISSION},
                ["title"],
            ),
        )
    },
    "/api/goals/{pk}/": {
        "get": _op(
            "goalGet", "A goal with its actions and updates.", "The goal.", errors=(401, 403, 404)
        ),
        "put": _op(
            "goalPut",
            "Change a goal's status or words, all or nothing. Send `fingerprint` (the one you "
            "read) to be refused (409) when your partner changed the goal in between.",
            "The goal.",
            body=_body(
                {
                    "status": {"type": "string", "enum": list(Goal.Status.values)},
                    "title": TEXT,
                    "description": TEXT,
                    "target_date": DATE,
                    "fingerprint": TEXT,
                }
            ),
        ),
    },
    "/api/goals/{pk}/actions/": {
        "post": _op(
            "goalActionCreate",
            "Add an action to a goal.",
            "The action.",
            status="201",
            body=_body({"text": TEXT, "due_on": DATE, "submission": SUBMISSION}, ["text"]),
        )
    },
    "/api/goal-actions/{pk}/": {
        "put": _op(
            "goalActionPut",
            "Mark an action done or not done.",
            "The action.",
            body=_body({"done": {"type": "boolean"}}),
        )
    },
    "/api/goals/{pk}/updates/": {
        "post": _op(
            "goalUpdateCreate",
            "Add a progress update.",
            "The update.",
            status="201",
            body=_body({"text": TEXT, "submission": SUBMISSION}, ["text"]),
        )
    },
    "/api/relationships/{pk}/sponsorship/": {
        "post": _op(
            "sponsorshipCreate",
            "The mentor records a sponsorship action: the sponsorship domain made visible.",
            "The action.",
            status="201",
            body=_body(
                {
                    "kind": {"type": "string", "enum": list(SponsorshipAction.Kind.values)},
                    "happened_on": DATE,
                    "description": TEXT,
                    "submission": SUBMISSION,
                },
                ["kind", "happened_on", "description"],
            ),
        )
    },
    "/api/sponsorship/{pk}/confirm/": {
        "post": _op(
            "sponsorshipConfirm",
            "The mentee confirms a sponsorship action.",
            "The action.",
            body=_body({"comment": TEXT}),
        )
    },
    "/api/relationships/{pk}/reviews/{stage}/": {
        "post": _op(
            "reviewSubmit",
            "Send your mid-point or end review, once per stage.",
            "Your review.",
            params=(PK, STAGE),
            status="201",
            body=_body(
                {
                    "satisfaction": RATING,
                    "trust": RATING,
                    "psychological_safety": RATING,
                    "expectations_met": {"type": "string", "enum": ["yes", "partly", "no"]},
                    "allyship": {**RATING, "description": "The mentee only."},
                    "career_change": TEXT,
                    "comments": TEXT,
                },
                ["satisfaction", "trust", "psychological_safety", "expectations_met"],
            ),
        )
    },
    "/api/relationships/{pk}/end/": {
        "post": _op(
            "relationshipEnd",
            "End active mentoring; no reason is needed. A request (not yet accepted) is "
            "refused (409): the mentor answers it with the respond endpoint.",
            "The ended relationship.",
            body=_body({"ending": {"type": "string", "enum": ["no_fault", "completed"]}}),
        )
    },
    "/api/relationships/{pk}/concern/": {
        "post": _op(
            "concernRaise",
            "Raise a concern with the programme's coordinators.",
            "The concern.",
            status="201",
            body=_body(
                {"safeguarding": {"type": "boolean"}, "text": TEXT, "submission": SUBMISSION},
                ["text"],
            ),
        )
    },
}
