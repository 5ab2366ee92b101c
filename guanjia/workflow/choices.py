"""The kernel's own choices: how a clock counts, the states it shows (one place for their colours)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Measure(models.TextChoices):
    DAYS = "days", _("工作日")
    HOURS = "hours", _("小时")


class ClockState(models.TextChoices):
    """What a deadline shows: on track, due soon (黄牌), overdue (红牌), paused, met, met late."""

    ON_TRACK = "on_track", _("正常")
    DUE_SOON = "due_soon", _("临期（黄牌）")
    OVERDUE = "overdue", _("超期（红牌）")
    PAUSED = "paused", _("已暂停")
    MET = "met", _("按时完成")
    MET_LATE = "met_late", _("超期完成")


CLOCK_COLOURS = {
    ClockState.ON_TRACK: "success", ClockState.DUE_SOON: "warning", ClockState.OVERDUE: "danger",
    ClockState.PAUSED: "secondary", ClockState.MET: "success", ClockState.MET_LATE: "danger",
}
# The lights a list is filtered by (?clock=), as the badges show them: green on track, yellow (黄牌) due soon,
# red (红牌) overdue, grey paused.
CLOCK_LIGHTS = {"green": ClockState.ON_TRACK, "yellow": ClockState.DUE_SOON, "red": ClockState.OVERDUE,
                "grey": ClockState.PAUSED}
CLOCK_LIGHT_CHOICES = [("green", _("绿灯（正常）")), ("yellow", _("黄牌（临期）")), ("red", _("红牌（超期）")),
                       ("grey", _("暂停计时"))]
# The colour of an open item with no running deadline (nothing is counting for it).
NO_DEADLINE_COLOUR = "secondary"


class Ledger(models.TextChoices):
    """The entries of a clock's ledger (ClockEvent), from which its due time is always recomputed."""

    START = "start", _("开始计时")
    PAUSE = "pause", _("暂停")
    RESUME = "resume", _("恢复")
    RESTART = "restart", _("重新计时")
    EXTEND = "extend", _("延长")
    STOP = "stop", _("完成")
    CANCEL = "cancel", _("取消")
    RECOMPUTE = "recompute", _("按新规则重算")
