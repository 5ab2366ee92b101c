"""Writes to meetings (会办会 …) and their action items (督办事项).

Every transition locks the meeting row, checks the actor's right (403) and the
meeting's status against choices.TRANSITIONS (409), validates everything before
the first write (400, nothing half-saved), and records the audit trail.
A request settled by a meeting is resolved only through `request_resolve`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanjia.core import calendar as workcal
from guanjia.core.audit import audit_context
from guanjia.core.choices import Role
from guanjia.core.clock import now as service_now
from guanjia.core.errors import Conflict
from guanjia.core.predicates import require
from guanjia.core.services import texts_limited
from guanjia.core.text import listed
from guanjia.meetings.choices import TRANSITIONS, Action, ItemAction, ItemClock, ItemStatus, Kind, Status
from guanjia.meetings.models import ActionItem, Meeting
from guanjia.meetings.workflow import ACTION_ITEM
from guanjia.requests.choices import TERMINAL_STATUSES as REQUEST_TERMINAL_STATUSES
from guanjia.workflow import clocks, timeline, transitions
from guanjia.workflow import items as tracked_items
from guanjia.workflow.models import Clock

CONVENER_ROLES = frozenset({Role.ADMIN, Role.BUTLER, Role.LEADER})
EDITABLE_FIELDS = ("kind", "title", "starts_at", "place", "units", "attendees", "requests", "projects", "minutes")
MAX_DEADLINE_DAYS = 365
# Deadlines count working days from the meeting's local date, which year 1 or 9999 would overflow;
# the same bounds as the statistics' period (reports.forms.DATE_BOUNDS).
EARLIEST_DATE, LATEST_DATE = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


# -- shared checks ----------------------------------------------------------------------------------------------


def _begin(*, actor, meeting: Meeting, action: str) -> Meeting:
    """Lock the meeting, then check the actor's right (403) and whether its status allows the action (409)."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    require(actor, "meetings.change_meeting", locked)
    allowed, _target = TRANSITIONS[action]
    if locked.status not in allowed:
        raise Conflict(_("会议当前为“%(status)s”，不能%(action)s。") % {
            "status": locked.get_status_display(), "action": Action(action).label})
    return locked


def _is_staff(person) -> bool:
    """Zone staff, not an enterprise's own contact: meetings are internal."""
    return person.enterprise_id is None and bool(person.role_codes - {Role.ENTERPRISE})


def _check_convener(zone_id: int, convener, actor) -> dict:
    if convener is None:
        return {"convener": [_("请选择召集人。")]}
    if convener.pk != actor.pk and not actor.has_perm("meetings.appoint_convener"):
        return {"convener": [_("只有管理员可以指定他人为召集人。")]}
    if (not convener.is_active or convener.zone_id != zone_id
            or not (convener.is_superuser or convener.role_codes & CONVENER_ROLES)):
        return {"convener": [_("召集人须为本园区的管家、工作站站长（领导）或管理员。")]}
    return {}


def _check_starts_at(starts_at) -> dict:
    """The meeting's time must fall on a day between EARLIEST_DATE and LATEST_DATE (in the zone's time zone)."""
    if starts_at is None:
        return {}  # full_clean says it is required
    try:
        day = timezone.localtime(starts_at).date()
    except OverflowError:  # e.g. 0001-01-01 at +14:00: before year 1 in UTC
        day = None
    if day is None or not EARLIEST_DATE <= day <= LATEST_DATE:
        return {"starts_at": [_("会议时间须在 %(earliest)s 至 %(latest)s 之间。") % {
            "earliest": f"{EARLIEST_DATE:%Y-%m-%d}", "latest": f"{LATEST_DATE:%Y-%m-%d}"}]}
    return {}


def _check_related(zone_id: int, *, units, attendees, requests, projects) -> dict:
    errors: dict[str, list[str]] = {}
    if any(u.zone_id != zone_id for u in units):
        errors["units"] = [_("参会单位须为本园区的单位。")]
    if any(p.zone_id != zone_id or not p.is_active or not _is_staff(p) for p in attendees):
        errors["attendees"] = [_("参会人员须为本园区在职的工作人员（企业联系人不参加内部会议）。")]
    if any(r.zone_id != zone_id for r in requests):
        errors["requests"] = [_("议题诉求须为本园区的诉求。")]
    elif requests:
        from guanjia.requests.models import Request

        # Read from the database: the objects handed in may be older than the request's status.
        closed = list(Request.objects.filter(pk__in=[r.pk for r in requests], status__in=REQUEST_TERMINAL_STATUSES)
                      .order_by("number").values_list("number", flat=True))
        if closed:
            errors["requests"] = [_("诉求 %(numbers)s 已关闭，不能列入议题。") % {"numbers": listed(closed)}]
    if any(p.zone_id != zone_id for p in projects):
        errors["projects"] = [_("议题项目须为本园区的项目。")]
    return errors


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# -- meetings ---------------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor,
    title: str,
    starts_at: dt.datetime,
    kind: str = Kind.JOINT,
    place: str = "",
    convener=None,
    units: Iterable = (),
    attendees: Iterable = (),
    requests: Iterable = (),
    projects: Iterable = (),
) -> Meeting:
    """Convene a meeting (会议召集权): butlers, station heads / leaders and the center may.

    Requests escalated to a meeting stay escalated: the meeting settles them later
    (`meeting_settle_request`) or they are handled on.
    """
    require(actor, "meetings.add_meeting")
    if actor.zone_id is None:
        raise ValidationError(_("您不属于任何园区，不能召集会议。"))
    convener = convener or actor
    units, attendees, requests, projects = list(units), list(attendees), list(requests), list(projects)
    meeting = Meeting(zone_id=actor.zone_id, kind=kind, title=(title or "").strip(), starts_at=starts_at,
                      place=(place or "").strip(), convener=convener)
    errors: dict = {}
    try:
        meeting.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    if "starts_at" not in errors:
        errors.update(_check_starts_at(meeting.starts_at))
    errors.update(_check_convener(actor.zone_id, convener, actor))
    errors.update(_check_related(actor.zone_id, units=units, attendees=attendees, requests=requests,
                                 projects=projects))
    _raise(errors)
    with audit_context(actor=actor):
        meeting.save()
        meeting.units.set(units)
        meeting.attendees.set(attendees)
        meeting.requests.set(requests)
        meeting.projects.set(projects)
    return meeting


@texts_limited("minutes")
@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, **fields) -> Meeting:
    """Change a planned or held meeting: its details, attendance, agenda, and (once held) its minutes.

    Deadlines given in working days follow a moved meeting date; a request that has
    action items or was settled here stays on the agenda.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    meeting = _begin(actor=actor, meeting=meeting, action=Action.UPDATE)
    relations = {name: list(fields.pop(name)) for name in ("units", "attendees", "requests", "projects")
                 if name in fields}
    old_date = meeting.meeting_date
    for field, value in fields.items():
        setattr(meeting, field, value.strip() if isinstance(value, str) and field != "minutes" else value)
    errors: dict = {}
    try:
        meeting.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    if "starts_at" in fields and "starts_at" not in errors:
        errors.update(_check_starts_at(meeting.starts_at))
    if meeting.status == Status.PLANNED and (meeting.minutes or "").strip():
        errors["minutes"] = [_("会议召开后才能填写纪要。")]
    if meeting.status == Status.HELD and "minutes" in fields and not (meeting.minutes or "").strip():
        errors["minutes"] = [_("请填写会议纪要。")]
    current = {name: list(getattr(meeting, name).all()) for name in relations}
    new_requests = [r for r in relations.get("requests", []) if r not in current.get("requests", [])]
    errors.update(_check_related(
        meeting.zone_id, units=relations.get("units", []), attendees=relations.get("attendees", []),
        requests=new_requests, projects=relations.get("projects", []),
    ))
    if "requests" in relations:
        kept = {r.pk for r in relations["requests"]}
        pinned = set(meeting.action_items.filter(request__isnull=False).values_list("request", flat=True))
        pinned |= set(meeting.settled_requests.values_list("pk", flat=True))
        if pinned - kept:
            errors.setdefault("requests", []).append(_("已有督办事项或已由本会办结的诉求不能移出议题。"))
    if "projects" in relations:
        kept = {p.pk for p in relations["projects"]}
        pinned = set(meeting.action_items.filter(project__isnull=False).values_list("project", flat=True))
        if pinned - kept:
            errors.setdefault("projects", []).append(_("已有督办事项的项目不能移出议题。"))
    items = list(meeting.action_items.all()) if not errors and meeting.meeting_date != old_date else []
    errors.update(_move_deadlines(meeting, items))
    _raise(errors)
    with audit_context(actor=actor):
        meeting.save()
        for name, values in relations.items():
            getattr(meeting, name).set(values)
        # Deadlines in working days count from the new date: their clocks start again from it.
        moved = [item for item in items if item.deadline_days and item.status == ItemStatus.OPEN]
        for item in moved:
            for clock in clocks.running(item.item_id):
                clocks.restart(clock, at=service_now(), origin=meeting.starts_at)
        tracked_items.refresh_deadlines(item.item_id for item in moved)
        mirror_deadlines([item.item_id for item in moved])
    return meeting


def _move_deadlines(meeting: Meeting, items: list[ActionItem]) -> dict:
    """Refuse a new meeting date that its action items' deadlines cannot follow: working days the calendar
    cannot count from it, or a fixed date before it. (The clocks themselves restart once it is saved.)"""
    if not items:
        return {}
    calendar = workcal.WorkingCalendar.load()
    for item in items:
        if item.deadline_days:
            try:
                calendar.deadline_at(meeting.meeting_date, item.deadline_days)
            except workcal.CalendarUnavailable as error:
                return {"starts_at": [error.message]}
        elif timezone.localtime(item.deadline).date() < meeting.meeting_date:
            return {"starts_at": [_("督办事项“%(item)s”的完成时限早于新的会议日期。") % {"item": item}]}
    return {}


@texts_limited("minutes")
@transaction.atomic
def meeting_hold(*, actor, meeting: Meeting, minutes: str) -> Meeting:
    """The meeting took place: its minutes (会议纪要) are recorded and decisions may be added."""
    if not (minutes or "").strip():
        raise ValidationError({"minutes": _("请填写会议纪要。")})
    meeting = _begin(actor=actor, meeting=meeting, action=Action.HOLD)
    if meeting.starts_at > service_now():
        raise ValidationError({"minutes": _("会议尚未开始（%(start)s），不能登记为已召开。") % {
            "start": f"{timezone.localtime(meeting.starts_at):%Y-%m-%d %H:%M}"}})
    meeting.status, meeting.minutes, meeting.held_at = Status.HELD, minutes.strip(), service_now()
    with audit_context(actor=actor):
        meeting.save(update_fields=["status", "minutes", "held_at", "updated_at"])
    return meeting


@transaction.atomic
def meeting_close(*, actor, meeting: Meeting) -> Meeting:
    """结束: the meeting's record is complete; its open action items go on being followed (督办)."""
    meeting = _begin(actor=actor, meeting=meeting, action=Action.CLOSE)
    meeting.status, meeting.closed_at = Status.CLOSED, service_now()
    with audit_context(actor=actor):
        meeting.save(update_fields=["status", "closed_at", "updated_at"])
    return meeting


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str) -> Meeting:
    """取消 a planned meeting, with the reason kept; its agenda requests are untouched."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写取消原因。")})
    if len(reason) > Meeting._meta.get_field("cancel_reason").max_length:
        raise ValidationError({"reason": _("取消原因不能超过 200 字。")})
    meeting = _begin(actor=actor, meeting=meeting, action=Action.CANCEL)
    meeting.status, meeting.cancelled_at, meeting.cancel_reason = Status.CANCELLED, service_now(), reason
    with audit_context(actor=actor):
        meeting.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    return meeting


# -- decisions (action items) -----------------------------------------------------------------------------------


@texts_limited("text")
@transaction.atomic
def action_item_add(
    *,
    actor,
    meeting: Meeting,
    text: str,
    owner_unit,
    owner_person=None,
    days: int | None = None,
    due_date: dt.date | None = None,
    request=None,
    project=None,
) -> ActionItem:
    """Record a decision of a held meeting as an action item (督办事项) with an owner and a deadline.

    The deadline is either `days` working days counted from the meeting date (次日起算,
    closing at the end of the last day) or a `due_date` not before the meeting date, nor
    before today (a date set by hand, as a unit's 办理时限, is set for the days to come): its
    deadline is the close of the last working day on or before it.
    """
    meeting = _begin(actor=actor, meeting=meeting, action=Action.ADD_ACTION_ITEM)
    text = (text or "").strip()
    errors: dict[str, list[str]] = {}
    if not text:
        errors["text"] = [_("请填写事项内容。")]
    if owner_unit is None:
        errors["owner_unit"] = [_("请选择责任单位。")]
    elif owner_unit.zone_id != meeting.zone_id:
        errors["owner_unit"] = [_("责任单位须为本园区的单位。")]
    if owner_person is not None:
        if owner_person.zone_id != meeting.zone_id or not owner_person.is_active or not _is_staff(owner_person):
            errors["owner_person"] = [_("责任人须为本园区在职的工作人员。")]
        elif owner_unit is not None and owner_person.unit_id and owner_person.unit_id != owner_unit.pk:
            errors["owner_person"] = [_("责任人不属于所选责任单位。")]
    if request is not None and not meeting.requests.filter(pk=request.pk).exists():
        errors["request"] = [_("该诉求不在本次会议的议题中。")]
    if project is not None and not meeting.projects.filter(pk=project.pk).exists():
        errors["project"] = [_("该项目不在本次会议的议题中。")]
    deadline, provisional = None, False
    today = timezone.localtime(service_now()).date()
    if (days is None) == (due_date is None):
        errors["days"] = [_("请给出完成时限：工作日数或截止日期，二选一。")]
    elif days is not None:
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DEADLINE_DAYS:
            errors["days"] = [_("工作日数须为 1 至 %(max)d 的整数。") % {"max": MAX_DEADLINE_DAYS}]
        else:
            try:
                due = workcal.deadline_at(meeting.meeting_date, days)
                deadline, provisional = due.due, due.provisional
            except workcal.CalendarUnavailable as error:
                errors["days"] = [error.message]
    elif due_date < meeting.meeting_date:
        errors["due_date"] = [_("完成时限（%(due)s）不能早于会议日期（%(date)s）。") % {
            "due": f"{due_date:%Y-%m-%d}", "date": f"{meeting.meeting_date:%Y-%m-%d}"}]
    elif due_date < today:
        errors["due_date"] = [_("完成时限（%(due)s）不能早于今天（%(today)s）。") % {
            "due": f"{due_date:%Y-%m-%d}", "today": f"{today:%Y-%m-%d}"}]
    elif due_date > LATEST_DATE:
        errors["due_date"] = [_("完成时限（%(due)s）不能晚于 %(latest)s。") % {
            "due": f"{due_date:%Y-%m-%d}", "latest": f"{LATEST_DATE:%Y-%m-%d}"}]
    else:  # as a unit's 办理时限 chosen as a date: the close of the last working day on or before it
        try:
            due = workcal.closing_on_or_before(due_date, earliest=today)
            deadline, provisional = due.due, due.provisional
        except workcal.CalendarUnavailable as error:
            errors["due_date"] = [error.message]
    _raise(errors)
    now = service_now()
    item = ActionItem(meeting=meeting, text=text, owner_unit=owner_unit, owner_person=owner_person, request=request,
                      project=project, deadline=deadline, deadline_days=days, deadline_provisional=provisional,
                      deadline_date=due_date if days is None else None, created_by=actor, created_at=now)
    item.full_clean(exclude=["item"])
    # Its deadline is a clock counted from the meeting: working days, or a date (never before today's close).
    rule = (clocks.Rule(clocks.DAYS, days) if days is not None
            else clocks.Rule(clocks.DAYS, 0, fixed=True, until=due_date, earliest=today))
    started = []
    with audit_context(actor=actor):
        tracked_items.insert(item, at=now, start_clocks=lambda tracked: started.append(
            clocks.start(item=tracked, kind=ItemClock.DEADLINE, at=meeting.starts_at, rule=rule)) or started)
    # The clock is the deadline; the row only shows it (the values above were counted to refuse a bad one).
    clock = started[0]
    if (clock.due_at, clock.provisional) != (item.deadline, item.deadline_provisional):
        item.deadline, item.deadline_provisional = clock.due_at, clock.provisional
        ActionItem.objects.filter(pk=item.pk).update(deadline=clock.due_at, deadline_provisional=clock.provisional)
    timeline.record(item_id=item.item_id, actor=actor, action=ItemAction.ADD, to_status=item.status, comment=text,
                    at=now)
    return item


@texts_limited("result")
@transaction.atomic
def action_item_complete(*, actor, item: ActionItem, result: str) -> ActionItem:
    """办结 an action item with its result; its clock stops, on time or late against its deadline."""
    result = (result or "").strip()
    if not result:
        raise ValidationError({"result": _("请填写办理结果。")})
    with audit_context(actor=actor):
        step = transitions.begin(ACTION_ITEM, actor=actor, obj=item, action=ItemAction.COMPLETE,
                                 queryset=ActionItem.objects.select_related("meeting", "request", "project"))
        item, now = step.obj, service_now()
        item.done_at, item.done_by, item.result = now, actor, result
        for clock in clocks.running(item.item_id):
            clocks.stop(clock, at=now)
        step.finish("done_at", "done_by", "result", comment=result, at=now)
    return item


def mirror_deadlines(item_ids: list[int]) -> None:
    """Show moved deadlines (a year's holidays loaded, a meeting moved) on the action items' rows."""
    for clock in Clock.objects.filter(item__in=item_ids, kind=ItemClock.DEADLINE, cancelled=False):
        ActionItem.objects.filter(item=clock.item_id).update(deadline=clock.due_at,
                                                             deadline_provisional=clock.provisional)


# -- settling requests ------------------------------------------------------------------------------------------


@texts_limited("answer")
@transaction.atomic
def meeting_settle_request(*, actor, meeting: Meeting, request, answer: str, confirm: bool = False):
    """A request on the agenda is settled (办结) by the meeting's decision.

    The request moves only through `request_resolve` (its own role and status checks
    apply: an escalated request stays escalated until this moment); the meeting keeps
    the link in `settled_requests`. Action items of the request still open (of any meeting)
    go on being followed; settling it anyway must be confirmed (`confirm`), else the
    refusal names them.
    """
    from guanjia.requests.services import request_resolve

    meeting = _begin(actor=actor, meeting=meeting, action=Action.SETTLE)
    if request is None or not meeting.requests.filter(pk=request.pk).exists():
        raise ValidationError({"request": _("该诉求不在本次会议的议题中。")})
    if meeting.settled_requests.filter(pk=request.pk).exists():
        raise Conflict(_("该诉求已由本次会议办结。"))
    still_open = open_items_of(request)
    if still_open and not confirm:
        raise ValidationError({"confirm": [_("该诉求还有 %(n)d 项督办事项未完成（%(items)s），办结后这些事项仍继续督办。"
                                             "确认办结请勾选“确认办结”。") % {
            "n": len(still_open), "items": listed(f"{item.owner_unit}：{str(item)}" for item in still_open)}]})
    resolved = request_resolve(
        actor=actor, request=request, answer=answer,
        comment=_("经%(kind)s“%(title)s”（%(date)s）研究办结：%(answer)s") % {
            "kind": meeting.get_kind_display(), "title": meeting.title,
            "date": f"{meeting.meeting_date:%Y-%m-%d}", "answer": (answer or "").strip()},
    )
    with audit_context(actor=actor):
        meeting.settled_requests.add(resolved)
    return resolved


def open_items_of(request) -> list[ActionItem]:
    """The request's action items still open, of every meeting (a settled request's are followed on)."""
    return list(ActionItem.objects.filter(request=request, status=ItemStatus.OPEN).select_related("owner_unit")
                .order_by("deadline", "pk"))
