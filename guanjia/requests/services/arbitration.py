"""仲裁: the center's decision on a unit's 退单, one returned task at a time.

A unit's 退单 (`unit_tasks.request_return`) waits for the center, which decides:

- 同意退单 (`request_uphold_return`): the unit is released; its task stays returned, its clock cancelled;
- 驳回退单 (`request_dismiss_return`): the task is the unit's again, with the center's instruction;
- 仲裁改派 (`unit_tasks.request_reassign`): the request goes to other units.

The decision is written on the request's timeline (never shown to the enterprise: `requests.disclosure`),
and the unit and the request's butler hear of it (`requests.notices`).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanjia.core.clock import now as service_now
from guanjia.core.errors import Conflict
from guanjia.requests import clocks as rules
from guanjia.requests.choices import (
    Action,
    Arbitration,
    ClockKind,
    Status,
    TaskAction,
    UnitTaskRole,
    UnitTaskStatus,
)
from guanjia.requests.models import Request, UnitTask
from guanjia.requests.services import common
from guanjia.requests.services.common import begin, texts_limited
from guanjia.requests.services.unit_tasks import settle_return, waiting_returns
from guanjia.requests.workflow import UNIT_TASK
from guanjia.workflow import clocks, transitions


def waiting_task(request: Request, unit) -> UnitTask:
    """The returned task the center decides on: the unit's (`unit`, an id or a Unit), or the only one waiting.

    409 when none waits; a 400 on `unit` when several wait and none is named, or the unit named has none.
    """
    waiting = waiting_returns(request)
    if unit is not None:
        unit_id = getattr(unit, "pk", unit)
        found = [t for t in waiting if t.unit_id == unit_id]
        if not found:
            raise ValidationError({"unit": _("该单位没有待仲裁的退单。")})
        return found[0]
    if not waiting:
        raise Conflict(_("该诉求没有待仲裁的退单。"))
    if len(waiting) > 1:
        raise ValidationError({"unit": _("有 %(n)d 个单位的退单待仲裁，请选择要仲裁的单位。") % {"n": len(waiting)}})
    return waiting[0]


def _lead_return_waits(request: Request, task: UnitTask) -> bool:
    """Whether a lead unit's 退单 other than `task` still waits for the center (the request stays 退单待仲裁)."""
    return any(t.pk != task.pk and t.role == UnitTaskRole.LEAD for t in waiting_returns(request))


def _units_status(request: Request) -> str:
    """The request's status with the units: 部门办理中 once one of them has signed or answered, else 已转办."""
    working = request.unit_tasks.filter(status__in=[UnitTaskStatus.SIGNED, UnitTaskStatus.DONE]).exists()
    return Status.IN_UNITS if working else Status.TRANSFERRED


@texts_limited
@transaction.atomic
def request_uphold_return(*, actor, request: Request, unit=None, comment: str = "",
                          version: int | None = None) -> Request:
    """同意退单: the center agrees the unit was not the one to handle it; the unit is released.

    The task stays returned and its clock stays cancelled; the other units go on. When the lead unit is
    released, no unit leads the request any more: it goes back to 办理中 (ACCEPTED), with its butler (the
    center where it has none), because that is the status from which a request is transferred (转办) to a
    new lead unit, and from which the butler may also answer or settle it alone; its 办结时限 runs on. The
    co-units keep their tasks and wait (apart in their 我的待办) for that transfer.
    """
    step = begin(actor=actor, request=request, action=Action.UPHOLD_RETURN, version=version)
    request = step.obj
    task = waiting_task(request, unit)
    now = service_now()
    settle_return(task, Arbitration.UPHELD, at=now, instruction=(comment or "").strip())
    fields = []
    if task.role == UnitTaskRole.LEAD:
        request.status, request.lead_unit = Status.ACCEPTED, None
        fields.append("lead_unit")
        common.sync_open_tasks(request)
    elif request.status == Status.RETURNED and not _lead_return_waits(request, task):
        # A co-unit's return made before the arbitration (it sent the whole request to 退单待仲裁): released,
        # the request is the lead unit's again.
        request.status = _units_status(request)
        common.sync_open_tasks(request)
    step.finish(*fields, comment=comment, unit=task.unit, at=now,
                data={"task": task.pk, "role": task.role, "decision": Arbitration.UPHELD})
    return request


def _resumed_rule(request: Request, task: UnitTask, at: dt.datetime) -> rules.Rule:
    """The deadline a task gets back when its 退单 is dismissed: the one it had (退单不停表).

    A return the center finds unfounded gains the unit no time: its 办理时限 resumes at the date it had,
    counted on the calendar as a date chosen by hand is; a date already past closes today (at once overdue,
    as it would have been). A task without a deadline (none before this version) gets the zone's rule.
    """
    rule = common.rule(request, ClockKind.UNIT)
    if task.due_at is None:
        return rule
    return rules.Rule(rules.DAYS, 0, rule.warn, fixed=True, until=timezone.localtime(task.due_at).date(),
                      earliest=timezone.localtime(at).date())


@texts_limited
@transaction.atomic
def request_dismiss_return(*, actor, request: Request, comment: str, unit=None,
                           version: int | None = None) -> Request:
    """驳回退单: the center finds the return unfounded; the task is the unit's again with its instruction.

    The task goes back to 待签收 or 办理中, as it was before the return, with its old deadline
    (`_resumed_rule`). The lead unit's dismissed return takes the request back to the units (部门办理中
    or 已转办), and the co-units go on.
    """
    if not (comment or "").strip():
        raise ValidationError({"comment": _("请填写仲裁意见：告诉退单单位应如何继续办理。")})
    step = begin(actor=actor, request=request, action=Action.DISMISS_RETURN, version=version)
    request = step.obj
    task = waiting_task(request, unit)
    transitions.check_move(UNIT_TASK, status=task.status, action=TaskAction.DISMISS)
    now = service_now()
    task.status = UnitTaskStatus.SIGNED if task.signed_at else UnitTaskStatus.PENDING
    task.arbitration, task.arbitrated_at, task.instruction = Arbitration.DISMISSED, now, comment.strip()
    clock = clocks.start(item=task.item_id, kind=ClockKind.UNIT, at=now, rule=_resumed_rule(request, task, now))
    task.due_at = clock.due_at
    if request.status == Status.RETURNED and not _lead_return_waits(request, task):
        # Back with the units, unless the lead unit's own return still waits: the request waits for that one.
        request.status = Status.IN_UNITS if task.status == UnitTaskStatus.SIGNED else _units_status(request)
    transitions.save(task, "status", "arbitration", "arbitrated_at", "instruction", "due_at")
    common.sync_open_tasks(request)  # this task among them: the unit's to act on again
    step.finish(comment=comment, unit=task.unit, at=now,
                data={"task": task.pk, "role": task.role, "decision": Arbitration.DISMISSED})
    return request
