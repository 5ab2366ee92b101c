"""Fixtures shared by every app's tests: a small zone with one person per role."""

import pytest
from rest_framework.test import APIClient

from guanjia.tests_support import factories as f


@pytest.fixture
def zone(db):
    return f.ZoneFactory()


@pytest.fixture
def world(db):
    """Two zones; the first has two workstations, two units, two enterprises and one person per role."""
    return f.build_world()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: log-in lock-out counters and throttles outlive a test otherwise."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test runs in the default language.

    LocaleMiddleware activates a request's language in the thread and leaves it there, so a test that
    switched the client to English used to turn the rest of its worker's tests English.
    """
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
