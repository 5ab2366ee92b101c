"""A handbook item's life after it is planned (代办事项): one short service per move of APPROVAL_MOVES.

未启动 → 准备材料 → 已受理 (or 容缺受理: the gap, the enterprise's written commitment, the date it is due)
→ 审查中 ⇄ 补正 → 已办结 (document number, date, scan) / 不予许可 (reason) / 不适用 (reason).

Each begins with the kernel's transition helper (lock, 403, 409), moves the item's clocks and finishes
the move (status, version, tracked item, timeline row) in one transaction. The clocks: the plan's date
until the authority accepts the item (started by the planner), then its two limits in working days from
the acceptance (承诺时限 and 法定时限, 次日起算); 补正 pauses them, or, where the item says `restart`, stops
their count and starts them again from the full amount when the material comes back; a 容缺 gap has a
clock of its own until the date it is due, which the kernel's reminder job flags and reminds when late.
Moves that change what the plan knows of the item send `signals.approval_moved` (the planner re-plans).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanjia.approvals.choices import Action, Clock, OnCorrection, Status
from guanjia.approvals.models import Approval
from guanjia.approvals.signals import approval_moved
from guanjia.approvals.workflow import APPROVAL
from guanjia.core import calendar as workcal
from guanjia.core.audit import audit_context
from guanjia.core.clock import now as service_now
from guanjia.core.errors import Conflict
from guanjia.core.services import texts_limited
from guanjia.workflow import clocks, transitions
from guanjia.workflow.attachments import check_uploads, removed_if_failed
from guanjia.workflow.choices import Ledger, Measure
from guanjia.workflow.models import Clock as KernelClock
from guanjia.workflow.models import ClockEvent

LIMITS = (Clock.COMMITTED, Clock.STATUTORY)
# A limit turns due soon this many working days before its last day.
WARN_DAYS = 1
DOCUMENT_NUMBER_MAX = Approval._meta.get_field("document_number").max_length
TEXTS = ("comment", "reason", "gap")


# -- shared -------------------------------------------------------------------------------------------------------


def _begin(*, actor, approval: Approval, action: str, version: int | None = None) -> transitions.Step:
    """Lock the item, then check who may act (403), the version read and whether its status allows it (409)."""
    return transitions.begin(APPROVAL, actor=actor, obj=approval, action=action, version=version,
                             queryset=Approval.objects.select_related("project", "handbook"))


def _today(now: dt.datetime) -> dt.date:
    return timezone.localtime(now).date()


def _moment(day: dt.date, now: dt.datetime) -> dt.datetime:
    """When a move dated `day` took place on its clocks: now for today, midday of an earlier day."""
    if day == _today(now):
        return now
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_default_timezone())


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _running(approval: Approval, *kinds: str) -> list[KernelClock]:
    queryset = KernelClock.objects.filter(item=approval.item_id, stopped_at__isnull=True, cancelled=False)
    return list(queryset.filter(kind__in=kinds) if kinds else queryset)


def _latest(approval: Approval, kind: str) -> KernelClock | None:
    return (KernelClock.objects.filter(item=approval.item_id, kind=kind, cancelled=False).order_by("-pk").first())


def current_due(item_id: int) -> tuple[dt.datetime | None, bool]:
    """The deadline an item shows: its committed limit once accepted, else the plan's date (and provisional)."""
    found = {}
    for clock in KernelClock.objects.filter(item=item_id, kind__in=(Clock.COMMITTED, Clock.PLAN),
                                            cancelled=False).order_by("pk"):
        found[clock.kind] = clock
    clock = found.get(Clock.COMMITTED) or found.get(Clock.PLAN)
    return (clock.due_at, clock.provisional) if clock is not None else (None, False)


def _mirror_due(approval: Approval) -> None:
    approval.due_at = current_due(approval.item_id)[0]


def mirror_deadlines(item_ids: list[int]) -> None:
    """Show moved deadlines (a year's holidays loaded) on the items' rows (`due_at`)."""
    for item_id in item_ids:
        Approval.objects.filter(item=item_id).update(due_at=current_due(item_id)[0])


def working_days_used(clock: KernelClock, *, until: dt.datetime | None = None, calendar=None) -> int | None:
    """The working days a limit's clock actually ran, from its ledger: from its start (or its last restart,
    after which the limit counts again in full) to its stop (or `until`), 次日起算, pauses excluded."""
    events = list(clock.events.all())
    origin, counted = clock.started_at, events
    for position, event in enumerate(events):
        if event.kind == Ledger.RESTART:
            origin = dt.datetime.fromisoformat(event.data["from"]) if event.data.get("from") else event.at
            counted = events[position + 1:]
    end = clock.stopped_at or until or service_now()
    calendar = calendar or workcal.WorkingCalendar.load()
    paused, since = 0, None
    try:
        for event in counted:
            if event.kind == Ledger.PAUSE:
                since = event.at
            elif event.kind == Ledger.RESUME and since is not None:
                paused += clocks.paused_working_days(since, event.at, calendar)
                since = None
        if since is not None:
            paused += clocks.paused_working_days(since, end, calendar)
        ran = calendar.working_days_between(clocks.local_date(origin), clocks.local_date(end))
    except workcal.CalendarUnavailable:
        return None
    return max(ran - paused, 0)


def _finish_clocks(approval: Approval, at: dt.datetime) -> None:
    """A finished item: its limits stop (met, or late), any other clock (the plan's, a gap's) no longer applies."""
    for clock in _running(approval):
        if clock.kind in LIMITS:
            clocks.stop(clock, at=at)
        else:
            clocks.cancel(clock, at=at)
    committed = _latest(approval, Clock.COMMITTED)
    approval.working_days_used = working_days_used(committed) if committed is not None else None
    _mirror_due(approval)


def _moved(approval: Approval, actor, action: str) -> None:
    approval_moved.send(sender=Approval, approval=approval, actor=actor, action=action)


def _check_files(attachments: Iterable) -> list:
    files = list(attachments)
    check_uploads(files)
    return files


def _check_day(field: str, day: dt.date | None, *, today: dt.date, earliest: dt.date | None, earliest_message: str,
               required_message: str | None = None) -> dict:
    """A date a person gives for a move: required (when a message says so), not in the future, not before
    `earliest`."""
    if day is None:
        return {field: [required_message]} if required_message else {}
    if day > today:
        return {field: [_("日期（%(day)s）不能晚于今天（%(today)s）。") % {"day": f"{day:%Y-%m-%d}",
                                                                   "today": f"{today:%Y-%m-%d}"}]}
    if earliest is not None and day < earliest:
        return {field: [earliest_message % {"day": f"{day:%Y-%m-%d}", "earliest": f"{earliest:%Y-%m-%d}"}]}
    return {}


def _limits_last_moved_on(approval: Approval) -> dt.date | None:
    """The day the limits' clocks last moved (accepted, paused for 补正, resumed): an outcome dated before it
    would end them before what their ledger already holds."""
    last = (ClockEvent.objects.filter(clock__item=approval.item_id, clock__kind__in=LIMITS).order_by("-at")
            .values_list("at", flat=True).first())
    return timezone.localtime(last).date() if last is not None else None


def _start_limits(approval: Approval, at: dt.datetime) -> None:
    """The authority's two limits, in working days from the acceptance (次日起算)."""
    for kind, days in ((Clock.COMMITTED, approval.committed_days), (Clock.STATUTORY, approval.statutory_days)):
        clocks.start(item=approval.item_id, kind=kind, at=at,
                     rule=clocks.Rule(Measure.DAYS.value, days, warn=WARN_DAYS))


def _accepted_on(step, accepted_on: dt.date | None, now: dt.datetime) -> dt.date:
    """The acceptance date: today by default, not in the future, not before the handbook's start date."""
    today = _today(now)
    accepted_on = accepted_on or today
    _raise(_check_day("accepted_on", accepted_on, today=today, earliest=step.obj.handbook.start_on,
                      earliest_message=_("受理日期（%(day)s）不能早于服务手册的起算日期（%(earliest)s）。")))
    return accepted_on


def _accept(step, accepted_on: dt.date, now: dt.datetime) -> dt.datetime:
    approval = step.obj
    at = _moment(accepted_on, now)
    for clock in _running(approval, Clock.PLAN):
        clocks.stop(clock, at=at)
    _start_limits(approval, at)
    approval.accepted_on = accepted_on
    _mirror_due(approval)
    return at


# -- the moves ----------------------------------------------------------------------------------------------------


@texts_limited(*TEXTS)
@transaction.atomic
def approval_prepare(*, actor, approval: Approval, comment: str = "", version: int | None = None) -> Approval:
    """准备材料: the agent starts gathering the item's materials with the enterprise."""
    with audit_context(actor=actor):
        step = _begin(actor=actor, approval=approval, action=Action.PREPARE, version=version)
        step.finish(comment=comment.strip())
    return step.obj


@texts_limited(*TEXTS)
@removed_if_failed
@transaction.atomic
def approval_accept(*, actor, approval: Approval, accepted_on: dt.date | None = None, comment: str = "",
                    attachments: Iterable = (), version: int | None = None) -> Approval:
    """受理: the authority accepts the application; its committed and statutory limits start counting."""
    files = _check_files(attachments)
    with audit_context(actor=actor):
        step = _begin(actor=actor, approval=approval, action=Action.ACCEPT, version=version)
        now = service_now()
        accepted_on = _accepted_on(step, accepted_on, now)
        _accept(step, accepted_on, now)
        step.finish("accepted_on", "due_at", comment=comment.strip(), attachments=files, at=now,
                    data={"accepted_on": accepted_on.isoformat()})
        _moved(step.obj, actor, Action.ACCEPT)
    return step.obj


@texts_limited(*TEXTS)
@removed_if_failed
@transaction.atomic
def approval_accept_with_gap(*, actor, approval: Approval, gap: str, commit_by: dt.date | None = None,
                             accepted_on: dt.date | None = None, comment: str = "", attachments: Iterable = (),
                             version: int | None = None) -> Approval:
    """容缺受理: accepted with a material missing (`gap`), on the enterprise's written commitment (an attachment)
    to supply it by `commit_by` (default: the item's tolerance in working days from the acceptance). A gap not
    made good by then is overdue on its own clock: flagged and reminded."""
    files = _check_files(attachments)
    gap = (gap or "").strip()
    with audit_context(actor=actor):
        step = _begin(actor=actor, approval=approval, action=Action.ACCEPT_WITH_GAP, version=version)
        approval, now = step.obj, service_now()
        if not approval.tolerance_allowed:
            raise ValidationError({"gap": [_("该事项不允许容缺受理。")]})
        errors: dict = {}
        if not gap:
            errors["gap"] = [_("请写明容缺的材料。")]
        if not files:
            errors["attachments"] = [_("请上传企业的书面承诺（容缺受理承诺书）。")]
        try:
            accepted_on = _accepted_on(step, accepted_on, now)
        except ValidationError as error:
            errors.update(error.message_dict)
            accepted_on = None
        if accepted_on is not None:
            if commit_by is None and approval.tolerance_days:
                try:
                    commit_by = workcal.add_working_days(accepted_on, approval.tolerance_days).due
                except workcal.CalendarUnavailable as error:
                    errors["commit_by"] = [error.message]
            if commit_by is None:
                errors.setdefault("commit_by", [_("请填写承诺补齐日期。")])
            elif commit_by < accepted_on:
                errors["commit_by"] = [_("承诺补齐日期（%(day)s）不能早于受理日期（%(accepted)s）。") % {
                    "day": f"{commit_by:%Y-%m-%d}", "accepted": f"{accepted_on:%Y-%m-%d}"}]
        _raise(errors)
        at = _accept(step, accepted_on, now)
        try:
            clocks.start(item=approval.item_id, kind=Clock.GAP, at=at,
                         rule=clocks.Rule(Measure.DAYS.value, 0, warn=WARN_DAYS, until=commit_by, earliest=accepted_on))
        except ValidationError as error:
            raise ValidationError({"commit_by": error.messages}) from error
        approval.gap, approval.gap_commit_by, approval.gap_made_good_on = gap, commit_by, None
        step.finish("accepted_on", "due_at", "gap", "gap_commit_by", "gap_made_good_on", comment=comment.strip() or gap,
                    attachments=files, at=now,
                    data={"accepted_on": accepted_on.isoformat(), "gap": gap, "commit_by": commit_by.isoformat()})
        _moved(approval, actor, Action.ACCEPT_WITH_GAP)
    return approval


def _gap_open(approval: Approval) -> bool:
    return bool(approval.gap_commit_by and approval.gap_made_good_on is None)


@texts_limited(*TEXTS)
@removed_if_failed
@transaction.atomic
def approval_make_good(*, actor, approval: Approval, comment: str = "", attachments: Iterable = (),
                       version: int | None = None) -> Approval:
    """补齐容缺材料: the missing material is supplied (by the enterprise itself, or its agent); the gap's clock
    stops, met or late."""
    files = _check_files(attachments)
    if not comment.strip() and not files:
        raise ValidationError({"attachments": [_("请上传补齐的材料或填写说明。")]})
    with audit_context(actor=actor):
        step = _begin(actor=actor, approval=approval, action=Action.MAKE_GOOD, version=version)
        approval, now = step.obj, service_now()
        if not _gap_open(approval):
            raise Conflict(_("该事项没有待补齐的容缺材料。"))
        for clock in _running(approval, Clock.GAP):
            clocks.stop(clock, at=now)
        approval.gap_made_good_on = _today(now)
        step.finish("gap_made_good_on", comment=comment.strip(), attachments=files, at=now,
                    data={"made_good_on": approval.gap_made_good_on.isoformat(),
                          "late": approval.gap_made_good_on > approval.gap_commit_by})
    return approval


@texts_limited(*TEXTS)
@removed_if_failed
@transaction.atomic
def approval_supply(*, actor, approval: Approval, comment: str = "", attachments: Iterable = ()) -> Approval:
    """补充材料: material for a 补正 or an open gap, put on the item's timeline (the enterprise may)."""
    files = _check_files(attachments)
    if not files:
        raise ValidationError({"attachments": [_("请上传材料。")]})
    with audit_context(actor=actor):
        step = _begin(actor=actor, approval=approval, action=Action.SUPPLY)
        if step.obj.status != Status.CORRECTING and not _gap_open(step.obj):
            raise Conflict(_("该事项当前不需要补充材料。"))
        step.finish(comment=comment.strip(), attachments=files)
    return step.obj


@texts_limited(*TEXTS)
@transaction.atomic
def approval_review(*, actor, approval: Approval, comment: str = "", version: int | None = None) -> Approval:
    """进入审查: the authority reviews the accepted application."""
    with audit_context(actor=actor):
        step = _begin(actor=actor, approval=approval, action=Action.REVIEW, version=version)
        step.finish(comment=comment.strip())
    return step.obj


@texts_limited(*TEXTS)
@transaction.atomic
def approval_request_correction(*, actor, approval: Approval, reason: str, version: int | None = None) -> Approval:
    """补正: the authority asks for more material. Both limits pause; where the item restarts on 补正 they stop
    counting here and start again in full when the material comes back (`approval_resubmit`)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请写明需要补正的材料。")]})
    with audit_context(actor=actor):
        step = _begin(actor=actor, approval=approval, action=Action.REQUEST_CORRECTION, version=version)
        approval, now = step.obj, service_now()
        for clock in _running(approval, *LIMITS):
            clocks.pause(clock, at=now)
        step.finish(comment=reason, at=now, data={"reason": reason, "on_correction": approval.on_correction})
        _moved(approval, actor, Action.REQUEST_CORRECTION)
    return approval


@texts_limited(*TEXTS)
@removed_if_failed
@transaction.atomic
def approval_resubmit(*, actor, approval: Approval, comment: str = "", attachments: Iterable = (),
                      version: int | None = None) -> Approval:
    """补正后重新提交: the material is back; the limits count on (moved by the working days paused), or, where
    the item restarts on 补正, count again from the full amount."""
    files = _check_files(attachments)
    with audit_context(actor=actor):
        step = _begin(actor=actor, approval=approval, action=Action.RESUBMIT, version=version)
        approval, now = step.obj, service_now()
        for clock in _running(approval, *LIMITS):
            if approval.on_correction == OnCorrection.RESTART:
                clocks.restart(clock, at=now)
            else:
                clocks.resume(clock, at=now)
        _mirror_due(approval)
        step.finish("due_at", comment=comment.strip(), attachments=files, at=now,
                    data={"on_correction": approval.on_correction})
        _moved(approval, actor, Action.RESUBMIT)
    return approval


@texts_limited(*TEXTS)
@removed_if_failed
@transaction.atomic
def approval_approve(*, actor, approval: Approval, document_number: str, approved_on: dt.date | None,
                     comment: str = "", attachments: Iterable = (), version: int | None = None) -> Approval:
    """办结: the authority approves, with the document's number (批准文号), its date and the scan."""
    files = _check_files(attachments)
    document_number = (document_number or "").strip()
    errors: dict = {}
    if not document_number:
        errors["document_number"] = [_("请填写批准文号。")]
    elif len(document_number) > DOCUMENT_NUMBER_MAX:
        errors["document_number"] = [_("批准文号不能超过 %(n)d 个字符。") % {"n": DOCUMENT_NUMBER_MAX}]
    if approved_on is None:
        errors["approved_on"] = [_("请填写办结日期。")]
    _raise(errors)
    with audit_context(actor=actor):
        step = _begin(actor=actor, approval=approval, action=Action.APPROVE, version=version)
        approval, now = step.obj, service_now()
        today = _today(now)
        errors = _check_day("approved_on", approved_on, today=today, earliest=approval.accepted_on,
                            earliest_message=_("办结日期（%(day)s）不能早于受理日期（%(earliest)s）。"))
        last = _limits_last_moved_on(approval)
        if not errors and last is not None and approved_on < last:
            errors = {"approved_on": [_("办结日期（%(day)s）不能早于补正或重新提交的日期（%(last)s）。") % {
                "day": f"{approved_on:%Y-%m-%d}", "last": f"{last:%Y-%m-%d}"}]}
        _raise(errors)
        if _gap_open(approval):
            raise Conflict(_("容缺材料（%(gap)s）尚未补齐，不能办结。") % {"gap": approval.gap})
        _finish_clocks(approval, _moment(approved_on, now))
        approval.finished_on, approval.document_number = approved_on, document_number
        step.finish("finished_on", "document_number", "working_days_used", "due_at", comment=comment.strip(),
                    attachments=files, at=now,
                    data={"document_number": document_number, "approved_on": approved_on.isoformat(),
                          "working_days_used": approval.working_days_used})
        _moved(approval, actor, Action.APPROVE)
    return approval


@texts_limited(*TEXTS)
@removed_if_failed
@transaction.atomic
def approval_refuse(*, actor, approval: Approval, reason: str, attachments: Iterable = (),
                    version: int | None = None) -> Approval:
    """不予许可: the authority refuses, for a reason; the limits stop."""
    files = _check_files(attachments)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写不予许可的理由。")]})
    with audit_context(actor=actor):
        step = _begin(actor=actor, approval=approval, action=Action.REFUSE, version=version)
        approval, now = step.obj, service_now()
        _finish_clocks(approval, now)
        approval.finished_on, approval.outcome_reason = _today(now), reason
        step.finish("finished_on", "outcome_reason", "working_days_used", "due_at", comment=reason,
                    attachments=files, at=now, data={"reason": reason, "working_days_used": approval.working_days_used})
        _moved(approval, actor, Action.REFUSE)
    return approval


@texts_limited(*TEXTS)
@transaction.atomic
def approval_not_applicable(*, actor, approval: Approval, reason: str, version: int | None = None) -> Approval:
    """不适用: the project does not need the item after all (before the authority has it); its plan no longer
    applies."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写不适用的理由。")]})
    with audit_context(actor=actor):
        step = _begin(actor=actor, approval=approval, action=Action.NOT_APPLICABLE, version=version)
        approval, now = step.obj, service_now()
        _finish_clocks(approval, now)
        approval.finished_on, approval.outcome_reason = _today(now), reason
        step.finish("finished_on", "outcome_reason", "working_days_used", "due_at", comment=reason, at=now,
                    data={"reason": reason})
        _moved(approval, actor, Action.NOT_APPLICABLE)
    return approval


# The services by action (the API's `{action}` with "_" for "-", the page's forms).
ACTION_SERVICES = {
    Action.PREPARE: approval_prepare,
    Action.ACCEPT: approval_accept,
    Action.ACCEPT_WITH_GAP: approval_accept_with_gap,
    Action.MAKE_GOOD: approval_make_good,
    Action.SUPPLY: approval_supply,
    Action.REVIEW: approval_review,
    Action.REQUEST_CORRECTION: approval_request_correction,
    Action.RESUBMIT: approval_resubmit,
    Action.APPROVE: approval_approve,
    Action.REFUSE: approval_refuse,
    Action.NOT_APPLICABLE: approval_not_applicable,
}
