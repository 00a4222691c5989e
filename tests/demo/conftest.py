"""The demo's tests only read the demo, so it is loaded once for each of their modules."""

from __future__ import annotations

import pytest

from allied.demo import organisation
from tests.conftest import kept_for_the_module


@pytest.fixture(scope="module", autouse=True)
def demo_loaded_once(django_db_setup, django_db_blocker):
    """Each test's own load then only looks, which is itself the rule that loading twice
    changes nothing; each test's changes are rolled back."""
    yield from kept_for_the_module(django_db_blocker, organisation.load_demo)
