"""The data rights pages: a person's own data page and erasure request; an organisation
admin's pages to download for a member and erase them after a typed confirmation; a
programme's retention period."""

from __future__ import annotations

import pytest
from django.urls import reverse

from allied.audit.models import AuditEvent, Kind
from allied.programmes.models import Concern
from allied.rights.models import Erasure, ErasureRequest, RetentionPolicy

pytestmark = pytest.mark.django_db


def test_the_account_page_links_to_your_data_and_for_admins_to_data_rights(world, signed_in):
    page = signed_in(world["alice"]).get(reverse("accounts:account")).content.decode()
    assert reverse("rights:your_data") in page
    assert reverse("rights:organisation", args=["alder"]) in page
    page = signed_in(world["mia"]).get(reverse("accounts:account")).content.decode()
    assert reverse("rights:organisation", args=["alder"]) not in page


def test_your_data_page_offers_both_downloads_and_erasure(world, signed_in):
    page = signed_in(world["mia"]).get(reverse("rights:your_data")).content.decode()
    assert reverse("rights:download", args=["html"]) in page
    assert reverse("rights:download", args=["json"]) in page
    assert reverse("rights:erasure_request") in page


def test_asking_for_erasure_needs_the_box_ticked_and_changes_nothing_without_it(world, signed_in):
    client = signed_in(world["mia"])
    response = client.post(reverse("rights:erasure_request"), {})
    assert response.status_code == 200
    assert "Confirm that you understand erasure cannot be undone" in response.content.decode()
    assert not ErasureRequest.objects.exists()


def test_asking_twice_makes_one_request_which_can_be_withdrawn(world, signed_in):
    client = signed_in(world["mia"])
    for _ in range(2):
        response = client.post(reverse("rights:erasure_request"), {"understood": "on"})
        assert response.status_code == 302
    assert ErasureRequest.objects.filter(status="open").count() == 1
    page = client.get(reverse("rights:your_data")).content.decode()
    assert "Withdraw my request" in page
    client.post(reverse("rights:erasure_request_withdraw"))
    assert ErasureRequest.objects.get().status == ErasureRequest.Status.WITHDRAWN
    assert world["mia"].is_active


def test_the_admin_sees_requests_from_their_members_only(world, signed_in):
    ErasureRequest.objects.create(user=world["mia"])
    ErasureRequest.objects.create(user=world["omar"])
    page = signed_in(world["alice"]).get(reverse("rights:organisation", args=["alder"]))
    text = page.content.decode()
    assert reverse("rights:person_erase", args=["alder", world["mia"].pk]) in text
    assert "Omar Mentee" not in text


def test_the_confirmation_page_says_what_will_happen_and_what_is_kept(world, signed_in):
    Concern.objects.create(
        programme=world["programme_own"],
        relationship=world["relationship_own"],
        raised_by=world["max_mentor"],
        safeguarding=True,
        text="Worried",
    )
    url = reverse("rights:person_erase", args=["alder", world["mia"].pk])
    page = signed_in(world["alice"]).get(url).content.decode()
    assert "Erasure cannot be undone" in page
    assert "kept under the organisation's legal duty" in page
    assert "Type mia@alder.example" in page
    assert "Worried" not in page


def test_a_wrong_confirmation_erases_nothing(world, signed_in):
    url = reverse("rights:person_erase", args=["alder", world["mia"].pk])
    response = signed_in(world["alice"]).post(url, {"confirm": "someone@else.example"})
    assert response.status_code == 200
    assert "The email address does not match" in response.content.decode()
    assert not Erasure.objects.exists()
    world["mia"].refresh_from_db()
    assert world["mia"].is_active


def test_the_admin_erases_a_member_and_sees_the_record(world, signed_in):
    Concern.objects.create(
        programme=world["programme_own"],
        relationship=world["relationship_own"],
        raised_by=world["max_mentor"],
        safeguarding=True,
        text="Worried",
    )
    client = signed_in(world["alice"])
    url = reverse("rights:person_erase", args=["alder", world["mia"].pk])
    response = client.post(url, {"confirm": "MIA@alder.example"})
    erasure = Erasure.objects.get()
    assert response["Location"] == reverse("rights:erasure", args=["alder", erasure.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Records retained" in page and "safeguarding concern" in page
    assert AuditEvent.objects.filter(kind=Kind.PERSON_ERASED, actor=world["alice"]).exists()
    # Erased, she is no longer a member: her pages are gone.
    assert client.get(url).status_code == 404


def test_an_admin_cannot_erase_themselves_here(world, make_person, signed_in):
    from allied.accounts.models import Membership, Role

    Membership.objects.create(user=world["carol"], organisation=world["own"], role=Role.ORG_ADMIN)
    url = reverse("rights:person_erase", args=["alder", world["alice"].pk])
    response = signed_in(world["alice"]).post(url, {"confirm": "alice@alder.example"})
    assert response.status_code == 200
    assert "You cannot erase your own account here" in response.content.decode()
    assert not Erasure.objects.exists()


def test_someone_in_another_organisation_cannot_be_erased(world, signed_in):
    url = reverse("rights:person_erase", args=["alder", world["omar"].pk])
    assert signed_in(world["alice"]).post(url, {"confirm": "omar@birch.example"}).status_code == 404
    assert not Erasure.objects.exists()


def test_a_coordinator_may_not_erase_anyone(world, signed_in):
    url = reverse("rights:person_erase", args=["alder", world["mia"].pk])
    assert signed_in(world["carol"]).post(url, {"confirm": "mia@alder.example"}).status_code == 403
    assert not Erasure.objects.exists()


def test_the_coordinator_sets_and_clears_the_retention_period(world, signed_in):
    client = signed_in(world["carol"])
    url = reverse("rights:retention", args=[world["programme_own"].pk])
    assert client.post(url, {"months": "24"}).status_code == 302
    assert RetentionPolicy.objects.get().months == 24
    page = client.get(url).content.decode()
    assert "31 March 2029" in page  # the spring cohort ends 31 March 2027
    client.post(url, {"months": ""})
    assert RetentionPolicy.objects.get().months is None
    assert AuditEvent.objects.filter(detail__action="retention_set").count() == 2


@pytest.mark.parametrize("junk", ["0", "-3", "ten", "9999", "1.5"])
def test_a_bad_retention_period_is_refused_with_a_message(world, signed_in, junk):
    client = signed_in(world["carol"])
    url = reverse("rights:retention", args=[world["programme_own"].pk])
    response = client.post(url, {"months": junk})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not RetentionPolicy.objects.exists()
