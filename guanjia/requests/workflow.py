"""How requests plug into the workflow kernel: three kinds of tracked item and whom each waits for.

- a request (诉求): waits for its butler (the center where it has none) while they must act,
  for the center when a unit returns it or it goes to a joint meeting, for the zone's
  leaders when escalated to them (until one gives a 批示, which sends it back), for the
  addressed leader of a 直通车 letter (apart once they have given their 批示), and for the
  enterprise when it must rate the answer or supply material;
- a unit's task (部门任务): waits for the unit while it is pending or signed, apart while
  the unit can do nothing on it (its request suspended, or with the center or the butler after the
  lead unit's 退单); a co-unit's returned task waits for the center until it decides (仲裁);
- an extension application (延期申请): waits for the center and the zone's leaders.

Registered in RequestsConfig.ready().
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanjia.core.addresses import object_address
from guanjia.requests.choices import (
    APPLICATION_MOVES,
    MOVES,
    OPEN_TASK_STATUSES,
    STATUS_COLOURS,
    TASK_MOVES,
    TERMINAL_STATUSES,
    Action,
    ApplicationAction,
    ClockKind,
    EscalationTarget,
    ExtensionApplicationStatus,
    Status,
    SuspendReason,
    TaskAction,
    UnitTaskRole,
    UnitTaskStatus,
)
from guanjia.workflow import parties, registry
from guanjia.workflow.registry import Description, Workflow

# The parties a request's butler duty names: its butler, else the service center.
BUTLER_ACTS = frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.IN_UNITS, Status.ESCALATED})


def describe_request(request) -> Description:
    zone, status = request.zone_id, request.status
    owner = parties.butler(request.butler_id) if request.butler_id else parties.center(zone)
    duties: list[tuple[str, bool]] = []
    if status in BUTLER_ACTS:
        duties.append((owner, True))
    elif status in (Status.TRANSFERRED, Status.RETURNED, Status.SUSPENDED):
        duties.append((owner, False))  # the units, the center or the enterprise act first
    if status == Status.RETURNED:
        duties.append((parties.center(zone), True))  # 仲裁
    elif status == Status.ESCALATED:
        duties.append((parties.center(zone) if request.escalated_to == EscalationTarget.MEETING
                       else parties.leaders(zone), True))
    elif status == Status.SUSPENDED and request.suspend_reason == SuspendReason.AWAITING_MATERIAL:
        duties.append((parties.enterprise(request.enterprise_id), True))
    elif status == Status.RESOLVED:
        duties.append((parties.enterprise(request.enterprise_id), True))  # 回访评价
    if request.addressed_leader_id and status not in TERMINAL_STATUSES and status != Status.RESOLVED:
        # Once the addressed leader has given their 批示, the letter waits on the butler and units: it stays in
        # the leader's 我的待办 apart (followed), no longer as theirs to act on.
        instructed = request.instructed_by_id == request.addressed_leader_id
        duties.append((parties.leader(request.addressed_leader_id), not instructed))
    return Description(
        zone_id=zone, status=status, is_open=status not in TERMINAL_STATUSES, title=request.title, number=request.number,
        enterprise_id=request.enterprise_id, project_id=request.project_id, person_id=request.butler_id,
        unit_id=request.lead_unit_id, duties=tuple(duties))


# Where a unit's open task cannot move: its request suspended, its lead unit's 退单 before the center, or the
# request back with its butler after that return was upheld (to be transferred again).
UNITS_WAIT = frozenset({Status.SUSPENDED, Status.RETURNED, Status.ACCEPTED})


def describe_task(task) -> Description:
    request = task.request
    waiting = task.status == UnitTaskStatus.RETURNED and task.arbitrated_at is None
    is_open = task.status in OPEN_TASK_STATUSES or waiting
    if waiting:
        # A 退单 waits for the center (仲裁). The lead unit's moved the request itself to RETURNED, which waits
        # for the center; a co-unit's leaves the request with the units, so its task is what waits.
        duties: tuple = ((parties.unit(task.unit_id), False),)
        if task.role == UnitTaskRole.CO:
            duties += ((parties.center(request.zone_id), True),)
    elif is_open:
        duties = ((parties.unit(task.unit_id), request.status not in UNITS_WAIT),)
    else:
        duties = ()
    return Description(
        zone_id=request.zone_id, status=task.status, is_open=is_open, title=request.title, number=request.number,
        enterprise_id=request.enterprise_id, project_id=request.project_id, unit_id=task.unit_id,
        parent_id=request.item_id, duties=duties)


def describe_application(application) -> Description:
    request = application.request
    pending = application.status == ExtensionApplicationStatus.PENDING
    duties = ((parties.center(request.zone_id), True), (parties.leaders(request.zone_id), True)) if pending else ()
    return Description(
        zone_id=request.zone_id, status=application.status, is_open=pending, title=request.title, number=request.number,
        enterprise_id=request.enterprise_id, project_id=request.project_id, person_id=application.applicant_id,
        unit_id=application.unit_id, parent_id=request.item_id, duties=duties)


def _request_url(row: dict) -> str:
    return object_address("requests:detail")(row["object_id"])


def _on_request(anchor: str):
    def url(row: dict) -> str:
        return f"{object_address('requests:detail')(row['parent__object_id'])}#{anchor}"

    return url


def _deadlines_moved(item_ids: list[int]) -> None:
    from guanjia.requests.services.common import mirror_deadlines

    mirror_deadlines(item_ids)


def _notices(event) -> list:
    from guanjia.requests.notices import event_notices

    return event_notices(event)


def _reminders(run) -> None:
    from guanjia.requests.notices import rate_reminders

    rate_reminders(run)


def _reminder_people(rows: list, people) -> dict:
    from guanjia.requests.notices import reminder_people

    return reminder_people(rows, people)


REFUSED = _("诉求当前为“%(status)s”，不能%(action)s。")
STALE = _("该诉求已被他人处理，请刷新后再试。")

REQUEST = Workflow(
    kind="request", label=pgettext_lazy("one", "诉求"), model="requests.Request", statuses=Status,
    open_statuses=frozenset(Status) - TERMINAL_STATUSES, moves=MOVES, actions=Action, clock_kinds=ClockKind,
    status_colours=STATUS_COLOURS, describe=describe_request, url=_request_url, notices=_notices,
    reminders=_reminders, reminder_people=_reminder_people, deadlines_moved=_deadlines_moved, refused_message=REFUSED, stale_message=STALE,
)
UNIT_TASK = Workflow(
    kind="unit_task", label=_("部门任务"), model="requests.UnitTask", statuses=UnitTaskStatus,
    open_statuses=frozenset(OPEN_TASK_STATUSES), moves=TASK_MOVES, actions=TaskAction, clock_kinds=ClockKind,
    status_colours={UnitTaskStatus.PENDING: "warning", UnitTaskStatus.SIGNED: "info", UnitTaskStatus.DONE: "success",
                    UnitTaskStatus.RETURNED: "danger", UnitTaskStatus.CANCELLED: "secondary"},
    describe=describe_task, url=_on_request("unit-tasks"), deadlines_moved=_deadlines_moved,
    refused_message=_("部门任务当前为“%(status)s”，不能%(action)s。"),
)
EXTENSION_APPLICATION = Workflow(
    kind="extension_application", label=_("延期申请"), model="requests.ExtensionApplication",
    statuses=ExtensionApplicationStatus, open_statuses=frozenset({ExtensionApplicationStatus.PENDING}),
    moves=APPLICATION_MOVES, actions=ApplicationAction,
    status_colours={ExtensionApplicationStatus.PENDING: "warning"}, describe=describe_application,
    url=_on_request("pending-extension"), refused_message=_("延期申请当前为“%(status)s”，不能%(action)s。"),
)


def register() -> None:
    for workflow in (REQUEST, UNIT_TASK, EXTENSION_APPLICATION):
        registry.register(workflow)
