"""The JSON API: every workshop action as an endpoint, described by `openapi.paths()` at
/api/schema/. Thin on purpose: each view authenticates, fetches through `access`, turns the
JSON body into the fields the pages post, and calls the same `handlers` and `actions`.

Credentials, like the pages: a session (unsafe methods then need the CSRF token), or
`Authorization: Bearer <token>` for people with accounts (POST /api/tokens/), or
`Authorization: Participant <token>` for participants (POST /api/join/<code>/). Requests
with a token are exempt from CSRF: a browser never sends the header by itself.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import authenticate
from django.http import Http404, JsonResponse
from django_otp.plugins.otp_totp.models import TOTPDevice

from allied.accounts import actions as accounts_actions
from allied.accounts import totp
from allied.accounts.access import organisation_for
from allied.accounts.api import (
    BadInput,
    NotAllowed,
    NotSignedIn,
    Payload,
    api_client_id,
    api_user,
    api_view,
    error_response,
)
from allied.accounts.models import ApiToken
from allied.accounts.throttle import (
    guess_failed,
    guess_refusal,
    refused,
    sign_in_failed,
    sign_in_refusal,
    sign_in_succeeded,
)
from allied.audit.log import record
from allied.audit.models import Kind
from allied.core import ngt
from allied.workshops import access, actions, handlers
from allied.workshops.forms import ParticipantForm, StaffForm, WorkshopForm
from allied.workshops.models import Phase, Scheme, StaffRole, Workshop, WorkshopStaff, digest
from allied.workshops.results import ballot_order, engine_ballots, engine_question, engine_scheme
from allied.workshops.state import live_state


def _participant_ref(workshop: Workshop, value):
    """Accepts a participant's id or pseudonym ("P3")."""
    if isinstance(value, str) and value[:1] in "Pp" and value[1:].isdigit():
        found = workshop.participants.filter(number=int(value[1:])).values_list("pk", flat=True)
        value = found.first() or 0
    return handlers.joined_participant(workshop, value)


class _Helpers:
    idea = staticmethod(handlers.idea_in)
    participant = staticmethod(_participant_ref)
    client_id = staticmethod(api_client_id)


def _with_choices(data: Payload) -> Payload:
    """Turns `choices` ({idea id: rank, points, rating or 1}) into the ballot form's
    `idea-<id>` fields."""
    choices = data.values.get("choices")
    if choices is None:
        return data
    if isinstance(choices, list):
        if not all(isinstance(idea, int | str) for idea in choices):
            raise BadInput("A list of 'choices' must hold idea ids.")
        choices = dict.fromkeys(choices, 1)
    if not isinstance(choices, dict):
        raise BadInput("'choices' must map idea ids to values, such as {\"12\": 1}.")
    fields = {key: value for key, value in data.values.items() if not key.startswith("idea-")}
    for idea, value in choices.items():
        if isinstance(idea, bool) or not _is_id(str(idea)):
            raise BadInput(f"'choices' has {idea!r}, which is not an idea id.")
        if value is None or isinstance(value, bool | dict | list):
            raise BadInput(f"The value for idea {idea} must be a number.")
        fields[f"idea-{int(idea)}"] = value
    return data.like(fields)


def _is_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) < 19


def _check_choices_on_ballot(question, data: Payload) -> None:
    on_ballot = {
        str(pk)
        for pk in question.ideas.filter(merged_into__isnull=True).values_list("pk", flat=True)
    }
    for key in data.values:
        if key.startswith("idea-") and key[5:] not in on_ballot:
            raise actions.WorkshopError(f"Idea {key[5:]} is not on the ballot.")


def _version(workshop: Workshop) -> int:
    return Workshop.objects.values_list("version", flat=True).get(pk=workshop.pk)


# The schema and tokens -------------------------------------------------------------------


@api_view("POST", csrf=False)
def token_create(request):
    """Returns a new API token for the person whose email and password (and, when they have
    two-factor, current code) are posted. Failures count towards sign-in throttling."""
    data = request.data
    email = (data.get("email") or "").strip().lower()
    password = data.get("password")
    if not email or not password:
        raise BadInput("Send 'email' and 'password'.")
    if len(email) > 254 or len(password) > 4096:
        raise BadInput("The email address or password is too long.")
    refusal = sign_in_refusal(request, email)
    if refusal:
        record(Kind.SIGN_IN_REFUSED, request=request, email=email)
        return refused(error_response(429, refusal.message), refusal)
    user = authenticate(request, email=email, password=password)
    if user is None:
        sign_in_failed(request, email)
        record(Kind.SIGN_IN_FAILED, request=request, email=email)
        return error_response(401, "Enter a correct email address and password.")
    verified = False
    if TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
        code = (data.get("totp") or "").strip()
        if not code:
            return error_response(
                401, "This account uses two-factor: send 'totp', the current code."
            )
        if totp.verify(user, code[:12]) is None:
            sign_in_failed(request, user.email)
            record(Kind.TWO_FACTOR_FAILED, request=request, actor=user, email=user.email)
            return error_response(401, "The two-factor code is not right.")
        verified = True
    elif user.requires_two_factor():
        return error_response(403, "Set up two-factor authentication in the browser first.")
    token, secret = ApiToken.issue(
        user=user, name=(data.get("name") or "")[:100], verified=verified
    )
    record(Kind.SIGN_IN, request=request, actor=user, email=user.email, subject="API token")
    response = JsonResponse(
        {
            "token": secret,
            "name": token.name,
            "created_at": token.created_at.isoformat(),
            "expires_at": token.expires_at.isoformat(),
        },
        status=201,
    )
    return sign_in_succeeded(request, response, user.email, browser=False)


@api_view("DELETE", csrf=False)
def token_revoke(request):
    """Revokes the bearer token this request carries. Only a bearer token is acted on, and a
    browser never sends one by itself, so no CSRF check is needed: without one it is 401."""
    token = getattr(request, "api_token", None)
    if token is None:
        raise NotSignedIn("Send the token to revoke as 'Authorization: Bearer <token>'.")
    accounts_actions.token_revoke(token=token, by=request.user, request=request)
    return JsonResponse({"ok": True, "message": "The token has been revoked."})


# Facilitators ---------------------------------------------------------------------------


def workshop_dict(workshop: Workshop) -> dict:
    return {
        "id": workshop.pk,
        "title": workshop.title,
        "status": workshop.status,
        "join_code": workshop.join_code,
        "version": workshop.version,
        "questions": [
            {
                "id": q.pk,
                "order": q.order,
                "text": q.text,
                "scheme": q.scheme,
                "k": q.k,
                "exactly_k": q.exactly_k,
                "pool": q.pool,
                "scale": [q.scale_min, q.scale_max],
                "phase": q.phase,
            }
            for q in workshop.questions.all()
        ],
    }


def _workshop_form(data: Payload) -> WorkshopForm:
    questions = data.getlist("questions")
    form = WorkshopForm(
        {
            "title": data.get("title", ""),
            "purpose": data.get("purpose", ""),
            "briefing": data.get("briefing", ""),
            "date": data.get("date", ""),
            "questions": "\n".join(q.replace("\n", " ") for q in questions),
            "scheme": data.get("scheme", Scheme.TOP_K),
            "k": data.get("k", "5"),
            "silent_minutes": data.get("silent_minutes", "5"),
        }
    )
    if not form.is_valid():
        raise BadInput(
            "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())
        )
    return form


def _whole(data: Payload, name: str, low: int, high: int) -> int | None:
    raw = data.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise BadInput(f"'{name}' must be a whole number.") from None
    if not low <= value <= high:
        raise BadInput(f"'{name}' must be between {low} and {high}.")
    return value


@api_view("POST")
def workshop_create(request, org: str):
    """Creates a draft workshop (its creator leads it) with the same rules as the page."""
    api_user(request)
    organisation = organisation_for(request, org, *access.FACILITATES)
    form = _workshop_form(request.data)
    extra = {"exactly_k": request.data.get("exactly_k", "") in {"on", "true", "True", "1"}}
    pool = _whole(request.data, "pool", 1, 1000)
    if pool is not None:
        extra["pool"] = pool
    low, high = (
        _whole(request.data, "scale_min", -100, 100),
        _whole(request.data, "scale_max", -100, 100),
    )
    if low is not None:
        extra["scale_min"] = low
    if high is not None:
        extra["scale_max"] = high
    low_now, high_now = low if low is not None else 1, high if high is not None else 9
    if low_now >= high_now:
        raise BadInput("'scale_min' must be below 'scale_max'.")
    if high_now - low_now < 2:
        raise BadInput(
            "A rating scale needs at least three points: 'scale_max' - 'scale_min' >= 2."
        )
    workshop = handlers.workshop_from_form(
        organisation=organisation, by=request.user, data=form.cleaned_data
    )
    workshop.questions.update(**extra)
    return JsonResponse(workshop_dict(workshop), status=201)


@api_view("GET")
def workshop_detail(request, pk: int):
    api_user(request)
    return JsonResponse(workshop_dict(access.workshop_for(request, pk)))


@api_view("POST")
def workshop_start(request, pk: int):
    api_user(request)
    workshop = access.workshop_for(request, pk, *StaffRole.RUNS)
    actions.workshop_start(workshop=workshop, by=request.user)
    return JsonResponse(
        {"ok": True, "message": "The workshop has started.", "version": _version(workshop)}
    )


@api_view("POST")
def participant_add(request, pk: int):
    """Adds a participant; with an email address, sends them their personal join link."""
    api_user(request)
    workshop = access.workshop_for(request, pk, *StaffRole.RUNS, "admin")
    form = ParticipantForm(request.data)
    if not form.is_valid():
        raise BadInput(" ".join(e for errors in form.errors.values() for e in errors))
    participant, token = actions.participant_add(
        workshop=workshop,
        real_name=form.cleaned_data["real_name"],
        email=form.cleaned_data["email"],
        by=request.user,
    )
    if participant.email:
        actions.participant_invitation_send(
            request=request, workshop=workshop, participant=participant, token=token
        )
    return JsonResponse(
        {
            "ok": True,
            "pseudonym": participant.pseudonym,
            "invitation": token,
            "version": _version(workshop),
        }
    )


@api_view("POST")
def staff_add(request, pk: int):
    """Makes someone in the organisation a co-facilitator, note-taker or observer."""
    api_user(request)
    workshop = access.workshop_for(request, pk, StaffRole.LEAD, "admin")
    form = StaffForm(request.data)
    if not form.is_valid():
        raise BadInput(" ".join(e for errors in form.errors.values() for e in errors))
    member = access.member_by_email(workshop.organisation, form.cleaned_data["email"])
    if member is None:
        raise BadInput(
            "There is nobody with that email address in your organisation. Invite them first."
        )
    WorkshopStaff.objects.update_or_create(
        workshop=workshop, user=member, defaults={"role": form.cleaned_data["role"]}
    )
    return JsonResponse({"ok": True, "email": member.email, "role": form.cleaned_data["role"]})


@api_view("GET")
def workshop_state(request, pk: int):
    api_user(request)
    workshop = access.workshop_for(request, pk, *StaffRole.NOTES, StaffRole.OBSERVER, "admin")
    return JsonResponse(live_state(workshop, staff=True))


@api_view("POST")
def workshop_act(request, pk: int):
    """Every console action, by name, with the console's fields (see the schema)."""
    api_user(request)
    workshop = access.workshop_for(request, pk, *StaffRole.NOTES)
    question, data = workshop.current_question, _with_choices(request.data)
    name = data.get("action", "")
    if name not in handlers.CONSOLE_ACTIONS:
        raise BadInput(f"'action' must be one of: {', '.join(handlers.CONSOLE_ACTIONS)}.")
    needs, handler = handlers.CONSOLE_ACTIONS[name]
    if needs == "runs" and not access.runs(request.workshop_role):
        raise NotAllowed(
            "Only a facilitator can do that; a note-taker can add notes.",
            organisation=workshop.organisation,
            roles=StaffRole.RUNS,
        )
    if question is None:
        raise actions.WorkshopError("The workshop is not on a question.")
    if name == "paper_ballot":
        _check_choices_on_ballot(question, data)
    message = handler(
        request=request,
        workshop=workshop,
        question=question,
        post=data,
        seen=data.get("phase_key") or None,
        ctx=_Helpers,
    )
    return JsonResponse({"ok": True, "message": message, "version": _version(workshop)})


@api_view("GET")
def workshop_results(request, pk: int):
    """Returns the tally in the shape of `allied ngt tally --format json`, over every
    question whose voting has closed (or the one named by ?question=<order>)."""
    api_user(request)
    workshop = access.workshop_for(request, pk)
    questions = list(workshop.questions.all())
    wanted = request.GET.get("question")
    if wanted:
        questions = [q for q in questions if str(q.order) == wanted]
        if not questions:
            raise Http404
    voted = [(q, [b for b in engine_ballots(q) if b.choices]) for q in questions]
    voted = [(q, ballots) for q, ballots in voted if ballots]
    if not voted:
        raise actions.WorkshopError("There are no results yet: no vote has closed.")
    schemes = {engine_scheme(q) for q, _ in voted}
    if len(schemes) > 1:
        raise actions.WorkshopError(
            "These questions use different voting schemes; ask for one with ?question=<number>."
        )
    result = ngt.tally(
        [b for _, ballots in voted for b in ballots],
        [engine_question(q) for q, _ in voted],
        schemes.pop(),
    )
    return JsonResponse(ngt.to_dict(result))


# Participants ---------------------------------------------------------------------------


@api_view("POST", csrf=False)
def join(request, code: str):
    """Joins a workshop after consent; returns the participant token for
    `Authorization: Participant <token>`. The browser's session is not touched."""
    refusal = guess_refusal(request)
    if refusal is None:
        try:
            workshop, _ = access.participant_for_token(code, "")
        except Http404:
            guess_failed(request)
            raise
    if refusal:
        return refused(error_response(429, refusal.message), refusal)
    invited = None
    if request.data.get("invitation"):
        invited = workshop.participants.filter(
            invite_digest=digest(request.data.get("invitation"))
        ).first()
        if invited is None:
            guess_failed(request)
            raise Http404
    if request.data.get("consent", "") not in {"on", "true", "True", "1", "yes"}:
        raise BadInput(
            "Send 'consent': true to accept the consent statement: " + workshop.consent_statement
        )
    token = secrets.token_urlsafe(32)
    participant = actions.participant_consent(
        workshop=workshop, participant=invited, session_token=token
    )
    return JsonResponse(
        {
            "token": token,
            "pseudonym": participant.pseudonym,
            "consent_version": participant.consent_version,
            "admission": participant.admission,
            "workshop": {"title": workshop.title, "join_code": workshop.join_code},
        },
        status=201,
    )


def _joined(request, code: str):
    if request.api_credentials == "participant":
        workshop, participant = access.participant_for_token(code, request.participant_token)
    else:
        workshop, participant = access.participant_for(request, code)
    if participant is None:
        raise NotSignedIn(
            "Join the workshop first (POST /api/join/<code>/) and send "
            "'Authorization: Participant <token>'."
        )
    if access.finished(workshop):
        raise NotSignedIn("This workshop has finished, so your participant token has ended.")
    return workshop, participant


@api_view("GET")
def participant_state(request, code: str):
    """The public state, plus what is private to this participant: their ideas and vote."""
    workshop, participant = _joined(request, code)
    question = workshop.current_question
    me: dict = {
        "pseudonym": participant.pseudonym,
        "admission": participant.admission,
        "done": question is not None and participant.done_with_id == question.pk,
        "drafts": [],
        "vote": None,
    }
    if not participant.admitted:
        # Someone not let in sees only that they wait (or were turned away), as the page does.
        state = {
            "version": workshop.version,
            "status": workshop.status,
            "phase_key": participant.admission,
            "participants": [],
            "question": None,
            "me": me,
        }
        return JsonResponse(state)
    state = live_state(workshop)
    if question is not None:
        me["drafts"] = [
            {"id": d.pk, "client_id": str(d.client_id), "text": d.text, "shared": d.shared}
            for d in participant.drafts.filter(question=question)
        ]
        ballot = participant.ballots.filter(
            question=question, vote_round=question.vote_round
        ).first()
        if ballot is not None:
            me["vote"] = {str(c.idea_id): c.value for c in ballot.choices.all()}
        if question.phase == Phase.VOTING:
            me["ballot_order"] = [idea.pk for idea in ballot_order(question, participant)]
    state["me"] = me
    return JsonResponse(state)


@api_view("POST")
def participant_act(request, code: str):
    """A participant's own actions: draft, share, pass, vote."""
    workshop, participant = _joined(request, code)
    question, data = workshop.current_question, _with_choices(request.data)
    name = data.get("action", "")
    if name not in handlers.PARTICIPANT_ACTIONS:
        raise BadInput(f"'action' must be one of: {', '.join(handlers.PARTICIPANT_ACTIONS)}.")
    if question is None:
        raise actions.WorkshopError("The workshop is not on a question.")
    if name == "vote":
        _check_choices_on_ballot(question, data)
    if data.get("draft") and not _is_id(data.get("draft")):
        raise BadInput("'draft' must be the id of one of your ideas.")
    message = handlers.PARTICIPANT_ACTIONS[name](
        request=request,
        workshop=workshop,
        question=question,
        participant=participant,
        post=data,
        seen=data.get("phase_key") or None,
        ctx=_Helpers,
    )
    body = {"ok": True, "message": message, "version": _version(workshop)}
    if name == "draft":
        draft = participant.drafts.filter(client_id=request.api_client_id).first()
        body["draft"] = None if draft is None else {"id": draft.pk, "text": draft.text}
    return JsonResponse(body)
