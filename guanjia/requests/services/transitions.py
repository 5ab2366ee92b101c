"""A request's own moves (choices.MOVES), one short service each: 签收, 初步答复, 中止 / 恢复, 升级, 办结,
回访评价, 重办, 关闭, 并单, and the notes and material written on its timeline.

Each begins with the kernel's transition helper (lock, 403, 409), changes the request and its
clocks, and finishes it (status, version, tracked item, timeline row) in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guanjia.core.choices import Role
from guanjia.core.clock import now as service_now
from guanjia.core.text import listed
from guanjia.requests.choices import (
    MOVES,
    OPEN_TASK_STATUSES,
    Action,
    ClockKind,
    EscalationTarget,
    Rating,
    Status,
    SuspendReason,
)
from guanjia.requests.models import Request, RequestRating
from guanjia.requests.services import common
from guanjia.requests.services.common import begin, texts_limited
from guanjia.requests.services.extensions import withdraw_applications
from guanjia.requests.services.unit_tasks import withdraw_unit_tasks, withdrawn
from guanjia.requests.workflow import REQUEST
from guanjia.workflow import clocks, timeline, transitions
from guanjia.workflow.attachments import check_uploads, removed_if_failed
from guanjia.workflow.models import Clock, Event


@texts_limited
@transaction.atomic
def request_accept(*, actor, request: Request, comment: str = "", version: int | None = None) -> Request:
    """签收: the butler (or the center) takes the request; the first-answer and resolution clocks start."""
    step = begin(actor=actor, request=request, action=Action.ACCEPT, version=version)
    request, now = step.obj, service_now()
    for clock in common.running_clocks(request, ClockKind.SIGN):
        clocks.stop(clock, at=now)
    request.accepted_at = now
    if request.butler_id is None and actor.has_role(Role.BUTLER):  # a butler who takes it serves it
        request.butler = actor
    common.start_clock(request, ClockKind.FIRST_REPLY, now)
    common.start_resolution_clock(request, now)
    step.finish("accepted_at", "butler", "due_at", "due_provisional", comment=comment, at=now)
    return request


@texts_limited
@transaction.atomic
def request_reply(*, actor, request: Request, answer: str, resolve: bool = False, comment: str = "",
                  version: int | None = None) -> Request:
    """初步办理回复: the butler's first answer; it may settle the request at once."""
    if not (answer or "").strip():
        raise ValidationError({"answer": _("请填写答复内容。")})
    step = begin(actor=actor, request=request, action=Action.REPLY, version=version)
    if resolve:  # settling it at once is 办结 as well: whoever may not resolve may only answer
        transitions.check_permission(REQUEST, actor=actor, action=Action.RESOLVE, obj=step.obj)
    request, now = step.obj, service_now()
    for clock in common.running_clocks(request, ClockKind.FIRST_REPLY):
        clocks.stop(clock, at=now)
    if request.first_reply_at is None:
        request.first_reply_at = now
    request.answer = answer.strip()
    fields, gone = ["first_reply_at", "answer"], []
    if resolve:
        common.mark_resolved(request, now)
        gone = withdraw_unit_tasks(request, now)
        common.settle_clocks(request, now)
        fields += ["resolved_at", "resolution_working_days"]
    step.finish(*fields, comment=comment or answer, data={"resolved": resolve, **withdrawn(gone)}, at=now)
    return request


def _task_clocks(request: Request):
    """The running clocks of the units' open tasks on the request."""
    return Clock.objects.filter(item__in=request.unit_tasks.filter(status__in=OPEN_TASK_STATUSES).values("item"),
                                stopped_at__isnull=True, cancelled=False)


@texts_limited
@transaction.atomic
def request_suspend(*, actor, request: Request, reason: str, comment: str = "", version: int | None = None
                    ) -> Request:
    """中止: stop every clock, the units' included, for a typed reason (e.g. waiting for the enterprise's material)."""
    if reason not in SuspendReason.values:
        raise ValidationError({"reason": _("请选择中止原因（%(choices)s）。") % {
            "choices": listed(SuspendReason.labels)}})
    step = begin(actor=actor, request=request, action=Action.SUSPEND, version=version)
    request, now = step.obj, service_now()
    for clock in [*common.running_clocks(request), *_task_clocks(request)]:
        clocks.pause(clock, at=now)
    request.status_before_suspend, request.suspend_reason = request.status, reason
    step.finish("status_before_suspend", "suspend_reason", comment=comment, data={"reason": reason}, at=now)
    common.sync_open_tasks(request)  # the units' tasks wait apart now, their clocks paused
    return request


@texts_limited
@transaction.atomic
def request_resume(*, actor, request: Request, comment: str = "", version: int | None = None) -> Request:
    """恢复: the clocks run again, their deadlines moved by the working days the suspension took."""
    step = begin(actor=actor, request=request, action=Action.RESUME, version=version)
    request, now = step.obj, service_now()
    paused = [c for c in [*common.running_clocks(request), *_task_clocks(request)] if c.paused_at is not None]
    paused_since = min((c.paused_at for c in paused), default=None)
    for clock in paused:
        clocks.resume(clock, at=now)
    if paused_since is not None:
        request.suspended_working_days += clocks.paused_working_days(paused_since, now)
    request.status = request.status_before_suspend or Status.ACCEPTED
    request.status_before_suspend, request.suspend_reason = "", ""
    common.refresh_due(request)
    step.finish("status_before_suspend", "suspend_reason", "suspended_working_days", "due_at", "due_provisional",
                comment=comment, at=now)
    task_items = {c.item_id for c in paused if c.item_id != request.item_id}
    common.mirror_deadlines(sorted(task_items))
    common.sync_open_tasks(request)  # theirs to act on again, with their moved deadlines
    return request


@texts_limited
@transaction.atomic
def request_escalate(*, actor, request: Request, target: str, comment: str = "", version: int | None = None
                     ) -> Request:
    """升级: what the butler cannot settle goes to the station head, a leader, or a joint meeting."""
    if target not in EscalationTarget.values:
        raise ValidationError({"target": _("请选择升级对象。")})
    step = begin(actor=actor, request=request, action=Action.ESCALATE, version=version)
    step.obj.escalated_to = target
    step.finish("escalated_to", comment=comment, data={"target": target})
    return step.obj


@texts_limited
@transaction.atomic
def request_resolve(*, actor, request: Request, answer: str, comment: str = "", version: int | None = None
                    ) -> Request:
    """办结: the request is settled with an answer; the enterprise is then asked (回访)."""
    if not (answer or "").strip():
        raise ValidationError({"answer": _("请填写办结答复。")})
    step = begin(actor=actor, request=request, action=Action.RESOLVE, version=version)
    request, now = step.obj, service_now()
    common.settle_clocks(request, now)
    gone = withdraw_unit_tasks(request, now)
    if request.first_reply_at is None:
        request.first_reply_at = now
    common.mark_resolved(request, now)
    request.answer = answer.strip()
    step.finish("resolved_at", "resolution_working_days", "answer", "first_reply_at", comment=comment or answer,
                data=withdrawn(gone), at=now)
    return request


def _reopen(request: Request, now) -> None:
    request.status, request.resolved_at, request.closed_at = Status.ACCEPTED, None, None
    request.resolution_working_days = None
    request.reopen_count += 1
    for clock in common.running_clocks(request, ClockKind.RESOLUTION):
        clocks.cancel(clock, at=now)
    common.start_resolution_clock(request, now)


REOPENED_FIELDS = ("resolved_at", "closed_at", "reopen_count", "due_at", "due_provisional", "resolution_working_days")


@texts_limited
@transaction.atomic
def request_rate(*, actor, request: Request, rating: str, reason: str = "", version: int | None = None) -> Request:
    """回访评价 by the enterprise's contact: satisfied closes it, unsatisfied reopens it (重办)."""
    if rating not in Rating.values:
        raise ValidationError({"rating": _("请选择评价：满意、基本满意或不满意。")})
    if rating == Rating.UNSATISFIED and not (reason or "").strip():
        raise ValidationError({"reason": _("不满意时请说明原因。")})
    step = begin(actor=actor, request=request, action=Action.RATE, version=version)
    request, now = step.obj, service_now()
    request.rating, request.rating_reason, request.rated_at = rating, (reason or "").strip(), now
    # Its own record besides the current rating: the 满意率 counts every rating, the superseded ones too.
    record = RequestRating(request=request, number=request.ratings.count() + 1, rating=rating,
                           reason=request.rating_reason, rated_by=actor, rated_at=now)
    record.full_clean(exclude=["request", "rated_by"])
    record.save()
    if rating == Rating.UNSATISFIED:
        _reopen(request, now)
    else:
        request.status, request.closed_at = Status.CLOSED, now
    step.finish("rating", "rating_reason", "rated_at", *REOPENED_FIELDS, comment=reason, data={"rating": rating},
                at=now)
    return request


@texts_limited
@transaction.atomic
def request_reopen(*, actor, request: Request, comment: str, version: int | None = None) -> Request:
    """重办 on the center's or a leader's decision."""
    if not (comment or "").strip():
        raise ValidationError({"comment": _("请填写重办理由。")})
    step = begin(actor=actor, request=request, action=Action.REOPEN, version=version)
    now = service_now()
    _reopen(step.obj, now)
    step.finish(*REOPENED_FIELDS, comment=comment, at=now)
    return step.obj


@texts_limited
@transaction.atomic
def request_close(*, actor, request: Request, comment: str = "", version: int | None = None) -> Request:
    """关闭 without a rating (e.g. the enterprise did not answer the 回访)."""
    step = begin(actor=actor, request=request, action=Action.CLOSE, version=version)
    now = service_now()
    step.obj.closed_at = now
    step.finish("closed_at", comment=comment, at=now)
    return step.obj


@texts_limited
@transaction.atomic
def request_merge(*, actor, request: Request, into: Request, comment: str = "", version: int | None = None
                  ) -> Request:
    """并单: a duplicate is merged into the request that goes on; its clocks stop counting."""
    if into.pk == request.pk or into.enterprise_id != request.enterprise_id:
        raise ValidationError({"into": _("只能并入同一企业的另一条诉求。")})
    if into.status not in MOVES[Action.MERGE].sources and into.status != Status.RESOLVED:
        raise ValidationError({"into": _("目标诉求已关闭，不能并入。")})
    step = begin(actor=actor, request=request, action=Action.MERGE, version=version)
    request, now = step.obj, service_now()
    gone = withdraw_unit_tasks(request, now)
    withdraw_applications(request, now)
    for clock in common.running_clocks(request):
        clocks.cancel(clock, at=now)
    request.merged_into = into
    step.finish("merged_into", comment=comment, data={"into": into.pk, **withdrawn(gone)}, at=now)
    timeline.record(item_id=into.item_id, actor=actor, action=Action.MERGE, from_status=into.status,
                    to_status=into.status, comment=_("并入 %(number)s") % {"number": request.number},
                    data={"from": request.pk}, at=now)
    return request


def _on_timeline(*, actor, request: Request, action: str, comment: str, internal: bool, attachments) -> Event:
    """A note or material: written on the timeline under the move's checks, without changing the request."""
    step = begin(actor=actor, request=request, action=action)
    return timeline.record(item_id=step.obj.item_id, actor=actor, action=action, from_status=step.obj.status,
                           to_status=step.obj.status, comment=comment, internal=internal, attachments=attachments)


@texts_limited
@removed_if_failed
@transaction.atomic
def request_add_note(*, actor, request: Request, comment: str, internal: bool = True,
                     attachments: Iterable = ()) -> Event:
    """A note on the timeline: internal (hidden from the enterprise) unless said otherwise."""
    if not (comment or "").strip():
        raise ValidationError({"comment": _("请填写内容。")})
    attachments = list(attachments)
    check_uploads(attachments)
    return _on_timeline(actor=actor, request=request, action=Action.NOTE, comment=comment, internal=internal,
                        attachments=attachments)


@texts_limited
@removed_if_failed
@transaction.atomic
def request_supply(*, actor, request: Request, comment: str, attachments: Iterable = ()) -> Event:
    """企业补充材料: the enterprise adds what was asked for (visible to everyone on the request)."""
    attachments = list(attachments)
    check_uploads(attachments)
    if not (comment or "").strip() and not attachments:
        raise ValidationError({"comment": _("请填写说明或上传材料。")})
    return _on_timeline(actor=actor, request=request, action=Action.SUPPLY, comment=comment, internal=False,
                        attachments=attachments)
