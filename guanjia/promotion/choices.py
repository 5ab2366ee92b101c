"""一表制: the promotion table's work-item statuses, colours and the ONE transition table of each tracked kind."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanjia.projects.choices import Stage
from guanjia.workflow.registry import Move

# A work item is due soon (yellow) this many working days before its deadline.
WORK_ITEM_WARN_DAYS = 3
# A stage whose planned month has passed without its date is yellow; this many months late, red.
STAGE_RED_MONTHS = 3


class WorkItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("推进中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


WORK_ITEM_OPEN = frozenset({WorkItemStatus.NOT_STARTED, WorkItemStatus.IN_PROGRESS})


class Colour(models.TextChoices):
    """The lights zones use on a promotion table (红黄绿灯)."""

    GREEN = "green", _("绿灯（正常）")
    YELLOW = "yellow", _("黄灯（临期或滞后）")
    RED = "red", _("红灯（超期）")
    DONE = "done", _("已完成")
    NONE = "none", _("未排期")


COLOUR_CSS = {Colour.GREEN: "success", Colour.YELLOW: "warning", Colour.RED: "danger", Colour.DONE: "secondary",
              Colour.NONE: "light"}


class WorkItemAction(models.TextChoices):
    ADD = "add", _("新增推进事项")
    START = "start", _("开始推进")
    COMPLETE = "complete", _("完成")
    REOPEN = "reopen", _("重新打开")
    CANCEL = "cancel", _("取消")
    UPDATE = "update", _("修改")


WORK_ITEM_MOVES: dict[str, Move] = {
    WorkItemAction.START: Move(frozenset({WorkItemStatus.NOT_STARTED}), WorkItemStatus.IN_PROGRESS,
                               "promotion.handle_workitem"),
    WorkItemAction.COMPLETE: Move(WORK_ITEM_OPEN, WorkItemStatus.DONE, "promotion.handle_workitem"),
    WorkItemAction.REOPEN: Move(frozenset({WorkItemStatus.DONE}), WorkItemStatus.IN_PROGRESS,
                                "promotion.manage_table"),
    WorkItemAction.CANCEL: Move(WORK_ITEM_OPEN, WorkItemStatus.CANCELLED, "promotion.manage_table"),
    WorkItemAction.UPDATE: Move(WORK_ITEM_OPEN, None, "promotion.manage_table"),
}


class WorkItemClock(models.TextChoices):
    DEADLINE = "deadline", _("推进事项完成时限")


class TableAction(models.TextChoices):
    """The promotion table's own timeline: its making, each stage reached, the task force."""

    HAND_OVER = "hand_over", _("协议移交，建立促建表")
    MOVE_STAGE = "move_stage", _("推进阶段")
    CORRECT_STAGE = "correct_stage", _("更正阶段日期")
    PLAN_STAGES = "plan_stages", _("调整计划节点")
    TASK_FORCE = "task_force", _("调整专班")
    IMPORT = "import", _("导入促建表")


TABLE_STATUSES = Stage
TABLE_MOVES: dict[str, Move] = {
    TableAction.MOVE_STAGE: Move(frozenset(Stage.values), None, "promotion.manage_table"),
    TableAction.CORRECT_STAGE: Move(frozenset(Stage.values), None, "promotion.manage_table"),
    TableAction.PLAN_STAGES: Move(frozenset(Stage.values), None, "promotion.manage_table"),
    TableAction.TASK_FORCE: Move(frozenset(Stage.values), None, "promotion.manage_table"),
    TableAction.IMPORT: Move(frozenset(Stage.values), None, "promotion.manage_table"),
}
