"""Access that changes with people's roles and places, beyond the access matrix's fixed world."""

from __future__ import annotations

import pytest
from django.urls import reverse

from allied.accounts.models import Membership, Role
from allied.programmes.models import Participant
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_a_coordinator_whose_role_is_removed_loses_the_programme_at_once(client, world):
    carol, cohort = world["carol"], world["cohort_own"]
    mentee = world["mentee_place_own"]
    urls = [
        reverse("programmes:detail", args=[world["programme_own"].pk]),
        reverse("programmes:person", args=[cohort.pk, mentee.pk]),
        reverse("programmes:concern", args=[world["concern_own"].pk]),
        reverse("programmes:relationship", args=[world["relationship_own"].pk]),
    ]
    sign_in(client, carol)
    assert [client.get(url).status_code for url in urls] == [200, 200, 200, 200]
    # Still listed as the programme's coordinator, but no longer a coordinator of Alder.
    Membership.objects.filter(user=carol, role=Role.COORDINATOR).delete()
    Membership.objects.create(user=carol, organisation=world["own"], role=Role.MENTOR)
    assert world["programme_own"].coordinators.filter(pk=carol.pk).exists()
    assert [client.get(url).status_code for url in urls] == [404, 404, 404, 404]
    page = client.get(reverse("programmes:list")).content.decode()
    assert world["programme_own"].name not in page


def test_someone_who_has_left_the_programme_no_longer_opens_its_records(client, world):
    relationship = world["relationship_own"]
    Participant.objects.filter(pk=world["mentee_place_own"].pk).update(
        status=Participant.Status.WITHDRAWN
    )
    sign_in(client, world["mia"])
    for url in (
        reverse("programmes:relationship", args=[relationship.pk]),
        reverse("programmes:meeting", args=[world["meeting_own"].pk]),
        reverse("programmes:intake", args=[world["mentee_place_own"].pk]),
        reverse("programmes:detail", args=[world["programme_own"].pk]),
    ):
        assert client.get(url).status_code == 404, url
    # The mentor still opens the record of their time together.
    sign_in(client, world["max_mentor"])
    assert client.get(reverse("programmes:relationship", args=[relationship.pk])).status_code == 200
