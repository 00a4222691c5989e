"""schemathesis against the served OpenAPI document: every operation, called with data the
schema allows, as a signed-in member of staff (a bearer token), as a workshop participant
(a participant token) and anonymously, answers as the schema says: never a server error,
always a documented status, always JSON in the documented shape.

Bounded here (a few examples per operation); `make test-deep` raises the count.
"""

from __future__ import annotations

import os
import zlib

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi import checks

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

DEEP = os.environ.get("HYPOTHESIS_PROFILE") == "deep"
EXAMPLES = 100 if DEEP else 5


def served_schema():
    """The document /api/schema/ serves, called through the WSGI application."""
    from allied.web.schema import schema as document

    loaded = schemathesis.openapi.from_dict(document("http://testserver/"))
    loaded.app = get_wsgi_application()
    if not DEEP:
        # The coverage phase's hundreds of boundary cases per operation wait for test-deep.
        loaded.config.phases.update(phases=["examples", "fuzzing"])
    return loaded


schema = served_schema()

CHECKS = [
    not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.unsupported_method,
    checks.allow_header_conformance,
    checks.ignored_auth,
    checks.response_headers_conformance,
    checks.use_after_free,
    checks.ensure_resource_availability,
]


@pytest.fixture
def connections_kept_open(authorization):
    """As Django's test client does: the request's end must not close the test database's
    connection (an in-memory SQLite database would vanish with it). After the credentials
    are made: the test client they are made with connects the handlers again."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def rehearsal(org, fay):
    """A workshop Fay leads, with a question, in her organisation."""
    from allied.workshops.models import Question, StaffRole, Workshop, WorkshopStaff

    workshop = Workshop.objects.create(organisation=org, title="Rehearsal", created_by=fay)
    Question.objects.create(workshop=workshop, order=1, text="What matters?", k=3)
    WorkshopStaff.objects.create(workshop=workshop, user=fay, role=StaffRole.LEAD)
    return workshop


@pytest.fixture(params=["staff", "participant", "anonymous"])
def authorization(request, fay, rehearsal):
    from tests.workshops.test_api import joined, token_for

    return {
        "staff": lambda: {"Authorization": f"Bearer {token_for(fay)}"},
        "participant": lambda: {"Authorization": f"Participant {joined(rehearsal)}"},
        "anonymous": dict,
    }[request.param]()


def aim_at(case, workshop) -> None:
    """Points about half the generated cases at the real workshop, its code and its
    organisation (which half follows from the generated values, so runs repeat), so the
    operations' own work runs, not only their "not found"."""
    real = {
        "pk": workshop.pk if case.path.startswith("/api/workshops/") else None,
        "code": workshop.join_code,
        "org": workshop.organisation.slug,
    }
    for name, value in list((case.path_parameters or {}).items()):
        if real.get(name) is not None and zlib.crc32(str(value).encode()) % 2 == 0:
            case.path_parameters[name] = real[name]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_answers_as_the_schema_says(
    case, authorization, rehearsal, connections_kept_open
):
    aim_at(case, rehearsal)
    case.call_and_validate(headers=authorization, checks=CHECKS)
