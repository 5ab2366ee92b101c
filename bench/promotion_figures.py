"""The 挂图作战 board (promotion.selectors.board) over N key projects against ONE hand-written SQL query for the
same rows, in the same run.

The board's rows are every key project the reader sees, each stage's planned and actual date with its colour,
its open work items counted red and yellow, and its own colour. The floor reads the same from one SQL statement
and puts the colours on with promotion.colours, as the product does; both must give the same rows, or the figure
says so. The product also answers with a fixed number of queries, whatever the number of projects.
"""

from __future__ import annotations

import datetime as dt
import statistics

from django.db import connection
from django.utils import timezone

from bench.run import Figure, _query_count, _timed
from guanjia.projects.choices import STAGE_DATE_FIELDS, STAGE_PLAN_FIELDS

ACTUAL = [field for _stage, field in STAGE_DATE_FIELDS]
PLANNED = [field for _stage, field in STAGE_PLAN_FIELDS]


def seed_tables(*, zone, admin, count: int, today: dt.date) -> int:
    """Make `count` of the zone's projects key projects with a promotion table (through the services), once."""
    from guanjia.core.clock import at
    from guanjia.projects.models import Project
    from guanjia.projects.services import project_update
    from guanjia.promotion import services
    from guanjia.promotion.models import PromotionTable, TableTemplate

    have = PromotionTable.objects.filter(zone=zone).count()
    if have >= count:
        return have
    moment = timezone.make_aware(dt.datetime.combine(today, dt.time(9)))
    with at(moment):
        for project_type in ("industrial", "service", "infrastructure", "other"):
            if not TableTemplate.objects.filter(zone=zone, project_type=project_type).exists():
                template = services.template_save(actor=admin, zone=zone, project_type=project_type,
                                                  name=f"{project_type}模板")
                for n, (stage, days) in enumerate([("land", 5), ("land", 30), ("started", 60), ("completed", 200)]):
                    services.template_item_save(actor=admin, template=template, stage=stage, name=f"推进事项{n}",
                                                days=days)
    projects = (Project.objects.filter(zone=zone, promotion_table__isnull=True).order_by("pk")[: count - have])
    for index, project in enumerate(projects):
        signed = today - dt.timedelta(days=30 + index % 200)
        planned = {field: signed + dt.timedelta(days=120 * (n + index % 3)) for n, field in enumerate(PLANNED)}
        fields = {field: None for field in ACTUAL}
        fields["signed_on"] = signed
        project = project_update(actor=admin, project=project, key_level=project.key_level or "district",
                                 **fields, **planned)
        with at(timezone.make_aware(dt.datetime.combine(signed + dt.timedelta(days=5), dt.time(10)))):
            services.table_hand_over(actor=admin, project=project, handed_over_on=signed + dt.timedelta(days=5))
    return PromotionTable.objects.filter(zone=zone).count()


def product_rows(user, now: dt.datetime) -> list[tuple]:
    from guanjia.promotion import selectors

    return [(row.pk, row.name, row.open_items, row.red_items, row.yellow_items,
             tuple(cell.colour for cell in row.stages), row.colour)
            for row in selectors.board(user, now=now)]


def _date(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def floor_rows(*, zone_id: int, now: dt.datetime) -> list[tuple]:
    """The same rows from one SQL statement (a zone-wide reader: admin or leader)."""
    from guanjia.promotion import colours
    from guanjia.promotion.choices import Colour

    columns = ", ".join(f"p.{f}" for f in ACTUAL + PLANNED)
    sql = f"""
        SELECT p.id, p.name, {columns}, COALESCE(c.open, 0), COALESCE(c.red, 0), COALESCE(c.yellow, 0)
        FROM projects_project p
        LEFT JOIN (
            SELECT w.project_id, COUNT(*) AS open,
                   SUM(CASE WHEN w.due_at < %s THEN 1 ELSE 0 END) AS red,
                   SUM(CASE WHEN w.due_at >= %s AND t.warn_at <= %s THEN 1 ELSE 0 END) AS yellow
            FROM promotion_workitem w JOIN workflow_trackeditem t ON t.id = w.item_id
            WHERE w.status IN ('not_started', 'in_progress')
            GROUP BY w.project_id
        ) c ON c.project_id = p.id
        WHERE p.zone_id = %s AND p.key_level <> '' AND p.archived_at IS NULL
        ORDER BY p.name, p.id
    """
    today = timezone.localtime(now).date()
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, now, now, zone_id])
        fetched = cursor.fetchall()
    n = len(ACTUAL)
    rows = []
    for row in fetched:
        actual, planned = row[2:2 + n], row[2 + n:2 + 2 * n]
        open_, red, yellow = (int(v) for v in row[2 + 2 * n:])
        cells = tuple(colours.stage_colour(planned=_date(p), actual=_date(a), today=today)
                      for a, p in zip(actual, planned, strict=True))
        items = Colour.RED if red else Colour.YELLOW if yellow else Colour.GREEN if open_ else Colour.NONE
        rows.append((row[0], row[1], open_, red, yellow, cells, colours.worst([colours.worst(cells), items])))
    return rows


def board_figure(*, user, zone_id: int, repeat: int) -> Figure:
    now = timezone.now()
    product = lambda: product_rows(user, now)  # noqa: E731
    floor = lambda: floor_rows(zone_id=zone_id, now=now)  # noqa: E731
    found, expected = product(), floor()
    name = f"挂图作战 board ({len(found):,} key projects)"
    if found != expected:
        name += "  [DIFFERENT ROWS]"
    product_ms, floor_ms = [], []
    for _ in range(repeat):
        product_ms.append(_timed(product))
        floor_ms.append(_timed(floor))
    return Figure(name, statistics.median(product_ms), statistics.median(floor_ms), _query_count(product), budget=3,
                  against="one SQL query")
