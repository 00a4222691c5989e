import re

import pytest
from django.core import mail
from django.urls import reverse

from allied.audit.models import AuditEvent, Kind

pytestmark = pytest.mark.django_db


def test_a_person_resets_a_forgotten_password_by_email(client, max_mentor):
    response = client.post(reverse("accounts:password_reset"), {"email": max_mentor.email})
    assert response["Location"] == reverse("accounts:password_reset_sent")
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form = client.get("/" + path, follow=True)
    assert form.status_code == 200
    assert "Set a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )
    assert done["Location"] == reverse("accounts:password_reset_done")
    assert client.get(reverse("accounts:password_reset_done")).status_code == 200
    max_mentor.refresh_from_db()
    assert max_mentor.check_password("a brand new passphrase")
    assert AuditEvent.objects.filter(kind=Kind.PASSWORD_RESET, actor=max_mentor).exists()


def test_asking_for_a_reset_for_an_unknown_address_looks_the_same(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "ghost@alder.example"})
    assert response["Location"] == reverse("accounts:password_reset_sent")
    assert mail.outbox == []
    assert client.get(reverse("accounts:password_reset_sent")).status_code == 200


def test_a_broken_reset_link_says_it_has_expired(client, max_mentor):
    page = client.get(reverse("accounts:password_reset_confirm", args=["Mg", "not-a-token"]))
    assert "This link has expired" in page.content.decode()
