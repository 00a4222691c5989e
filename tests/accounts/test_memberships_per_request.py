"""A request reads the person's memberships once: the two-factor check, the access helpers
and the header share that read, and a change to a membership is seen at once."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from allied.accounts.access import memberships_for, organisation_for, roles_held
from allied.accounts.models import Membership, Role

pytestmark = pytest.mark.django_db


def request_by(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_memberships_are_read_once_per_request(alice, org, django_assert_num_queries):
    request = request_by(alice)
    with django_assert_num_queries(1):
        memberships_for(request)
        assert roles_held(request, org.id) == {Role.ORG_ADMIN}
        assert organisation_for(request, org.slug) == org


def test_a_membership_given_during_the_request_is_seen_at_once(alice, other_org):
    request = request_by(alice)
    assert roles_held(request, other_org.id) == set()
    Membership.objects.create(user=alice, organisation=other_org, role=Role.MENTOR)
    assert roles_held(request, other_org.id) == {Role.MENTOR}
    assert organisation_for(request, other_org.slug) == other_org


def test_a_membership_taken_away_during_the_request_is_seen_at_once(alice, org):
    request = request_by(alice)
    assert organisation_for(request, org.slug) == org
    Membership.objects.filter(user=alice, organisation=org).delete()
    assert memberships_for(request) == []


def test_someone_not_signed_in_has_no_memberships_and_no_query(django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    with django_assert_num_queries(0):
        assert memberships_for(request_by(AnonymousUser())) == []


def test_a_page_draws_its_header_from_the_same_read(client, alice, org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import sign_in

    sign_in(client, alice)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/organisations/{org.slug}/people/")
    assert response.status_code == 200
    assert b"Audit log" in response.content
    # The two-factor check, the page's access check and the header: one read of her roles.
    own_roles = [
        q["sql"]
        for q in queries.captured_queries
        if f'WHERE "accounts_membership"."user_id" = {alice.pk}' in q["sql"]
    ]
    assert len(own_roles) == 1, own_roles
