"""The request (诉求) workflow: statuses, channels, categories, and the ONE transition table.

Services check every move against MOVES (through the workflow kernel's transition helper),
with the permission each move names (requests/rules.py); templates and the API read labels
and colours from here and never hard-code a status. The unit task and the extension
application have tables of their own.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanjia.workflow.registry import Move


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("待签收")
    ACCEPTED = "accepted", _("办理中")
    TRANSFERRED = "transferred", _("已转办")
    IN_UNITS = "in_units", _("部门办理中")
    RETURNED = "returned", _("退单待仲裁")
    ESCALATED = "escalated", _("已升级")
    SUSPENDED = "suspended", _("已中止")
    RESOLVED = "resolved", _("已办结待回访")
    CLOSED = "closed", _("已关闭")
    MERGED = "merged", _("已并单")


OPEN_STATUSES = frozenset({
    Status.SUBMITTED, Status.ACCEPTED, Status.TRANSFERRED, Status.IN_UNITS, Status.RETURNED, Status.ESCALATED,
    Status.SUSPENDED,
})
TERMINAL_STATUSES = frozenset({Status.CLOSED, Status.MERGED})
STATUS_COLOURS = {
    Status.SUBMITTED: "warning", Status.ACCEPTED: "primary", Status.TRANSFERRED: "info", Status.IN_UNITS: "info",
    Status.RETURNED: "danger", Status.ESCALATED: "danger", Status.SUSPENDED: "secondary",
    Status.RESOLVED: "success", Status.CLOSED: "dark", Status.MERGED: "light",
}


class Source(models.TextChoices):
    VISIT = "visit", _("走访发现")
    PHONE = "phone", _("电话反映")
    PORTAL = "portal", _("企业吹哨")
    LETTER = "letter", _("直通车")
    MEETING = "meeting", _("会议交办")
    SUPERVISION = "supervision", _("督查发现")


class Category(models.TextChoices):
    FACTORS = "factors", _("要素保障（水电气）")
    LAND = "land", _("用地")
    PLANNING = "planning", _("规划建设")
    APPROVAL = "approval", _("审批手续")
    FINANCING = "financing", _("融资")
    TALENT = "talent", _("用工人才")
    POLICY = "policy", _("政策兑现")
    INFRASTRUCTURE = "infrastructure", _("基础设施")
    LEGACY = "legacy", _("历史遗留")
    OTHER = "other", _("其他")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    CRITICAL = "critical", _("特急")


class SuspendReason(models.TextChoices):
    AWAITING_MATERIAL = "awaiting_material", _("等待企业补充材料")
    POLICY_PENDING = "policy_pending", _("政策待定")
    JUDICIAL = "judicial", _("司法程序")
    ENTERPRISE_REQUEST = "enterprise_request", _("企业申请暂缓")
    OTHER = "other", _("其他")


class EscalationTarget(models.TextChoices):
    STATION_HEAD = "station_head", _("工作站站长")
    LEADER = "leader", _("园区领导")
    MEETING = "meeting", _("提请会办")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Action(models.TextChoices):
    """Every event of a request's timeline; the first 15 are the transitions of API.md."""

    ACCEPT = "accept", _("签收")
    REPLY = "reply", _("初步答复")
    TRANSFER = "transfer", _("转办")
    SIGN = "sign", _("部门签收")
    FEEDBACK = "feedback", _("部门反馈")
    RETURN = "return", _("退单")
    REASSIGN = "reassign", _("仲裁改派")
    EXTEND = "extend", _("延期")
    SUSPEND = "suspend", _("中止")
    RESUME = "resume", _("恢复")
    ESCALATE = "escalate", _("升级")
    RESOLVE = "resolve", _("办结")
    RATE = "rate", _("回访评价")
    REOPEN = "reopen", _("重办")
    CLOSE = "close", _("关闭")
    RAISE = "raise", _("提出诉求")
    MERGE = "merge", _("并单")
    NOTE = "note", _("内部备注")
    SUPPLY = "supply", _("企业补充材料")
    APPLY_EXTENSION = "apply_extension", _("申请延期")
    APPROVE_EXTENSION = "approve_extension", _("批准延期")
    DENY_EXTENSION = "deny_extension", _("驳回延期申请")
    # -- arbitration of a unit's 退单 (issue 14): the center decides each returned task --
    UPHOLD_RETURN = "uphold_return", _("同意退单")
    DISMISS_RETURN = "dismiss_return", _("驳回退单")
    # The leader's hand (领导批示): an instruction to the butler and/or the units.
    INSTRUCT = "instruct", _("领导批示")


S = Status
EXTENDABLE = frozenset({S.ACCEPTED, S.TRANSFERRED, S.IN_UNITS, S.ESCALATED, S.RETURNED})
# Where a unit's 退单 may wait for the center: the lead unit's puts the request in RETURNED, a co-unit's leaves it
# with the units (TRANSFERRED, IN_UNITS). Whether one waits is the task's (services.unit_tasks.waiting_returns).
ARBITRABLE = frozenset({S.TRANSFERRED, S.IN_UNITS, S.RETURNED})


def _perm(action: str) -> str:
    """The django-rules permission of an action (requests/rules.py): `requests.<action>_request`."""
    return f"requests.{action}_request"


# THE transition table: action -> the statuses it may start from, the status it leads to (None: stays, or
# decided by the service), and the permission the actor needs on the request (requests/rules.py).
_MOVES: dict[str, tuple[frozenset[str], str | None]] = {
    Action.ACCEPT: (frozenset({S.SUBMITTED}), S.ACCEPTED),
    Action.REPLY: (frozenset({S.ACCEPTED, S.ESCALATED}), None),
    Action.TRANSFER: (frozenset({S.ACCEPTED, S.ESCALATED}), S.TRANSFERRED),
    Action.SIGN: (frozenset({S.TRANSFERRED, S.IN_UNITS}), S.IN_UNITS),
    Action.FEEDBACK: (frozenset({S.IN_UNITS}), None),
    # 退单: the lead unit's sends the request to the center (RETURNED); a co-unit's leaves it with the units.
    Action.RETURN: (frozenset({S.TRANSFERRED, S.IN_UNITS}), None),
    # 仲裁改派: TRANSFERRED, or IN_UNITS where a unit kept (signed or answered) is already at work.
    Action.REASSIGN: (ARBITRABLE, None),
    Action.EXTEND: (EXTENDABLE, None),
    Action.SUSPEND: (frozenset({S.ACCEPTED, S.TRANSFERRED, S.IN_UNITS, S.ESCALATED, S.RETURNED}), S.SUSPENDED),
    Action.RESUME: (frozenset({S.SUSPENDED}), None),
    Action.ESCALATE: (frozenset({S.ACCEPTED, S.TRANSFERRED, S.IN_UNITS, S.RETURNED}), S.ESCALATED),
    Action.RESOLVE: (frozenset({S.ACCEPTED, S.IN_UNITS, S.ESCALATED}), S.RESOLVED),
    Action.RATE: (frozenset({S.RESOLVED}), None),
    Action.REOPEN: (frozenset({S.RESOLVED, S.CLOSED}), S.ACCEPTED),
    Action.CLOSE: (frozenset({S.RESOLVED}), S.CLOSED),
    Action.MERGE: (frozenset(OPEN_STATUSES), S.MERGED),
    # 申请延期 and 批准 where 延期 itself could be done (nobody waits for what cannot be given); 驳回 whatever
    # the request's status, so that an application the request has outgrown (resolved, merged) can be cleared.
    Action.APPLY_EXTENSION: (EXTENDABLE, None),
    Action.APPROVE_EXTENSION: (EXTENDABLE, None),
    Action.DENY_EXTENSION: (frozenset(Status), None),
    # A note (staff) or supplied material (the enterprise) goes on the timeline until the request is over.
    Action.NOTE: (frozenset(Status), None),
    Action.SUPPLY: (frozenset(Status) - TERMINAL_STATUSES, None),
    # -- arbitration (issue 14): the status follows the decision (services.unit_tasks) --
    Action.UPHOLD_RETURN: (ARBITRABLE, None),
    Action.DISMISS_RETURN: (ARBITRABLE, None),
    # 批示: a leader instructs any open request (an escalated one, a 直通车 letter to them …); an escalated one
    # goes back to whoever held it before the escalation (decided by the service), any other stays where it is.
    Action.INSTRUCT: (frozenset(OPEN_STATUSES), None),
}
MOVES: dict[str, Move] = {action: Move(sources, target, _perm(action))
                          for action, (sources, target) in _MOVES.items()}
# The actions the API and the pages offer as `POST …/{action}/` (a note and supplied material have their own form).
TRANSITIONS = {action: move for action, move in MOVES.items() if action not in (Action.NOTE, Action.SUPPLY)}


class ClockKind(models.TextChoices):
    SIGN = "sign", _("签收时限")
    FIRST_REPLY = "first_reply", _("首次答复时限")
    RESOLUTION = "resolution", _("办结时限")
    UNIT = "unit", _("部门办理时限")


class UnitTaskRole(models.TextChoices):
    LEAD = "lead", _("牵头")
    CO = "co", _("协办")


class ExtensionApplicationStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    DENIED = "denied", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")  # the request was resolved or merged before a decision


class UnitTaskStatus(models.TextChoices):
    PENDING = "pending", _("待签收")
    SIGNED = "signed", _("办理中")
    DONE = "done", _("已反馈")
    RETURNED = "returned", _("已退单")
    CANCELLED = "cancelled", _("已撤回")


# A unit still working on the request: its task not yet signed for, or signed and not yet answered.
OPEN_TASK_STATUSES = (UnitTaskStatus.PENDING, UnitTaskStatus.SIGNED)


class TaskAction(models.TextChoices):
    """The moves of a unit's task (部门任务); each is written on its request's timeline."""

    SIGN = "sign", _("部门签收")
    FEEDBACK = "feedback", _("部门反馈")
    RETURN = "return", _("退单")
    WITHDRAW = "withdraw", _("撤回")
    # -- arbitration of a returned task (issue 14) --
    UPHOLD = "uphold", _("同意退单")
    DISMISS = "dismiss", _("驳回退单")


class Arbitration(models.TextChoices):
    """How the center settled a unit's 退单 (blank while it waits)."""

    UPHELD = "upheld", _("同意退单")  # the unit is released; its task stays returned
    DISMISSED = "dismissed", _("驳回退单")  # the task is the unit's again, with the center's instruction
    REASSIGNED = "reassigned", _("仲裁改派")  # released, and the request given to other units
    SETTLED = "settled", _("无需仲裁")  # the request left the units' hands (resolved, merged, transferred again)


T = UnitTaskStatus
# The unit task's own table: the request's service for the same action checks who may act.
TASK_MOVES: dict[str, Move] = {
    TaskAction.SIGN: Move(frozenset({T.PENDING}), T.SIGNED),
    TaskAction.FEEDBACK: Move(frozenset({T.SIGNED}), T.DONE),
    TaskAction.RETURN: Move(frozenset({T.PENDING, T.SIGNED}), T.RETURNED),
    TaskAction.WITHDRAW: Move(frozenset({T.PENDING, T.SIGNED}), T.CANCELLED),
    # A returned task stays returned when its return is upheld, and goes back to the unit (待签收 or 办理中, as
    # before its return: decided by the service) when dismissed.
    TaskAction.UPHOLD: Move(frozenset({T.RETURNED}), T.RETURNED),
    TaskAction.DISMISS: Move(frozenset({T.RETURNED}), None),
}


class ApplicationAction(models.TextChoices):
    APPROVE = "approve", _("批准")
    DENY = "deny", _("驳回")
    WITHDRAW = "withdraw", _("撤回")


A = ExtensionApplicationStatus
APPLICATION_MOVES: dict[str, Move] = {
    ApplicationAction.APPROVE: Move(frozenset({A.PENDING}), A.APPROVED),
    ApplicationAction.DENY: Move(frozenset({A.PENDING}), A.DENIED),
    ApplicationAction.WITHDRAW: Move(frozenset({A.PENDING}), A.WITHDRAWN),
}
