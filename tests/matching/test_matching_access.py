"""The mentor's own requests list shows only their own requests."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_a_mentor_lists_only_their_own_requests(client, world):
    from allied.programmes.models import Relationship

    Relationship.objects.filter(pk=world["relationship_own"].pk).update(status="requested")
    Relationship.objects.filter(pk=world["relationship_other"].pk).update(status="requested")
    sign_in(client, world["max_mentor"])
    html = client.get(reverse("programmes:requests")).content.decode()
    assert world["mia"].full_name in html
    assert world["omar"].full_name not in html
    sign_in(client, world["mia"])
    html = client.get(reverse("programmes:requests")).content.decode()
    assert "No mentee is waiting for your answer" in html
