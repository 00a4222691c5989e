"""Every URL × every kind of person × their own or another organisation's objects.

The matrix is the specification of who may do what. A URL missing from it fails
`test_every_url_is_in_the_matrix`, so nothing can be added without deciding who may use it
(and without a test requesting it).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from allied.accounts.models import Role
from tests.conftest import sign_in_as
from tests.consensus import matrix as consensus_matrix
from tests.programmes.matrix import (
    EXTRA,
    PROGRAMME_API,
    PROGRAMME_API_PLACES,
    PROGRAMME_PAGES,
    PROGRAMME_PLACES,
)
from tests.programmes.world import programme_role

# Every URL for every kind of person is the same check on either database: it runs once,
# in `make test`'s SQLite pass, where its queries cost least (decision 0033).
pytestmark = [pytest.mark.django_db, pytest.mark.once]


class CopiedWhenRead(Mapping):
    """The module's world as one case sees it: each object is copied the first time the case
    reads it, so a case never changes another's objects, and a case pays only for the few
    objects it reads (copying the whole world for each of four thousand cases took a third
    of the module's time)."""

    def __init__(self, shared: dict, **extra):
        self._shared = {**shared, **extra}
        self._copies: dict = {}

    def __getitem__(self, key):
        if key not in self._copies:
            self._copies[key] = copy.deepcopy(self._shared[key])
        return self._copies[key]

    def __iter__(self):
        return iter(self._shared)

    def __len__(self) -> int:
        return len(self._shared)


@pytest.fixture
def world(module_world, module_sessions):
    """Every case reads one world, built once for the module; each case's changes are rolled
    back (conftest's `module_world`), and each gets its own copy of the objects it reads."""
    return CopiedWhenRead(module_world, sessions=module_sessions)


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder():
    """The module's world keeps its briefing files in its own media folder."""


PERSONAS = ["anonymous", "nora", "alice", "carol", "fay", "max_mentor", "mia", "pat", "olga"]
ROLE_OF = {
    "alice": Role.ORG_ADMIN,
    "carol": Role.COORDINATOR,
    "fay": Role.FACILITATOR,
    "max_mentor": Role.MENTOR,
    "mia": Role.MENTEE,
    "pat": Role.PARTICIPANT,
}

# URLs about an organisation's objects: (method, roles that may use it, kwargs builder).
# The builder gets the world and "own" or "other" and returns the URL's kwargs.
ORGANISATION_URLS = {
    "accounts:people": (
        "get",
        {Role.ORG_ADMIN, Role.COORDINATOR},
        lambda w, side: {"org": w[side].slug},
    ),
    "accounts:person_roles": (
        "get",
        {Role.ORG_ADMIN},
        lambda w, side: {
            "org": w[side].slug,
            "user_id": w["max_mentor" if side == "own" else "olga"].pk,
        },
    ),
    "accounts:invite": (
        "get",
        {Role.ORG_ADMIN, Role.COORDINATOR},
        lambda w, side: {"org": w[side].slug},
    ),
    "accounts:invitation_withdraw": (
        "post",
        {Role.ORG_ADMIN, Role.COORDINATOR},
        lambda w, side: {"org": w[side].slug, "pk": w[f"invitation_{side}"].pk},
    ),
    "audit:log": ("get", {Role.ORG_ADMIN}, lambda w, side: {"org": w[side].slug}),
    "workshops:create": (
        "get",
        {Role.ORG_ADMIN, Role.FACILITATOR},
        lambda w, side: {"org": w[side].slug},
    ),
}

# URLs about one workshop: (method, who may use it: "lead" (Fay on Alder's workshop) and/or
# "admin" (the organisation admin: Alice for Alder's, Olga for Birch's), kwargs builder).
# Everyone else gets a 404 (they cannot see the workshop), or a 403 when they can see it
# but their role there does not allow this.
WORKSHOP_URLS = {
    "workshops:briefing_add": (
        "post",
        {"lead", "admin"},
        lambda w, side: {"pk": w[f"workshop_{side}"].pk},
    ),
    "workshops:briefing_file": (
        "get",
        {"lead", "admin"},
        lambda w, side: {"pk": w[f"workshop_{side}"].pk, "file_id": w[f"file_{side}"].pk},
    ),
    "workshops:pooled": (
        "get",
        {"lead", "admin"},
        lambda w, side: {"pk": w[f"workshop_{side}"].pk},
    ),
    "workshops:edit": ("get", {"lead", "admin"}, lambda w, side: {"pk": w[f"workshop_{side}"].pk}),
    "workshops:question_edit": (
        "get",
        {"lead", "admin"},
        lambda w, side: {
            "pk": w[f"workshop_{side}"].pk,
            "question_id": w[f"workshop_{side}"].questions.first().pk,
        },
    ),
    "workshops:detail": (
        "get",
        {"lead", "admin"},
        lambda w, side: {"pk": w[f"workshop_{side}"].pk},
    ),
    "workshops:participant_add": (
        "post",
        {"lead", "admin"},
        lambda w, side: {"pk": w[f"workshop_{side}"].pk},
    ),
    "workshops:staff_add": (
        "post",
        {"lead", "admin"},
        lambda w, side: {"pk": w[f"workshop_{side}"].pk},
    ),
    "workshops:start": ("post", {"lead"}, lambda w, side: {"pk": w[f"workshop_{side}"].pk}),
    "workshops:identities": (
        "get",
        {"lead", "admin"},
        lambda w, side: {"pk": w[f"workshop_{side}"].pk},
    ),
    "workshops:characteristics": (
        "get",
        {"lead", "admin"},
        lambda w, side: {"pk": w[f"workshop_{side}"].pk},
    ),
    "workshops:appendix": (
        "get",
        {"lead", "admin"},
        lambda w, side: {"pk": w[f"workshop_{side}"].pk},
    ),
    "workshops:appendix_file": (
        "get",
        {"lead", "admin"},
        lambda w, side: {"pk": w[f"workshop_{side}"].pk, "fmt": "docx"},
    ),
    "workshops:run": ("get", {"lead"}, lambda w, side: {"pk": w[f"workshop_{side}"].pk}),
    "workshops:run_fragment": ("get", {"lead"}, lambda w, side: {"pk": w[f"workshop_{side}"].pk}),
    "workshops:present": (
        "get",
        {"lead", "admin"},
        lambda w, side: {"pk": w[f"workshop_{side}"].pk},
    ),
    "workshops:present_fragment": (
        "get",
        {"lead", "admin"},
        lambda w, side: {"pk": w[f"workshop_{side}"].pk},
    ),
    "workshops:state": ("get", {"lead", "admin"}, lambda w, side: {"pk": w[f"workshop_{side}"].pk}),
    "workshops:events": (
        "get",
        {"lead", "admin"},
        lambda w, side: {"pk": w[f"workshop_{side}"].pk},
    ),
    "workshops:act": ("post", {"lead"}, lambda w, side: {"pk": w[f"workshop_{side}"].pk}),
    "workshops:results": (
        "get",
        {"lead", "admin"},
        lambda w, side: {"pk": w[f"workshop_{side}"].pk},
    ),
    "workshops:export": (
        "get",
        {"lead", "admin"},
        lambda w, side: {"pk": w[f"workshop_{side}"].pk, "fmt": "json"},
    ),
    "workshops:question_ballots": (
        "get",
        {"lead", "admin"},
        lambda w, side: {
            "pk": w[f"workshop_{side}"].pk,
            "question_id": w[f"workshop_{side}"].questions.first().pk,
        },
    ),
}

# URLs about no organisation: (method, kwargs builder, expected status for anonymous,
# expected status for a signed-in person, or a function of the persona giving it).
PERSONAL_URLS = {
    "web:home": ("get", None, 200, 302),
    "web:about": ("get", None, 200, 200),
    "web:privacy": ("get", None, 200, 200),
    "web:accessibility": ("get", None, 200, 200),
    "web:healthz": ("get", None, 200, 200),
    "web:dashboard": ("get", None, 302, 200),
    "accounts:sign_in": ("get", None, 200, 302),
    "accounts:two_factor": ("get", None, 302, 302),
    "accounts:sign_out": ("post", None, 302, 302),
    "accounts:sign_out_everywhere": ("post", None, 302, 302),
    "accounts:account": ("get", None, 302, 200),
    "accounts:password_change": ("get", None, 302, 200),
    # Only its owner may revoke a token; anyone else's is not found.
    "accounts:token_revoke": (
        "post",
        lambda w: {"pk": w["token_mia"].pk},
        302,
        lambda persona: 302 if persona == "mia" else 404,
    ),
    "accounts:two_factor_setup": ("get", None, 302, None),  # None: depends on the person
    "accounts:password_reset": ("get", None, 200, 200),
    "accounts:password_reset_sent": ("get", None, 200, 200),
    "accounts:password_reset_confirm": (
        "get",
        lambda w: {"uidb64": "MQ", "token": "bad-token"},
        200,
        200,
    ),
    "accounts:password_reset_done": ("get", None, 200, 200),
    "accounts:invitation": ("get", lambda w: {"token": "no-such-token"}, 404, 404),
    "workshops:list": ("get", None, 302, 200),
    "workshops:join": ("get", None, 200, 200),
    "workshops:join_code": ("get", lambda w: {"code": w["workshop_own"].join_code}, 200, 200),
    "workshops:join_invited": (
        "get",
        lambda w: {"code": w["workshop_own"].join_code, "token": "wrong"},
        404,
        404,
    ),
    # A browser that has not joined is sent to the consent page, or gets a 404.
    "workshops:participant_briefing_file": (
        "get",
        lambda w: {"code": w["workshop_own"].join_code, "file_id": w["file_own"].pk},
        404,
        404,
    ),
    "workshops:participate": ("get", lambda w: {"code": w["workshop_own"].join_code}, 302, 302),
    "workshops:about_you": ("get", lambda w: {"code": w["workshop_own"].join_code}, 302, 302),
    "workshops:participation": ("get", lambda w: {"code": w["workshop_own"].join_code}, 404, 404),
    "workshops:participate_fragment": (
        "get",
        lambda w: {"code": w["workshop_own"].join_code},
        404,
        404,
    ),
    "workshops:participate_state": (
        "get",
        lambda w: {"code": w["workshop_own"].join_code},
        404,
        404,
    ),
    "workshops:participate_events": (
        "get",
        lambda w: {"code": w["workshop_own"].join_code},
        404,
        404,
    ),
    "workshops:participate_act": (
        "post",
        lambda w: {"code": w["workshop_own"].join_code},
        404,
        404,
    ),
}


# The JSON API (allied/workshops/api.py) answers JSON and never redirects: 401 without
# credentials. The tables below have the shapes of the page tables above; "allowed" means any
# answer but 401, 403 and 404 (the matrix posts empty bodies, which are bad input).
API_ORGANISATION_URLS = {
    "workshops:api_create": (
        "post",
        {Role.ORG_ADMIN, Role.FACILITATOR},
        lambda w, side: {"org": w[side].slug},
    ),
}

API_WORKSHOP_URLS = {
    "workshops:api_detail": (
        "get",
        {"lead", "admin"},
        lambda w, side: {"pk": w[f"workshop_{side}"].pk},
    ),
    "workshops:api_participant_add": (
        "post",
        {"lead", "admin"},
        lambda w, side: {"pk": w[f"workshop_{side}"].pk},
    ),
    "workshops:api_staff_add": (
        "post",
        {"lead", "admin"},
        lambda w, side: {"pk": w[f"workshop_{side}"].pk},
    ),
    "workshops:api_start": ("post", {"lead"}, lambda w, side: {"pk": w[f"workshop_{side}"].pk}),
    "workshops:api_state": (
        "get",
        {"lead", "admin"},
        lambda w, side: {"pk": w[f"workshop_{side}"].pk},
    ),
    "workshops:api_act": ("post", {"lead"}, lambda w, side: {"pk": w[f"workshop_{side}"].pk}),
    "workshops:api_results": (
        "get",
        {"lead", "admin"},
        lambda w, side: {"pk": w[f"workshop_{side}"].pk},
    ),
}

# (method, kwargs builder, status for anonymous, status for a signed-in person).
API_PERSONAL_URLS = {
    "web:api_schema": ("get", None, 200, 200),
    "workshops:api_token_create": ("post", None, 400, 400),
    "workshops:api_token_revoke": ("delete", None, 401, 401),
    "workshops:api_join": ("post", lambda w: {"code": w["workshop_own"].join_code}, 400, 400),
    # A session that has not joined the workshop is not a participant.
    "workshops:api_participant_state": (
        "get",
        lambda w: {"code": w["workshop_own"].join_code},
        401,
        401,
    ),
    "workshops:api_participant_act": (
        "post",
        lambda w: {"code": w["workshop_own"].join_code},
        401,
        401,
    ),
}

for _table, _rows in (
    (PERSONAL_URLS, EXTRA["PERSONAL_URLS"]),
    (ORGANISATION_URLS, EXTRA["ORGANISATION_URLS"]),
    (API_PERSONAL_URLS, EXTRA["API_PERSONAL_URLS"]),
    (API_ORGANISATION_URLS, EXTRA["API_ORGANISATION_URLS"]),
):
    _table.update(_rows)

for _table, _rows in (
    (WORKSHOP_URLS, consensus_matrix.WORKSHOP_URLS),
    (ORGANISATION_URLS, consensus_matrix.ORGANISATION_URLS),
    (PERSONAL_URLS, consensus_matrix.PERSONAL_URLS),
):
    _table.update(_rows)

API_TABLES = (API_ORGANISATION_URLS, API_WORKSHOP_URLS, API_PERSONAL_URLS)


def all_url_names(resolver=None, namespace="") -> set[str]:
    names = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= all_url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def test_every_url_is_in_the_matrix():
    missing = all_url_names() - set(ORGANISATION_URLS) - set(PERSONAL_URLS) - set(WORKSHOP_URLS)
    for table in (
        *API_TABLES,
        PROGRAMME_PAGES,
        PROGRAMME_PLACES,
        PROGRAMME_API,
        PROGRAMME_API_PLACES,
    ):
        missing -= set(table)
    assert missing == set(), f"Decide who may use these URLs and add them to the matrix: {missing}"


def call(client, method, url):
    return getattr(client, method)(url)


def request_as(client, world, persona, method, url):
    """Returns the response; no answer to someone signed in may be kept in a cache."""
    if persona == "anonymous":
        return call(client, method, url)
    sign_in_as(client, world["sessions"][persona])
    response = call(client, method, url)
    assert "no-store" in response.get("Cache-Control", ""), f"{url} may be cached"
    return response


def organisation_role(persona, side):
    """Returns the persona's role in that side's organisation, or None when they have none.
    Olga is the admin of the "other" organisation and nobody in the "own" one."""
    if side == "other":
        return Role.ORG_ADMIN if persona == "olga" else None
    return ROLE_OF.get(persona)


def workshop_role(persona, side):
    """Fay leads Alder's workshop; Alice administers Alder, Olga administers Birch."""
    return {("fay", "own"): "lead", ("alice", "own"): "admin", ("olga", "other"): "admin"}.get(
        (persona, side)
    )


def assert_page_answer(response, role, allowed, context):
    """Pages: 404 without a role there, 403 with the wrong one, else success (never a
    bounce to sign-in)."""
    if role is None:
        assert response.status_code == 404, context
    elif role in allowed:
        assert response.status_code in (200, 302), context
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("accounts:sign_in"))
    else:
        assert response.status_code == 403, context


def assert_api_answer(response, role, allowed, context) -> None:
    """The API: JSON always; 404 without a role there, 403 with the wrong one."""
    assert response["Content-Type"] == "application/json", context
    if role is None:
        assert response.status_code == 404, context
    elif role in allowed:
        assert response.status_code not in (401, 403, 404), context
        assert response.status_code < 500, context
    else:
        assert response.status_code == 403, context


def assert_sent_to_sign_in(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(ORGANISATION_URLS))
@pytest.mark.parametrize("side", ["own", "other"])
def test_organisation_urls(client, world, persona, name, side):
    method, allowed, kwargs = ORGANISATION_URLS[name]
    response = request_as(client, world, persona, method, reverse(name, kwargs=kwargs(world, side)))
    if persona == "anonymous":
        assert_sent_to_sign_in(response)
    else:
        assert_page_answer(
            response, organisation_role(persona, side), allowed, (persona, name, side)
        )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(PERSONAL_URLS))
def test_personal_urls(client, world, persona, name):
    method, kwargs, anonymous_status, signed_in_status = PERSONAL_URLS[name]
    url = reverse(name, kwargs=kwargs(world) if kwargs else None)
    response = request_as(client, world, persona, method, url)
    if persona == "anonymous":
        assert response.status_code == anonymous_status, name
    elif callable(signed_in_status):
        assert response.status_code == signed_in_status(persona), (persona, name)
    elif signed_in_status is not None:
        assert response.status_code == signed_in_status, (persona, name)
    else:
        # Two-factor set-up: a person already verified is sent back to their account.
        verified = persona in {"alice", "carol", "olga"}
        assert response.status_code == (302 if verified else 200), (persona, name)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(WORKSHOP_URLS))
@pytest.mark.parametrize("side", ["own", "other"])
def test_workshop_urls(client, world, persona, name, side):
    method, allowed, kwargs = WORKSHOP_URLS[name]
    response = request_as(client, world, persona, method, reverse(name, kwargs=kwargs(world, side)))
    if persona == "anonymous":
        assert_sent_to_sign_in(response)
    else:
        assert_page_answer(response, workshop_role(persona, side), allowed, (persona, name, side))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(API_ORGANISATION_URLS))
@pytest.mark.parametrize("side", ["own", "other"])
def test_api_organisation_urls(client, world, persona, name, side):
    method, allowed, kwargs = API_ORGANISATION_URLS[name]
    response = request_as(client, world, persona, method, reverse(name, kwargs=kwargs(world, side)))
    if persona == "anonymous":
        assert response.status_code == 401, name
    else:
        assert_api_answer(
            response, organisation_role(persona, side), allowed, (persona, name, side)
        )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(API_WORKSHOP_URLS))
@pytest.mark.parametrize("side", ["own", "other"])
def test_api_workshop_urls(client, world, persona, name, side):
    method, allowed, kwargs = API_WORKSHOP_URLS[name]
    response = request_as(client, world, persona, method, reverse(name, kwargs=kwargs(world, side)))
    if persona == "anonymous":
        assert response.status_code == 401, name
    else:
        assert_api_answer(response, workshop_role(persona, side), allowed, (persona, name, side))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(API_PERSONAL_URLS))
def test_api_personal_urls(client, world, persona, name):
    method, kwargs, anonymous_status, signed_in_status = API_PERSONAL_URLS[name]
    url = reverse(name, kwargs=kwargs(world) if kwargs else None)
    response = request_as(client, world, persona, method, url)
    expected = anonymous_status if persona == "anonymous" else signed_in_status
    assert response.status_code == expected, (persona, name)
    assert response["Content-Type"] == "application/json", name


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(PROGRAMME_PAGES))
@pytest.mark.parametrize("side", ["own", "other"])
def test_programme_urls(client, world, persona, name, side):
    method, allowed, kwargs = PROGRAMME_PAGES[name]
    response = request_as(client, world, persona, method, reverse(name, kwargs=kwargs(world, side)))
    if persona == "anonymous":
        assert_sent_to_sign_in(response)
    else:
        assert_page_answer(response, programme_role(persona, side), allowed, (persona, name, side))


@pytest.mark.parametrize("persona", [*PERSONAS, "omar"])
@pytest.mark.parametrize("name", sorted(PROGRAMME_PLACES))
@pytest.mark.parametrize("side", ["own", "other"])
def test_programme_place_urls(client, world, persona, name, side):
    """A person's own place: only its owner may use it; anyone else gets a 404."""
    method, kwargs = PROGRAMME_PLACES[name]
    response = request_as(client, world, persona, method, reverse(name, kwargs=kwargs(world, side)))
    owner = {"own": "mia", "other": "omar"}[side]
    if persona == "anonymous":
        assert_sent_to_sign_in(response)
    elif persona == owner:
        assert response.status_code in (200, 302), (persona, name, side)
    else:
        assert response.status_code == 404, (persona, name, side)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(PROGRAMME_API))
@pytest.mark.parametrize("side", ["own", "other"])
def test_api_programme_urls(client, world, persona, name, side):
    method, allowed, kwargs = PROGRAMME_API[name]
    response = request_as(client, world, persona, method, reverse(name, kwargs=kwargs(world, side)))
    if persona == "anonymous":
        assert response.status_code == 401, name
    else:
        assert_api_answer(response, programme_role(persona, side), allowed, (persona, name, side))


@pytest.mark.parametrize("persona", [*PERSONAS, "omar"])
@pytest.mark.parametrize("name", sorted(PROGRAMME_API_PLACES))
@pytest.mark.parametrize("side", ["own", "other"])
def test_api_programme_place_urls(client, world, persona, name, side):
    """Only the place's owner may use it: anonymous gets 401, anyone else 404, always JSON."""
    method, kwargs = PROGRAMME_API_PLACES[name]
    response = request_as(client, world, persona, method, reverse(name, kwargs=kwargs(world, side)))
    assert response["Content-Type"] == "application/json"
    owner = {"own": "mia", "other": "omar"}[side]
    if persona == "anonymous":
        assert response.status_code == 401
    elif persona == owner:
        assert response.status_code not in (401, 403, 404)
        assert response.status_code < 500
    else:
        assert response.status_code == 404
