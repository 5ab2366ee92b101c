"""Writes to requests (诉求): raising one, and one service per transition of choices.TRANSITIONS.

Every transition locks the request row, checks the actor's role (403) and the
current status (409) against the one table, moves its clocks, and writes its
timeline row in the same transaction; notifications go out after commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, connection, models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from guanjia.core.choices import Role
from guanjia.core.clock import now as service_now
from guanjia.core.errors import Conflict
from guanjia.core.services import texts_limited as _texts_limited
from guanjia.core.text import listed
from guanjia.requests import clocks
from guanjia.requests.attachments import check_uploads, remember_stored, removed_if_failed, shown_name
from guanjia.requests.choices import (
    ACTION_ROLES,
    OPEN_TASK_STATUSES,
    TRANSITIONS,
    Action,
    ClockKind,
    EscalationTarget,
    ExtensionApplicationStatus,
    Rating,
    Source,
    Status,
    SuspendReason,
    UnitTaskRole,
    UnitTaskStatus,
)
from guanjia.requests.models import (
    Attachment,
    ExtensionApplication,
    Request,
    RequestCounter,
    RequestEvent,
    RequestIntake,
    UnitTask,
)
from guanjia.requests.signals import request_event_committed

MAX_EXTENSIONS = 2
# Who may raise a request: staff who take them in, leaders (直通车 letters), and enterprises (吹哨).
RAISE_ROLES = frozenset({Role.ADMIN, Role.LEADER, Role.BUTLER, Role.ENTERPRISE})
MAX_EXTENSION_DAYS = 30
# The foreign keys of a new request, all given as objects already read.
RELATED_READ = ("zone", "enterprise", "project", "butler", "addressed_leader", "raised_by")
# The free text of requests' services (诉求内容, 说明, 答复, 理由): at most core.services.TEXT_MAX characters each.
TEXT_FIELDS = ("description", "comment", "answer", "reason")
texts_limited = _texts_limited(*TEXT_FIELDS)


# -- shared machinery -------------------------------------------------------------------------------------------


def _label(action: str) -> str:
    return str(Action(action).label)


def _lock(request: Request) -> Request:
    return Request.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=request.pk)


def check_may_act(actor, action: str) -> None:
    """403 for a role that may never take this action (checked before anything else is looked at)."""
    if not (actor.is_superuser or actor.role_codes & ACTION_ROLES[action]):
        raise PermissionDenied(_("您的角色不能执行“%(action)s”。") % {"action": _label(action)})


def _begin(*, actor, request: Request, action: str, version: int | None = None) -> Request:
    """Lock the row, then check who may act (403) and whether the status allows it (409)."""
    check_may_act(actor, action)
    locked = _lock(request)
    if version is not None and version != locked.version:
        raise Conflict(_("该诉求已被他人处理，请刷新后再试。"))
    allowed, _target = TRANSITIONS[action]
    if locked.status not in allowed:
        raise Conflict(_("诉求当前为“%(status)s”，不能%(action)s。") % {
            "status": locked.get_status_display(), "action": _label(action)})
    return locked


def _event(*, request: Request, actor, action: str, from_status: str, comment: str = "", internal: bool = False,
           unit=None, data: dict | None = None, attachments: Iterable = (), at: dt.datetime | None = None
           ) -> RequestEvent:
    event = RequestEvent.objects.create(
        request=request, actor=actor, at=at or service_now(), action=action, from_status=from_status,
        to_status=request.status, comment=comment, internal=internal, unit=unit, data=data or {},
    )
    _store_attachments(request=request, event=event, actor=actor, files=attachments, internal=internal)
    transaction.on_commit(lambda: request_event_committed.send(sender=Request, event_id=event.pk))
    return event


def _store_attachments(*, request, event, actor, files, internal: bool) -> None:
    for upload in files:
        attachment = Attachment(request=request, event=event, name=shown_name(upload.name), size=upload.size,
                                content_type=getattr(upload, "content_type", "") or "", uploaded_by=actor,
                                internal=internal)
        attachment.file.save(upload.name, upload, save=False)
        remember_stored(attachment.file.name)  # so that it goes if the change fails after this
        attachment.save()


def _save(request: Request, *fields: str) -> None:
    request.version += 1
    request.save(update_fields=[*fields, "version", "updated_at"])


def _running_clocks(request: Request, *kinds: str):
    queryset = request.clocks.filter(stopped_at__isnull=True, cancelled=False)
    return queryset.filter(kind__in=kinds) if kinds else queryset


def _rule(request: Request, kind: str) -> clocks.Rule:
    return clocks.rule_for(zone_id=request.zone_id, kind=kind, source=request.source, category=request.category,
                           urgency=request.urgency)


def _start_resolution_clock(request: Request, at: dt.datetime) -> None:
    clock = clocks.start(request=request, kind=ClockKind.RESOLUTION, at=at, rule=_rule(request, ClockKind.RESOLUTION))
    request.due_at, request.due_provisional = clock.due_at, clock.provisional


def _refresh_due(request: Request) -> None:
    clock = request.clocks.filter(kind=ClockKind.RESOLUTION, cancelled=False).order_by("-pk").first()
    if clock is not None:
        request.due_at, request.due_provisional = clock.due_at, clock.provisional


def _mark_resolved(request: Request, now) -> None:
    """Set the resolution time and the working days it took (suspensions excluded)."""
    from guanjia.core import calendar as workcal

    request.status, request.resolved_at = Status.RESOLVED, now
    _withdraw_extension_applications(request, now)
    try:
        days = workcal.working_days_between(request.accepted_at or request.created_at, now)
    except workcal.CalendarUnavailable:
        days = None
    request.resolution_working_days = None if days is None else max(days - request.suspended_working_days, 0)


def _update_returning() -> bool:
    """Whether the database runs `UPDATE … RETURNING`: PostgreSQL, and SQLite from 3.35 (Django 5.2 accepts 3.31)."""
    if connection.vendor == "sqlite":
        return connection.Database.sqlite_version_info >= (3, 35)
    return connection.vendor == "postgresql"


def _allocate_number(zone_id: int, year: int) -> str:
    """The zone's next number for the year: one `UPDATE … RETURNING`, which holds the counter's row lock
    until the raise commits (the first number of a year creates the counter)."""
    row = None
    if _update_returning():
        table = connection.ops.quote_name(RequestCounter._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET value = value + 1 WHERE zone_id = %s AND year = %s RETURNING value",
                           [zone_id, year])
            row = cursor.fetchone()
    if row is not None:
        value = row[0]
    else:
        counter, _created = RequestCounter.objects.select_for_update().get_or_create(zone_id=zone_id, year=year)
        counter.value = value = counter.value + 1
        counter.save(update_fields=["value"])
    return f"GJ-{year}-{value:06d}"


def _unit_task_for(actor, request: Request, *statuses: str) -> UnitTask:
    task = request.unit_tasks.filter(unit=actor.unit_id, status__in=statuses).first() if actor.unit_id else None
    if task is None:
        raise Conflict(_("本单位没有待办理的该诉求任务。"))
    return task


def _check_units(request: Request, lead_unit, co_units) -> list:
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


def _withdraw_unit_tasks(request: Request, at: dt.datetime) -> list[int]:
    """Withdraw (撤回) the units' open tasks and stop their clocks: the request has left the units' hands.

    Returns the units whose task was withdrawn: the event records them (`withdrawn_units`) so that they are told.
    """
    units = []
    for task in request.unit_tasks.filter(status__in=OPEN_TASK_STATUSES):
        task.status = UnitTaskStatus.CANCELLED
        task.save(update_fields=["status", "updated_at"])
        for clock in task.clocks.filter(stopped_at__isnull=True, cancelled=False):
            clocks.cancel(clock, at=at)
        units.append(task.unit_id)
    return units


def _withdraw_extension_applications(request: Request, at: dt.datetime) -> None:
    """A 延期申请 still waiting when the request is resolved or merged has nothing left to decide: 已撤回."""
    ExtensionApplication.objects.pending().filter(request=request).update(
        status=ExtensionApplicationStatus.WITHDRAWN, decided_at=at, updated_at=at)


def _withdrawn(units: list[int]) -> dict:
    """The event data naming the units whose task was withdrawn (none: nothing)."""
    return {"withdrawn_units": units} if units else {}


def _chosen_due(due: dt.date | None, field: str) -> clocks.Rule | None:
    """A deadline chosen by hand as a fixed rule: the close of the last working day on or before `due`."""
    if due is None:
        return None
    from guanjia.core import calendar as workcal

    today = timezone.localtime(service_now()).date()
    if due < today:
        raise ValidationError({field: _("办理时限不能早于今天。")})
    try:  # today's close for today
        return clocks.Rule(clocks.DAYS, workcal.working_days_between(today, due), fixed=True, until=due)
    except workcal.CalendarUnavailable as error:
        raise ValidationError({field: error.message}) from error


def _create_unit_tasks(request: Request, lead_unit, co_units, at, unit_due: dt.date | None,
                       co_unit_due: dt.date | None = None) -> list[UnitTask]:
    """One task and clock per unit. `unit_due` sets every unit's deadline, `co_unit_due` the co-units'
    (协办单位 usually answer the lead unit before it must answer); else each follows the zone's rule."""
    lead_rule = _chosen_due(unit_due, "unit_due") or _rule(request, ClockKind.UNIT)
    co_rule = _chosen_due(co_unit_due, "co_unit_due") or lead_rule
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
        task = UnitTask.objects.create(request=request, unit=unit, role=role)
        clock = clocks.start(request=request, kind=ClockKind.UNIT, at=at, rule=rule, unit_task=task)
        task.due_at = clock.due_at
        task.save(update_fields=["due_at"])
        tasks.append(task)
    return tasks


# -- raising a request ------------------------------------------------------------------------------------------


def may_raise(user) -> bool:
    """Whether the person may register a request at all (the pages show the button only then)."""
    return bool(user.is_superuser or user.role_codes & RAISE_ROLES)


def check_may_raise(user) -> None:
    if not may_raise(user):
        raise PermissionDenied(_("您的角色不能登记诉求。"))


INTAKE_KEY_MAX = RequestIntake._meta.get_field("key").max_length


class AlreadyRaised(Conflict):
    """The same form (or API call with the same Idempotency-Key) was sent again: the request exists already.

    `request` is that request, or None if the sender can no longer see it.
    """

    def __init__(self, request: Request | None, *, same: bool = True):
        super().__init__(_("该诉求已提交过（%(number)s），没有重复登记。") % {"number": request.number}
                         if request is not None else _("该诉求已提交过，没有重复登记。"))
        self.request = request
        self.same = same  # False: the first call asked for something else (the key was reused)


def _fingerprint(fields: dict) -> str:
    """A digest of what a raise asks for, to tell a repeat of it from another request under the same key."""

    def plain(value):
        if isinstance(value, models.Model):
            return value.pk
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, File):  # an attachment: its name and size
            return [value.name, value.size]
        if isinstance(value, list | tuple):
            return [plain(item) for item in value]
        return value if value is None or isinstance(value, int | float | bool) else str(value)

    asked = {name: plain(value) for name, value in fields.items() if name != "at"}
    return hashlib.sha256(json.dumps(asked, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


@texts_limited
@removed_if_failed
def request_raise(*, actor, intake_key: str = "", **fields) -> Request:
    """Register a request (诉求) from any channel; it waits to be signed for (签收) under its clock.

    `fields` are `_register`'s. With an `intake_key` (the raise form's one-time key, or an API
    client's Idempotency-Key) a second call by the same person raises `AlreadyRaised` with the
    request the first call made. The database's unique constraint decides, so two calls at the
    same moment (a double-click) make one request; the loser's number is rolled back with it.
    """
    if len(intake_key) > INTAKE_KEY_MAX:
        raise ValidationError({"intake_key": _("重复提交校验码过长。")})
    fingerprint = _fingerprint(fields) if intake_key else ""
    try:
        return _register(actor=actor, intake_key=intake_key, fingerprint=fingerprint, **fields)
    except IntegrityError:
        intake = RequestIntake.objects.filter(raised_by=actor, key=intake_key).first() if intake_key else None
        if intake is None:
            raise
        raise AlreadyRaised(Request.objects.visible_to(actor).filter(pk=intake.request_id).first(),
                            same=intake.fingerprint in ("", fingerprint)) from None


@transaction.atomic
def _register(
    *,
    actor,
    enterprise,
    source: str,
    category: str,
    title: str,
    description: str,
    urgency: str = "normal",
    project=None,
    addressed_leader=None,
    attachments: Iterable = (),
    at: dt.datetime | None = None,
    intake_key: str = "",
    fingerprint: str = "",
) -> Request:
    check_may_raise(actor)
    attachments = list(attachments)
    check_uploads(attachments)
    if actor.has_role(Role.ENTERPRISE) and not actor.is_superuser and (
        not actor.role_codes - {Role.ENTERPRISE}
    ):
        if actor.enterprise_id != enterprise.pk:
            raise PermissionDenied(_("只能为本企业提出诉求。"))
        source = Source.PORTAL
    at = at or service_now()
    request = Request(
        zone_id=enterprise.zone_id, enterprise=enterprise, project=project, source=source, category=category,
        urgency=urgency, title=(title or "").strip(), description=(description or "").strip(),
        butler=(project.butler if project is not None and project.butler_id else enterprise.butler),
        addressed_leader=addressed_leader, raised_by=actor, created_at=at,
    )
    errors = {}
    if enterprise.archived_at is not None:
        errors["enterprise"] = _("该企业已归档，不能为其登记诉求。")
    if project is not None and project.enterprise_id != enterprise.pk:
        errors["project"] = _("项目不属于该企业。")
    if source == Source.LETTER and addressed_leader is None:
        errors["addressed_leader"] = _("直通车须选择收信领导。")
    if addressed_leader is not None and (addressed_leader.zone_id != enterprise.zone_id
                                         or Role.LEADER not in addressed_leader.role_codes):
        errors["addressed_leader"] = _("收信人须为本园区的领导。")
    try:
        # The related rows are objects the caller has read already (through visible_to, or the actor
        # itself): checking that each still exists would be one more query apiece.
        request.full_clean(exclude=["number", *RELATED_READ])
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    request.number = _allocate_number(request.zone_id, timezone.localtime(at).year)
    request.save()
    if intake_key:  # a second submission of the same form fails here, and its number rolls back
        RequestIntake.objects.create(raised_by=actor, key=intake_key, request=request, fingerprint=fingerprint)
    clocks.start(request=request, kind=ClockKind.SIGN, at=at, rule=_rule(request, ClockKind.SIGN))
    _event(request=request, actor=actor, action=Action.RAISE, from_status="", comment=request.description,
           attachments=attachments, at=at, data={"source": source})
    return request


# -- transitions ------------------------------------------------------------------------------------------------


@texts_limited
@transaction.atomic
def request_accept(*, actor, request: Request, comment: str = "", version: int | None = None) -> Request:
    """签收: the butler (or the center) takes the request; the first-answer and resolution clocks start."""
    request = _begin(actor=actor, request=request, action=Action.ACCEPT, version=version)
    now, before = service_now(), request.status
    for clock in _running_clocks(request, ClockKind.SIGN):
        clocks.stop(clock, at=now)
    request.status, request.accepted_at = Status.ACCEPTED, now
    if request.butler_id is None and actor.has_role(Role.BUTLER):
        request.butler = actor
    clocks.start(request=request, kind=ClockKind.FIRST_REPLY, at=now, rule=_rule(request, ClockKind.FIRST_REPLY))
    _start_resolution_clock(request, now)
    _save(request, "status", "accepted_at", "butler", "due_at", "due_provisional")
    _event(request=request, actor=actor, action=Action.ACCEPT, from_status=before, comment=comment)
    return request


@texts_limited
@transaction.atomic
def request_reply(*, actor, request: Request, answer: str, resolve: bool = False, comment: str = "",
                  version: int | None = None) -> Request:
    """初步办理回复: the butler's first answer; it may settle the request at once."""
    if not (answer or "").strip():
        raise ValidationError({"answer": _("请填写答复内容。")})
    request = _begin(actor=actor, request=request, action=Action.REPLY, version=version)
    now, before = service_now(), request.status
    for clock in _running_clocks(request, ClockKind.FIRST_REPLY):
        clocks.stop(clock, at=now)
    if request.first_reply_at is None:
        request.first_reply_at = now
    request.answer = answer.strip()
    fields, withdrawn = ["first_reply_at", "answer"], []
    if resolve:
        _mark_resolved(request, now)
        withdrawn = _withdraw_unit_tasks(request, now)
        for clock in _running_clocks(request):
            if clock.kind == ClockKind.RESOLUTION:
                clocks.stop(clock, at=now)
            else:
                clocks.cancel(clock, at=now)
        fields += ["status", "resolved_at", "resolution_working_days"]
    _save(request, *fields)
    _event(request=request, actor=actor, action=Action.REPLY, from_status=before, comment=comment or answer,
           data={"resolved": resolve, **_withdrawn(withdrawn)})
    return request


@texts_limited
@transaction.atomic
def request_transfer(*, actor, request: Request, lead_unit, co_units: Iterable = (), comment: str = "",
                     unit_due: dt.date | None = None, co_unit_due: dt.date | None = None,
                     version: int | None = None) -> Request:
    """转办: hand the request to a lead unit and co-units, each with its own deadline."""
    request = _begin(actor=actor, request=request, action=Action.TRANSFER, version=version)
    co_units = _check_units(request, lead_unit, list(co_units))
    now, before = service_now(), request.status
    for clock in _running_clocks(request, ClockKind.FIRST_REPLY):
        clocks.stop(clock, at=now)
    if request.first_reply_at is None:
        request.first_reply_at = now
    # Transferred again (after an escalation): the units chosen now replace those still holding it.
    withdrawn = _withdraw_unit_tasks(request, now)
    _create_unit_tasks(request, lead_unit, co_units, now, unit_due, co_unit_due)
    request.status, request.lead_unit = Status.TRANSFERRED, lead_unit
    _save(request, "status", "lead_unit", "first_reply_at")
    _event(request=request, actor=actor, action=Action.TRANSFER, from_status=before, comment=comment,
           data={"lead_unit": lead_unit.pk, "co_units": [u.pk for u in co_units], **_withdrawn(withdrawn)})
    return request


@texts_limited
@transaction.atomic
def request_unit_sign(*, actor, request: Request, comment: str = "", version: int | None = None) -> Request:
    """部门签收: a unit takes its part of the request."""
    request = _begin(actor=actor, request=request, action=Action.SIGN, version=version)
    task = _unit_task_for(actor, request, UnitTaskStatus.PENDING)
    now, before = service_now(), request.status
    task.status, task.signed_at, task.signed_by = UnitTaskStatus.SIGNED, now, actor
    task.save(update_fields=["status", "signed_at", "signed_by", "updated_at"])
    request.status = Status.IN_UNITS
    _save(request, "status")
    _event(request=request, actor=actor, action=Action.SIGN, from_status=before, comment=comment, unit=task.unit)
    return request


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
    request = _begin(actor=actor, request=request, action=Action.FEEDBACK, version=version)
    task = _unit_task_for(actor, request, UnitTaskStatus.SIGNED)
    now, before = service_now(), request.status
    task.status, task.feedback, task.done_at = UnitTaskStatus.DONE, comment.strip(), now
    task.save(update_fields=["status", "feedback", "done_at", "updated_at"])
    for clock in task.clocks.filter(stopped_at__isnull=True, cancelled=False):
        clocks.stop(clock, at=now)
    _save(request, "status")
    _event(request=request, actor=actor, action=Action.FEEDBACK, from_status=before, comment=comment,
           unit=task.unit, attachments=attachments)
    return request


@texts_limited
@transaction.atomic
def request_return(*, actor, request: Request, reason: str, version: int | None = None) -> Request:
    """退单: a unit gives the request back with a reason; the center arbitrates."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写退单理由。")})
    request = _begin(actor=actor, request=request, action=Action.RETURN, version=version)
    task = _unit_task_for(actor, request, UnitTaskStatus.PENDING, UnitTaskStatus.SIGNED)
    now, before = service_now(), request.status
    task.status, task.return_reason = UnitTaskStatus.RETURNED, reason.strip()
    task.save(update_fields=["status", "return_reason", "updated_at"])
    for clock in task.clocks.filter(stopped_at__isnull=True, cancelled=False):
        clocks.cancel(clock, at=now)
    request.status = Status.RETURNED
    _save(request, "status")
    _event(request=request, actor=actor, action=Action.RETURN, from_status=before, comment=reason, unit=task.unit)
    return request


@texts_limited
@transaction.atomic
def request_reassign(*, actor, request: Request, lead_unit, co_units: Iterable = (), comment: str = "",
                     unit_due: dt.date | None = None, co_unit_due: dt.date | None = None,
                     version: int | None = None) -> Request:
    """仲裁改派: the center settles a return and transfers the request again."""
    request = _begin(actor=actor, request=request, action=Action.REASSIGN, version=version)
    co_units = _check_units(request, lead_unit, list(co_units))
    now, before = service_now(), request.status
    withdrawn = _withdraw_unit_tasks(request, now)
    _create_unit_tasks(request, lead_unit, co_units, now, unit_due, co_unit_due)
    request.status, request.lead_unit = Status.TRANSFERRED, lead_unit
    _save(request, "status", "lead_unit")
    _event(request=request, actor=actor, action=Action.REASSIGN, from_status=before, comment=comment,
           data={"lead_unit": lead_unit.pk, "co_units": [u.pk for u in co_units], **_withdrawn(withdrawn)})
    return request


def _check_extension(*, days, reason) -> None:
    errors = {}
    if not isinstance(days, int) or days < 1:
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


@texts_limited
@transaction.atomic
def request_extend(*, actor, request: Request, days: int, reason: str, version: int | None = None,
                   application: ExtensionApplication | None = None) -> Request:
    """延期: an approver moves the resolution deadline; capped in number and total days, and counted.

    `application` is the 延期申请 being approved (request_approve_extension), recorded on the event.
    """
    _check_extension(days=days, reason=reason)
    request = _begin(actor=actor, request=request, action=Action.EXTEND, version=version)
    _check_extension_cap(request, days)
    now, before = service_now(), request.status
    for clock in _running_clocks(request, ClockKind.RESOLUTION):
        clocks.extend(clock, days=days, at=now)
    request.extension_count += 1
    request.extended_days += days
    _refresh_due(request)
    _save(request, "extension_count", "extended_days", "due_at", "due_provisional")
    data = {"days": days}
    if application is not None:
        data.update(application=application.pk, applicant=application.applicant_id)
    _event(request=request, actor=actor, action=Action.EXTEND, from_status=before, comment=reason, data=data)
    return request


def _pending_application(request: Request) -> ExtensionApplication:
    application = (ExtensionApplication.objects.select_for_update(of=("self",)).pending()
                   .filter(request=request).first())
    if application is None:
        raise Conflict(_("该诉求没有待审批的延期申请。"))
    return application


def _is_own_butler(user, request: Request) -> bool:
    return user.is_superuser or (user.has_role(Role.BUTLER) and request.butler_id == user.pk)


def may_apply_extension(user, request: Request, unit_tasks: Iterable[UnitTask]) -> bool:
    """申请延期 is for the request's butler and the handlers of a unit still working on it (`unit_tasks`: the
    request's tasks, or some of them that include the person's unit's). The page offers the tab only then."""
    if _is_own_butler(user, request):
        return True
    return bool(user.has_role(Role.UNIT) and user.unit_id and any(
        t.unit_id == user.unit_id and t.status in OPEN_TASK_STATUSES for t in unit_tasks))


@texts_limited
@transaction.atomic
def request_apply_extension(*, actor, request: Request, days: int, reason: str, version: int | None = None
                            ) -> Request:
    """申请延期: the request's butler, or a unit still working on it, asks a leader or admin for more time.

    The cap is checked now, so that nobody waits for an approval that could not be given; one
    application may be pending per request.
    """
    _check_extension(days=days, reason=reason)
    request = _begin(actor=actor, request=request, action=Action.APPLY_EXTENSION, version=version)
    tasks = list(request.unit_tasks.filter(unit=actor.unit_id, status__in=OPEN_TASK_STATUSES)) if actor.unit_id else []
    if not may_apply_extension(actor, request, tasks):
        raise PermissionDenied(_("只有该诉求的责任管家或正在办理的单位可以申请延期。"))
    unit = None if _is_own_butler(actor, request) else actor.unit
    if ExtensionApplication.objects.pending().filter(request=request).exists():
        raise Conflict(_("该诉求已有一份延期申请待审批，请等待审批结果。"))
    _check_extension_cap(request, days)
    application = ExtensionApplication(request=request, applicant=actor, unit=unit, days=days,
                                       reason=reason.strip())
    application.full_clean(exclude=["request", "applicant", "unit"])
    application.save()
    _save(request)  # the page an approver reads has changed: a decision sent from an older one is refused
    _event(request=request, actor=actor, action=Action.APPLY_EXTENSION, from_status=request.status,
           comment=application.reason, unit=unit, internal=True, data={"days": days, "application": application.pk})
    return request


@texts_limited
@transaction.atomic
def request_approve_extension(*, actor, request: Request, comment: str = "", version: int | None = None
                              ) -> Request:
    """批准延期: the pending application is granted through `request_extend` (its cap, count and clocks)."""
    request = _begin(actor=actor, request=request, action=Action.APPROVE_EXTENSION, version=version)
    application = _pending_application(request)
    now = service_now()
    application.status, application.decided_by, application.decided_at = (
        ExtensionApplicationStatus.APPROVED, actor, now)
    application.decision_reason = (comment or "").strip()
    application.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"])
    _event(request=request, actor=actor, action=Action.APPROVE_EXTENSION, from_status=request.status,
           comment=comment, internal=True, unit=application.unit, at=now,
           data={"days": application.days, "application": application.pk, "applicant": application.applicant_id})
    return request_extend(actor=actor, request=request, days=application.days, reason=application.reason,
                          application=application)


@texts_limited
@transaction.atomic
def request_deny_extension(*, actor, request: Request, reason: str, version: int | None = None) -> Request:
    """驳回延期申请: the approver refuses the pending application, with a reason; the deadline stays."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写驳回理由。")})
    request = _begin(actor=actor, request=request, action=Action.DENY_EXTENSION, version=version)
    application = _pending_application(request)
    now = service_now()
    application.status, application.decided_by, application.decided_at = (
        ExtensionApplicationStatus.DENIED, actor, now)
    application.decision_reason = reason.strip()
    application.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"])
    _save(request)
    _event(request=request, actor=actor, action=Action.DENY_EXTENSION, from_status=request.status, comment=reason,
           internal=True, unit=application.unit, at=now,
           data={"days": application.days, "application": application.pk, "applicant": application.applicant_id})
    return request


@texts_limited
@transaction.atomic
def request_suspend(*, actor, request: Request, reason: str, comment: str = "", version: int | None = None
                    ) -> Request:
    """中止: stop every clock for a typed reason (e.g. waiting for the enterprise's material)."""
    if reason not in SuspendReason.values:
        raise ValidationError({"reason": _("请选择中止原因（%(choices)s）。") % {
            "choices": listed(SuspendReason.labels)}})
    request = _begin(actor=actor, request=request, action=Action.SUSPEND, version=version)
    now, before = service_now(), request.status
    for clock in _running_clocks(request):
        clocks.pause(clock, at=now)
    request.status_before_suspend, request.status, request.suspend_reason = before, Status.SUSPENDED, reason
    _save(request, "status", "status_before_suspend", "suspend_reason")
    _event(request=request, actor=actor, action=Action.SUSPEND, from_status=before, comment=comment,
           data={"reason": reason})
    return request


@texts_limited
@transaction.atomic
def request_resume(*, actor, request: Request, comment: str = "", version: int | None = None) -> Request:
    """恢复: the clocks run again, their deadlines moved by the working days the suspension took."""
    request = _begin(actor=actor, request=request, action=Action.RESUME, version=version)
    now, before = service_now(), request.status
    paused_since = request.clocks.filter(paused_at__isnull=False).values_list("paused_at", flat=True).first()
    for clock in request.clocks.filter(paused_at__isnull=False, stopped_at__isnull=True, cancelled=False):
        clocks.resume(clock, at=now)
    if paused_since is not None:
        request.suspended_working_days += clocks.paused_working_days(paused_since, now)
    request.status = request.status_before_suspend or Status.ACCEPTED
    request.status_before_suspend, request.suspend_reason = "", ""
    _refresh_due(request)
    _save(request, "status", "status_before_suspend", "suspend_reason", "suspended_working_days", "due_at",
          "due_provisional")
    _event(request=request, actor=actor, action=Action.RESUME, from_status=before, comment=comment)
    return request


@texts_limited
@transaction.atomic
def request_escalate(*, actor, request: Request, target: str, comment: str = "", version: int | None = None
                     ) -> Request:
    """升级: what the butler cannot settle goes to the station head, a leader, or a joint meeting."""
    if target not in EscalationTarget.values:
        raise ValidationError({"target": _("请选择升级对象。")})
    request = _begin(actor=actor, request=request, action=Action.ESCALATE, version=version)
    before = request.status
    request.status, request.escalated_to = Status.ESCALATED, target
    _save(request, "status", "escalated_to")
    _event(request=request, actor=actor, action=Action.ESCALATE, from_status=before, comment=comment,
           data={"target": target})
    return request


@texts_limited
@transaction.atomic
def request_resolve(*, actor, request: Request, answer: str, comment: str = "", version: int | None = None
                    ) -> Request:
    """办结: the request is settled with an answer; the enterprise is then asked (回访)."""
    if not (answer or "").strip():
        raise ValidationError({"answer": _("请填写办结答复。")})
    request = _begin(actor=actor, request=request, action=Action.RESOLVE, version=version)
    now, before = service_now(), request.status
    for clock in _running_clocks(request):
        if clock.kind in (ClockKind.RESOLUTION, ClockKind.FIRST_REPLY):
            clocks.stop(clock, at=now)
        else:
            clocks.cancel(clock, at=now)
    withdrawn = _withdraw_unit_tasks(request, now)
    if request.first_reply_at is None:
        request.first_reply_at = now
    _mark_resolved(request, now)
    request.answer = answer.strip()
    _save(request, "status", "resolved_at", "resolution_working_days", "answer", "first_reply_at")
    _event(request=request, actor=actor, action=Action.RESOLVE, from_status=before, comment=comment or answer,
           data=_withdrawn(withdrawn))
    return request


@texts_limited
@transaction.atomic
def request_rate(*, actor, request: Request, rating: str, reason: str = "", version: int | None = None) -> Request:
    """回访评价 by the enterprise's contact: satisfied closes it, unsatisfied reopens it (重办)."""
    if rating not in Rating.values:
        raise ValidationError({"rating": _("请选择评价：满意、基本满意或不满意。")})
    if rating == Rating.UNSATISFIED and not (reason or "").strip():
        raise ValidationError({"reason": _("不满意时请说明原因。")})
    if not actor.is_superuser and actor.enterprise_id != request.enterprise_id:
        raise PermissionDenied(_("只有该企业的联系人可以评价。"))
    request = _begin(actor=actor, request=request, action=Action.RATE, version=version)
    now, before = service_now(), request.status
    request.rating, request.rating_reason, request.rated_at = rating, (reason or "").strip(), now
    if rating == Rating.UNSATISFIED:
        _reopen(request, now)
    else:
        request.status, request.closed_at = Status.CLOSED, now
    _save(request, "rating", "rating_reason", "rated_at", "status", "closed_at", "resolved_at", "reopen_count",
          "due_at", "due_provisional", "resolution_working_days")
    _event(request=request, actor=actor, action=Action.RATE, from_status=before, comment=reason,
           data={"rating": rating})
    return request


def _reopen(request: Request, now) -> None:
    request.status, request.resolved_at, request.closed_at = Status.ACCEPTED, None, None
    request.resolution_working_days = None
    request.reopen_count += 1
    for clock in request.clocks.filter(kind=ClockKind.RESOLUTION, cancelled=False, stopped_at__isnull=True):
        clocks.cancel(clock, at=now)
    _start_resolution_clock(request, now)


@texts_limited
@transaction.atomic
def request_reopen(*, actor, request: Request, comment: str, version: int | None = None) -> Request:
    """重办 on the center's or a leader's decision."""
    if not (comment or "").strip():
        raise ValidationError({"comment": _("请填写重办理由。")})
    request = _begin(actor=actor, request=request, action=Action.REOPEN, version=version)
    now, before = service_now(), request.status
    _reopen(request, now)
    _save(request, "status", "resolved_at", "closed_at", "reopen_count", "due_at", "due_provisional",
          "resolution_working_days")
    _event(request=request, actor=actor, action=Action.REOPEN, from_status=before, comment=comment)
    return request


@texts_limited
@transaction.atomic
def request_close(*, actor, request: Request, comment: str = "", version: int | None = None) -> Request:
    """关闭 without a rating (e.g. the enterprise did not answer the 回访)."""
    request = _begin(actor=actor, request=request, action=Action.CLOSE, version=version)
    before = request.status
    request.status, request.closed_at = Status.CLOSED, service_now()
    _save(request, "status", "closed_at")
    _event(request=request, actor=actor, action=Action.CLOSE, from_status=before, comment=comment)
    return request


@texts_limited
@transaction.atomic
def request_merge(*, actor, request: Request, into: Request, comment: str = "", version: int | None = None
                  ) -> Request:
    """并单: a duplicate is merged into the request that goes on; its clocks stop counting."""
    if into.pk == request.pk or into.enterprise_id != request.enterprise_id:
        raise ValidationError({"into": _("只能并入同一企业的另一条诉求。")})
    if into.status not in TRANSITIONS[Action.MERGE][0] and into.status != Status.RESOLVED:
        raise ValidationError({"into": _("目标诉求已关闭，不能并入。")})
    request = _begin(actor=actor, request=request, action=Action.MERGE, version=version)
    now, before = service_now(), request.status
    withdrawn = _withdraw_unit_tasks(request, now)
    _withdraw_extension_applications(request, now)
    for clock in _running_clocks(request):
        clocks.cancel(clock, at=now)
    request.status, request.merged_into = Status.MERGED, into
    _save(request, "status", "merged_into")
    _event(request=request, actor=actor, action=Action.MERGE, from_status=before, comment=comment,
           data={"into": into.pk, **_withdrawn(withdrawn)})
    _event(request=into, actor=actor, action=Action.MERGE, from_status=into.status,
           comment=_("并入 %(number)s") % {"number": request.number}, data={"from": request.pk})
    return request


@texts_limited
@removed_if_failed
@transaction.atomic
def request_add_note(*, actor, request: Request, comment: str, internal: bool = True,
                     attachments: Iterable = ()) -> RequestEvent:
    """A note on the timeline: internal (hidden from the enterprise) unless said otherwise."""
    if not (comment or "").strip():
        raise ValidationError({"comment": _("请填写内容。")})
    attachments = list(attachments)
    check_uploads(attachments)
    if actor.has_role(Role.ENTERPRISE) and not actor.role_codes - {Role.ENTERPRISE}:
        raise PermissionDenied
    request = _lock(request)
    return _event(request=request, actor=actor, action=Action.NOTE, from_status=request.status, comment=comment,
                  internal=internal, attachments=attachments)


@texts_limited
@removed_if_failed
@transaction.atomic
def request_supply(*, actor, request: Request, comment: str, attachments: Iterable = ()) -> RequestEvent:
    """企业补充材料: the enterprise adds what was asked for (visible to everyone on the request)."""
    attachments = list(attachments)
    check_uploads(attachments)
    if not (comment or "").strip() and not attachments:
        raise ValidationError({"comment": _("请填写说明或上传材料。")})
    if not actor.is_superuser and actor.enterprise_id != request.enterprise_id:
        raise PermissionDenied
    request = _lock(request)
    if request.status in (Status.CLOSED, Status.MERGED):
        raise Conflict(_("诉求已关闭，不能补充材料。"))
    return _event(request=request, actor=actor, action=Action.SUPPLY, from_status=request.status, comment=comment,
                  attachments=attachments)


@transaction.atomic
def clocks_recompute_provisional() -> int:
    """Replay every open clock that was computed on a provisional calendar; returns how many moved."""
    from guanjia.requests.models import Clock

    moved = 0
    for clock in Clock.objects.select_for_update().filter(provisional=True, stopped_at__isnull=True,
                                                          cancelled=False):
        before = clock.due_at
        clocks.replay(clock)
        if clock.kind == ClockKind.RESOLUTION:
            Request.objects.filter(pk=clock.request_id).update(due_at=clock.due_at, due_provisional=clock.provisional)
        elif clock.unit_task_id:
            UnitTask.objects.filter(pk=clock.unit_task_id).update(due_at=clock.due_at)
        moved += clock.due_at != before
    return moved


@transaction.atomic
def clock_rule_save(*, actor, zone, rule=None, kind: str, measure: str, amount: int, warn_hours: int = 24,
                    source: str = "", category: str = "", urgency: str = "") -> tuple:
    """Add or change a time-limit rule (时限规则) and replay the zone's open clocks it now governs.

    Each open clock of that kind whose request matches is recomputed from its ledger under the
    rule that now applies to it (the most specific one); returns (rule, clocks moved).
    """
    from guanjia.core.audit import audit_context
    from guanjia.core.services import save_validated
    from guanjia.requests.models import Clock, ClockEvent, ClockRule

    if not actor.is_superuser and Role.ADMIN not in actor.role_codes:
        raise PermissionDenied
    if amount is None or amount < 1:
        raise ValidationError({"amount": _("时限须为正整数。")})
    rule = rule or ClockRule(zone=zone)
    rule.kind, rule.measure, rule.amount, rule.warn_hours = kind, measure, amount, warn_hours
    rule.source, rule.category, rule.urgency = source, category, urgency
    with audit_context(actor=actor):
        save_validated(rule, actor=actor)
    open_clocks = Clock.objects.select_for_update(of=("self",)).filter(
        request__zone=zone, kind=kind, stopped_at__isnull=True, cancelled=False
    ).select_related("request", "unit_task")
    if source:
        open_clocks = open_clocks.filter(request__source=source)
    if category:
        open_clocks = open_clocks.filter(request__category=category)
    if urgency:
        open_clocks = open_clocks.filter(request__urgency=urgency)
    moved = 0
    # A deadline someone set by hand (a unit's 办理时限 given as a date) does not follow the rules.
    fixed = set(ClockEvent.objects.filter(clock__in=open_clocks, kind="start", data__fixed=True)
                .values_list("clock_id", flat=True))
    for clock_row in open_clocks:
        if clock_row.pk in fixed:
            continue
        before = clock_row.due_at
        clocks.replay(clock_row, rule=_rule(clock_row.request, kind))
        if clock_row.kind == ClockKind.RESOLUTION:
            Request.objects.filter(pk=clock_row.request_id).update(due_at=clock_row.due_at,
                                                                   due_provisional=clock_row.provisional)
        elif clock_row.unit_task_id:
            UnitTask.objects.filter(pk=clock_row.unit_task_id).update(due_at=clock_row.due_at)
        moved += clock_row.due_at != before
    return rule, moved
