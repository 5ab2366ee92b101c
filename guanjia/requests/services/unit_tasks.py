"""The units' part of a request: 转办 to a lead unit and co-units, 部门签收, 部门反馈, 退单 and 仲裁改派.

Each unit's task is a tracked item of its own (its deadline, its place in the unit's 我的待办),
moved by its own table (choices.TASK_MOVES); the move is written on the request's timeline.
A unit's deadline never ends after the request's own 办结时限 (`check_within_request`): extend the
request first. The center's other decisions on a 退单 (同意, 驳回) are in `arbitration`.
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
from guanjia.requests.workflow import UNIT_TASK
from guanjia.workflow import clocks, items, transitions
from guanjia.workflow.attachments import check_uploads, removed_if_failed


def move_task(task: UnitTask, action: str, *fields: str, at: dt.datetime) -> None:
    """Move a unit's task by its own table (409 where its status does not allow it), its clock with it."""
    transitions.check_move(UNIT_TASK, status=task.status, action=action)
    target = UNIT_TASK.moves[action].target
    if target is not None:  # else the service has set it (驳回退单: back to 待签收 or 办理中)
        task.status = target
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


def withdraw_unit_tasks(request: Request, at: dt.datetime, keep: Iterable[int] = ()) -> list[int]:
    """Withdraw (撤回) the units' open tasks and stop their clocks: the request has left the units' hands.
    A 退单 still waiting for the center has nothing left to decide (无需仲裁). `keep`: tasks (ids) that stay.

    Returns the units whose task was withdrawn: the event records them (`withdrawn_units`) so that they are told.
    """
    units = []
    for task in request.unit_tasks.filter(status__in=OPEN_TASK_STATUSES).exclude(pk__in=list(keep)):
        task.request = request
        move_task(task, TaskAction.WITHDRAW, at=at)
        units.append(task.unit_id)
    for task in waiting_returns(request):
        settle_return(task, Arbitration.SETTLED, at=at)
    return units


def waiting_returns(request: Request) -> list[UnitTask]:
    """The request's returned tasks (退单) still waiting for the center's decision, oldest first."""
    tasks = list(request.unit_tasks.select_related("unit").filter(status=UnitTaskStatus.RETURNED,
                                                                   arbitrated_at__isnull=True).order_by("pk"))
    for task in tasks:
        task.request = request
    return tasks


def settle_return(task: UnitTask, decision: str, *, at: dt.datetime, instruction: str = "") -> None:
    """Record the center's decision on a waiting 退单 that releases the unit: the task stays returned (its clock
    was cancelled when it was returned) and leaves every 我的待办."""
    task.arbitration, task.arbitrated_at, task.instruction = decision, at, instruction
    move_task(task, TaskAction.UPHOLD, "arbitration", "arbitrated_at", "instruction", at=at)


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


def request_deadline(request: Request) -> dt.datetime | None:
    """The request's current 办结时限: its running resolution clock's due time (None: no such clock runs)."""
    clock = common.running_clocks(request, ClockKind.RESOLUTION).order_by("-pk").first()
    return clock.due_at if clock is not None else None


def _day(moment: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(moment).date(), "SHORT_DATE_FORMAT")


def check_within_request(request: Request, due: dt.date | None, field: str) -> None:
    """A unit's deadline chosen by hand may not end after the request's own 办结时限: the unit would be on time
    while the request is late. A 400 on `field` naming both dates; extend the request first."""
    limit = request_deadline(request)
    if due is not None and limit is not None and due > timezone.localtime(limit).date():
        raise ValidationError({field: _("办理时限 %(unit)s 晚于诉求的办结时限 %(request)s；请先为诉求延期，"
                                        "或选择不晚于 %(request)s 的日期。") % {
            "unit": formats.date_format(due, "SHORT_DATE_FORMAT"), "request": _day(limit)}})


def _within_request(request: Request, rule: rules.Rule, at: dt.datetime) -> rules.Rule:
    """A deadline by the zone's rule that would end after the request's own ends with it instead (the close of
    the request's due day): nobody chose the later date, so nothing is refused."""
    limit = request_deadline(request)
    if limit is None or rule.until is not None:
        return rule
    due, _provisional = clocks.compute_due(start=at, measure=rule.measure, amount=rule.amount)
    if due <= limit:
        return rule
    return rules.Rule(rules.DAYS, 0, rule.warn, fixed=True, until=timezone.localtime(limit).date(),
                      earliest=timezone.localtime(at).date())


def create_unit_tasks(request: Request, lead_unit, co_units, at, unit_due: dt.date | None,
                      co_unit_due: dt.date | None = None, skip: Iterable[int] = ()) -> list[UnitTask]:
    """One task and clock per unit. `unit_due` sets every unit's deadline, `co_unit_due` the co-units'
    (协办单位 usually answer the lead unit before it must answer); else each follows the zone's rule. No
    deadline ends after the request's own. Units in `skip` (ids) keep the task they hold and get none."""
    lead_chosen, co_chosen = chosen_due(unit_due, "unit_due"), chosen_due(co_unit_due, "co_unit_due")
    check_within_request(request, unit_due, "unit_due")
    check_within_request(request, co_unit_due, "co_unit_due")
    lead_rule = lead_chosen or _within_request(request, common.rule(request, ClockKind.UNIT), at)
    co_rule = co_chosen or lead_rule
    if co_unit_due is not None:
        if not co_units:
            raise ValidationError({"co_unit_due": _("未选择协办单位，无需填写协办时限。")})
        lead_due, _provisional = clocks.compute_due(start=at, measure=lead_rule.measure, amount=lead_rule.amount)
        co_due, _provisional = clocks.compute_due(start=at, measure=co_rule.measure, amount=co_rule.amount)
        if co_due > lead_due:
            raise ValidationError({"co_unit_due": _("协办时限不能晚于牵头单位的时限（%(due)s）。") % {
                "due": formats.date_format(timezone.localtime(lead_due).date(), "SHORT_DATE_FORMAT")}})
    skip = set(skip)
    tasks = []
    for unit, role, rule in [(lead_unit, UnitTaskRole.LEAD, lead_rule),
                             *[(u, UnitTaskRole.CO, co_rule) for u in co_units]]:
        if unit.pk in skip:
            continue
        task, started = UnitTask(request=request, unit=unit, role=role, created_at=at), []

        def start(item, rule=rule, started=started):
            started.append(clocks.start(item=item, kind=ClockKind.UNIT, at=at, rule=rule))
            return started

        items.insert(task, at=at, start_clocks=start)
        task.due_at = started[0].due_at  # the unit's 办理时限, shown with its task
        task.save(update_fields=["due_at"])
        tasks.append(task)
    return tasks


def _kept_tasks(request: Request, units: list) -> dict[int, UnitTask]:
    """仲裁改派 to units that already hold the request: each keeps its task, open (its signature and deadline) or
    answered (its feedback stands), instead of starting again. Their newest task per unit."""
    kept: dict[int, UnitTask] = {}
    for task in request.unit_tasks.filter(unit__in=[u.pk for u in units],
                                          status__in=[*OPEN_TASK_STATUSES, UnitTaskStatus.DONE]).order_by("-pk"):
        task.request = request
        kept.setdefault(task.unit_id, task)
    return kept


def _hand_to_units(step: transitions.Step, *, lead_unit, co_units, unit_due, co_unit_due, comment: str,
                   fields: tuple[str, ...] = (), data: dict | None = None) -> None:
    """转办 or 改派: the units chosen now replace those still holding the request, each with a task and a clock.

    A 转办 starts every unit afresh. A 改派 keeps the task of a unit named again (`_kept_tasks`): the lead unit
    goes on when a co-unit's share is given elsewhere, and a unit's feedback is never thrown away; the
    request is then 部门办理中 if a kept unit has signed or answered, else 已转办.
    """
    request, now = step.obj, service_now()
    co_units = check_units(request, lead_unit, list(co_units))
    if step.action == Action.TRANSFER:
        for clock in common.running_clocks(request, ClockKind.FIRST_REPLY):
            clocks.stop(clock, at=now)
        if request.first_reply_at is None:
            request.first_reply_at = now
    kept = _kept_tasks(request, [lead_unit, *co_units]) if step.action == Action.REASSIGN else {}
    gone = withdraw_unit_tasks(request, now, keep=[t.pk for t in kept.values()])
    # The status the request moves to, set first: the units' new tasks are theirs to act on at once.
    working = any(t.status in (UnitTaskStatus.SIGNED, UnitTaskStatus.DONE) for t in kept.values())
    request.status = Status.IN_UNITS if working else Status.TRANSFERRED
    create_unit_tasks(request, lead_unit, co_units, now, unit_due, co_unit_due, skip=kept)
    for task in kept.values():
        task.role = UnitTaskRole.LEAD if task.unit_id == lead_unit.pk else UnitTaskRole.CO
        transitions.save(task, "role")
        items.sync(task, at=now)
    request.lead_unit = lead_unit
    step.finish("lead_unit", *fields, comment=comment, at=now,
                data={"lead_unit": lead_unit.pk, "co_units": [u.pk for u in co_units], **withdrawn(gone),
                      **({"kept_units": sorted(kept)} if kept else {}), **(data or {})})


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
    """仲裁改派: the center settles the waiting 退单 by giving the request to other units.

    Every waiting return is settled (the units released, told so); the units named replace those still
    holding the request, but one named again keeps its task (`_hand_to_units`). 409 when no return waits.
    """
    step = begin(actor=actor, request=request, action=Action.REASSIGN, version=version)
    waiting = waiting_returns(step.obj)
    if not waiting:
        raise Conflict(_("该诉求没有待仲裁的退单。"))
    check_units(step.obj, lead_unit, list(co_units))  # before anything moves
    now = service_now()
    for task in waiting:
        settle_return(task, Arbitration.REASSIGNED, at=now, instruction=(comment or "").strip())
    _hand_to_units(step, lead_unit=lead_unit, co_units=co_units, unit_due=unit_due, co_unit_due=co_unit_due,
                   comment=comment, data={"arbitrated_units": [t.unit_id for t in waiting]})
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
    """退单: a unit gives its task back with a reason; the center decides (同意, 驳回, 改派).

    The lead unit's 退单 sends the request to the center (退单待仲裁): nobody leads it until the center
    decides, and the co-units wait. A co-unit's leaves the request where it is, so that the lead unit goes
    on; its task waits in the center's 我的待办. The unit's clock is cancelled either way.
    """
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写退单理由。")})
    step = begin(actor=actor, request=request, action=Action.RETURN, version=version)
    request = step.obj
    task = task_of(actor, request, *OPEN_TASK_STATUSES)
    now = service_now()
    task.return_reason = reason.strip()
    task.arbitration, task.arbitrated_at, task.instruction = "", None, ""
    move_task(task, TaskAction.RETURN, "return_reason", "arbitration", "arbitrated_at", "instruction", at=now)
    if task.role == UnitTaskRole.LEAD:
        request.status = Status.RETURNED
        common.sync_open_tasks(request)
    step.finish(comment=reason, unit=task.unit, at=now, data={"role": task.role})
    return request
