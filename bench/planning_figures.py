"""代办 planning figures: planning many handbooks, and a handbook's page, each against its floor in the same run.

- "plan 2 000 handbooks × 40 items": the product's planner (approvals.planning.plan: critical path and
  floats on an index of working days built once per calendar) against the bare working-day arithmetic for
  the same dates (`WorkingCalendar.add_working_days`, one call per item, day by day: approvals.planning.
  bare_dates). Each run takes a fresh calendar snapshot, so the index is built inside the measurement. The
  handbooks are deterministic: each item needs 0–3 earlier ones, limits of 1–20 working days, starts spread
  over 2026. Budget 2.
- "page 项目服务手册" (and the API's list of the same items) against ONE hand-written SQL query for the same
  rows in a minimal Django view (`floor_handbook`, routed in bench/urls.py). Budget 3.
bench/test_bench.py checks that both floors give the product's own answer.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics

from django.db import connection
from django.http import JsonResponse

from bench.run import Figure, _timed

HANDBOOKS, ITEMS = 2000, 40
BENCH_PREFIX = "基准测试事项"


def synthetic_handbooks(*, handbooks: int = HANDBOOKS, items: int = ITEMS, seed: int = 1) -> list[tuple]:
    """[(start, [Task])]: deterministic handbooks whose prerequisites point only backwards (acyclic)."""
    from guanjia.approvals.planning import Task

    rng = random.Random(seed)
    first = dt.date(2026, 1, 5)
    cases = []
    for _n in range(handbooks):
        start = first + dt.timedelta(days=rng.randrange(0, 300))
        tasks = []
        for i in range(items):
            pres = tuple(sorted(rng.sample(range(i), k=min(i, rng.choice((0, 1, 1, 2, 3)))))) if i else ()
            tasks.append(Task(i, rng.randint(1, 20), pres))
        cases.append((start, tasks))
    return cases


def _fresh(calendar):
    from guanjia.core.calendar import WorkingCalendar

    return WorkingCalendar(loaded_years=calendar.loaded_years, overrides=calendar.overrides)


def plan_all(cases, calendar) -> list[dict]:
    """The product: each handbook planned (dates, floats, critical path)."""
    from guanjia.approvals.planning import plan

    return [{tid: p.planned_due for tid, p in plan(start=start, tasks=tasks, calendar=calendar).items.items()}
            for start, tasks in cases]


def bare_all(cases, calendar) -> list[dict]:
    """The floor: the same due dates, each counted with the bare working-day arithmetic."""
    from guanjia.approvals.planning import bare_dates

    return [bare_dates(start=start, tasks=tasks, calendar=calendar) for start, tasks in cases]


def planning_figure(*, repeat: int, handbooks: int = HANDBOOKS, items: int = ITEMS) -> list[Figure]:
    from guanjia.core.calendar import WorkingCalendar

    base = WorkingCalendar.load()
    cases = synthetic_handbooks(handbooks=handbooks, items=items)
    name = f"plan {handbooks:,} handbooks × {items} items"
    if plan_all(cases, _fresh(base)) != bare_all(cases, _fresh(base)):
        name += "  [DIFFERENT DATES]"
    product_ms, floor_ms = [], []
    for _round in range(repeat):
        floor_ms.append(_timed(lambda: bare_all(cases, _fresh(base))))
        product_ms.append(_timed(lambda: plan_all(cases, _fresh(base))))
    floor = statistics.median(floor_ms)
    return [Figure("  floor: bare add_working_days, same dates", floor, floor, None),
            Figure(name, statistics.median(product_ms), floor, None, budget=2, against="the bare arithmetic")]


# -- the handbook's page ------------------------------------------------------------------------------------------

_HANDBOOK_ROWS = """
SELECT a.id, a.name, u.name, g.name, a.status, a.stage, a.committed_days, a.statutory_days, a.planned_start,
       a.planned_due, a.baseline_due, a.float_days, a.critical, a.finished_on
  FROM approvals_approval a
  JOIN org_unit u ON u.id = a.unit_id
  LEFT JOIN org_user g ON g.id = a.agent_id
 WHERE a.handbook_id = %s
 ORDER BY a."order", a.id
"""


def handbook_rows(handbook_id: int) -> list[tuple]:
    """The handbook's items as its page lists them, from one hand-written query."""
    with connection.cursor() as cursor:
        cursor.execute(_HANDBOOK_ROWS, [handbook_id])
        return [tuple(str(v) if isinstance(v, dt.date) else v for v in row) for row in cursor.fetchall()]


def floor_handbook(request, pk: int):
    return JsonResponse({"results": handbook_rows(pk)})


def ensure_handbook(*, zone, admin, items: int = ITEMS):
    """A handbook of `items` catalogue items for the zone's first project without one (made once per dataset)."""
    from guanjia.approvals.models import ApprovalItem, Handbook
    from guanjia.approvals.services.handbooks import handbook_create
    from guanjia.org.models import Unit
    from guanjia.projects.models import Project

    existing = Handbook.objects.filter(zone=zone, approvals__name__startswith=BENCH_PREFIX).first()
    if existing is not None:
        return existing
    units = list(Unit.objects.filter(zone=zone).order_by("pk")[:5])
    rng = random.Random(7)
    entries = []
    for i in range(items):
        entry, _made = ApprovalItem.objects.get_or_create(
            zone=zone, name=f"{BENCH_PREFIX}{i + 1:02d}", defaults={
                "unit": units[i % len(units)], "stage": ("initiation", "land", "planning", "construction",
                                                         "acceptance", "utilities")[i * 6 // items],
                "statutory_days": 30, "committed_days": rng.randint(1, 20), "materials": "申请表\n营业执照"})
        if i and not entry.prerequisites.exists():
            entry.prerequisites.set(rng.sample(entries, k=min(i, rng.choice((1, 1, 2)))))
        entries.append(entry)
    project = Project.objects.filter(zone=zone, handbook__isnull=True).order_by("pk").first()
    return handbook_create(actor=admin, project=project, start=dt.date(2026, 9, 18), entries=entries, agent=admin)


def handbook_cases(*, client, handbook) -> list:
    from bench.request_figures import Case

    floor = f"/bench/floor/handbook/{handbook.pk}/"
    return [
        Case("page 项目服务手册 (40 items)", client, f"/approvals/handbooks/{handbook.pk}/", floor,
             "one SQL query for the handbook's rows"),
        Case("API project approvals (40 items)", client, f"/api/v1/projects/{handbook.project_id}/approvals/",
             floor, "one SQL query for the handbook's rows"),
    ]


def handbook_figures(*, client, zone, admin, repeat: int) -> list[Figure]:
    from bench.request_figures import measure_cases

    handbook = ensure_handbook(zone=zone, admin=admin)
    return measure_cases(handbook_cases(client=client, handbook=handbook), repeat=repeat, budget=3)


__all__ = ["bare_all", "ensure_handbook", "floor_handbook", "handbook_figures", "handbook_rows",
           "plan_all", "planning_figure", "synthetic_handbooks"]
