import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from allied.accounts.models import Invitation, Membership, Role, User
from allied.audit.models import AuditEvent, Kind
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def invite_link(client, org, email, role):
    response = client.post(
        reverse("accounts:invite", args=[org.slug]), {"email": email, "role": role}
    )
    assert response.status_code == 302, response.content.decode()
    return re.search(r"http://\S+", mail.outbox[-1].body).group(0).split("8000", 1)[1]


def test_a_coordinator_invites_a_mentee_who_creates_an_account(client, signed_in, carol, org):
    signed_in(carol)
    path = invite_link(client, org, "new.mentee@alder.example", Role.MENTEE)
    newcomer = Client()
    page = newcomer.get(path)
    assert "Create your account" in page.content.decode()
    response = newcomer.post(
        path,
        {
            "full_name": "Nia New",
            "password1": "a long enough password",
            "password2": "a long enough password",
        },
    )
    assert response["Location"] == reverse("web:dashboard")
    user = User.objects.get(email="new.mentee@alder.example")
    assert Membership.objects.filter(user=user, organisation=org, role=Role.MENTEE).exists()
    assert "Mentee" in newcomer.get(reverse("web:dashboard")).content.decode()
    # The link works once.
    assert Client().get(path).status_code == 404
    assert AuditEvent.objects.filter(kind=Kind.INVITATION_ACCEPTED, actor=user).exists()


def test_a_coordinator_cannot_invite_an_organisation_admin(client, signed_in, carol, org):
    signed_in(carol)
    response = client.post(
        reverse("accounts:invite", args=[org.slug]),
        {"email": "x@alder.example", "role": Role.ORG_ADMIN},
    )
    assert response.status_code == 200
    assert "Choose one of the roles listed" in response.content.decode()
    assert not Invitation.objects.exists()


def test_someone_with_an_account_accepts_by_signing_in_as_that_account(
    client, signed_in, alice, max_mentor, org
):
    signed_in(alice)
    path = invite_link(client, org, max_mentor.email, Role.FACILITATOR)
    mentor = Client()
    assert mentor.get(path)["Location"].startswith(reverse("accounts:sign_in"))
    mentor.post(reverse("accounts:sign_in"), {"email": max_mentor.email, "password": PASSWORD})
    assert "Accept your invitation" in mentor.get(path).content.decode()
    mentor.post(path)
    assert max_mentor.roles_in(org) == {Role.MENTOR, Role.FACILITATOR}


def test_an_invitation_for_someone_else_is_refused(client, signed_in, alice, max_mentor, mia, org):
    signed_in(alice)
    path = invite_link(client, org, max_mentor.email, Role.FACILITATOR)
    other = Client()
    other.post(reverse("accounts:sign_in"), {"email": mia.email, "password": PASSWORD})
    assert other.get(path).status_code == 403
    assert other.post(path).status_code == 403
    assert Role.FACILITATOR not in max_mentor.roles_in(org)


def test_a_withdrawn_invitation_no_longer_works(client, signed_in, alice, org):
    signed_in(alice)
    path = invite_link(client, org, "late@alder.example", Role.MENTOR)
    invitation = Invitation.objects.get()
    client.post(reverse("accounts:invitation_withdraw", args=[org.slug, invitation.pk]))
    assert Client().get(path).status_code == 404


def test_inviting_again_replaces_the_earlier_link(client, signed_in, alice, org):
    signed_in(alice)
    first = invite_link(client, org, "twice@alder.example", Role.MENTOR)
    second = invite_link(client, org, "twice@alder.example", Role.MENTOR)
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200


def test_the_token_is_not_stored(client, signed_in, alice, org):
    signed_in(alice)
    path = invite_link(client, org, "secret@alder.example", Role.MENTOR)
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert Invitation.objects.get().token_digest != token
    assert token not in str(list(AuditEvent.objects.values()))
