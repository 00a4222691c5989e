"""Shared fixtures: hypothesis profiles, services, and the people every test can use.

Personas, after healthchecks' test base: Alice is the admin of Alder Trust; Carol coordinates
its programmes; Fay facilitates workshops; Max is a mentor and Mia a mentee there; Olga is
the admin of another organisation, Birch Council; Nora has an account and no role anywhere.
"""

from __future__ import annotations

import gc
import os
import uuid

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=30,
    stateful_step_count=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "dev",
    max_examples=60,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# `make test-deep`, before a release: many more examples, longer stateful sequences.
settings.register_profile(
    "deep",
    max_examples=500,
    stateful_step_count=40,
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


def pytest_collection_finish(session):
    """Once every module is imported, the garbage collector leaves what was imported alone
    (`gc.freeze`) and collects less often: the suite makes millions of short-lived objects,
    and the default thresholds had it scan Django's and the libraries' objects over and
    over. The access matrix ran 10% (PostgreSQL) to 22% (SQLite) faster; nothing a test
    checks depends on when garbage is collected."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}
SERVICE_MARKERS = ("postgres", "redis", "fuzz", "browser", "once")


def touches_the_database(item) -> bool:
    """Returns whether the test uses the database: marked `django_db`, or asking (directly or
    through its fixtures) for a database fixture."""
    return item.get_closest_marker("django_db") is not None or not DATABASE_FIXTURES.isdisjoint(
        getattr(item, "fixturenames", ())
    )


def pytest_collection_modifyitems(config, items):
    """Outside `make test`'s PostgreSQL and Redis pass, tests that need those services say
    so and skip; inside it (ALLIED_REQUIRE_SERVICES), they always run.

    With ALLIED_DATABASE_TESTS_ONLY (the second pass of `make test`), tests that touch
    neither the database nor a service are deselected: they ran in the SQLite pass, and
    running them again on PostgreSQL checks nothing new.

    Tests marked `deep` run only in `make test-deep` (HYPOTHESIS_PROFILE=deep); tests marked
    `sqlite` (about SQLite's own files) only over SQLite."""
    left_out = ["deep"] if os.environ.get("HYPOTHESIS_PROFILE") != "deep" else []
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        left_out.append("sqlite")
    for name in left_out:
        found = [item for item in items if item.get_closest_marker(name)]
        if found:
            config.hook.pytest_deselected(items=found)
            items[:] = [item for item in items if not item.get_closest_marker(name)]
    if os.environ.get("ALLIED_DATABASE_TESTS_ONLY"):
        kept, deselected = [], []
        for item in items:
            needed = touches_the_database(item) or any(
                item.get_closest_marker(name) for name in SERVICE_MARKERS
            )
            (kept if needed else deselected).append(item)
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = kept
    # Browser tests spend much of their time waiting for a page; run first, they leave the
    # other workers the processor, and the long journeys never hold up the end of a run.
    items.sort(key=lambda item: item.get_closest_marker("browser") is None)
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
    """Argon2 is slow by design; tests use a fast hasher unless marked `real_hasher`.
    Each test also counts sign-in failures apart (its own throttling prefix in the cache),
    so no test inherits another's failures, on one worker or across them through Redis."""
    if not request.node.get_closest_marker("real_hasher"):
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.RATELIMIT_CACHE_PREFIX = f"allied-throttle:{uuid.uuid4().hex}:"


def create_person(email, name, organisation=None, *roles, two_factor=None):
    """Returns a new person with the test password, these roles in `organisation`, and a
    confirmed authenticator when asked or when their roles need one."""
    from allied.accounts.models import Membership, User

    user = User.objects.create_user(email, PASSWORD, full_name=name)
    for role in roles:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    if two_factor or (two_factor is None and user.requires_two_factor()):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
    return user


@pytest.fixture
def make_person(db):
    return create_person


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


def sign_in_as(client, key: str):
    """Signs the client in with the module's session for that persona (`module_sessions`)."""
    from django.conf import settings

    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client


@pytest.fixture
def signed_in(client):
    return lambda user: sign_in(client, user)


PERSONAS = (
    ("alice", "alice@alder.example", "Alice Admin", "own", "ORG_ADMIN"),
    ("carol", "carol@alder.example", "Carol Coordinator", "own", "COORDINATOR"),
    ("fay", "fay@alder.example", "Fay Facilitator", "own", "FACILITATOR"),
    ("max_mentor", "max@alder.example", "Max Mentor", "own", "MENTOR"),
    ("mia", "mia@alder.example", "Mia Mentee", "own", "MENTEE"),
    ("pat", "pat@alder.example", "Pat Participant", "own", "PARTICIPANT"),
    ("olga", "olga@birch.example", "Olga Other", "other", "ORG_ADMIN"),
    ("nora", "nora@nowhere.example", "Nora Nobody", None, None),
)


def create_persona(key: str, organisations: dict):
    from allied.accounts.models import Role

    _, email, name, side, role = next(row for row in PERSONAS if row[0] == key)
    roles = [getattr(Role, role)] if role else []
    return create_person(email, name, organisations.get(side), *roles)


@pytest.fixture
def org(db):
    from allied.accounts.models import Organisation

    return Organisation.objects.create(name="Alder Trust", slug="alder")


@pytest.fixture
def other_org(db):
    from allied.accounts.models import Organisation

    return Organisation.objects.create(name="Birch Council", slug="birch")


@pytest.fixture
def alice(org):
    return create_persona("alice", {"own": org})


@pytest.fixture
def carol(org):
    return create_persona("carol", {"own": org})


@pytest.fixture
def fay(org):
    return create_persona("fay", {"own": org})


@pytest.fixture
def max_mentor(org):
    return create_persona("max_mentor", {"own": org})


@pytest.fixture
def mia(org):
    return create_persona("mia", {"own": org})


@pytest.fixture
def pat(org):
    return create_persona("pat", {"own": org})


@pytest.fixture
def olga(other_org):
    return create_persona("olga", {"other": other_org})


@pytest.fixture
def nora(db):
    return create_persona("nora", {})


def build_world(org, other_org, people: dict) -> dict:
    """Returns both organisations, every persona and one of each of their objects: an
    invitation, a workshop with a question and a briefing file, and a programme with its
    cohort, places, relationship and records (tests/programmes/world.py)."""
    from django.core.files.base import ContentFile

    from allied.accounts.models import Invitation, Role
    from allied.workshops.models import BriefingFile, Question, StaffRole, Workshop, WorkshopStaff

    organisations = {"own": org, "other": other_org}
    invitation_own, _ = Invitation.issue(
        organisation=org, email="a@alder.example", role=Role.MENTEE, invited_by=people["alice"]
    )
    invitation_other, _ = Invitation.issue(
        organisation=other_org,
        email="b@birch.example",
        role=Role.MENTEE,
        invited_by=people["olga"],
    )
    workshops = {}
    for side, organisation, lead in (
        ("own", org, people["fay"]),
        ("other", other_org, people["olga"]),
    ):
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
    from allied.accounts.models import ApiToken

    built = {
        **organisations,
        "token_mia": ApiToken.issue(user=people["mia"], name="Mia's script", verified=False)[0],
        "invitation_own": invitation_own,
        "invitation_other": invitation_other,
        **workshops,
        **people,
    }
    from tests.programmes.world import build

    built.update(build(built, create_person))
    return built


@pytest.fixture
def world(org, other_org, alice, carol, fay, max_mentor, mia, pat, olga, nora):
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
    return build_world(org, other_org, people)


def kept_for_the_module(django_db_blocker, build, **overrides):
    """Yields what `build()` returns, made once for a whole module of tests.

    It is built inside a transaction that stays open while the module runs; each test runs in
    a savepoint within it (pytest-django's `db`), so whatever a test changes is rolled back,
    and what was built is rolled back after the module. Use it from a module-scoped fixture:
    `yield from kept_for_the_module(django_db_blocker, build)`. `overrides` are settings kept
    for the module (the fast password hasher always). Not for modules with transactional or
    live-server tests: their flush would empty what the module shares."""
    from django.db import connections, transaction
    from django.test.utils import override_settings

    kept = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], **overrides
    )
    kept.enable()
    entered = []

    def roll_back():
        try:
            with django_db_blocker.unblock():
                for alias, atomic in reversed(entered):
                    transaction.set_rollback(True, using=alias)
                    atomic.__exit__(None, None, None)
        finally:
            kept.disable()

    try:
        with django_db_blocker.unblock():
            for alias in connections:
                atomic = transaction.atomic(using=alias)
                atomic.__enter__()
                entered.append((alias, atomic))
            built = build()
    except BaseException:
        roll_back()
        raise
    yield built
    roll_back()


def build_the_whole_world() -> dict:
    from allied.accounts.models import Organisation

    org = Organisation.objects.create(name="Alder Trust", slug="alder")
    other_org = Organisation.objects.create(name="Birch Council", slug="birch")
    organisations = {"own": org, "other": other_org}
    people = {row[0]: create_persona(row[0], organisations) for row in PERSONAS}
    return build_world(org, other_org, people)


@pytest.fixture(scope="module")
def module_sessions(module_world, django_db_blocker):
    """Each person of the module's world signed in once, through `sign_in`: their session
    keys, by their keys in the world. Made inside the module's transaction, so a test's
    sign-out is rolled back like anything else, and the sessions end with the module."""
    from django.conf import settings
    from django.test import Client

    from allied.accounts.models import User

    keys = {}
    with django_db_blocker.unblock():
        for key, person in module_world.items():
            if isinstance(person, User):
                client = sign_in(Client(), person)
                keys[key] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world built once for a whole module of tests that only read it (a module using it
    overrides `media_in_a_temporary_folder` to keep this world's files: see
    test_access_matrix.py)."""
    yield from kept_for_the_module(
        django_db_blocker, build_the_whole_world, MEDIA_ROOT=tmp_path_factory.mktemp("media")
    )


@pytest.fixture(scope="session")
def live_server(django_db_setup, django_db_blocker):
    """The app served over HTTP for browser tests: by uvicorn, as in production
    (tests/servers.py), so live pages stream. Over an in-memory SQLite test database (the
    suites' fallback when PostgreSQL cannot start), Django's own threaded WSGI server runs
    on the test's own connection instead, and live pages poll."""
    from django.db import connections

    if connections["default"].vendor == "sqlite" and connections["default"].is_in_memory_db():
        from pytest_django.live_server_helper import LiveServer

        server = LiveServer("localhost")
        server.streams = False
    else:
        from tests.servers import AsgiLiveServer

        server = AsgiLiveServer()
    yield server
    server.stop()
    # The server's threads read the database over connections of their own: close them, so
    # the test database can be dropped at the end of the session.
    with django_db_blocker.unblock():
        close_other_connections()


def close_other_connections() -> None:
    """Ends every other session on the test database (PostgreSQL), as the server's pool
    threads may have left theirs open."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
