"""Shared fixtures: hypothesis profiles, services, and the people every test can use.

Personas, after healthchecks' test base: Alice is the admin of Alder Trust; Carol coordinates
its programmes; Fay facilitates workshops; Max is a mentor and Mia a mentee there; Olga is
the admin of another organisation, Birch Council; Nora has an account and no role anywhere.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "dev",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

PASSWORD = "correct horse battery staple"


def pytest_sessionstart(session):
    """With ALLIED_REQUIRE_SERVICES (set by `make test` for the PostgreSQL and Redis run),
    an unreachable service stops the run: those suites fail, never skip."""
    if not os.environ.get("ALLIED_REQUIRE_SERVICES"):
        return
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        raise pytest.UsageError(
            "ALLIED_REQUIRE_SERVICES needs DATABASE_URL (PostgreSQL) and REDIS_URL."
        )
    import psycopg
    import redis

    try:
        psycopg.connect(
            database_url.replace("postgres://", "postgresql://"), connect_timeout=5
        ).close()
    except Exception as exc:
        raise pytest.UsageError(f"PostgreSQL cannot be reached at {database_url}: {exc}") from exc
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=5).ping()
    except Exception as exc:
        raise pytest.UsageError(f"Redis cannot be reached at {redis_url}: {exc}") from exc


def pytest_collection_modifyitems(config, items):
    """Outside `make test`'s PostgreSQL and Redis pass, tests that need those services say
    so and skip; inside it (ALLIED_REQUIRE_SERVICES), they always run."""
    if os.environ.get("ALLIED_REQUIRE_SERVICES"):
        return
    skip = pytest.mark.skip(reason="needs `make test`'s PostgreSQL and Redis pass")
    for item in items:
        if item.get_closest_marker("postgres") or item.get_closest_marker("redis"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fast_password_hashing(request, settings):
    """Argon2 is slow by design; tests use a fast hasher unless marked `real_hasher`."""
    if not request.node.get_closest_marker("real_hasher"):
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_person(db):
    from allied.accounts.models import Membership, User

    def make(email, name, organisation=None, *roles, two_factor=None):
        user = User.objects.create_user(email, PASSWORD, full_name=name)
        for role in roles:
            Membership.objects.create(user=user, organisation=organisation, role=role)
        if two_factor or (two_factor is None and user.requires_two_factor()):
            from django_otp.plugins.otp_totp.models import TOTPDevice

            TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
        return user

    return make


@pytest.fixture
def org(db):
    from allied.accounts.models import Organisation

    return Organisation.objects.create(name="Alder Trust", slug="alder")


@pytest.fixture
def other_org(db):
    from allied.accounts.models import Organisation

    return Organisation.objects.create(name="Birch Council", slug="birch")


@pytest.fixture
def alice(make_person, org):
    from allied.accounts.models import Role

    return make_person("alice@alder.example", "Alice Admin", org, Role.ORG_ADMIN)


@pytest.fixture
def carol(make_person, org):
    from allied.accounts.models import Role

    return make_person("carol@alder.example", "Carol Coordinator", org, Role.COORDINATOR)


@pytest.fixture
def fay(make_person, org):
    from allied.accounts.models import Role

    return make_person("fay@alder.example", "Fay Facilitator", org, Role.FACILITATOR)


@pytest.fixture
def max_mentor(make_person, org):
    from allied.accounts.models import Role

    return make_person("max@alder.example", "Max Mentor", org, Role.MENTOR)


@pytest.fixture
def mia(make_person, org):
    from allied.accounts.models import Role

    return make_person("mia@alder.example", "Mia Mentee", org, Role.MENTEE)


@pytest.fixture
def pat(make_person, org):
    from allied.accounts.models import Role

    return make_person("pat@alder.example", "Pat Participant", org, Role.PARTICIPANT)


@pytest.fixture
def olga(make_person, other_org):
    from allied.accounts.models import Role

    return make_person("olga@birch.example", "Olga Other", other_org, Role.ORG_ADMIN)


@pytest.fixture
def nora(make_person):
    return make_person("nora@nowhere.example", "Nora Nobody")


def sign_in(client, user):
    """Signs the person in on the test client, with two-factor completed when they have it."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user, backend="allied.accounts.backends.EmailBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def signed_in(client):
    return lambda user: sign_in(client, user)


@pytest.fixture
def world(
    request, make_person, org, other_org, alice, carol, fay, max_mentor, mia, pat, olga, nora
):
    people = {
        "alice": alice,
        "carol": carol,
        "fay": fay,
        "max_mentor": max_mentor,
        "mia": mia,
        "pat": pat,
        "olga": olga,
        "nora": nora,
    }
    from allied.accounts.models import Invitation, Role

    invitation_own, _ = Invitation.issue(
        organisation=org, email="a@alder.example", role=Role.MENTEE, invited_by=alice
    )
    invitation_other, _ = Invitation.issue(
        organisation=other_org, email="b@birch.example", role=Role.MENTEE, invited_by=olga
    )
    from django.core.files.base import ContentFile

    from allied.workshops.models import BriefingFile, Question, StaffRole, Workshop, WorkshopStaff

    workshops = {}
    for side, organisation, lead in (("own", org, fay), ("other", other_org, olga)):
        workshop = Workshop.objects.create(
            organisation=organisation, title=f"{side} workshop", created_by=lead
        )
        Question.objects.create(workshop=workshop, order=1, text="What is important in mentoring?")
        if side == "own":
            WorkshopStaff.objects.create(workshop=workshop, user=lead, role=StaffRole.LEAD)
        workshops[f"workshop_{side}"] = workshop
        workshops[f"file_{side}"] = BriefingFile.objects.create(
            workshop=workshop,
            name="findings.txt",
            file=ContentFile(b"Earlier findings", name="findings.txt"),
        )
    built = {
        "own": org,
        "other": other_org,
        "invitation_own": invitation_own,
        "invitation_other": invitation_other,
        **workshops,
        **people,
    }
    from tests.programmes.world import build

    built.update(build(built, make_person))
    return built
