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
