"""Every URL × every kind of person × their own or another organisation's objects.

The matrix is the specification of who may do what. A URL missing from it fails
`test_every_url_is_in_the_matrix`, so nothing can be added without deciding who may use it
(and without a test requesting it).
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from allied.accounts.models import Role
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

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
    "workshops:run": ("get", {"lead"}, lambda w, side: {"pk": w[f"workshop_{side}"].pk}),
    "workshops:run_fragment": ("get", {"lead"}, lambda w, side: {"pk": w[f"workshop_{side}"].pk}),
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
# expected status for a signed-in person).
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
    "workshops:participate": ("get", lambda w: {"code": w["workshop_own"].join_code}, 302, 302),
    "workshops:about_you": ("get", lambda w: {"code": w["workshop_own"].join_code}, 302, 302),
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
    assert missing == set(), f"Decide who may use these URLs and add them to the matrix: {missing}"


def call(client, method, url):
    return client.post(url) if method == "post" else client.get(url)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(ORGANISATION_URLS))
@pytest.mark.parametrize("side", ["own", "other"])
def test_organisation_urls(client, world, persona, name, side):
    method, allowed, kwargs = ORGANISATION_URLS[name]
    url = reverse(name, kwargs=kwargs(world, side))
    if persona != "anonymous":
        sign_in(client, world[persona])
    response = call(client, method, url)
    if persona == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(
            reverse("accounts:sign_in")
        )
        return
    # Olga is the admin of the "other" organisation and nobody in the "own" one.
    in_organisation = (side == "own" and persona in ROLE_OF) or (
        side == "other" and persona == "olga"
    )
    role = Role.ORG_ADMIN if persona == "olga" else ROLE_OF.get(persona)
    if not in_organisation:
        assert response.status_code == 404, (persona, name, side)
    elif role in allowed:
        assert response.status_code in (200, 302), (persona, name, side)
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("accounts:sign_in"))
    else:
        assert response.status_code == 403, (persona, name, side)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(PERSONAL_URLS))
def test_personal_urls(client, world, persona, name):
    method, kwargs, anonymous_status, signed_in_status = PERSONAL_URLS[name]
    url = reverse(name, kwargs=kwargs(world) if kwargs else None)
    if persona != "anonymous":
        sign_in(client, world[persona])
    response = call(client, method, url)
    if persona == "anonymous":
        assert response.status_code == anonymous_status, name
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
    url = reverse(name, kwargs=kwargs(world, side))
    if persona != "anonymous":
        sign_in(client, world[persona])
    response = call(client, method, url)
    if persona == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(
            reverse("accounts:sign_in")
        )
        return
    # Fay leads Alder's workshop; Alice administers Alder, Olga administers Birch.
    role = {("fay", "own"): "lead", ("alice", "own"): "admin", ("olga", "other"): "admin"}.get(
        (persona, side)
    )
    if role is None:
        assert response.status_code == 404, (persona, name, side)
    elif role in allowed:
        assert response.status_code in (200, 302), (persona, name, side)
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("accounts:sign_in"))
    else:
        assert response.status_code == 403, (persona, name, side)
