"""Joint meetings (会办会 …): kinds, statuses, action-item states, and the ONE transition table.

Services check every move against TRANSITIONS; templates and the API read labels
and colours from here and never hard-code a status.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanjia.workflow.registry import Move


class Kind(models.TextChoices):
    JOINT = "joint", _("会办会")
    LIAISON = "liaison", _("联席会")
    COORDINATION = "coordination", _("协调会")
    REVIEW = "review", _("研判会")
    DISPATCH = "dispatch", _("调度会")


class Status(models.TextChoices):
    PLANNED = "planned", _("待召开")
    HELD = "held", _("已召开")
    CLOSED = "closed", _("已结束")
    CANCELLED = "cancelled", _("已取消")


OPEN_STATUSES = frozenset({Status.PLANNED, Status.HELD})
TERMINAL_STATUSES = frozenset({Status.CLOSED, Status.CANCELLED})
STATUS_COLOURS = {
    Status.PLANNED: "primary", Status.HELD: "info", Status.CLOSED: "dark", Status.CANCELLED: "secondary",
}


class Action(models.TextChoices):
    """What may be done to a meeting; each is checked against TRANSITIONS."""

    UPDATE = "update", _("编辑")
    HOLD = "hold", _("召开并记录纪要")
    CLOSE = "close", _("结束")
    CANCEL = "cancel", _("取消")
    ADD_ACTION_ITEM = "add_action_item", _("新增督办事项")
    SETTLE = "settle", _("会议办结诉求")


S = Status
# action -> (statuses it may start from, status it leads to; None = stays)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    Action.UPDATE: (frozenset({S.PLANNED, S.HELD}), None),
    Action.HOLD: (frozenset({S.PLANNED}), S.HELD),
    Action.CLOSE: (frozenset({S.HELD}), S.CLOSED),
    Action.CANCEL: (frozenset({S.PLANNED}), S.CANCELLED),
    # Decisions are taken, and requests settled, at a meeting that has been held.
    Action.ADD_ACTION_ITEM: (frozenset({S.HELD}), None),
    Action.SETTLE: (frozenset({S.HELD}), None),
}


class ItemStatus(models.TextChoices):
    """The stored status of an action item (督办事项); "overdue" is derived from the time, never stored."""

    OPEN = "open", _("办理中")
    DONE = "done", _("已完成")


class ItemState(models.TextChoices):
    """What an action item shows: its status, or overdue when still open past its deadline."""

    OPEN = "open", _("办理中")
    OVERDUE = "overdue", _("已超期")
    DONE = "done", _("已完成")


ITEM_COLOURS = {ItemState.OPEN: "primary", ItemState.OVERDUE: "danger", ItemState.DONE: "success"}


class ItemAction(models.TextChoices):
    """What happens to an action item, on its own timeline."""

    ADD = "add", _("会议交办")
    COMPLETE = "complete", _("办结")


ITEM_MOVES: dict[str, Move] = {
    ItemAction.COMPLETE: Move(frozenset({ItemStatus.OPEN}), ItemStatus.DONE, "meetings.complete_actionitem"),
}


class ItemClock(models.TextChoices):
    DEADLINE = "deadline", _("督办事项完成时限")
