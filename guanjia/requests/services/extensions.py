"""延期: extending a request's 办结时限, capped and counted, and the application for one (申请延期 → 批准 / 驳回).

An application is a tracked item of its own, waiting in the approvers' 我的待办 while it is
pending; it moves by its own table (choices.APPLICATION_MOVES). Its events are written on the
request's timeline, internal: the enterprise sees the extension, not the deliberation.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanjia.core import calendar as workcal
from guanjia.core.clock import now as service_now
from guanjia.core.errors import Conflict
from guanjia.requests.choices import OPEN_TASK_STATUSES, Action, ApplicationAction, ClockKind
from guanjia.requests.models import ExtensionApplication, Request, UnitTask
from guanjia.requests.services import common
from guanjia.requests.services.common import begin, texts_limited
from guanjia.requests.workflow import EXTENSION_APPLICATION
from guanjia.workflow import clocks, items, transitions

MAX_EXTENSIONS = 2
MAX_EXTENSION_DAYS = 30


def _check_extension(*, days, reason) -> None:
    errors = {}
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        errors["days"] = _("延期天数须为正整数。")
    if not (reason or "").strip():
        errors["reason"] = _("请填写延期理由。")
    if errors:
        raise ValidationError(errors)


def _check_extension_cap(request: Request, days: int) -> None:
    """The cap on extensions: at most MAX_EXTENSIONS of them, MAX_EXTENSION_DAYS working days in all."""
    if request.extension_count >= MAX_EXTENSIONS:
        raise Conflict(_("该诉求已延期 %(n)d 次，不能再延期。") % {"n": request.extension_count})
    if request.extended_days + days > MAX_EXTENSION_DAYS:
        raise ValidationError({"days": _("累计延期不能超过 %(max)d 个工作日（已延期 %(used)d 个）。") % {
            "max": MAX_EXTENSION_DAYS, "used": request.extended_days}})


def _decide(application: ExtensionApplication, action: str, *, actor, at: dt.datetime, reason: str = "") -> None:
    """Move an application by its own table and take it out of (or keep it in) the approvers' 我的待办."""
    transitions.check_move(EXTENSION_APPLICATION, status=application.status, action=action)
    application.status = EXTENSION_APPLICATION.moves[action].target
    application.decided_by, application.decided_at = actor, at
    application.decision_reason = reason
    application.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"])
    items.sync(application, at=at)


def withdraw_applications(request: Request, at: dt.datetime) -> None:
    """A 延期申请 still waiting when the request is resolved or merged has nothing left to decide: 已撤回."""
    for application in ExtensionApplication.objects.pending().filter(request=request):
        application.request = request
        _decide(application, ApplicationAction.WITHDRAW, actor=None, at=at)


def _pending_application(request: Request) -> ExtensionApplication:
    application = (ExtensionApplication.objects.select_for_update(of=("self",)).pending()
                   .filter(request=request).select_related("unit").first())
    if application is None:
        raise Conflict(_("该诉求没有待审批的延期申请。"))
    application.request = request
    return application


def _move_unit_deadlines(request: Request, at: dt.datetime) -> list[int]:
    """Move every open unit task's deadline that ends before the request's new 办结时限 to it (the kernel's
    clock `extend`, by the working days between them). Returns the units moved, in their tasks' order."""
    moved = []
    new_day = timezone.localtime(request.due_at).date()
    tasks = (UnitTask.objects.filter(request=request, status__in=OPEN_TASK_STATUSES).select_related("unit")
             .order_by("role", "pk"))
    for task in tasks:
        task.request = request
        moved_clock = None
        for clock in clocks.running(task.item_id):
            if clock.kind != ClockKind.UNIT or clock.due_at >= request.due_at:
                continue
            try:
                days = workcal.working_days_between(timezone.localtime(clock.due_at).date(), new_day)
            except workcal.CalendarUnavailable as error:
                raise ValidationError({"move_unit_deadlines": error.message}) from error
            if days > 0:
                clocks.extend(clock, days=days, at=at)
                moved_clock = clock
        if moved_clock is not None:
            task.due_at = moved_clock.due_at
            task.save(update_fields=["due_at", "updated_at"])
            items.sync(task, at=at)
            moved.append(task.unit_id)
    return moved


@texts_limited
@transaction.atomic
def request_extend(*, actor, request: Request, days: int, reason: str, version: int | None = None,
                   application: ExtensionApplication | None = None, move_unit_deadlines: bool = False) -> Request:
    """延期: an approver moves the resolution deadline; capped in number and total days, and counted.

    `application` is the 延期申请 being approved (request_approve_extension), recorded on the event.
    The units' deadlines stay as they are unless the approver chooses `move_unit_deadlines`: then every open
    unit task whose deadline ends before the new 办结时限 is moved to it, and the event names them
    (`moved_units`).
    """
    _check_extension(days=days, reason=reason)
    step = begin(actor=actor, request=request, action=Action.EXTEND, version=version)
    request = step.obj
    _check_extension_cap(request, days)
    now = service_now()
    for clock in common.running_clocks(request, ClockKind.RESOLUTION):
        clocks.extend(clock, days=days, at=now)
    request.extension_count += 1
    request.extended_days += days
    common.refresh_due(request)
    data = {"days": days}
    if application is not None:
        data.update(application=application.pk, applicant=application.applicant_id)
    if move_unit_deadlines and request.due_at is not None:
        data["moved_units"] = _move_unit_deadlines(request, now)
    step.finish("extension_count", "extended_days", "due_at", "due_provisional", comment=reason, data=data, at=now)
    return request


@texts_limited
@transaction.atomic
def request_apply_extension(*, actor, request: Request, days: int, reason: str, version: int | None = None
                            ) -> Request:
    """申请延期: the request's butler, or a unit still working on it, asks a leader or admin for more time.

    The cap is checked now, so that nobody waits for an approval that could not be given; one
    application may be pending per request.
    """
    _check_extension(days=days, reason=reason)
    step = begin(actor=actor, request=request, action=Action.APPLY_EXTENSION, version=version)
    request = step.obj
    own_butler = actor.is_superuser or request.butler_id == actor.pk
    unit = None if own_butler else actor.unit
    if ExtensionApplication.objects.pending().filter(request=request).exists():
        raise Conflict(_("该诉求已有一份延期申请待审批，请等待审批结果。"))
    _check_extension_cap(request, days)
    now = service_now()
    application = ExtensionApplication(request=request, applicant=actor, unit=unit, days=days,
                                       reason=reason.strip(), created_at=now)
    application.full_clean(exclude=["request", "applicant", "unit", "item"])
    items.insert(application, at=now)
    # The page an approver reads has changed: a decision sent from an older one is refused.
    step.finish(comment=application.reason, unit=unit, internal=True, at=now,
                data={"days": days, "application": application.pk})
    return request


@texts_limited
@transaction.atomic
def request_approve_extension(*, actor, request: Request, comment: str = "", version: int | None = None,
                              move_unit_deadlines: bool = False) -> Request:
    """批准延期: the pending application is granted through `request_extend` (its cap, count and clocks; the
    units' deadlines moved with it only if the approver chooses `move_unit_deadlines`)."""
    step = begin(actor=actor, request=request, action=Action.APPROVE_EXTENSION, version=version)
    application = _pending_application(step.obj)
    now = service_now()
    _decide(application, ApplicationAction.APPROVE, actor=actor, at=now, reason=(comment or "").strip())
    step.finish(comment=comment, internal=True, unit=application.unit, at=now,
                data={"days": application.days, "application": application.pk, "applicant": application.applicant_id})
    return request_extend(actor=actor, request=step.obj, days=application.days, reason=application.reason,
                          application=application, move_unit_deadlines=move_unit_deadlines)


@texts_limited
@transaction.atomic
def request_deny_extension(*, actor, request: Request, reason: str, version: int | None = None) -> Request:
    """驳回延期申请: the approver refuses the pending application, with a reason; the deadline stays."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写驳回理由。")})
    step = begin(actor=actor, request=request, action=Action.DENY_EXTENSION, version=version)
    application = _pending_application(step.obj)
    now = service_now()
    _decide(application, ApplicationAction.DENY, actor=actor, at=now, reason=reason.strip())
    step.finish(comment=reason, internal=True, unit=application.unit, at=now,
                data={"days": application.days, "application": application.pk, "applicant": application.applicant_id})
    return step.obj

