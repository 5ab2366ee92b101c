import pytest
import time_machine

from guanjia.meetings.tests.factories import at


@pytest.fixture(autouse=True)
def monday_morning():
    """Meeting tests run on Monday 2026-03-02 10:00 (Beijing time) unless they travel elsewhere."""
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=True):
        yield
