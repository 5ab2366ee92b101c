"""The projects statistics (项目统计, guanjia/targets) against hand-written SQL for the same figures, in the same run.

The product (`targets.selectors.project_stats` over the admin's visible projects, and `GET
/api/v1/stats/projects/`) and the floor (`floor_figures`: five plain SQL statements, one per figure) are timed
interleaved; both must give the same figures, or the figure's name says so. The dataset's projects (20 000 by
default) get a year of monthly investment for their key projects, year plans and the zone's targets once
(`ensure_investment`), deterministic.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
from decimal import Decimal

from django.db import connection

from bench.run import Figure, _query_count, _timed

BUDGET = 3


def ensure_investment(*, zone, year: int, seed: int = 1) -> int:
    """Plans, monthly reports (January to June and the year before's December) and targets; once per dataset."""
    from guanjia.projects.models import Project
    from guanjia.targets.models import InvestmentPlan, InvestmentReport, Target

    projects = Project.objects.filter(zone=zone)
    if InvestmentReport.objects.filter(project__in=projects.values("pk"), month__year=year).exists():
        return 0
    rng = random.Random(seed)
    key = list(projects.exclude(key_level="").order_by("pk").values_list("pk", "total_investment"))
    plans, reports = [], []
    for pk, total in key:
        plans.append(InvestmentPlan(project_id=pk, year=year, amount=(total * Decimal("0.3")).quantize(Decimal(1))))
        for month in (dt.date(year - 1, 12, 1), *(dt.date(year, m, 1) for m in range(1, 7))):
            reports.append(InvestmentReport(project_id=pk, month=month,
                                            amount=Decimal(rng.randint(10, 2000))))
    InvestmentPlan.objects.bulk_create(plans, batch_size=2000, ignore_conflicts=True)
    InvestmentReport.objects.bulk_create(reports, batch_size=2000, ignore_conflicts=True)
    for kind, value in (("new_starts", 400), ("in_production", 300), ("agreements_signed", 500),
                        ("investment", 5_000_000)):
        Target.objects.get_or_create(zone=zone, year=year, kind=kind, label="", defaults={"value": value})
    Target.objects.get_or_create(zone=zone, year=year, kind="custom", label="新增规上企业",
                                 defaults={"value": 50, "actual": 21})
    return len(reports)


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _n(value) -> float:
    return round(float(value or 0), 4)


def floor_figures(*, zone_id: int, year: int) -> dict:
    """The statistics' figures by hand-written SQL: the year's counts, the months, the plans, the funnel, the
    targets, one statement each, over the zone's projects that are not archived."""
    start, half, end = dt.date(year, 1, 1), dt.date(year, 6, 30), dt.date(year, 12, 31)
    live = "p.zone_id = %s AND p.archived_at IS NULL"
    counts = _rows(
        "SELECT "
        "SUM(CASE WHEN p.started_on BETWEEN %s AND %s THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN p.producing_on BETWEEN %s AND %s THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN p.signed_on BETWEEN %s AND %s THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN p.signed_on BETWEEN %s AND %s AND p.started_on IS NOT NULL THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN p.started_on BETWEEN %s AND %s THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN p.key_level <> '' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN p.key_level <> '' THEN p.total_investment ELSE 0 END) "
        f"FROM projects_project p WHERE {live}",
        [start, end, start, end, start, end, start, end, start, half, zone_id])[0]
    months = _rows(
        "SELECT r.month, SUM(r.amount), SUM(CASE WHEN p.key_level <> '' THEN r.amount ELSE 0 END) "
        "FROM targets_investmentreport r JOIN projects_project p ON p.id = r.project_id "
        f"WHERE {live} AND r.month BETWEEN %s AND %s GROUP BY r.month ORDER BY r.month",
        [zone_id, start, end])
    plan = _rows("SELECT SUM(i.amount) FROM targets_investmentplan i JOIN projects_project p ON p.id = i.project_id "
                 f"WHERE {live} AND i.year = %s", [zone_id, year])[0][0]
    funnel = _rows(f"SELECT p.stage, COUNT(*) FROM projects_project p WHERE {live} GROUP BY p.stage", [zone_id])
    targets = _rows("SELECT kind, label, value, actual FROM targets_target WHERE zone_id = %s AND year = %s",
                    [zone_id, year])
    new_starts, producing, signed, signed_started, _half_starts, key_count, key_total = counts
    return {
        "new_starts": int(new_starts or 0), "in_production": int(producing or 0),
        "agreements_received": int(signed or 0), "agreements_started": int(signed_started or 0),
        "investment": _n(sum(_n(row[1]) for row in months)),
        "key_projects": int(key_count or 0), "key_total_investment": _n(key_total),
        "key_completed": _n(sum(_n(row[2]) for row in months)),
        "plan": _n(plan),
        "months": {str(row[0])[:7]: _n(row[1]) for row in months},
        "funnel": {stage: n for stage, n in funnel},
        "targets": {(label if kind == "custom" else kind): _n(value) for kind, label, value, _actual in targets},
    }


def product_figures(stats: dict) -> dict:
    """The same figures read from the product's answer (`project_stats`)."""
    figures = stats["targets"]
    return {
        "new_starts": figures["new_starts"]["actual"], "in_production": figures["in_production"]["actual"],
        "agreements_received": stats["agreements_received"], "agreements_started": stats["agreements_started"],
        "investment": _n(figures["investment"]["actual"]),
        "key_projects": stats["key_projects"]["count"],
        "key_total_investment": _n(stats["key_projects"]["total_investment"]),
        "key_completed": _n(stats["key_projects"]["completed"]),
        "plan": _n(stats["investment"]["plan"]),
        "months": {row["month"]: _n(row["completed"]) for row in stats["investment"]["months"] if row["completed"]},
        "funnel": {row["stage"]: row["current"] for row in stats["funnel"] if row["current"]},
        "targets": {key: _n(figure["target"]) for key, figure in figures.items() if figure["target"] is not None},
    }


def project_stats_figures(*, zone, admin, client, year: int, repeat: int) -> list[Figure]:
    """The selector and the API, each against the floor, interleaved; the dataset gets its investment first."""
    from guanjia.projects.models import Project
    from guanjia.targets.selectors import project_stats

    ensure_investment(zone=zone, year=year)
    projects = Project.objects.visible_to(admin)

    def product():
        return project_stats(projects=projects, zone_id=zone.pk, year=year)

    def floor():
        return floor_figures(zone_id=zone.pk, year=year)

    def api():
        response = client.get(f"/api/v1/stats/projects/?year={year}")
        assert response.status_code == 200, response.status_code
        return response

    same = product_figures(product()) == floor()
    count = Project.objects.filter(zone=zone).count()
    figures = []
    for name, call in ((f"项目统计 selector ({count:,} projects)", product),
                       (f"API stats/projects ({count:,} projects)", api)):
        for _warm_up in range(2):
            floor()
            call()
        floor_ms, target_ms = [], []
        for _round in range(repeat):
            floor_ms.append(_timed(floor))
            target_ms.append(_timed(call))
        floor_median = statistics.median(floor_ms)
        if not same:
            name += "  [DIFFERENT FIGURES]"
        figures.append(Figure("  floor: hand-written SQL, 5 statements", floor_median, floor_median,
                              _query_count(floor)))
        figures.append(Figure(name, statistics.median(target_ms), floor_median, _query_count(call), BUDGET))
    return figures
