"""The lights of a promotion table (promotion.colours): work items around their warn and due times, stages around
the month boundaries of their plan."""

import datetime as dt

import pytest

from guanjia.promotion import colours
from guanjia.promotion.choices import Colour, WorkItemStatus
from guanjia.promotion.tests.factories import TZ

DUE = dt.datetime(2026, 10, 12, 23, 59, 59, tzinfo=TZ)
WARN = dt.datetime(2026, 10, 8, 0, 0, tzinfo=TZ)


@pytest.mark.parametrize(("now", "expected"), [
    (dt.datetime(2026, 10, 7, 23, 59, tzinfo=TZ), Colour.GREEN),
    (dt.datetime(2026, 10, 8, 0, 0, tzinfo=TZ), Colour.YELLOW),
    (dt.datetime(2026, 10, 12, 23, 59, 59, tzinfo=TZ), Colour.YELLOW),
    (dt.datetime(2026, 10, 13, 0, 0, tzinfo=TZ), Colour.RED),
])
def test_work_item_colour_around_warn_and_due(now, expected):
    assert colours.work_item_colour(status=WorkItemStatus.IN_PROGRESS, due_at=DUE, warn_at=WARN, now=now) == expected


@pytest.mark.parametrize("status", [WorkItemStatus.DONE, WorkItemStatus.CANCELLED])
def test_finished_work_items_are_grey_even_when_late(status):
    late = dt.datetime(2027, 1, 1, tzinfo=TZ)
    assert colours.work_item_colour(status=status, due_at=DUE, warn_at=WARN, now=late) == Colour.DONE


@pytest.mark.parametrize(("today", "expected"), [
    (dt.date(2026, 3, 31), Colour.GREEN),   # the planned month itself
    (dt.date(2026, 4, 1), Colour.YELLOW),   # the planned month has passed
    (dt.date(2026, 5, 31), Colour.YELLOW),  # two months late
    (dt.date(2026, 6, 1), Colour.RED),      # three months late
])
def test_stage_colour_around_month_boundaries(today, expected):
    assert colours.stage_colour(planned=dt.date(2026, 3, 15), actual=None, today=today) == expected


def test_stage_colour_across_the_new_year():
    assert colours.stage_colour(planned=dt.date(2026, 12, 31), actual=None, today=dt.date(2027, 1, 1)) == Colour.YELLOW
    assert colours.stage_colour(planned=dt.date(2026, 11, 1), actual=None, today=dt.date(2027, 2, 1)) == Colour.RED
    assert colours.stage_colour(planned=dt.date(2026, 11, 1), actual=None, today=dt.date(2027, 1, 31)) == Colour.YELLOW


def test_stage_reached_or_unplanned():
    assert colours.stage_colour(planned=dt.date(2026, 1, 1), actual=dt.date(2026, 9, 1),
                                today=dt.date(2026, 12, 1)) == Colour.DONE
    assert colours.stage_colour(planned=None, actual=None, today=dt.date(2026, 12, 1)) == Colour.NONE


def test_a_project_shows_its_worst_light():
    assert colours.worst([Colour.GREEN, Colour.DONE, Colour.YELLOW]) == Colour.YELLOW
    assert colours.worst([Colour.GREEN, Colour.RED, Colour.YELLOW]) == Colour.RED
    assert colours.worst([Colour.DONE, Colour.NONE]) == Colour.DONE
    assert colours.worst([]) == Colour.NONE
