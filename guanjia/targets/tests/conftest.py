"""Projects on both sides of the 2025 year boundary, hand-counted (see test_selectors for the figures)."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from guanjia.projects.models import Project
from guanjia.targets.models import InvestmentPlan, InvestmentReport, Target
from guanjia.tests_support.factories import ProjectFactory

D = dt.date


def project(w, name, enterprise=None, **dates):
    enterprise = enterprise or w.ent1
    return ProjectFactory(enterprise=enterprise, workstation=enterprise.workstation, butler=enterprise.butler,
                          name=name, **dates)


@pytest.fixture
def dataset(world):
    w = world
    p1 = project(w, "p1 跨年开工", signed_on=D(2024, 12, 20), started_on=D(2025, 1, 5), key_level="city",
                 stage="started", total_investment=Decimal("1000"))
    p2 = project(w, "p2 当年签约当年开工", w.ent2, signed_on=D(2025, 3, 1), started_on=D(2025, 8, 1), stage="started")
    p3 = project(w, "p3 年末签约", signed_on=D(2025, 12, 31), stage="signed")
    p4 = project(w, "p4 次年开工", w.ent2, signed_on=D(2025, 1, 1), started_on=D(2026, 1, 2), stage="started")
    p5 = project(w, "p5 年中投产", signed_on=D(2023, 2, 1), started_on=D(2023, 5, 1), completed_on=D(2024, 9, 1),
                 producing_on=D(2025, 6, 30), stage="producing", key_level="provincial",
                 total_investment=Decimal("5000"))
    p6 = project(w, "p6 前一年投产", signed_on=D(2023, 2, 1), started_on=D(2023, 5, 1),
                 completed_on=D(2024, 9, 1), producing_on=D(2024, 12, 31), stage="producing")
    archived = project(w, "已归档", started_on=D(2025, 3, 1), signed_on=D(2025, 2, 1), stage="started")
    Project.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    foreign = ProjectFactory(enterprise=w.foreign_enterprise, name="外区项目", signed_on=D(2025, 2, 1),
                             started_on=D(2025, 3, 1), stage="started")
    for month, amount in ((D(2024, 12, 1), 100), (D(2025, 1, 1), 200), (D(2025, 6, 1), 300), (D(2025, 7, 1), 50),
                          (D(2026, 1, 1), 999)):
        InvestmentReport.objects.create(project=p1, month=month, amount=Decimal(amount))
    InvestmentReport.objects.create(project=p2, month=D(2025, 7, 1), amount=Decimal("25"))
    InvestmentReport.objects.create(project=foreign, month=D(2025, 7, 1), amount=Decimal("7777"))
    InvestmentPlan.objects.create(project=p1, year=2025, amount=Decimal("800"))
    InvestmentPlan.objects.create(project=p2, year=2025, amount=Decimal("400"))
    InvestmentPlan.objects.create(project=p1, year=2026, amount=Decimal("9999"))
    targets = SimpleNamespace(
        new_starts=Target.objects.create(zone=w.zone, year=2025, kind="new_starts", value=4),
        investment=Target.objects.create(zone=w.zone, year=2025, kind="investment", value=1000),
        custom=Target.objects.create(zone=w.zone, year=2025, kind="custom", label="招商引资到位资金（亿元）",
                                     value=10, actual=3),
        foreign=Target.objects.create(zone=w.other_zone, year=2025, kind="new_starts", value=99),
    )
    return SimpleNamespace(w=w, p1=p1, p2=p2, p3=p3, p4=p4, p5=p5, p6=p6, archived=archived, foreign=foreign,
                           targets=targets)
