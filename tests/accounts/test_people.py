import pytest
from django.urls import reverse

from allied.accounts.models import Role
from allied.audit.models import AuditEvent, Kind

pytestmark = pytest.mark.django_db


def test_an_admin_sees_everyone_in_the_organisation(
    client, signed_in, alice, max_mentor, mia, olga, org
):
    signed_in(alice)
    page = client.get(reverse("accounts:people", args=[org.slug])).content.decode()
    assert "Max Mentor" in page and "Mia Mentee" in page
    assert "Olga" not in page


def test_an_admin_changes_a_persons_roles_and_it_is_audited(
    client, signed_in, alice, max_mentor, org
):
    signed_in(alice)
    url = reverse("accounts:person_roles", args=[org.slug, max_mentor.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"roles": [Role.MENTOR, Role.FACILITATOR]})
    assert response.status_code == 302
    assert max_mentor.roles_in(org) == {Role.MENTOR, Role.FACILITATOR}
    event = AuditEvent.objects.get(kind=Kind.ROLE_GRANTED)
    assert event.actor == alice and event.detail["role"] == Role.FACILITATOR


def test_the_last_admin_cannot_remove_their_own_admin_role(client, signed_in, alice, org):
    signed_in(alice)
    url = reverse("accounts:person_roles", args=[org.slug, alice.pk])
    response = client.post(url, {"roles": [Role.MENTOR]})
    assert response.status_code == 200
    assert "at least one organisation admin" in response.content.decode()
    assert alice.roles_in(org) == {Role.ORG_ADMIN}


def test_an_unknown_role_is_refused_and_nothing_changes(client, signed_in, alice, max_mentor, org):
    signed_in(alice)
    url = reverse("accounts:person_roles", args=[org.slug, max_mentor.pk])
    response = client.post(url, {"roles": ["emperor"]})
    assert response.status_code == 200
    assert max_mentor.roles_in(org) == {Role.MENTOR}


def test_a_coordinator_may_see_people_but_not_change_roles(
    client, signed_in, carol, max_mentor, org
):
    signed_in(carol)
    assert client.get(reverse("accounts:people", args=[org.slug])).status_code == 200
    url = reverse("accounts:person_roles", args=[org.slug, max_mentor.pk])
    assert client.post(url, {"roles": [Role.ORG_ADMIN]}).status_code == 403
    assert AuditEvent.objects.filter(kind=Kind.PERMISSION_DENIED, actor=carol).exists()
    assert max_mentor.roles_in(org) == {Role.MENTOR}


def test_a_person_from_another_organisation_is_not_found(client, signed_in, alice, olga, org):
    signed_in(alice)
    url = reverse("accounts:person_roles", args=[org.slug, olga.pk])
    assert client.get(url).status_code == 404
