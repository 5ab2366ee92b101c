"""The demo zone's annual targets and its key projects' investment, written through the targets services.

Modelled on the seeds' published figures: Dianjiang's half-year report (11 new starts = 55 % of a target of
20, 19 in production = 95 %) sets the targets as the share of each that the demo's own projects reach, and
Baotou's key projects (18.236 of 67.8 bn yuan completed in the year, about 27 %) set how much of their total
investment the key projects under construction complete in the demo year. The year is the one the generated
zone stands on (`timeline.AS_OF`); the months reported run to its month. Same data on every run: one seeded
`random.Random`.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from guanjia.core.choices import Role
from guanjia.demo.timeline import AS_OF
from guanjia.org.models import User
from guanjia.projects.models import Project
from guanjia.targets import selectors
from guanjia.targets import services as s

SEED = 20250715  # the day Dianjiang published its half-year figures (双过半)
# The share of each target the demo's projects reach (Dianjiang: 11 of 20 new starts, 19 of 20 in production).
TARGET_SHARE = {"new_starts": Decimal("0.55"), "in_production": Decimal("0.95"), "agreements_signed": Decimal("0.8")}
# The key projects complete this share of their total investment in the year (Baotou: 18.236 of 67.8 bn yuan);
# the projects under construction share it out in proportion to a draw in DONE_SHARE, none above MAX_SHARE.
COMPLETION = Decimal("0.27")
DONE_SHARE = (0.20, 0.34)
MAX_SHARE = Decimal("0.8")
# Building slows around the Spring Festival and picks up from spring to autumn (relative weight per month).
MONTH_WEIGHTS = (3, 2, 7, 9, 10, 11, 11, 11, 10, 10, 9, 7)
CUSTOM_TARGETS = (("新增规上工业企业（家）", 12, 7), ("引进高层次人才团队（个）", 6, 4))


def _building_in(project: Project, year: int) -> bool:
    """Whether the project was being built during the year: started by its end, not completed before it."""
    return (project.started_on is not None and project.started_on <= dt.date(year, 12, 31)
            and (project.completed_on is None or project.completed_on >= dt.date(year, 1, 1)))


def _months_of(project: Project, year: int, last_month: int) -> list[int]:
    first = project.started_on.month if project.started_on.year == year else 1
    last = last_month
    if project.completed_on and project.completed_on.year == year:
        last = min(last, project.completed_on.month)
    return list(range(first, last + 1))


def load_demo_targets(zone) -> dict[str, int]:
    """The year's targets of `zone`, and its key projects' year plans and monthly completed investment."""
    rng = random.Random(SEED)
    year, last_month = AS_OF.year, AS_OF.month
    admin = User.objects.with_role(Role.ADMIN).filter(zone=zone).order_by("pk").first()
    every_key = list(Project.objects.filter(zone=zone).exclude(key_level="").select_related("butler").order_by("pk"))
    building = [p for p in every_key if _building_in(p, year)]
    # What each project under construction completes in the year, scaled so that the key projects together
    # complete COMPLETION of their total investment (Baotou), none more than MAX_SHARE of its own.
    raw = {p.pk: p.total_investment * Decimal(str(rng.uniform(*DONE_SHARE))) for p in building}
    wanted = sum((p.total_investment for p in every_key), Decimal(0)) * COMPLETION
    scale = wanted / sum(raw.values(), Decimal(0)) if raw else Decimal(0)
    plan_total, reports = Decimal(0), 0
    for project in building:
        done = min(raw[project.pk] * scale, project.total_investment * MAX_SHARE)
        plan = min(done * Decimal(str(rng.uniform(1.1, 1.45))), project.total_investment).quantize(Decimal(1))
        s.investment_plan_set(actor=admin, project=project, year=year, amount=plan)
        plan_total += plan
        months = _months_of(project, year, last_month)
        weights = [MONTH_WEIGHTS[m - 1] * rng.uniform(0.7, 1.3) for m in months]
        for month, weight in zip(months, weights, strict=True):
            amount = (done * Decimal(str(weight / sum(weights)))).quantize(Decimal(1))
            s.investment_report(actor=project.butler or admin, project=project, month=dt.date(year, month, 1),
                                amount=amount, today=AS_OF)
            reports += 1

    actuals = selectors.actuals_by_year(projects=Project.objects.filter(zone=zone), years=[year])[year]
    for kind, share in TARGET_SHARE.items():
        value = max(1, round(Decimal(actuals[kind]) / share))
        s.target_create(actor=admin, zone=zone, year=year, kind=kind, value=value)
    # The investment target: the key projects' plans, in round hundreds of millions of yuan (10 000 万元).
    s.target_create(actor=admin, zone=zone, year=year, kind="investment",
                    value=max(Decimal(10000), (plan_total / 10000).quantize(Decimal(1)) * 10000))
    for label, value, actual in CUSTOM_TARGETS:
        s.target_create(actor=admin, zone=zone, year=year, kind="custom", label=label, value=value, actual=actual)
    return {"key_projects_reporting": len(building), "investment_reports": reports}
