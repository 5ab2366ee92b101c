"""What the request services share: beginning a move, the request's clocks and deadlines, who may act."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from guanjia.core import calendar as workcal
from guanjia.core.services import texts_limited as _texts_limited
from guanjia.requests import clocks as rules
from guanjia.requests.choices import OPEN_TASK_STATUSES, ClockKind, Status
from guanjia.requests.models import Request, UnitTask
from guanjia.requests.workflow import REQUEST
from guanjia.workflow import clocks, items, transitions
from guanjia.workflow.models import Clock

# The free text of requests' services (诉求内容, 说明, 答复, 理由): at most core.services.TEXT_MAX characters each.
TEXT_FIELDS = ("description", "comment", "answer", "reason")
texts_limited = _texts_limited(*TEXT_FIELDS)


def perm(action: str) -> str:
    return REQUEST.moves[action].permission


def check_may_act(actor, action: str) -> None:
    """403 for a person whose roles may never take this action (asked before anything else is looked at)."""
    if not actor.has_perm(perm(action)):
        raise PermissionDenied(_("您的角色不能执行“%(action)s”。") % {"action": REQUEST.action_label(action)})


def may_raise(user) -> bool:
    """Whether the person may register a request at all (the pages show the button only then)."""
    return user.has_perm("requests.add_request")


def check_may_raise(user) -> None:
    if not may_raise(user):
        raise PermissionDenied(_("您的角色不能登记诉求。"))


def begin(*, actor, request: Request, action: str, version: int | None = None) -> transitions.Step:
    """Lock the request, then check who may act (403), the version read and whether its status allows it (409)."""
    return transitions.begin(REQUEST, actor=actor, obj=request, action=action, version=version,
                             queryset=Request.objects.select_related("enterprise"))


def running_clocks(request: Request, *kinds: str):
    """The request's own clocks still counting (a unit's clock is its task's)."""
    queryset = Clock.objects.filter(item=request.item_id, stopped_at__isnull=True, cancelled=False)
    return queryset.filter(kind__in=kinds) if kinds else queryset


def rule(request: Request, kind: str) -> rules.Rule:
    return rules.rule_for(zone_id=request.zone_id, kind=kind, source=request.source, category=request.category,
                          urgency=request.urgency)


def start_clock(request: Request, kind: str, at: dt.datetime) -> Clock:
    return clocks.start(item=request.item_id, kind=kind, at=at, rule=rule(request, kind))


def start_resolution_clock(request: Request, at: dt.datetime) -> None:
    clock = start_clock(request, ClockKind.RESOLUTION, at)
    request.due_at, request.due_provisional = clock.due_at, clock.provisional


def refresh_due(request: Request) -> None:
    """The request's 办结时限 as its latest resolution clock has it now."""
    clock = (Clock.objects.filter(item=request.item_id, kind=ClockKind.RESOLUTION, cancelled=False)
             .order_by("-pk").first())
    if clock is not None:
        request.due_at, request.due_provisional = clock.due_at, clock.provisional


def settle_clocks(request: Request, now: dt.datetime) -> None:
    """Settled: the first-answer and resolution clocks stop (met or late); any other is cancelled."""
    for clock in running_clocks(request):
        if clock.kind in (ClockKind.RESOLUTION, ClockKind.FIRST_REPLY):
            clocks.stop(clock, at=now)
        else:
            clocks.cancel(clock, at=now)


def mark_resolved(request: Request, now) -> None:
    """Set the resolution time and the working days it took (suspensions excluded)."""
    from guanjia.requests.services.extensions import withdraw_applications

    request.status, request.resolved_at = Status.RESOLVED, now
    withdraw_applications(request, now)
    try:
        days = workcal.working_days_between(request.accepted_at or request.created_at, now)
    except workcal.CalendarUnavailable:
        days = None
    request.resolution_working_days = None if days is None else max(days - request.suspended_working_days, 0)


def sync_open_tasks(request: Request) -> None:
    """The units' open tasks wait apart while the request is suspended (their clocks paused), and are theirs
    to act on again after."""
    for task in UnitTask.objects.filter(request=request, status__in=OPEN_TASK_STATUSES):
        task.request = request
        items.sync(task)


def mirror_deadlines(item_ids: list[int]) -> None:
    """Copy moved deadlines onto the rows that show them: a request's 办结时限, a unit task's 办理时限."""
    latest: dict[int, Clock] = {}
    for clock in Clock.objects.filter(item__in=item_ids, kind=ClockKind.RESOLUTION, cancelled=False).order_by("pk"):
        latest[clock.item_id] = clock
    for item_id, clock in latest.items():
        Request.objects.filter(item=item_id).update(due_at=clock.due_at, due_provisional=clock.provisional)
    for clock in Clock.objects.filter(item__in=item_ids, kind=ClockKind.UNIT, cancelled=False):
        UnitTask.objects.filter(item=clock.item_id).update(due_at=clock.due_at)
