"""How 代办 plugs into the workflow kernel: the handbook (手册) and each of its items (代办事项) are tracked items.

An item waits for its proxy agent (else the project's butler) from the start; while the authority
has it, for the authority's unit too; while 补正 material or a 容缺 gap is outstanding, for the
enterprise that must supply it. A handbook without the enterprise's authorization (委托书) waits
for the enterprise to upload it. Registered in ApprovalsConfig.ready().
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from guanjia.approvals.choices import (
    APPROVAL_MOVES,
    AT_AUTHORITY,
    HANDBOOK_MOVES,
    OPEN_STATUSES,
    STATUS_COLOURS,
    Action,
    Clock,
    HandbookAction,
    HandbookStatus,
    Status,
)
from guanjia.core.addresses import object_address
from guanjia.workflow import parties, registry
from guanjia.workflow.registry import Description, Workflow


def _agent_party(agent_id, butler_id, zone_id) -> str:
    if agent_id:
        return parties.staff(agent_id)
    if butler_id:
        return parties.butler(butler_id)
    return parties.center(zone_id)


def describe_approval(approval) -> Description:
    is_open = approval.status in OPEN_STATUSES
    project = approval.project
    duties: list[tuple[str, bool]] = []
    if is_open:
        agent = _agent_party(approval.agent_id, project.butler_id, approval.zone_id)
        if approval.status in AT_AUTHORITY:
            duties.append((parties.unit(approval.unit_id), approval.status != Status.CORRECTING))
            duties.append((agent, approval.status == Status.CORRECTING))
        else:
            duties.append((agent, True))
        gap_open = approval.status in AT_AUTHORITY and approval.gap_commit_by and not approval.gap_made_good_on
        if approval.status == Status.CORRECTING or gap_open:
            duties.append((parties.enterprise(project.enterprise_id), True))
    return Description(
        zone_id=approval.zone_id, status=approval.status, is_open=is_open, title=approval.name,
        number=project.name[:40], enterprise_id=project.enterprise_id, project_id=project.pk,
        person_id=approval.agent_id or project.butler_id, unit_id=approval.unit_id,
        parent_id=approval.handbook.item_id, duties=tuple(duties))


def describe_handbook(handbook) -> Description:
    project = handbook.project
    is_open = handbook.status == HandbookStatus.ACTIVE
    duties: list[tuple[str, bool]] = []
    if is_open and handbook.authorized_on is None:
        duties.append((parties.enterprise(project.enterprise_id), True))
        duties.append((_agent_party(handbook.agent_id, project.butler_id, handbook.zone_id), False))
    return Description(
        zone_id=handbook.zone_id, status=handbook.status, is_open=is_open,
        title=str(_("%(project)s服务手册") % {"project": project.name}), enterprise_id=project.enterprise_id,
        project_id=project.pk, person_id=handbook.agent_id or project.butler_id, duties=tuple(duties))


def _approval_url(row: dict) -> str:
    return object_address("approvals:approval")(row["object_id"])


def _handbook_url(row: dict) -> str:
    return object_address("approvals:handbook")(row["object_id"])


def _approval_notices(event) -> list:
    from guanjia.approvals import notices

    return notices.event_notices(event)


def _approval_reminder_people(rows: list, people) -> dict:
    from guanjia.approvals import notices

    return notices.reminder_people(rows, people)


def _approval_escalation_people(rows: list, people) -> dict:
    from guanjia.approvals import notices

    return notices.escalation_people(rows, people)


def _approval_deadlines_moved(item_ids: list[int]) -> None:
    from guanjia.approvals.services.lifecycle import mirror_deadlines

    mirror_deadlines(item_ids)


APPROVAL = Workflow(
    kind="approval", label=_("代办事项"), model="approvals.Approval", statuses=Status,
    open_statuses=OPEN_STATUSES, moves=APPROVAL_MOVES, actions=Action, clock_kinds=Clock,
    status_colours=dict(STATUS_COLOURS), describe=describe_approval, url=_approval_url,
    notices=_approval_notices, reminder_people=_approval_reminder_people,
    escalation_people=_approval_escalation_people, deadlines_moved=_approval_deadlines_moved,
    refused_message=_("代办事项当前为“%(status)s”，不能%(action)s。"),
)

HANDBOOK = Workflow(
    kind="handbook", label=_("项目服务手册"), model="approvals.Handbook", statuses=HandbookStatus,
    open_statuses=frozenset({HandbookStatus.ACTIVE}), moves=HANDBOOK_MOVES, actions=HandbookAction,
    describe=describe_handbook, url=_handbook_url,
    refused_message=_("服务手册当前为“%(status)s”，不能%(action)s。"),
)


def register() -> None:
    registry.register(APPROVAL)
    registry.register(HANDBOOK)
