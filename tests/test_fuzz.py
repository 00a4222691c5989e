"""Junk thrown at every form and endpoint: nothing may give a server error.

Two runs, both once per pass on PostgreSQL when it is there (where NUL bytes and over-long
values are most likely to break a query):
- `make test`: fixed nasty values (empty, NUL, over-long, repeated, markup; for the API also
  null, lists, objects, huge and negative numbers and bodies that are not objects) in every
  known field of every URL, for the person whose request reaches the form;
- `make test-deep`, before a release: hypothesis draws junk forms and bodies, with made-up
  field names, for every URL (about 30,000 requests at the `ci` profile's 30 examples).

The Django test client re-raises any exception a view lets escape, so a 500 fails the test
with its traceback.
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import override_settings
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import sign_in, sign_in_as
from tests.programmes.matrix import (
    PROGRAMME_API,
    PROGRAMME_API_PLACES,
    PROGRAMME_PAGES,
    PROGRAMME_PLACES,
)
from tests.test_access_matrix import (
    API_ORGANISATION_URLS,
    API_PERSONAL_URLS,
    API_WORKSHOP_URLS,
    ORGANISATION_URLS,
    PERSONAL_URLS,
    WORKSHOP_URLS,
    CopiedWhenRead,
)

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]


@pytest.fixture
def world(module_world, module_sessions):
    """One world for the module, as in the access matrix: each test's junk is rolled back,
    and each test gets its own copy of the objects it reads."""
    return CopiedWhenRead(module_world, sessions=module_sessions)


def signed_in_as(client, world, persona):
    """The client with the module's session for the persona (none for "anonymous")."""
    if persona != "anonymous":
        sign_in_as(client, world["sessions"][persona])
    return client


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder():
    """The module's world keeps its briefing files in its own media folder."""


FIELD_NAMES = [
    "email", "password", "code", "full_name", "password1", "password2", "old_password",
    "new_password1", "new_password2", "role", "roles", "kind", "since", "until", "page", "next",
    "title", "purpose", "briefing", "date", "questions", "scheme", "k", "silent_minutes", "text",
    "consent_statement", "real_name", "consent", "exactly_k", "pool", "scale_min", "scale_max",
    "name", "description", "starts_on", "ends_on", "status", "side", "capacity", "profession",
    "band", "preferences", "ethnic_group", "gender", "matching_consent", "monitoring_consent",
    "note", "reason", "decision", "starts_at", "duration_minutes", "mode", "version",
    "submission", "satisfaction", "trust", "stage", "happened_on", "mentor", "mentee",
    # Read from the query by the pages themselves (filters, scopes, choices).
    "cohort", "question", "with", "from", "to", "breakdown", "as_of",
]  # fmt: skip

junk_text = st.one_of(
    st.text(max_size=40),
    # Over-long values (200 to 3,000 characters of any UTF-8): a drawn piece repeated to a
    # drawn length, since drawing 3,000 characters one by one costs more than the requests.
    st.builds(
        lambda piece, length: (piece * (length // len(piece) + 1))[:length],
        st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=64),
        st.integers(min_value=200, max_value=3000),
    ),
    st.just("\x00"),
    st.sampled_from(
        ["", " ", "0", "-1", "9" * 40, "2026-02-30", "null", "[]", "{}", "<script>", "’ OR 1=1 --"]
    ),
)
junk_value = st.one_of(junk_text, st.lists(junk_text, max_size=4))
junk_form = st.dictionaries(
    st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=10)), junk_value, max_size=8
)


def url_for(name, world, side="own"):
    if name in WORKSHOP_URLS:
        return reverse(name, kwargs=WORKSHOP_URLS[name][2](world, side))
    if name in ORGANISATION_URLS:
        return reverse(name, kwargs=ORGANISATION_URLS[name][2](world, side))
    builder = PERSONAL_URLS[name][1]
    return reverse(name, kwargs=builder(world) if builder else None)


def _examples(count):
    """Leaves the profile's number of examples, or sets a smaller one: the programme forms
    are many and share their validation, so fewer examples each still reach every form."""
    if count is None:
        return lambda test: test
    return settings(max_examples=count)


# Examples per programme URL (pages, places and API): ~200 URLs.
PROGRAMME_EXAMPLES = 12


def throw_junk(client, url, examples=None):
    @given(form=junk_form, query=junk_form)
    @_examples(examples)
    def throw(form, query):
        for response in (client.post(url, form), client.get(url, query)):
            assert response.status_code < 500

    throw()


# The URLs, each with the people whose junk is thrown at it.
PAGE_PERSONAS = ["anonymous", "alice", "mia"]
API_PERSONAS = ["anonymous", "fay", "alice"]
# Who reaches the form behind each programme check: the person in the allowed role.
PERSONA_FOR_ROLE = {
    "coordinator": "carol",
    "admin": "alice",
    "mentor": "max_mentor",
    "mentee": "mia",
}


def _allowed_persona(allowed) -> str:
    for role in ("coordinator", "mentor", "mentee", "admin"):
        if role in allowed:
            return PERSONA_FOR_ROLE[role]
    return "alice"


def programme_cases(urls, places):
    """(persona, name, url builder) for a programme's URLs, by the person in the allowed role,
    and for one's own place, by its mentee."""
    for name, (_, allowed, kwargs) in sorted(urls.items()):
        persona = _allowed_persona(allowed)
        yield persona, name, lambda world, name=name, kwargs=kwargs: own_url(name, kwargs, world)
    for name, (_, kwargs) in sorted(places.items()):
        yield "mia", name, lambda world, name=name, kwargs=kwargs: own_url(name, kwargs, world)


def own_url(name, kwargs, world):
    return reverse(name, kwargs=kwargs(world, "own"))


def page_cases():
    """(persona, name, url builder) for every page: organisation and personal pages for
    someone signed out, an admin and a mentee; workshop pages for the lead facilitator, the
    one person whose junk reaches every form behind the check; programme pages for the
    person in the allowed role; one's own place for its mentee."""
    for name in sorted(set(ORGANISATION_URLS) | set(PERSONAL_URLS)):
        for persona in PAGE_PERSONAS:
            yield persona, name, lambda world, name=name: url_for(name, world)
    for name in sorted(WORKSHOP_URLS):
        yield "fay", name, lambda world, name=name: url_for(name, world)
    yield from programme_cases(PROGRAMME_PAGES, PROGRAMME_PLACES)


# Fixed nasty values, each put in every known field at once, as a form and as a query.
NASTY_FORM_VALUES = {
    "empty": "",
    "nul": "\x00",
    "over-long": "ü€𝄞" * 1000,
    "repeated": ["-1", "9" * 40, "2026-02-30"],
    "markup": "<script>’ OR 1=1 --",
}


def as_params(cases):
    return [pytest.param(*case, id=f"{case[1]}-{case[0]}") for case in cases]


def send_nasty_forms(client, url, fields):
    """Each nasty value in every field at once, posted as a form and sent as a query."""
    for value in NASTY_FORM_VALUES.values():
        form = dict.fromkeys(fields, value)
        for response in (client.post(url, form), client.get(url, form)):
            assert response.status_code < 500, value


@pytest.mark.parametrize("persona,name,url", as_params(page_cases()))
def test_nasty_values_in_every_field_of_a_page_give_no_server_error(
    client, world, persona, name, url
):
    signed_in_as(client, world, persona)
    send_nasty_forms(client, url(world), FIELD_NAMES)


@pytest.mark.deep
@pytest.mark.parametrize("persona", PAGE_PERSONAS)
@pytest.mark.parametrize("name", sorted(set(ORGANISATION_URLS) | set(PERSONAL_URLS)))
def test_no_junk_gives_a_server_error(client, world, persona, name):
    signed_in_as(client, world, persona)
    throw_junk(client, url_for(name, world))


@pytest.mark.deep
@pytest.mark.parametrize("name", sorted(WORKSHOP_URLS))
def test_no_junk_sent_to_a_workshop_page_gives_a_server_error(client, world, name):
    # As the lead facilitator: the one person whose junk reaches every form behind the check.
    signed_in_as(client, world, "fay")
    throw_junk(client, url_for(name, world))


@given(email=st.emails() | st.text(max_size=300), password=st.text(max_size=300))
def test_junk_sign_ins_never_break_and_never_sign_in(client, world, email, password):
    # A fresh throttling count for each example, so every one reaches the password check.
    with override_settings(RATELIMIT_CACHE_PREFIX=f"allied-throttle:{uuid.uuid4().hex}:"):
        response = client.post(reverse("accounts:sign_in"), {"email": email, "password": password})
    assert response.status_code in (200, 302)
    assert "_auth_user_id" not in client.session


def test_a_junk_invitation_token_is_not_found(client):
    for token in ["x" * 1000, "%00", "..", "ünïcode"]:
        assert client.get(f"/invitations/{token}/").status_code == 404


API_FIELDS = [
    "action", "phase_key", "client_id", "text", "draft", "choices", "participant", "idea",
    "ideas", "keep", "merge", "agreement", "name", "minutes", "verdict", "reason", "title",
    "questions", "scheme", "k", "pool", "scale_min", "scale_max", "exactly_k", "date",
    "consent", "invitation", "email", "password", "totp",
]  # fmt: skip
junk_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | junk_text,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
junk_api_body = st.one_of(
    st.dictionaries(
        st.one_of(st.sampled_from(API_FIELDS), st.text(max_size=10)), junk_json, max_size=8
    ),
    junk_json,
)


def api_url_for(name, world):
    if name in API_ORGANISATION_URLS:
        return reverse(name, kwargs=API_ORGANISATION_URLS[name][2](world, "own"))
    if name in API_WORKSHOP_URLS:
        return reverse(name, kwargs=API_WORKSHOP_URLS[name][2](world, "own"))
    builder = API_PERSONAL_URLS[name][1]
    return reverse(name, kwargs=builder(world) if builder else None)


def throw_at_api(client, url, headers=None, examples=None):
    headers = headers or {}

    @given(body=junk_api_body, form=junk_form)
    @_examples(examples)
    def throw(body, form):
        for response in (
            client.post(url, json.dumps(body), content_type="application/json", **headers),
            client.post(url, form, **headers),
            client.get(url, form, **headers),
        ):
            assert response.status_code < 500

    throw()


def api_cases():
    """(persona, name, url builder) for every API endpoint: the workshop, organisation and
    personal endpoints for someone signed out, a facilitator and an admin; programme
    endpoints for the person in the allowed role; one's own place for its mentee."""
    names = sorted(set(API_ORGANISATION_URLS) | set(API_WORKSHOP_URLS) | set(API_PERSONAL_URLS))
    for name in names:
        for persona in API_PERSONAS:
            yield persona, name, lambda world, name=name: api_url_for(name, world)
    yield from programme_cases(PROGRAMME_API, PROGRAMME_API_PLACES)


# Fixed nasty JSON values, each put in every known field at once, and bodies that are not
# objects at all.
NASTY_JSON_VALUES = [None, "\x00", "ü€𝄞" * 1000, [], {}, -1, 1e308, True, [{"a": None}]]
NASTY_JSON_BODIES = [[], "text", 12, None]


@pytest.mark.parametrize("persona,name,url", as_params(api_cases()))
def test_nasty_values_in_every_field_sent_to_the_api_give_no_server_error(
    client, world, persona, name, url
):
    signed_in_as(client, world, persona)
    url = url(world)
    bodies = [dict.fromkeys(API_FIELDS, value) for value in NASTY_JSON_VALUES]
    for body in [*bodies, *NASTY_JSON_BODIES]:
        response = client.post(url, json.dumps(body), content_type="application/json")
        assert response.status_code < 500, body
    send_nasty_forms(client, url, API_FIELDS)


@pytest.mark.deep
@pytest.mark.parametrize("persona", API_PERSONAS)
@pytest.mark.parametrize(
    "name", sorted(set(API_ORGANISATION_URLS) | set(API_WORKSHOP_URLS) | set(API_PERSONAL_URLS))
)
def test_no_junk_sent_to_the_api_gives_a_server_error(client, world, persona, name):
    signed_in_as(client, world, persona)
    throw_at_api(client, api_url_for(name, world))


@pytest.mark.deep
@pytest.mark.parametrize("name", sorted(PROGRAMME_PAGES))
def test_no_junk_sent_to_a_programme_page_gives_a_server_error(client, world, name):
    _, allowed, kwargs = PROGRAMME_PAGES[name]
    signed_in_as(client, world, _allowed_persona(allowed))
    throw_junk(client, reverse(name, kwargs=kwargs(world, "own")), PROGRAMME_EXAMPLES)


@pytest.mark.deep
@pytest.mark.parametrize("name", sorted(PROGRAMME_PLACES))
def test_no_junk_sent_to_ones_own_place_gives_a_server_error(client, world, name):
    signed_in_as(client, world, "mia")
    throw_junk(
        client, reverse(name, kwargs=PROGRAMME_PLACES[name][1](world, "own")), PROGRAMME_EXAMPLES
    )


@pytest.mark.deep
@pytest.mark.parametrize("name", sorted(PROGRAMME_API))
def test_no_junk_sent_to_the_programme_api_gives_a_server_error(client, world, name):
    _, allowed, kwargs = PROGRAMME_API[name]
    signed_in_as(client, world, _allowed_persona(allowed))
    throw_at_api(client, reverse(name, kwargs=kwargs(world, "own")), examples=PROGRAMME_EXAMPLES)


@pytest.mark.deep
@pytest.mark.parametrize("name", sorted(PROGRAMME_API_PLACES))
def test_no_junk_sent_to_ones_own_place_by_the_api_gives_a_server_error(client, world, name):
    signed_in_as(client, world, "mia")
    throw_at_api(
        client,
        reverse(name, kwargs=PROGRAMME_API_PLACES[name][1](world, "own")),
        examples=PROGRAMME_EXAMPLES,
    )


@pytest.fixture
def live_voting(world):
    """The own workshop in voting, with one participant (joined by the API) and two ideas."""
    from allied.workshops import actions
    from allied.workshops.models import Phase

    workshop, fay = world["workshop_own"], world["fay"]
    participant, token = actions.participant_add(workshop=workshop, by=fay)
    actions.participant_consent(workshop=workshop, participant=participant, session_token=token)
    actions.workshop_start(workshop=workshop, by=fay)
    question = workshop.questions.get()
    for phase in (Phase.SILENT, Phase.ROUND_ROBIN):
        actions.phase_move(question=question, to_phase=phase, by=fay)
    import uuid

    for text in ("One", "Two"):
        actions.turn_take(
            question=question, participant=participant, client_id=uuid.uuid4(), text=text
        )
    for phase in (Phase.CLARIFICATION, Phase.VOTING):
        actions.phase_move(question=question, to_phase=phase, by=fay)
    return workshop, token


@pytest.mark.parametrize("action", ["draft", "share", "pass", "vote"])
def test_no_junk_a_participant_sends_gives_a_server_error(client, live_voting, action):
    workshop, token = live_voting
    url = reverse("workshops:api_participant_act", args=[workshop.join_code])
    headers = {"HTTP_AUTHORIZATION": f"Participant {token}"}

    @given(body=junk_api_body.filter(lambda b: isinstance(b, dict)))
    def throw(body):
        response = client.post(
            url, json.dumps({**body, "action": action}), content_type="application/json", **headers
        )
        assert response.status_code < 500

    throw()


@pytest.mark.parametrize(
    "action", ["turn", "idea_edit", "merge", "theme", "note", "paper_ballot", "timer_extend"]
)
def test_no_junk_a_facilitator_sends_to_the_console_gives_a_server_error(
    client, world, live_voting, action
):
    workshop, _token = live_voting
    sign_in(client, world["fay"])
    url = reverse("workshops:api_act", args=[workshop.pk])

    @given(body=junk_api_body.filter(lambda b: isinstance(b, dict)))
    def throw(body):
        response = client.post(
            url, json.dumps({**body, "action": action}), content_type="application/json"
        )
        assert response.status_code < 500

    throw()
