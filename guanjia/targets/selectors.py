"""Reads of targets and investment: the projects statistics (项目统计, `GET /api/v1/stats/projects/`), a project's
investment card and the actuals behind each target's progress.

Each figure is one aggregate query over the caller's visible projects (`Project.objects.visible_to`), whatever
their number: the counts of the year in one, the stage funnel in one GROUP BY, the year's months of investment in
one, the plans in one, the targets in one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from guanjia.projects.choices import Stage
from guanjia.targets.choices import COUNTED_KINDS, HALF_YEAR_MARK, TargetKind
from guanjia.targets.models import InvestmentPlan, InvestmentReport, Target

ZERO = Decimal(0)
# What each counted kind counts: projects whose date field falls in the year (API.md "stats …/projects/").
KIND_DATES = {
    TargetKind.NEW_STARTS.value: "started_on",
    TargetKind.IN_PRODUCTION.value: "producing_on",
    TargetKind.AGREEMENTS_SIGNED.value: "signed_on",
}
INVESTMENT = TargetKind.INVESTMENT.value
COUNTED = [kind.value for kind in COUNTED_KINDS]


def _rate(numerator, denominator) -> float | None:
    if not denominator:
        return None
    return round(float(numerator) / float(denominator), 4)


def _number(value):
    """A count as an int, an amount (万元) as a float: what JSON and the charts read."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def stats_projects(projects: QuerySet) -> QuerySet:
    """The projects the statistics count: the visible ones, archived (withdrawn) ones left out."""
    return projects.filter(archived_at__isnull=True)


def _year_counts(projects: QuerySet, year: int) -> dict:
    start, half, end = dt.date(year, 1, 1), dt.date(year, 6, 30), dt.date(year, 12, 31)
    aggregates = {}
    for kind, field in KIND_DATES.items():
        aggregates[kind] = Count("pk", filter=Q(**{f"{field}__range": (start, end)}))
        aggregates[f"{kind}_half"] = Count("pk", filter=Q(**{f"{field}__range": (start, half)}))
    aggregates["agreements_started"] = Count("pk", filter=Q(signed_on__range=(start, end),
                                                            started_on__isnull=False))
    aggregates["key_projects"] = Count("pk", filter=~Q(key_level=""))
    aggregates["key_total_investment"] = Sum("total_investment", filter=~Q(key_level=""))
    aggregates["total_investment"] = Sum("total_investment")
    return projects.aggregate(**aggregates)


def _months(projects: QuerySet, year: int) -> dict[int, dict]:
    rows = (InvestmentReport.objects.filter(project__in=projects.values("pk"), month__year=year)
            .values("month").annotate(completed=Sum("amount"), key=Sum("amount", filter=~Q(project__key_level="")),
                                      reports=Count("pk"))
            .order_by("month"))
    return {row["month"].month: row for row in rows}


def _plans(projects: QuerySet, year: int) -> dict:
    return InvestmentPlan.objects.filter(project__in=projects.values("pk"), year=year).aggregate(
        planned_amount=Sum("amount"), key_plan=Sum("amount", filter=~Q(project__key_level="")),
        planned=Count("pk"))


def _funnel(projects: QuerySet) -> list[dict]:
    """Projects per current stage, and how many reached each stage (the stage is derived from dates in order)."""
    counts = dict(projects.values_list("stage").annotate(n=Count("pk")).order_by())
    rows, reached = [], 0
    for value, label in reversed(Stage.choices):
        reached += counts.get(value, 0)
        rows.append({"stage": value, "label": str(label), "current": counts.get(value, 0), "reached": reached})
    return list(reversed(rows))


def target_key(target: Target) -> str:
    """How a target is keyed in the statistics: its kind, a custom one by its label."""
    return target.label if target.kind == TargetKind.CUSTOM else str(target.kind)


def project_stats(*, projects: QuerySet, zone_id: int, year: int, today: dt.date | None = None) -> dict:
    """The year's projects statistics over `projects` (the caller's visible ones) against the zone's targets.

    `targets` holds every counted kind (target null where none is set) and each custom target by its label;
    `half_year` is the 双过半 check: each target's actual by 30 June against half its value.
    """
    today = today or timezone.localdate()
    projects = stats_projects(projects)
    counts = _year_counts(projects, year)
    months = _months(projects, year)
    plans = _plans(projects, year)
    funnel = _funnel(projects)
    targets = list(Target.objects.filter(zone=zone_id, year=year).order_by("kind", "label", "pk"))

    invested = sum((row["completed"] for row in months.values()), ZERO)
    invested_half = sum((row["completed"] for m, row in months.items() if m <= 6), ZERO)
    actual = {INVESTMENT: invested, **{kind: counts[kind] for kind in KIND_DATES}}
    actual_half = {INVESTMENT: invested_half, **{kind: counts[f"{kind}_half"] for kind in KIND_DATES}}
    set_targets = {target_key(t): t for t in targets}

    figures, half_year = {}, {}
    for kind in COUNTED:
        target = set_targets.get(kind)
        value = target.value if target else None
        figures[kind] = {"target": _number(value), "actual": _number(actual[kind]),
                         "progress": _rate(actual[kind], value)}
    for target in targets:
        if target.kind == TargetKind.CUSTOM:
            figures[target.label] = {"target": _number(target.value), "actual": _number(target.actual),
                                     "progress": _rate(target.actual or 0, target.value), "custom": True}
    for kind in COUNTED:
        target = set_targets.get(kind)
        if target is None:
            continue
        half_value = target.value * Decimal(str(HALF_YEAR_MARK))
        done = actual_half[kind]
        half_year[kind] = {"target": _number(half_value), "actual": _number(done),
                           "progress": _rate(done, target.value), "met": done >= half_value}
    half_over = today > dt.date(year, 6, 30)

    plan = plans["planned_amount"] or ZERO
    month_rows, cumulative = [], ZERO
    for m in range(1, 13):
        row = months.get(m)
        amount = row["completed"] if row else ZERO
        cumulative += amount
        to_come = dt.date(year, m, 1) > today  # a month not begun has nothing completed yet, not a zero
        month_rows.append({"month": f"{year}-{m:02d}", "completed": None if to_come else _number(amount),
                           "cumulative": None if to_come else _number(cumulative),
                           "plan_cumulative": _number((plan * m / 12).quantize(Decimal("0.0001")))})
    key_completed = sum((row["key"] or ZERO for row in months.values()), ZERO)
    received, started = counts[TargetKind.AGREEMENTS_SIGNED.value], counts["agreements_started"]
    return {
        "year": year,
        "targets": figures,
        "agreements_received": received,
        "agreements_started": started,
        "agreement_start_rate": _rate(started, received),
        "half_year": {
            "date": dt.date(year, 6, 30),
            "passed": bool(half_year) and all(row["met"] for row in half_year.values()),
            "final": half_over,
            "targets": half_year,
        },
        "funnel": funnel,
        "investment": {
            "plan": _number(plan),
            "completed": _number(invested),
            "completion": _rate(invested, plan),
            "planned_projects": plans["planned"],
            "months": month_rows,
        },
        "key_projects": {
            "count": counts["key_projects"],
            "total_investment": _number(counts["key_total_investment"] or ZERO),
            "plan": _number(plans["key_plan"] or ZERO),
            "completed": _number(key_completed),
            "completion": _rate(key_completed, counts["key_total_investment"]),
        },
    }


def actuals_by_year(*, projects: QuerySet, years) -> dict[int, dict]:
    """The counted kinds' actuals of several years at once (a list of targets shows each one's progress): one
    grouped query per kind, whatever the number of years or targets."""
    years = sorted(set(years))
    result = {year: {kind: 0 for kind in COUNTED} for year in years}
    if not years:
        return result
    projects = stats_projects(projects)
    for kind, field in KIND_DATES.items():
        rows = (projects.filter(**{f"{field}__year__in": years}).annotate(y=ExtractYear(field))
                .values("y").annotate(n=Count("pk")).order_by())
        for row in rows:
            result[row["y"]][kind] = row["n"]
    rows = (InvestmentReport.objects.filter(project__in=projects.values("pk"), month__year__in=years)
            .annotate(y=ExtractYear("month")).values("y").annotate(total=Sum("amount")).order_by())
    for row in rows:
        result[row["y"]][INVESTMENT] = row["total"]
    return result


def target_progress(target: Target, actuals: dict[int, dict]) -> tuple:
    """(actual, progress) of one target, from `actuals_by_year`; a custom one's actual is its own."""
    if target.kind == TargetKind.CUSTOM:
        actual = target.actual
    else:
        actual = actuals.get(target.year, {}).get(target.kind, 0)
    return actual, _rate(actual or 0, target.value)


def project_investment(project, *, year: int, today: dt.date | None = None) -> dict:
    """A project's investment card: total, the year's plan, the months reported (all years), completion.

    Two queries: the year's plan and the project's reports.
    """
    today = today or timezone.localdate()
    plan = InvestmentPlan.objects.filter(project=project, year=year).values_list("amount", flat=True).first()
    reports = list(InvestmentReport.objects.filter(project=project).select_related("reported_by")
                   .order_by("-month"))
    year_reports = [r for r in reports if r.month.year == year]
    completed_year = sum((r.amount for r in year_reports), ZERO)
    completed_total = sum((r.amount for r in reports), ZERO)
    return {
        "year": year,
        "total_investment": project.total_investment,
        "plan": plan,
        "completed_year": completed_year,
        "completed_total": completed_total,
        "year_completion": _rate(completed_year, plan),
        "completion": _rate(completed_total, project.total_investment),
        "reports": reports,
        "year_reports": year_reports,
        "this_month": today.replace(day=1),
    }
