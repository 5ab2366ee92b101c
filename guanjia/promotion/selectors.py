"""Reads of promotion tables: a table with its work items and colours, and the zone-wide 挂图作战 board.

Each reads a fixed number of queries whatever the number of rows; colours come from promotion.colours.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.utils import timezone

from guanjia.meetings.choices import Kind as MeetingKind
from guanjia.projects.choices import STAGE_DATE_FIELDS, STAGE_PLAN_FIELDS, Stage
from guanjia.projects.models import Project
from guanjia.promotion import colours
from guanjia.promotion.choices import WORK_ITEM_OPEN, Colour
from guanjia.promotion.models import PromotionTable, WorkItem

STAGES = [stage for stage, _f in STAGE_DATE_FIELDS]
PLAN = dict(STAGE_PLAN_FIELDS)
ACTUAL = dict(STAGE_DATE_FIELDS)
WORK_ITEM_FIELDS = ("project", "table", "responsible", "unit", "item")


def work_items(user):
    """The work items `user` sees, with what a list shows (their people, unit, and the item's warn time)."""
    return (WorkItem.objects.visible_to(user).select_related("responsible", "unit", "project")
            .annotate(warn_at=F("item__warn_at")))


def work_item_colour(work_item, now: dt.datetime | None = None) -> str:
    return colours.work_item_colour(status=work_item.status, due_at=work_item.due_at,
                                    warn_at=getattr(work_item, "warn_at", None) or work_item.item.warn_at,
                                    now=now or timezone.now())


def with_colours(rows, now: dt.datetime | None = None) -> list:
    now = now or timezone.now()
    rows = list(rows)
    for row in rows:
        row.colour = colours.work_item_colour(status=row.status, due_at=row.due_at, warn_at=row.warn_at, now=now)
    return rows


@dataclass
class StageCell:
    stage: str
    label: str
    planned: dt.date | None
    actual: dt.date | None
    colour: str


def stage_cells(project: Project, today: dt.date) -> list[StageCell]:
    return [StageCell(stage, str(Stage(stage).label), getattr(project, PLAN[stage]), getattr(project, ACTUAL[stage]),
                      colours.stage_colour(planned=getattr(project, PLAN[stage]),
                                           actual=getattr(project, ACTUAL[stage]), today=today))
            for stage in STAGES]


def table_detail(user):
    """Tables `user` sees, with their project's people and the task force, for one table's page."""
    return (PromotionTable.objects.visible_to(user)
            .select_related("project__enterprise", "project__butler", "project__contact_leader", "template")
            .prefetch_related("task_force"))


def review_meetings(user, project: Project) -> list:
    """The review meetings (研判会) of a key project that `user` sees, newest first."""
    from guanjia.meetings.models import Meeting

    return list(Meeting.objects.visible_to(user).filter(kind=MeetingKind.REVIEW, projects=project)
                .order_by("-starts_at")[:20])


@dataclass
class BoardRow:
    """One key project on the 挂图作战 board."""

    project: Project
    table_id: int | None
    stages: list[StageCell]
    open_items: int = 0
    red_items: int = 0
    yellow_items: int = 0
    colour: str = Colour.NONE
    stage_colour: str = Colour.NONE
    extra: dict = field(default_factory=dict)


def key_projects(user):
    return (Project.objects.visible_to(user).active().exclude(key_level="")
            .select_related("butler", "enterprise").order_by("name", "pk"))


def board(user, *, projects=None, colour: str = "", now: dt.datetime | None = None) -> list[BoardRow]:
    """The 挂图作战 board: every key project `user` sees, its stages planned vs actual with their colours, its
    open work items counted by colour, and its own colour (the worst). Three queries whatever the rows."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    projects = list(projects if projects is not None else key_projects(user))
    ids = [p.pk for p in projects]
    tables = dict(PromotionTable.objects.filter(project__in=ids).values_list("project", "pk"))
    counts = {row["project"]: row for row in (
        WorkItem.objects.filter(project__in=ids, status__in=WORK_ITEM_OPEN).values("project")
        .annotate(open=Count("pk"), red=Count("pk", filter=Q(due_at__lt=now)),
                  yellow=Count("pk", filter=Q(due_at__gte=now, item__warn_at__lte=now))))}
    rows = []
    for project in projects:
        cells = stage_cells(project, today)
        count = counts.get(project.pk, {"open": 0, "red": 0, "yellow": 0})
        item_colour = (Colour.RED if count["red"] else Colour.YELLOW if count["yellow"]
                       else Colour.GREEN if count["open"] else Colour.NONE)
        stage_colour = colours.worst(c.colour for c in cells)
        row = BoardRow(project=project, table_id=tables.get(project.pk), stages=cells, open_items=count["open"],
                       red_items=count["red"], yellow_items=count["yellow"], stage_colour=stage_colour,
                       colour=colours.worst([stage_colour, item_colour]))
        rows.append(row)
    if colour:
        rows = [row for row in rows if row.colour == colour]
    return rows


def board_chart(rows: list[BoardRow]) -> dict:
    """What the board's Gantt-like chart draws: per project, each stage's planned and actual date."""
    return {
        "projects": [row.project.name for row in rows],
        "stages": [str(Stage(s).label) for s in STAGES],
        "planned": [[c.planned.isoformat() if c.planned else None for c in row.stages] for row in rows],
        "actual": [[c.actual.isoformat() if c.actual else None for c in row.stages] for row in rows],
        "colours": [row.colour for row in rows],
        "today": timezone.localdate().isoformat(),
    }


def project_card(user, project: Project) -> dict:
    """What the project's page shows of its promotion table: a fixed number of queries."""
    table = PromotionTable.objects.visible_to(user).filter(project=project).first()
    if table is None:
        return {"table": None}
    now = timezone.now()
    rows = with_colours(work_items(user).filter(table=table).order_by("order", "pk"), now)
    return {"table": table, "work_items": rows,
            "colour": colours.worst([*(r.colour for r in rows if r.status in WORK_ITEM_OPEN),
                                     *(c.colour for c in stage_cells(project, timezone.localtime(now).date()))])}
