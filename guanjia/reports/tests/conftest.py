"""A fixed set of requests, each placed on real dates of the 2025 official calendar through the services.

2025's National Day and Mid-Autumn holiday: 1–8 October off, Sunday 28 September and
Saturday 11 October make-up workdays (国办发明电〔2024〕12号). So from Friday 26 September
to Friday 10 October there are 5 working days (28, 29, 30 Sep, 9, 10 Oct).

The period under test is 2025-09-01 … 2025-10-31, read at NOW = 2025-11-03 12:00:

| req | enterprise (butler, station) | raised | signed for | then | sign clock |
| --- | --- | --- | --- | --- | --- |
| r1 | ent1 (butler1, ws1) visit/factors | 09-26 08:00 | 09-26 09:00 | unit1 leads; resolved 10-10 (5 wd, due 10-23); satisfied | met |
| r2 | ent1, portal/land (24 h clock) | 09-26 15:00 | 09-29 09:00 | resolved 10-10, unsatisfied → reopened, new clock due 10-31: overdue | late |
| r3 | ent2 (butler2, ws2) phone/factors | 10-09 09:00 | 10-09 10:00 | unit2 leads; suspended 10-13→10-15 (2 wd); resolved 11-03 (18 − 2 = 16 wd, due 10-31: late); basically satisfied | met |
| r4 | ent2 visit/policy | 10-20 09:00 | 10-20 10:00 | open, due 11-10 | met |
| r5 | ent1 visit/factors | 10-31 11:00 | — | sign due 11-03 24:00, not yet due: not counted | — |
| r7 | ent1 visit/factors | 10-09 09:30 | — | merged into r1: counted nowhere | — |
| r8 | ent1 visit/talent | 08-29 16:00 (before the period) | 09-01 09:00 | resolved 09-05 (4 wd); satisfied | met |
| r9 | ent2 phone/other | 10-31 10:00 | 11-03 09:00 (after the period) | — | met |
| r10 | ent2 visit/financing | 10-28 09:00 | — | sign due 10-29: counted, missed | missed |
| r11 | another zone | 10-10 09:00 | 10-10 10:00 | never visible to this zone | |
"""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine

from guanjia.requests import services as s

TZ = ZoneInfo("Asia/Shanghai")
PERIOD = {"date_from": dt.date(2025, 9, 1), "date_to": dt.date(2025, 10, 31)}


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


NOW = at(2025, 11, 3, 12, 0)


def on(moment: dt.datetime, service, **kwargs):
    """Run one service as if at `moment`."""
    with time_machine.travel(moment, tick=False):
        return service(**kwargs)


def raise_request(moment, *, actor, enterprise, source="visit", category="factors", urgency="normal"):
    return on(moment, s.request_raise, actor=actor, enterprise=enterprise, source=source, category=category,
              urgency=urgency, title="厂区二期用电增容", description="二期厂房投产需增容至 2000 kVA。")


def accept(moment, request, actor):
    return on(moment, s.request_accept, actor=actor, request=request)


def resolve(moment, request, actor):
    return on(moment, s.request_resolve, actor=actor, request=request, answer="已协调解决。")


def build_dataset(w) -> SimpleNamespace:
    admin = w.admin
    r1 = raise_request(at(2025, 9, 26, 8, 0), actor=w.butler1, enterprise=w.ent1)
    accept(at(2025, 9, 26, 9, 0), r1, admin)
    on(at(2025, 9, 26, 10, 0), s.request_transfer, actor=admin, request=r1, lead_unit=w.unit1)
    on(at(2025, 9, 26, 11, 0), s.request_unit_sign, actor=w.unit_user1, request=r1)
    on(at(2025, 10, 9, 16, 0), s.request_unit_feedback, actor=w.unit_user1, request=r1, comment="已完成增容。")
    resolve(at(2025, 10, 10, 10, 0), r1, admin)
    on(at(2025, 10, 11, 9, 0), s.request_rate, actor=w.ent1_user, request=r1, rating="satisfied")

    r2 = raise_request(at(2025, 9, 26, 15, 0), actor=w.ent1_user, enterprise=w.ent1, category="land")
    accept(at(2025, 9, 29, 9, 0), r2, admin)
    resolve(at(2025, 10, 10, 10, 0), r2, admin)
    on(at(2025, 10, 11, 9, 0), s.request_rate, actor=w.ent1_user, request=r2, rating="unsatisfied",
       reason="用地指标仍未落实。")

    r3 = raise_request(at(2025, 10, 9, 9, 0), actor=w.butler2, enterprise=w.ent2, source="phone")
    accept(at(2025, 10, 9, 10, 0), r3, admin)
    on(at(2025, 10, 9, 11, 0), s.request_transfer, actor=admin, request=r3, lead_unit=w.unit2)
    on(at(2025, 10, 10, 9, 0), s.request_unit_sign, actor=w.unit_user2, request=r3)
    on(at(2025, 10, 13, 9, 0), s.request_suspend, actor=admin, request=r3, reason="awaiting_material")
    on(at(2025, 10, 15, 9, 0), s.request_resume, actor=admin, request=r3)
    on(at(2025, 10, 30, 9, 0), s.request_unit_feedback, actor=w.unit_user2, request=r3, comment="已办理。")
    resolve(at(2025, 11, 3, 9, 30), r3, admin)
    on(at(2025, 11, 3, 10, 0), s.request_rate, actor=w.ent2_user, request=r3, rating="basically_satisfied")

    r4 = raise_request(at(2025, 10, 20, 9, 0), actor=w.butler2, enterprise=w.ent2, category="policy")
    accept(at(2025, 10, 20, 10, 0), r4, admin)

    r5 = raise_request(at(2025, 10, 31, 11, 0), actor=w.butler1, enterprise=w.ent1)

    r7 = raise_request(at(2025, 10, 9, 9, 30), actor=w.butler1, enterprise=w.ent1)
    on(at(2025, 10, 9, 10, 0), s.request_merge, actor=admin, request=r7, into=r1)

    r8 = raise_request(at(2025, 8, 29, 16, 0), actor=w.butler1, enterprise=w.ent1, category="talent")
    accept(at(2025, 9, 1, 9, 0), r8, admin)
    resolve(at(2025, 9, 5, 10, 0), r8, admin)
    on(at(2025, 9, 8, 9, 0), s.request_rate, actor=w.ent1_user, request=r8, rating="satisfied")

    r9 = raise_request(at(2025, 10, 31, 10, 0), actor=w.butler2, enterprise=w.ent2, source="phone",
                       category="other")
    accept(at(2025, 11, 3, 9, 0), r9, admin)

    r10 = raise_request(at(2025, 10, 28, 9, 0), actor=w.butler2, enterprise=w.ent2, category="financing")

    r11 = raise_request(at(2025, 10, 10, 9, 0), actor=w.foreign_admin, enterprise=w.foreign_enterprise)
    accept(at(2025, 10, 10, 10, 0), r11, w.foreign_admin)

    return SimpleNamespace(world=w, r1=r1, r2=r2, r3=r3, r4=r4, r5=r5, r7=r7, r8=r8, r9=r9, r10=r10, r11=r11)


@pytest.fixture
def dataset(world):
    return build_dataset(world)


@pytest.fixture
def rerated(dataset):
    """The dataset, and r2 (rated 不满意 and reopened on 10-11) resolved again and rated 满意 on 11-03.

    Five ratings over four rated requests: 4 satisfied (80 %), 3 satisfied at the first rating (75 %);
    resolved r1 r2 r3 r8, of which r2 was reopened (25 %).
    """
    resolve(at(2025, 11, 3, 10, 30), dataset.r2, dataset.world.admin)
    on(at(2025, 11, 3, 11, 0), s.request_rate, actor=dataset.world.ent1_user, request=dataset.r2, rating="satisfied")
    return dataset
