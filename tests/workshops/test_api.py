"""The JSON API: every endpoint, how it authenticates, and how it refuses."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from allied.accounts.models import ApiToken
from allied.accounts.totp import current_code
from allied.audit.models import AuditEvent, Kind
from allied.core import ngt
from allied.workshops.models import Ballot, Idea, Workshop
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def call(method, url, body=None, *, token=None, participant=None, client=None):
    """Returns the response to a JSON request, authenticated by whichever token is given."""
    headers = {}
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if participant:
        headers["HTTP_AUTHORIZATION"] = f"Participant {participant}"
    client = client or Client()
    if method == "get":
        return client.get(url, **headers)
    return getattr(client, method)(
        url, body if body is not None else {}, content_type="application/json", **headers
    )


def token_for(user) -> str:
    """Returns a token as POST /api/tokens/ makes one: with the two-factor code when the
    person has an authenticator."""
    verified = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    return ApiToken.issue(user=user, name="test", verified=verified)[1]


@pytest.fixture
def fay_token(fay):
    return token_for(fay)


def api_url(name, *args):
    return reverse(f"workshops:api_{name}", args=args)


def create(token, org="alder", **fields):
    body = {"title": "Rehearsal", "questions": ["What matters?"], "k": 3, **fields}
    return call("post", api_url("create", org), body, token=token)


def joined(workshop) -> str:
    response = call("post", api_url("join", workshop.join_code), {"consent": True})
    assert response.status_code == 201, response.json()
    return response.json()["token"]


def state(workshop, token):
    return call("get", api_url("state", workshop.pk), token=token).json()


def act(workshop, token, action, **fields):
    fields.setdefault("phase_key", state(workshop, token)["phase_key"])
    return call("post", api_url("act", workshop.pk), {"action": action, **fields}, token=token)


def p_act(workshop, participant, action, **fields):
    return call(
        "post",
        api_url("participant_act", workshop.join_code),
        {"action": action, "client_id": str(uuid.uuid4()), **fields},
        participant=participant,
    )


@pytest.fixture
def voting(fay_token):
    """A live workshop in voting with three participants and three ideas, through the API."""
    workshop = Workshop.objects.get(pk=create(fay_token).json()["id"])
    people = [joined(workshop) for _ in range(3)]
    assert call("post", api_url("start", workshop.pk), token=fay_token).json()["ok"]
    act(workshop, fay_token, "phase_next")
    act(workshop, fay_token, "phase_next")
    for person, text in zip(people, ["Trust", "Sponsorship", "Time"], strict=True):
        assert p_act(workshop, person, "share", text=text).status_code == 200
    act(workshop, fay_token, "phase_next")
    act(workshop, fay_token, "phase_next")
    ideas = {i.text: i.pk for i in Idea.objects.filter(question__workshop=workshop)}
    return workshop, people, ideas


# The schema ------------------------------------------------------------------------------


def test_the_schema_names_every_console_and_participant_action(client):
    schema = client.get(reverse("web:api_schema")).json()
    console = schema["paths"]["/api/workshops/{pk}/act/"]["post"]["requestBody"]
    participant = schema["paths"]["/api/j/{code}/act/"]["post"]["requestBody"]
    actions = console["content"]["application/json"]["schema"]["properties"]["action"]["enum"]
    assert "phase_next" in actions and "paper_ballot" in actions
    mine = participant["content"]["application/json"]["schema"]["properties"]["action"]["enum"]
    assert set(mine) == {"draft", "share", "pass", "vote", "done", "not_done"}


# Tokens ----------------------------------------------------------------------------------


def test_a_facilitator_gets_a_token_with_their_email_and_password(fay):
    response = call(
        "post", api_url("token_create"), {"email": "FAY@alder.example", "password": PASSWORD}
    )
    assert response.status_code == 201
    token = response.json()["token"]
    assert ApiToken.objects.get(user=fay).digest != token
    assert call("post", api_url("create", "alder"), {}, token=token).status_code == 400


def test_a_wrong_password_gets_no_token_and_counts_as_a_failed_sign_in(fay):
    response = call(
        "post", api_url("token_create"), {"email": fay.email, "password": "wrong password"}
    )
    assert response.status_code == 401
    assert AuditEvent.objects.filter(kind=Kind.SIGN_IN_FAILED, email=fay.email).exists()
    assert not ApiToken.objects.exists()


def test_token_requests_are_throttled_after_repeated_failures(fay, settings):
    settings.SIGN_IN_FAILURE_LIMIT = 2
    for _ in range(2):
        call("post", api_url("token_create"), {"email": fay.email, "password": "nope"})
    response = call("post", api_url("token_create"), {"email": fay.email, "password": PASSWORD})
    assert response.status_code == 429


def test_a_person_with_two_factor_needs_their_current_code(alice):
    body = {"email": alice.email, "password": PASSWORD}
    assert call("post", api_url("token_create"), body).status_code == 401
    device = TOTPDevice.objects.get(user=alice)
    response = call("post", api_url("token_create"), {**body, "totp": current_code(device)})
    assert response.status_code == 201
    wrong = f"{(int(current_code(device)) + 1) % 1000000:06d}"
    assert call("post", api_url("token_create"), {**body, "totp": wrong}).status_code == 401
    assert AuditEvent.objects.filter(kind=Kind.TWO_FACTOR_FAILED, actor=alice).exists()


def test_a_token_request_without_fields_is_bad_input(db):
    assert call("post", api_url("token_create"), {}).status_code == 400
    assert call("get", api_url("token_create")).status_code == 405


def test_a_revoked_token_no_longer_works(fay, fay_token):
    assert call("delete", api_url("token_revoke"), token=fay_token).status_code == 200
    assert ApiToken.objects.get(user=fay).revoked_at is not None
    response = create(fay_token)
    assert response.status_code == 401 and "revoked" in response.json()["error"]


def test_a_made_up_token_is_refused(db):
    assert create("allied_not-a-real-token").status_code == 401
    response = Client().post(
        api_url("create", "alder"), {}, HTTP_AUTHORIZATION="Basic abc", content_type="x/y"
    )
    assert response.status_code == 401


# Facilitators ---------------------------------------------------------------------------


def test_a_facilitator_creates_a_workshop_and_leads_it(fay, fay_token):
    response = create(fay_token, questions=["One?", "Two?"], scheme="top-k", k=4, exactly_k=True)
    assert response.status_code == 201
    body = response.json()
    assert [q["text"] for q in body["questions"]] == ["One?", "Two?"]
    assert body["questions"][0]["k"] == 4 and body["questions"][0]["exactly_k"]
    workshop = Workshop.objects.get(pk=body["id"])
    assert workshop.staff.get().user == fay and workshop.status == "draft"
    detail = call("get", api_url("detail", workshop.pk), token=fay_token)
    assert detail.json()["join_code"] == workshop.join_code


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"title": ""}, "title"),
        ({"questions": []}, "questions"),
        ({"questions": "not a list, but one question"}, None),
        ({"k": "many"}, "k"),
        ({"k": 0}, "k"),
        ({"scheme": "borda"}, "scheme"),
        ({"scheme": "points", "pool": "lots"}, "pool"),
        ({"scheme": "rating", "scale_min": 9, "scale_max": 1}, "scale_min"),
        ({"title": {"nested": "object"}}, "title"),
        ({"title": "a\x00b"}, "NUL"),
    ],
)
def test_bad_workshop_fields_get_a_400_naming_the_problem(fay_token, fields, message):
    response = create(fay_token, **fields)
    if message is None:  # one string is accepted as one question
        assert response.status_code == 201
        return
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Workshop.objects.filter(title="Rehearsal").exists() or message is None


def test_a_body_that_is_not_a_json_object_is_bad_input(fay_token):
    for body in ["[1, 2]", "{not json", '"text"']:
        response = Client().post(
            api_url("create", "alder"),
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {fay_token}",
        )
        assert response.status_code == 400


def test_form_encoded_bodies_work_too(fay_token):
    response = Client().post(
        api_url("create", "alder"),
        {"title": "Form", "questions": ["A?", "B?"]},
        HTTP_AUTHORIZATION=f"Bearer {fay_token}",
    )
    assert response.status_code == 201 and len(response.json()["questions"]) == 2


def test_another_organisations_workshop_is_not_found(olga, fay_token, other_workshop):
    olga_token = token_for(olga)
    assert create(fay_token, org="birch").status_code == 404
    for name in ("detail", "state", "results"):
        assert call("get", api_url(name, other_workshop.pk), token=fay_token).status_code == 404
    for name in ("start", "act"):
        response = call("post", api_url(name, other_workshop.pk), {}, token=fay_token)
        assert response.status_code == 404
    mine = Workshop.objects.get(pk=create(fay_token).json()["id"])
    assert call("get", api_url("state", mine.pk), token=olga_token).status_code == 404


def test_a_mentee_cannot_create_a_workshop_and_the_refusal_is_audited(mia):
    response = create(token_for(mia))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(kind=Kind.PERMISSION_DENIED, actor=mia).exists()


def test_the_organisation_admin_sees_the_state_but_cannot_run_the_console(alice, fay_token):
    workshop = Workshop.objects.get(pk=create(fay_token).json()["id"])
    alice_token = token_for(alice)
    assert call("get", api_url("state", workshop.pk), token=alice_token).status_code == 200
    assert call("post", api_url("start", workshop.pk), token=alice_token).status_code == 403
    assert act(workshop, alice_token, "phase_next").status_code == 403


def test_anonymous_requests_need_credentials(fay_token):
    workshop = Workshop.objects.get(pk=create(fay_token).json()["id"])
    for name in ("detail", "state", "results"):
        response = call("get", api_url(name, workshop.pk))
        assert response.status_code == 401 and response["WWW-Authenticate"]
    assert create(None).status_code == 401


def test_the_console_moves_phases_and_refuses_a_stale_phase_key(fay_token):
    workshop = Workshop.objects.get(pk=create(fay_token).json()["id"])
    joined(workshop)
    started = call("post", api_url("start", workshop.pk), token=fay_token)
    assert started.json()["ok"]
    assert call("post", api_url("start", workshop.pk), token=fay_token).status_code == 409
    old = state(workshop, fay_token)["phase_key"]
    moved = act(workshop, fay_token, "phase_next")
    assert moved.status_code == 200 and moved.json()["version"] > started.json()["version"]
    assert state(workshop, fay_token)["question"]["phase"] == "silent"
    stale = act(workshop, fay_token, "phase_next", phase_key=old)
    assert stale.status_code == 409 and "moved on" in stale.json()["error"]
    assert act(workshop, fay_token, "timer_extend", minutes=2).status_code == 200
    assert act(workshop, fay_token, "timer_extend", minutes="lots").status_code == 409
    assert act(workshop, fay_token, "fly").status_code == 400


def test_a_note_taker_may_take_notes_but_not_move_phases(fay_token, nina):
    from allied.workshops.models import StaffRole, WorkshopStaff

    workshop = Workshop.objects.get(pk=create(fay_token).json()["id"])
    WorkshopStaff.objects.create(workshop=workshop, user=nina, role=StaffRole.NOTE_TAKER)
    call("post", api_url("start", workshop.pk), token=fay_token)
    nina_token = token_for(nina)
    assert act(workshop, nina_token, "note", text="They began.").status_code == 200
    version = Workshop.objects.get(pk=workshop.pk).version
    refused = act(workshop, nina_token, "phase_next")
    assert refused.status_code == 403 and "note-taker" in refused.json()["error"]
    assert Workshop.objects.get(pk=workshop.pk).version == version
    denial = AuditEvent.objects.filter(kind=Kind.PERMISSION_DENIED, actor=nina).get()
    assert denial.organisation == workshop.organisation


def test_the_console_records_turns_themes_merges_and_paper_ballots(fay_token):
    workshop = Workshop.objects.get(pk=create(fay_token).json()["id"])
    joined(workshop)
    joined(workshop)
    call("post", api_url("start", workshop.pk), token=fay_token)
    act(workshop, fay_token, "phase_next")
    act(workshop, fay_token, "phase_next")
    assert act(workshop, fay_token, "turn", participant="P1", text="Trust").status_code == 200
    assert act(workshop, fay_token, "turn", participant="P2", text="trust, again").json()["ok"]
    wrong = act(workshop, fay_token, "turn", participant="P2", text="Out of turn")
    assert wrong.status_code == 409 and "P1's turn" in wrong.json()["error"]
    act(workshop, fay_token, "phase_next")
    one, two = Idea.objects.filter(question__workshop=workshop).order_by("number")
    assert act(workshop, fay_token, "theme", name="Relationship", ideas=[one.pk]).json()["ok"]
    merged = act(workshop, fay_token, "merge", keep=one.pk, merge=[two.pk], agreement="Agreed")
    assert merged.status_code == 200
    act(workshop, fay_token, "phase_next")
    paper = act(workshop, fay_token, "paper_ballot", participant="P2", choices={str(one.pk): 1})
    assert paper.status_code == 200
    assert Ballot.objects.get().entered_by is not None
    off_ballot = act(workshop, fay_token, "paper_ballot", participant="P1", choices={two.pk: 1})
    assert off_ballot.status_code == 409 and "not on the ballot" in off_ballot.json()["error"]


# Participants ---------------------------------------------------------------------------


def test_joining_needs_consent_and_gives_a_token_bound_to_a_pseudonym(workshop):
    url = api_url("join", workshop.join_code)
    refused = call("post", url, {})
    assert refused.status_code == 400 and "consent" in refused.json()["error"]
    response = call("post", url, {"consent": True})
    assert response.status_code == 201 and response.json()["pseudonym"] == "P1"
    participant = workshop.participants.get()
    assert participant.consented_at and participant.consent_version == 1
    me = call(
        "get",
        api_url("participant_state", workshop.join_code),
        participant=response.json()["token"],
    )
    assert me.json()["me"]["pseudonym"] == "P1"


def test_a_finished_workshop_s_code_answers_as_an_unknown_one_does(workshop):
    """Nobody can tell from the answer whether a code belonged to a workshop that has ended."""
    unknown = call("post", api_url("join", "NOSUCHCD"), {"consent": True})
    workshop.status = Workshop.Status.FINISHED
    workshop.save()
    finished = call("post", api_url("join", workshop.join_code), {"consent": True})
    assert unknown.status_code == finished.status_code == 404
    assert unknown.json() == finished.json()
    assert not workshop.participants.exists()


def test_participant_tokens_end_when_their_workshop_finishes(workshop):
    token = joined(workshop)
    assert (
        call("get", api_url("participant_state", workshop.join_code), participant=token).status_code
        == 200
    )
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.FINISHED)
    for method, name, body in [
        ("get", "participant_state", None),
        ("post", "participant_act", {"action": "draft", "text": "Late idea"}),
    ]:
        response = call(method, api_url(name, workshop.join_code), body, participant=token)
        assert response.status_code == 401
        assert "has finished" in response.json()["error"]
    assert not workshop.participants.get().drafts.exists()


def test_joining_with_a_wrong_invitation_is_not_found(workshop):
    body = {"consent": True, "invitation": "not-the-token"}
    assert call("post", api_url("join", workshop.join_code), body).status_code == 404


def test_a_participant_token_works_only_on_its_own_workshop(fay_token, workshop):
    token = joined(workshop)
    other = Workshop.objects.get(pk=create(fay_token).json()["id"])
    response = call("get", api_url("participant_state", other.join_code), participant=token)
    assert response.status_code == 401
    assert call("get", api_url("participant_state", workshop.join_code)).status_code == 401
    assert (
        call("get", api_url("participant_state", "NOSUCHCD"), participant=token).status_code == 404
    )
    # A participant token is not a facilitator's: the console refuses it.
    assert call("get", api_url("state", workshop.pk), participant=token).status_code == 401


def test_participants_draft_share_and_pass_in_turn(fay_token):
    workshop = Workshop.objects.get(pk=create(fay_token).json()["id"])
    p1, p2 = joined(workshop), joined(workshop)
    call("post", api_url("start", workshop.pk), token=fay_token)
    act(workshop, fay_token, "phase_next")
    drafted = p_act(workshop, p1, "draft", text="Trust between mentor and mentee")
    assert drafted.status_code == 200
    draft = drafted.json()["draft"]
    me = call("get", api_url("participant_state", workshop.join_code), participant=p1).json()
    assert me["me"]["drafts"][0]["text"] == "Trust between mentor and mentee"
    peer = call("get", api_url("participant_state", workshop.join_code), participant=p2).json()
    assert peer["me"]["drafts"] == [] and "Trust" not in str(peer)
    act(workshop, fay_token, "phase_next")
    out_of_turn = p_act(workshop, p2, "pass")
    assert out_of_turn.status_code == 409 and "P1's turn" in out_of_turn.json()["error"]
    assert p_act(workshop, p1, "share", draft=draft["id"]).json()["ok"]
    assert p_act(workshop, p2, "share", text="Trust between mentor and MENTEE").status_code == 409
    assert p_act(workshop, p2, "pass").json()["ok"]
    assert p_act(workshop, p1, "share").status_code == 409
    assert p_act(workshop, p1, "jump").status_code == 400
    assert p_act(workshop, p1, "pass", client_id="not-a-uuid").status_code == 400


def test_a_retried_vote_with_the_same_client_id_is_stored_once(voting):
    workshop, (p1, _p2, _p3), ideas = voting
    body = {
        "action": "vote",
        "client_id": str(uuid.uuid4()),
        "choices": {ideas["Trust"]: 1, ideas["Time"]: 2},
    }
    url = api_url("participant_act", workshop.join_code)
    first = call("post", url, body, participant=p1)
    again = call("post", url, body, participant=p1)
    assert first.status_code == again.status_code == 200
    assert Ballot.objects.count() == 1 and Ballot.objects.get().choices.count() == 2
    assert first.json()["version"] == again.json()["version"]


@pytest.mark.parametrize(
    "choices, status, words",
    [
        ({"Trust": 1, "Sponsorship": 1}, 409, "twice"),
        ({}, 409, "at least one"),
        ({"999999": 1}, 409, "not on the ballot"),
        ({"abc": 1}, 400, "not an idea id"),
        ({"Trust": "first"}, 409, "number"),
        ({"Trust": None}, 400, "number"),
        ("Trust", 400, "choices"),
    ],
)
def test_an_invalid_ballot_is_refused_and_nothing_is_stored(voting, choices, status, words):
    workshop, (p1, _p2, _p3), ideas = voting
    if isinstance(choices, dict):
        choices = {str(ideas.get(key, key)): value for key, value in choices.items()}
    response = p_act(workshop, p1, "vote", choices=choices)
    assert response.status_code == status and words in response.json()["error"]
    assert not Ballot.objects.exists()


def test_results_appear_only_after_voting_closes_in_the_tally_shape(voting, fay_token):
    workshop, people, ideas = voting
    for person, order in zip(
        people, [("Trust", "Time"), ("Time", "Trust"), ("Trust",)], strict=True
    ):
        choices = {ideas[text]: rank for rank, text in enumerate(order, start=1)}
        assert p_act(workshop, person, "vote", choices=choices).status_code == 200
    me = call("get", api_url("participant_state", workshop.join_code), participant=people[0])
    assert me.json()["me"]["vote"] == {str(ideas["Trust"]): 1.0, str(ideas["Time"]): 2.0}
    early = call("get", api_url("results", workshop.pk), token=fay_token)
    assert early.status_code == 409
    act(workshop, fay_token, "phase_next")
    results = call("get", api_url("results", workshop.pk), token=fay_token).json()
    assert results["scheme"] == ngt.top_k(3).describe()
    ranking = [(i["rank"], i["idea"], i["total"]) for i in results["questions"][0]["ideas"]]
    # Top-3: Trust 3 + 2 + 3 = 8, Time 2 + 3 = 5, Sponsorship 0.
    assert ranking == [(1, "1. Trust", 8), (2, "3. Time", 5), (3, "2. Sponsorship", 0)]
    one = call("get", api_url("results", workshop.pk) + "?question=1", token=fay_token)
    assert one.json() == results
    assert (
        call("get", api_url("results", workshop.pk) + "?question=7", token=fay_token).status_code
        == 404
    )
    late = p_act(workshop, people[0], "vote", choices={ideas["Sponsorship"]: 1})
    assert late.status_code == 409


# Sessions and CSRF ----------------------------------------------------------------------


def test_a_signed_in_session_uses_the_api_but_must_send_the_csrf_token(fay):
    from tests.conftest import sign_in

    browser = sign_in(Client(enforce_csrf_checks=True), fay)
    body = {"title": "By session", "questions": ["Q?"]}
    refused = call("post", api_url("create", "alder"), body, client=browser)
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]
    browser.get(reverse("workshops:create", args=["alder"]))  # sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    response = browser.post(
        api_url("create", "alder"), body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 201


def test_a_token_request_needs_no_csrf_token(fay_token):
    response = call(
        "post",
        api_url("create", "alder"),
        {"title": "By token", "questions": ["Q?"]},
        token=fay_token,
        client=Client(enforce_csrf_checks=True),
    )
    assert response.status_code == 201


def test_a_browser_that_joined_by_the_page_can_use_the_participant_api(workshop, fay_token):
    from tests.workshops.conftest import join

    browser = join(workshop)
    me = browser.get(api_url("participant_state", workshop.join_code))
    assert me.status_code == 200 and me.json()["me"]["pseudonym"] == "P1"


def test_getting_a_token_and_joining_need_no_csrf_token(fay, workshop):
    """Neither reads or changes the browser's session, and a cross-site page cannot read
    the token in the answer."""
    browser = Client(enforce_csrf_checks=True)
    body = {"email": fay.email, "password": PASSWORD}
    assert call("post", api_url("token_create"), body, client=browser).status_code == 201
    joining = call("post", api_url("join", workshop.join_code), {"consent": True}, client=browser)
    assert joining.status_code == 201
    assert "allied_workshop_tokens" not in browser.session


def test_a_lead_adds_a_participant_and_a_note_taker_through_the_api(
    client, signed_in, fay, nina, workshop
):

    from allied.workshops.models import StaffRole, WorkshopStaff

    signed_in(fay)
    url = reverse("workshops:api_participant_add", args=[workshop.pk])
    with_email = client.post(
        url,
        {"real_name": "Real Person", "email": "real@alder.example"},
        content_type="application/json",
    )
    assert with_email.status_code == 200, with_email.content
    assert with_email.json()["pseudonym"] == "P1"
    bad = client.post(url, {"email": "not an address"}, content_type="application/json")
    assert bad.status_code == 400 and "email address" in bad.json()["error"]
    staff = client.post(
        reverse("workshops:api_staff_add", args=[workshop.pk]),
        {"email": nina.email, "role": "note_taker"},
        content_type="application/json",
    )
    assert staff.status_code == 200
    assert WorkshopStaff.objects.get(workshop=workshop, user=nina).role == StaffRole.NOTE_TAKER
    stranger = client.post(
        reverse("workshops:api_staff_add", args=[workshop.pk]),
        {"email": "nobody@elsewhere.example", "role": "observer"},
        content_type="application/json",
    )
    assert stranger.status_code == 400


def test_exports_write_typed_text_that_looks_like_a_formula_as_text(
    fay_token, facilitator, tmp_path
):
    """A question, ideas and a theme typed to look like formulas reach the spreadsheet
    exports as text, and the ballots file still reproduces the tally with `allied ngt tally`."""
    import csv
    import io

    from openpyxl import load_workbook

    from allied.cli import main

    question = '=HYPERLINK("http://x.example","Click")'
    workshop = Workshop.objects.get(pk=create(fay_token, questions=[question]).json()["id"])
    people = [joined(workshop) for _ in range(2)]
    call("post", api_url("start", workshop.pk), token=fay_token)
    act(workshop, fay_token, "phase_next")
    act(workshop, fay_token, "phase_next")
    for person, text in zip(people, ["+1 sponsor", "@mention the board"], strict=True):
        assert p_act(workshop, person, "share", text=text).status_code == 200
    act(workshop, fay_token, "phase_next")
    ideas = {i.text: i.pk for i in Idea.objects.filter(question__workshop=workshop)}
    theme = act(workshop, fay_token, "theme", name="-Sponsorship", ideas=list(ideas.values()))
    assert theme.status_code == 200, theme.json()
    act(workshop, fay_token, "phase_next")
    for person in people:
        choices = {ideas["+1 sponsor"]: 1, ideas["@mention the board"]: 2}
        assert p_act(workshop, person, "vote", choices=choices).status_code == 200
    act(workshop, fay_token, "phase_next")

    book = facilitator.get(reverse("workshops:export", args=[workshop.pk, "xlsx"]))
    cells = [
        cell
        for sheet in load_workbook(io.BytesIO(book.content)).worksheets
        for row in sheet.iter_rows()
        for cell in row
    ]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = {cell.value for cell in cells if isinstance(cell.value, str)}
    assert any(text.startswith("'=HYPERLINK") for text in texts)
    assert any("+1 sponsor" in text for text in texts) and "'-Sponsorship" in texts
    assert not [text for text in texts if text.startswith(("=", "+", "-", "@"))]
    ballots = facilitator.get(reverse("workshops:export", args=[workshop.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(ballots.content.decode())))
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    path = tmp_path / "ballots.csv"
    path.write_bytes(ballots.content)
    assert (
        main(["ngt", "tally", str(path), "--format", "json", "-o", str(tmp_path / "r.json")]) == 0
    )
