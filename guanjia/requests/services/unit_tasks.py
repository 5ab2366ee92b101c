"""The units' part of a request: 转办 to a lead unit and co-units, 部门签收, 部门反馈, 退单 and 仲裁改派.

Each unit's task is a tracked item of its own (its deadline, its place in the unit's 我的待办),
moved by its own table (choices.TASK_MOVES); the move is written on the request's timeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from guanjia.core import calendar as workcal
from guanjia.core.clock import now as service_now
from guanjia.core.errors import Conflict
from guanjia.requests import clocks as rules
from guanjia.requests.choices import (
    OPEN_TASK_STATUSES,
    Action,
    ClockKind,
    TaskAction,
    UnitTaskRole,
    UnitTaskStatus,
)
from guanjia.requests.models import Request, UnitTask
from guanjia.requests.services import common
from guanjia.requests.services.common import begin, texts_limited
from guanjia.requests.workflow import UNIT_TASK
from guanjia.workflow import clocks, items, transitions
from guanjia.workflow.attachments import check_uploads, removed_if_failed


def move_task(task: UnitTask, action: str, *fields: str, at: dt.datetime) -> None:
    """Move a unit's task by its own table (409 where its status does not allow it), its clock with it."""
    transitions.check_move(UNIT_TASK, status=task.status, action=action)
    task.status = UNIT_TASK.moves[action].target
    transitions.save(task, "status", *fields)
    if action in (TaskAction.FEEDBACK, TaskAction.RETURN, TaskAction.WITHDRAW):
        for clock in clocks.running(task.item_id):
            if action == TaskAction.FEEDBACK:
                clocks.stop(clock, at=at)
            else:
                clocks.cancel(clock, at=at)
    items.sync(task, at=at)


def task_of(actor, request: Request, *statuses: str) -> UnitTask:
    """The actor's unit's task on the request in one of `statuses` (409 where it has none)."""
    task = (request.unit_tasks.select_related("unit").filter(unit=actor.unit_id, status__in=statuses).first()
            if actor.unit_id else None)
    if task is None:
        raise Conflict(_("本单位没有待办理的该诉求任务。"))
    task.request = request
    return task


def check_units(request: Request, lead_unit, co_units) -> list:
    co_units = [u for u in co_units if u is not None]
    if lead_unit is None:
        raise ValidationError({"lead_unit": _("请选择牵头单位。")})
    if any(u.zone_id != request.zone_id for u in [lead_unit, *co_units]):
        raise ValidationError({"lead_unit": _("承办单位须为本园区的单位。")})
    if lead_unit in co_units:
        raise ValidationError({"co_units": _("牵头单位不能同时是协办单位。")})
    if len(set(co_units)) != len(co_units):
        raise ValidationError({"co_units": _("协办单位重复。")})
    return co_units


def withdraw_unit_tasks(request: Request, at: dt.datetime) -> list[int]:
    """Withdraw (撤回) the units' open tasks and stop their clocks: the request has left the units' hands.

    Returns the units whose task was withdrawn: the event records them (`withdrawn_units`) so that they are told.
    """
    units = []
    for task in request.unit_tasks.filter(status__in=OPEN_TASK_STATUSES):
        task.request = request
        move_task(task, TaskAction.WITHDRAW, at=at)
        units.append(task.unit_id)
    return units


def withdrawn(units: list[int]) -> dict:
    """The event data naming the units whose task was withdrawn (none: nothing)."""
    return {"withdrawn_units": units} if units else {}


def chosen_due(due: dt.date | None, field: str) -> rules.Rule | None:
    """A deadline chosen by hand as a fixed rule: the close of the last working day on or before `due`."""
    if due is None:
        return None
    today = timezone.localtime(service_now()).date()
    if due < today:
        raise ValidationError({field: _("办理时限不能早于今天。")})
    try:  # today's close for today
        return rules.Rule(rules.DAYS, workcal.working_days_between(today, due), fixed=True, until=due)
    except workcal.CalendarUnavailable as error:
        raise ValidationError({field: error.message}) from error


def create_unit_tasks(request: Request, lead_unit, co_units, at, unit_due: dt.date | None,
                      co_unit_due: dt.date | None = None) -> list[UnitTask]:
    """One task and clock per unit. `unit_due` sets every unit's deadline, `co_unit_due` the co-units'
    (协办单位 usually answer the lead unit before it must answer); else each follows the zone's rule."""
    lead_rule = chosen_due(unit_due, "unit_due") or common.rule(request, ClockKind.UNIT)
    co_rule = chosen_due(co_unit_due, "co_unit_due") or lead_rule
    if co_unit_due is not None:
        if not co_units:
            raise ValidationError({"co_unit_due": _("未选择协办单位，无需填写协办时限。")})
        lead_due, _provisional = clocks.compute_due(start=at, measure=lead_rule.measure, amount=lead_rule.amount)
        co_due, _provisional = clocks.compute_due(start=at, measure=co_rule.measure, amount=co_rule.amount)
        if co_due > lead_due:
            raise ValidationError({"co_unit_due": _("协办时限不能晚于牵头单位的时限（%(due)s）。") % {
                "due": formats.date_format(timezone.localtime(lead_due).date(), "SHORT_DATE_FORMAT")}})
    tasks = []
    for unit, role, rule in [(lead_unit, UnitTaskRole.LEAD, lead_rule),
                             *[(u, UnitTaskRole.CO, co_rule) for u in co_units]]:
        task, started = UnitTask(request=request, unit=unit, role=role, created_at=at), []

        def start(item, rule=rule, started=started):
            started.append(clocks.start(item=item, kind=ClockKind.UNIT, at=at, rule=rule))
            return started

        items.insert(task, at=at, start_clocks=start)
        task.due_at = started[0].due_at  # the unit's 办理时限, shown with its task
        task.save(update_fields=["due_at"])
        tasks.append(task)
    return tasks


def _hand_to_units(step: transitions.Step, *, lead_unit, co_units, unit_due, co_unit_due, comment: str,
                   fields: tuple[str, ...] = ()) -> None:
    """转办 or 改派: the units chosen now replace those still holding the request, each with a task and a clock."""
    request, now = step.obj, service_now()
    co_units = check_units(request, lead_unit, list(co_units))
    if step.action == Action.TRANSFER:
        for clock in common.running_clocks(request, ClockKind.FIRST_REPLY):
            clocks.stop(clock, at=now)
        if request.first_reply_at is None:
            request.first_reply_at = now
    gone = withdraw_unit_tasks(request, now)
    create_unit_tasks(request, lead_unit, co_units, now, unit_due, co_unit_due)
    request.lead_unit = lead_unit
    step.finish("lead_unit", *fields, comment=comment, at=now,
                data={"lead_unit": lead_unit.pk, "co_units": [u.pk for u in co_units], **withdrawn(gone)})


@texts_limited
@transaction.atomic
def request_transfer(*, actor, request: Request, lead_unit, co_units: Iterable = (), comment: str = "",
                     unit_due: dt.date | None = None, co_unit_due: dt.date | None = None,
                     version: int | None = None) -> Request:
    """转办: hand the request to a lead unit and co-units, each with its own deadline."""
    step = begin(actor=actor, request=request, action=Action.TRANSFER, version=version)
    _hand_to_units(step, lead_unit=lead_unit, co_units=co_units, unit_due=unit_due, co_unit_due=co_unit_due,
                   comment=comment, fields=("first_reply_at",))
    return step.obj


@texts_limited
@transaction.atomic
def request_reassign(*, actor, request: Request, lead_unit, co_units: Iterable = (), comment: str = "",
                     unit_due: dt.date | None = None, co_unit_due: dt.date | None = None,
                     version: int | None = None) -> Request:
    """仲裁改派: the center settles a return and transfers the request again."""
    step = begin(actor=actor, request=request, action=Action.REASSIGN, version=version)
    _hand_to_units(step, lead_unit=lead_unit, co_units=co_units, unit_due=unit_due, co_unit_due=co_unit_due,
                   comment=comment)
    return step.obj


@texts_limited
@transaction.atomic
def request_unit_sign(*, actor, request: Request, comment: str = "", version: int | None = None) -> Request:
    """部门签收: a unit takes its part of the request."""
    step = begin(actor=actor, request=request, action=Action.SIGN, version=version)
    task = task_of(actor, step.obj, UnitTaskStatus.PENDING)
    now = service_now()
    task.signed_at, task.signed_by = now, actor
    move_task(task, TaskAction.SIGN, "signed_at", "signed_by", at=now)
    step.finish(comment=comment, unit=task.unit, at=now)
    return step.obj


@texts_limited
@removed_if_failed
@transaction.atomic
def request_unit_feedback(*, actor, request: Request, comment: str, attachments: Iterable = (),
                          version: int | None = None) -> Request:
    """部门反馈: a unit reports what it did; its own clock stops."""
    if not (comment or "").strip():
        raise ValidationError({"comment": _("请填写办理反馈。")})
    attachments = list(attachments)
    check_uploads(attachments)
    step = begin(actor=actor, request=request, action=Action.FEEDBACK, version=version)
    task = task_of(actor, step.obj, UnitTaskStatus.SIGNED)
    now = service_now()
    task.feedback, task.done_at = comment.strip(), now
    move_task(task, TaskAction.FEEDBACK, "feedback", "done_at", at=now)
    step.finish(comment=comment, unit=task.unit, attachments=attachments, at=now)
    return step.obj


@texts_limited
@transaction.atomic
def request_return(*, actor, request: Request, reason: str, version: int | None = None) -> Request:
    """退单: a unit gives the request back with a reason; the center arbitrates."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写退单理由。")})
    step = begin(actor=actor, request=request, action=Action.RETURN, version=version)
    task = task_of(actor, step.obj, *OPEN_TASK_STATUSES)
    now = service_now()
    task.return_reason = reason.strip()
    move_task(task, TaskAction.RETURN, "return_reason", at=now)
    step.finish(comment=reason, unit=task.unit, at=now)
    return step.obj
