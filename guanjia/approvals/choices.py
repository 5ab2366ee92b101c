"""代办制: the approval catalogue's vocabularies, the handbook item's statuses, and the ONE transition table.

Services check every move against APPROVAL_MOVES (through the workflow kernel's transition
helper), with the permission each move names (approvals/rules.py); templates and the API read
labels and colours from here and never hard-code a status.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanjia.workflow.registry import Move

# The whole approval process of a project, 国办发〔2018〕33号: no more than 120 working days.
NATIONAL_BENCHMARK_DAYS = 120
# A limit is at most this many working days (a year and a half of working days).
MAX_LIMIT_DAYS = 365


class ApprovalStage(models.TextChoices):
    """The stage of construction an approval belongs to (立项 / 用地 / 规划 / 施工 / 验收 / 报装)."""

    INITIATION = "initiation", _("立项")
    LAND = "land", _("用地")
    PLANNING = "planning", _("规划")
    CONSTRUCTION = "construction", _("施工")
    ACCEPTANCE = "acceptance", _("验收")
    UTILITIES = "utilities", _("报装")


class ListType(models.TextChoices):
    """Which efficiency list an item is on (Dazhou: 46 approval items, 36 builder materials, 23 hook-ups)."""

    APPROVAL = "approval", _("审批事项")
    MATERIALS = "materials", _("建设单位材料")
    UTILITY = "utility", _("水电气讯报装")


class OnCorrection(models.TextChoices):
    """What a request for more material (补正) does to the item's clock."""

    PAUSE = "pause", _("暂停计时，补正后继续")
    RESTART = "restart", _("补正后重新计时")


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("未启动")
    PREPARING = "preparing", _("准备材料")
    ACCEPTED = "accepted", _("已受理")
    ACCEPTED_WITH_GAP = "accepted_with_gap", _("容缺受理")
    REVIEWING = "reviewing", _("审查中")
    CORRECTING = "correcting", _("补正")
    APPROVED = "approved", _("已办结")
    REFUSED = "refused", _("不予许可")
    NOT_APPLICABLE = "not_applicable", _("不适用")


S = Status
OPEN_STATUSES = frozenset({S.NOT_STARTED, S.PREPARING, S.ACCEPTED, S.ACCEPTED_WITH_GAP, S.REVIEWING, S.CORRECTING})
# Accepted by the authority: its clocks (committed and statutory limits) are running or paused.
AT_AUTHORITY = frozenset({S.ACCEPTED, S.ACCEPTED_WITH_GAP, S.REVIEWING, S.CORRECTING})
FINISHED_STATUSES = frozenset({S.APPROVED, S.REFUSED, S.NOT_APPLICABLE})
STATUS_COLOURS = {
    S.NOT_STARTED: "light", S.PREPARING: "secondary", S.ACCEPTED: "primary", S.ACCEPTED_WITH_GAP: "info",
    S.REVIEWING: "primary", S.CORRECTING: "warning", S.APPROVED: "success", S.REFUSED: "danger",
    S.NOT_APPLICABLE: "dark",
}


class Action(models.TextChoices):
    """What may be done to a handbook item; the API's action is the code with '-' for '_'."""

    PLAN = "plan", _("纳入手册")
    PREPARE = "prepare", _("准备材料")
    ACCEPT = "accept", _("受理")
    ACCEPT_WITH_GAP = "accept_with_gap", _("容缺受理")
    MAKE_GOOD = "make_good", _("补齐容缺材料")
    SUPPLY = "supply", _("补充材料")
    REVIEW = "review", _("进入审查")
    REQUEST_CORRECTION = "request_correction", _("要求补正")
    RESUBMIT = "resubmit", _("补正后重新提交")
    APPROVE = "approve", _("办结")
    REFUSE = "refuse", _("不予许可")
    NOT_APPLICABLE = "not_applicable", _("标记为不适用")
    REPLAN = "replan", _("重新排期")


APPROVAL_MOVES: dict[str, Move] = {
    Action.PREPARE: Move(frozenset({S.NOT_STARTED}), S.PREPARING, "approvals.handle_approval"),
    Action.ACCEPT: Move(frozenset({S.PREPARING}), S.ACCEPTED, "approvals.handle_approval"),
    Action.ACCEPT_WITH_GAP: Move(frozenset({S.PREPARING}), S.ACCEPTED_WITH_GAP, "approvals.handle_approval"),
    # The enterprise supplies what it owes (a 容缺 gap, 补正 material) itself: its own permission.
    Action.MAKE_GOOD: Move(frozenset({S.ACCEPTED_WITH_GAP, S.REVIEWING, S.CORRECTING}), None,
                           "approvals.supply_approval"),
    Action.SUPPLY: Move(frozenset({S.ACCEPTED_WITH_GAP, S.REVIEWING, S.CORRECTING}), None,
                        "approvals.supply_approval"),
    Action.REVIEW: Move(frozenset({S.ACCEPTED, S.ACCEPTED_WITH_GAP}), S.REVIEWING, "approvals.handle_approval"),
    Action.REQUEST_CORRECTION: Move(frozenset({S.ACCEPTED, S.ACCEPTED_WITH_GAP, S.REVIEWING}), S.CORRECTING,
                                    "approvals.handle_approval"),
    Action.RESUBMIT: Move(frozenset({S.CORRECTING}), S.REVIEWING, "approvals.handle_approval"),
    Action.APPROVE: Move(frozenset({S.ACCEPTED, S.ACCEPTED_WITH_GAP, S.REVIEWING}), S.APPROVED,
                         "approvals.handle_approval"),
    Action.REFUSE: Move(frozenset({S.ACCEPTED, S.ACCEPTED_WITH_GAP, S.REVIEWING}), S.REFUSED,
                        "approvals.handle_approval"),
    Action.NOT_APPLICABLE: Move(frozenset({S.NOT_STARTED, S.PREPARING}), S.NOT_APPLICABLE,
                                "approvals.handle_approval"),
    # Re-planning moves an open item's planned dates (a prerequisite finished early or late); its status stays.
    Action.REPLAN: Move(OPEN_STATUSES, None, ""),
}


class Clock(models.TextChoices):
    """An item's clocks: the plan's date before the authority has it, then its two limits, and a gap's date."""

    PLAN = "plan", _("计划办结日期")
    COMMITTED = "committed", _("承诺时限")
    STATUTORY = "statutory", _("法定时限")
    GAP = "gap", _("容缺材料补齐期限")


class HandbookStatus(models.TextChoices):
    ACTIVE = "active", _("代办中")
    FINISHED = "finished", _("已完成")


class HandbookAction(models.TextChoices):
    CREATE = "create", _("生成手册")
    PLAN = "plan", _("排期")
    REPLAN = "replan", _("重新排期")
    AUTHORIZE = "authorize", _("上传委托书")
    CHANGE_AGENT = "change_agent", _("更换代办员")
    FINISH = "finish", _("手续全部办结")
    REOPEN = "reopen", _("恢复代办")


HANDBOOK_MOVES: dict[str, Move] = {
    HandbookAction.PLAN: Move(frozenset({HandbookStatus.ACTIVE}), None, "approvals.plan_handbook"),
    HandbookAction.REPLAN: Move(frozenset({HandbookStatus.ACTIVE}), None, ""),
    HandbookAction.AUTHORIZE: Move(frozenset({HandbookStatus.ACTIVE, HandbookStatus.FINISHED}), None,
                                   "approvals.authorize_handbook"),
    HandbookAction.CHANGE_AGENT: Move(frozenset({HandbookStatus.ACTIVE}), None, "approvals.plan_handbook"),
    HandbookAction.FINISH: Move(frozenset({HandbookStatus.ACTIVE}), HandbookStatus.FINISHED, ""),
    HandbookAction.REOPEN: Move(frozenset({HandbookStatus.FINISHED}), HandbookStatus.ACTIVE, ""),
}
