import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from guanjia.tests_support.approvals import catalogue_item

TZ = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


@pytest.fixture
def thursday_before_mid_autumn():
    """The handbook tests run on Thursday 2026-09-17 10:00 (Beijing time) unless they travel elsewhere (their
    modules use it; not autouse, so that the other tests of approvals keep their own day)."""
    with time_machine.travel(at(2026, 9, 17, 10, 0), tick=True):
        yield


@pytest.fixture
def catalogue(world):
    """The hand-worked handbook of test_planning as catalogue items: A(5), B(3), C(4)←A, D(2)←B, E(3)←C,D."""
    a = catalogue_item(world.zone, world.unit2, name="建设用地规划许可证", committed=5, statutory=20, stage="land")
    b = catalogue_item(world.zone, world.unit2, name="环评批复", committed=3, statutory=30, stage="initiation")
    c = catalogue_item(world.zone, world.unit2, name="建设工程规划许可证", committed=4, statutory=20,
                       prerequisites=[a])
    d = catalogue_item(world.zone, world.unit1, name="供电报装", committed=2, statutory=10, stage="utilities",
                       prerequisites=[b])
    e = catalogue_item(world.zone, world.unit2, name="建筑工程施工许可证", committed=3, statutory=15,
                       stage="construction", prerequisites=[c, d])
    return {"A": a, "B": b, "C": c, "D": d, "E": e}
