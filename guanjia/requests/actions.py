"""The request actions of API.md, shared by the API and the pages: which service, which fields, who may."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanjia.core.text import listed
from guanjia.requests import services
from guanjia.requests.choices import OPEN_TASK_STATUSES, TRANSITIONS, Action, UnitTaskStatus

# What the page says once an action is done: "已" + its label reads badly for some (已部门签收, 已回访评价).
DONE_MESSAGES = {
    Action.SIGN: gettext_lazy("已签收，请按时限办理并反馈。"),
    Action.FEEDBACK: gettext_lazy("已提交办理反馈。"),
    Action.RETURN: gettext_lazy("已退单，等待服务中心仲裁。"),
    Action.REASSIGN: gettext_lazy("已仲裁并改派。"),
    Action.REPLY: gettext_lazy("已答复。"),
    Action.RATE: gettext_lazy("感谢您的评价。"),
    Action.ESCALATE: gettext_lazy("已提请升级。"),
    Action.APPLY_EXTENSION: gettext_lazy("已提交延期申请，等待领导审批。"),
    Action.APPROVE_EXTENSION: gettext_lazy("已批准延期申请，办结时限已延长。"),
    Action.DENY_EXTENSION: gettext_lazy("已驳回延期申请。"),
    # -- arbitration (issue 14) --
    Action.UPHOLD_RETURN: gettext_lazy("已同意退单，该单位的任务已解除。"),
    Action.DISMISS_RETURN: gettext_lazy("已驳回退单，任务已退回该单位继续办理。"),
    Action.INSTRUCT: gettext_lazy("已批示。"),
}


def done_message(name: str, request=None) -> str:
    """What the page says once `name` is done on `request` (a 延期 also says which units' deadlines moved)."""
    message = str(DONE_MESSAGES.get(name) or _("已%(action)s。") % {"action": Action(name).label})
    if request is not None and name in (Action.EXTEND, Action.APPROVE_EXTENSION):
        message = f"{message}{moved_units_message(request)}"
    if request is not None and name == Action.INSTRUCT:
        message = f"{message}{instructed_message(request)}"
    return message


def _latest_event(request, action: str):
    from guanjia.workflow.models import Event

    return Event.objects.filter(item=request.item_id, action=action).order_by("-pk").first()


def instructed_message(request) -> str:
    """Whom the request's latest 批示 was sent to, in words: those the leader chose, not a fixed phrase."""
    from guanjia.org.models import Unit

    event = _latest_event(request, Action.INSTRUCT)
    if event is None:
        return ""
    told = []
    if event.data.get("to_butler"):
        told.append(_("责任管家（%(name)s）") % {"name": request.butler} if request.butler_id else _("服务中心"))
    units = Unit.objects.in_bulk(event.data.get("to_units") or [])
    told.extend(str(units[pk]) for pk in event.data.get("to_units") or [] if pk in units)
    return _("已通知：%(whom)s。") % {"whom": listed(str(t) for t in told)} if told else ""


def moved_units_message(request) -> str:
    """Which units' deadlines the request's latest 延期 moved with it, in words (nothing if it was not asked)."""
    from guanjia.org.models import Unit

    event = _latest_event(request, Action.EXTEND)
    if event is None or "moved_units" not in event.data:
        return ""
    moved = event.data["moved_units"]
    if not moved:
        return _("没有单位的办理时限早于新的办结时限，均未调整。")
    names = Unit.objects.in_bulk(moved)
    return _("以下单位的办理时限已顺延至新的办结时限：%(units)s。") % {
        "units": listed(names[pk] for pk in moved if pk in names)}


# action -> (service, the body fields it takes)
ACTION_SERVICES = {
    Action.ACCEPT: (services.request_accept, ["comment"]),
    Action.REPLY: (services.request_reply, ["answer", "resolve", "comment"]),
    Action.TRANSFER: (services.request_transfer, ["lead_unit", "co_units", "unit_due", "co_unit_due", "comment"]),
    Action.SIGN: (services.request_unit_sign, ["comment"]),
    Action.FEEDBACK: (services.request_unit_feedback, ["comment", "attachments"]),
    Action.RETURN: (services.request_return, ["reason"]),
    Action.REASSIGN: (services.request_reassign, ["lead_unit", "co_units", "unit_due", "co_unit_due", "comment"]),
    Action.EXTEND: (services.request_extend, ["days", "reason", "move_unit_deadlines"]),
    Action.SUSPEND: (services.request_suspend, ["reason", "comment"]),
    Action.RESUME: (services.request_resume, ["comment"]),
    Action.ESCALATE: (services.request_escalate, ["target", "comment"]),
    Action.RESOLVE: (services.request_resolve, ["answer", "comment"]),
    Action.RATE: (services.request_rate, ["rating", "reason"]),
    Action.REOPEN: (services.request_reopen, ["comment"]),
    Action.CLOSE: (services.request_close, ["comment"]),
    Action.MERGE: (services.request_merge, ["into", "comment"]),
    Action.APPLY_EXTENSION: (services.request_apply_extension, ["days", "reason"]),
    Action.APPROVE_EXTENSION: (services.request_approve_extension, ["comment", "move_unit_deadlines"]),
    Action.DENY_EXTENSION: (services.request_deny_extension, ["reason"]),
    # -- arbitration (issue 14): `unit` names the returning unit where several returns wait --
    Action.UPHOLD_RETURN: (services.request_uphold_return, ["unit", "comment"]),
    Action.DISMISS_RETURN: (services.request_dismiss_return, ["unit", "comment"]),
    # The leader's hand: 批示 to the butler and/or units working on it (neither named: all of them).
    Action.INSTRUCT: (services.request_instruct, ["comment", "to_butler", "to_units"]),
}
# Fields a caller may leave out: the service then answers with its own clear message.
DEFAULTS = {"comment": "", "answer": "", "reason": "", "resolve": False, "lead_unit": None, "co_units": [],
            "unit_due": None, "co_unit_due": None, "rating": "", "target": "", "attachments": [],
            "unit": None, "move_unit_deadlines": False,
            "to_butler": False, "to_units": []}
# Fields without which the action cannot be understood at all.
REQUIRED = {Action.EXTEND: ["days"], Action.APPLY_EXTENSION: ["days"], Action.MERGE: ["into"]}
# What each action's body must carry (API.md): the API's body of the action requires them (and the schema
# says so); the services refuse a call without them too, with their own words, as the pages show them.
BODY_REQUIRED = {
    Action.REPLY: ["answer"], Action.TRANSFER: ["lead_unit"], Action.FEEDBACK: ["comment"],
    Action.RETURN: ["reason"], Action.REASSIGN: ["lead_unit"], Action.EXTEND: ["days", "reason"],
    Action.SUSPEND: ["reason"], Action.ESCALATE: ["target"], Action.RESOLVE: ["answer"], Action.RATE: ["rating"],
    Action.REOPEN: ["comment"], Action.MERGE: ["into"], Action.APPLY_EXTENSION: ["days", "reason"],
    Action.DENY_EXTENSION: ["reason"], Action.DISMISS_RETURN: ["comment"],
    Action.INSTRUCT: ["comment"],
}
# Decided on the pending 延期申请: offered only while there is one.
DECISIONS = (Action.APPROVE_EXTENSION, Action.DENY_EXTENSION)
# Decided on a unit's 退单 (仲裁): offered only while one waits.
ARBITRATIONS = (Action.REASSIGN, Action.UPHOLD_RETURN, Action.DISMISS_RETURN)


def perform(name: str, *, actor, request, data: dict, files=()):
    """Run one action with the fields it takes; raises ValidationError / PermissionDenied / Conflict."""
    missing = [f for f in REQUIRED.get(name, []) if data.get(f) in (None, "")]
    if missing:
        raise ValidationError({f: _("此字段是必填项。") for f in missing})
    service, fields = ACTION_SERVICES[name]
    values = {**DEFAULTS, **{k: v for k, v in data.items() if v is not None or k not in DEFAULTS},
              "attachments": list(files)}
    kwargs = {f: values[f] for f in fields if f in values}
    return service(actor=actor, request=request, version=data.get("version"), **kwargs)


# The units' actions are offered to a unit whose task on the request is in these statuses.
TASK_WANTED = {Action.SIGN: (UnitTaskStatus.PENDING,), Action.FEEDBACK: (UnitTaskStatus.SIGNED,),
               Action.RETURN: OPEN_TASK_STATUSES}


def available(user, request, unit_tasks, pending_application=None) -> list[str]:
    """The actions this person may take on this request now (for the buttons; the services decide anyway).

    Each is the table's move from the request's status under its permission on the request
    (requests/rules.py). `unit_tasks` are the request's tasks (also prefetched as
    `request.unit_tasks`), `pending_application` its pending 延期申请, if any.
    """
    names = []
    for name in ACTION_SERVICES:
        move = TRANSITIONS[name]
        if request.status not in move.sources or not user.has_perm(move.permission, request):
            continue
        if name in TASK_WANTED and not any(t.unit_id == user.unit_id and t.status in TASK_WANTED[name]
                                           for t in unit_tasks):
            continue
        if name in DECISIONS and pending_application is None:
            continue
        if name in ARBITRATIONS and not any(t.awaits_arbitration for t in unit_tasks):
            continue
        if name == Action.APPLY_EXTENSION and pending_application is not None:
            continue
        names.append(name)
    return names
