import pytest
from django.urls import reverse

from allied.audit.log import record
from allied.audit.models import AppendOnlyError, AuditEvent, Kind

pytestmark = pytest.mark.django_db


def test_the_log_cannot_be_changed_or_deleted(alice):
    event = record(Kind.SIGN_IN, actor=alice, email=alice.email)
    event.subject = "edited"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(subject="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().subject == ""


@pytest.mark.parametrize("key", ["password", "token", "ethnicity", "code", "gender"])
def test_the_log_refuses_secrets_and_special_category_values(alice, key):
    with pytest.raises(ValueError):
        record(Kind.SIGN_IN, actor=alice, **{key: "x"})
    assert not AuditEvent.objects.exists()


def test_a_sign_in_never_writes_the_password_anywhere_in_the_log(client, max_mentor):
    client.post(
        reverse("accounts:sign_in"), {"email": max_mentor.email, "password": "the secret I typed"}
    )
    assert "the secret I typed" not in str(list(AuditEvent.objects.values()))


def test_an_admin_reads_and_filters_the_log(client, signed_in, alice, max_mentor, org):
    record(Kind.ROLE_GRANTED, actor=alice, organisation=org, subject="Max Mentor", role="mentor")
    record(Kind.SIGN_IN_FAILED, email="max@alder.example")
    signed_in(alice)
    url = reverse("audit:log", args=[org.slug])
    page = client.get(url).content.decode()
    assert "Role granted" in page
    filtered = client.get(url, {"kind": Kind.SIGN_IN_REFUSED}).content.decode()
    assert "Max Mentor" not in filtered and "No events match" in filtered


def test_bad_filters_get_a_clear_message(client, signed_in, alice, org):
    signed_in(alice)
    page = client.get(
        reverse("audit:log", args=[org.slug]), {"since": "31 February", "kind": "nonsense"}
    )
    assert page.status_code == 200
    assert "There is a problem" in page.content.decode()


def test_another_organisations_events_are_not_shown(client, signed_in, alice, olga, org, other_org):
    record(Kind.ROLE_GRANTED, actor=olga, organisation=other_org, subject="Secret Birch person")
    signed_in(alice)
    assert (
        "Secret Birch person"
        not in client.get(reverse("audit:log", args=[org.slug])).content.decode()
    )


def test_only_an_admin_reads_the_log(client, signed_in, carol, org):
    signed_in(carol)
    assert client.get(reverse("audit:log", args=[org.slug])).status_code == 403
    assert AuditEvent.objects.filter(kind=Kind.PERMISSION_DENIED, actor=carol).count() == 1
