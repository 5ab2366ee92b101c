"""Reads of promotion tables: a table with its work items and colours, and the zone-wide 挂图作战 board.

Each reads a fixed number of queries whatever the number of rows; colours come from promotion.colours.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from guanjia.core.choices import Role
from guanjia.meetings.choices import Kind as MeetingKind
from guanjia.projects.choices import STAGE_DATE_FIELDS, STAGE_PLAN_FIELDS, KeyLevel, Stage
from guanjia.projects.models import Project
from guanjia.promotion import colours
from guanjia.promotion.choices import WORK_ITEM_OPEN, Colour
from guanjia.promotion.models import PromotionTable, WorkItem

STAGES = [stage for stage, _f in STAGE_DATE_FIELDS]
PLAN = dict(STAGE_PLAN_FIELDS)
ACTUAL = dict(STAGE_DATE_FIELDS)
WORK_ITEM_FIELDS = ("project", "table", "responsible", "unit", "item")
# A table's work items read in the order of the stages they belong to, then as arranged within a stage (an item
# added by hand to an earlier stage comes with that stage's, not after the last one's).
IN_STAGE_ORDER = (Case(*(When(stage=stage, then=Value(n)) for n, stage in enumerate(Stage.values)),
                       default=Value(len(Stage.values)), output_field=IntegerField()), "order", "pk")


def work_items(user):
    """The work items `user` sees, with what a list shows (their people, unit, and the item's warn time)."""
    return (WorkItem.objects.visible_to(user).select_related("responsible", "unit", "project")
            .annotate(warn_at=F("item__warn_at")))


def work_item_colour(work_item, now: dt.datetime | None = None) -> str:
    return colours.work_item_colour(status=work_item.status, due_at=work_item.due_at,
                                    warn_at=getattr(work_item, "warn_at", None) or work_item.item.warn_at,
                                    now=now or timezone.now())


def enterprise_reader(user) -> bool:
    """An enterprise's own contact: of the staff it reads only its butler's name (DOMAIN.md, who uses it)."""
    return bool(user.role_codes) and user.role_codes <= {Role.ENTERPRISE}


def shown_person(user, person, butler_id: int | None):
    """The person as `user` may read them: an enterprise contact reads its butler's name, nobody else's."""
    if person is None or not enterprise_reader(user) or person.pk == butler_id:
        return person
    return None


def with_colours(rows, now: dt.datetime | None = None, user=None) -> list:
    """Rows with their colour, and `responsible_shown`: the responsible person as `user` reads them."""
    now = now or timezone.now()
    rows = list(rows)
    for row in rows:
        row.colour = colours.work_item_colour(status=row.status, due_at=row.due_at, warn_at=row.warn_at, now=now)
        row.responsible_shown = (row.responsible if user is None
                                 else shown_person(user, row.responsible, row.project.butler_id))
    return rows


@dataclass
class StageCell:
    stage: str
    label: str
    planned: dt.date | None
    actual: dt.date | None
    colour: str


def _labels() -> dict[str, str]:
    """The stages' names in the reader's language, put into words once per call (not per row)."""
    return {stage: str(Stage(stage).label) for stage in STAGES}


def stage_cells(project: Project, today: dt.date, labels: dict[str, str] | None = None) -> list[StageCell]:
    labels = labels or _labels()
    cells = []
    for stage in STAGES:
        planned, actual = getattr(project, PLAN[stage]), getattr(project, ACTUAL[stage])
        cells.append(StageCell(stage, labels[stage], planned, actual,
                               colours.stage_colour(planned=planned, actual=actual, today=today)))
    return cells


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
    """One key project on the 挂图作战 board (plain values: the board reads hundreds of them)."""

    pk: int
    name: str
    key_level: str
    stage: str
    butler: str
    table_id: int | None
    stages: list[StageCell]
    open_items: int = 0
    red_items: int = 0
    yellow_items: int = 0
    colour: str = Colour.NONE
    stage_colour: str = Colour.NONE

    @property
    def key_level_label(self) -> str:
        return str(KeyLevel(self.key_level).label)

    @property
    def stage_label(self) -> str:
        return str(Stage(self.stage).label)


class _Dates:
    """A project's stage dates read from a row of values, as stage_cells reads them from a project."""

    def __init__(self, values: dict):
        self.__dict__.update(values)


def key_projects(user):
    return Project.objects.visible_to(user).active().exclude(key_level="")


BOARD_VALUES = ("pk", "name", "key_level", "stage", "butler__name", *PLAN.values(), *ACTUAL.values())


def board(user, *, projects=None, colour: str = "", now: dt.datetime | None = None) -> list[BoardRow]:
    """The 挂图作战 board: every key project `user` sees, its stages planned vs actual with their colours, its
    open work items counted by colour, and its own colour (the worst). Two queries whatever the rows."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    projects = projects if projects is not None else key_projects(user)
    counts = {row[0]: row[1:] for row in (
        WorkItem.objects.filter(project__in=projects.values("pk"), status__in=WORK_ITEM_OPEN).order_by()
        .values("project").annotate(open=Count("pk"), red=Count("pk", filter=Q(due_at__lt=now)),
                                    yellow=Count("pk", filter=Q(due_at__gte=now, item__warn_at__lte=now)))
        .values_list("project", "open", "red", "yellow"))}
    labels = _labels()
    rows = []
    for values in (projects.order_by("name", "pk").annotate(table_id=F("promotion_table__id"))
                   .values(*BOARD_VALUES, "table_id")):
        cells = stage_cells(_Dates(values), today, labels)
        open_, red, yellow = counts.get(values["pk"], (0, 0, 0))
        item_colour = (Colour.RED if red else Colour.YELLOW if yellow else Colour.GREEN if open_ else Colour.NONE)
        stage_colour = colours.worst(c.colour for c in cells)
        rows.append(BoardRow(pk=values["pk"], name=values["name"], key_level=values["key_level"],
                             stage=values["stage"], butler=values["butler__name"] or "", table_id=values["table_id"],
                             stages=cells, open_items=open_, red_items=red, yellow_items=yellow,
                             stage_colour=stage_colour, colour=colours.worst([stage_colour, item_colour])))
    if colour:
        rows = [row for row in rows if row.colour == colour]
    return rows


def board_chart(rows: list[BoardRow]) -> dict:
    """What the board's Gantt-like chart draws: per project, each stage's planned and actual date."""
    return {
        "projects": [row.name for row in rows],
        "stages": [str(Stage(s).label) for s in STAGES],
        "planned": [[c.planned.isoformat() if c.planned else None for c in row.stages] for row in rows],
        "actual": [[c.actual.isoformat() if c.actual else None for c in row.stages] for row in rows],
        "colours": [row.colour for row in rows],
        "today": timezone.localdate().isoformat(),
        "todayLabel": str(_("今天")),
    }


def project_card(user, project: Project) -> dict:
    """What the project's page shows of its promotion table: a fixed number of queries."""
    table = PromotionTable.objects.visible_to(user).filter(project=project).first()
    if table is None:
        return {"table": None}
    now = timezone.now()
    rows = with_colours(work_items(user).filter(table=table).order_by(*IN_STAGE_ORDER), now, user)
    return {"table": table, "work_items": rows,
            "colour": colours.worst([*(r.colour for r in rows if r.status in WORK_ITEM_OPEN),
                                     *(c.colour for c in stage_cells(project, timezone.localtime(now).date()))])}
