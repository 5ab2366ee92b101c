"""How 一表制 plugs into the workflow kernel: a project's promotion table and its key work items.

The table's status is the project's stage (its timeline: the hand-over, each stage reached, each change
of plan); it waits for nobody itself. A work item waits for its responsible person and unit until it is
done, with its deadline on the kernel's clock. Registered in PromotionConfig.ready().
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from guanjia.core.addresses import object_address
from guanjia.projects.choices import Stage
from guanjia.promotion.choices import (
    TABLE_MOVES,
    WORK_ITEM_MOVES,
    WORK_ITEM_OPEN,
    TableAction,
    WorkItemAction,
    WorkItemClock,
    WorkItemStatus,
)
from guanjia.workflow import parties, registry
from guanjia.workflow.registry import Description, Workflow


def describe_table(table) -> Description:
    project = table.project
    return Description(
        zone_id=table.zone_id, status=table.status, is_open=table.status != Stage.AT_CAPACITY,
        title=str(_("%(project)s促建表") % {"project": project.name}), enterprise_id=project.enterprise_id,
        project_id=project.pk, person_id=project.butler_id)


def describe_work_item(work_item) -> Description:
    is_open = work_item.status in WORK_ITEM_OPEN
    project = work_item.project
    duties: list[tuple[str, bool]] = []
    if is_open:
        if work_item.responsible_id:
            duties.append((parties.staff(work_item.responsible_id), True))
        if work_item.unit_id:
            duties.append((parties.unit(work_item.unit_id), True))
        if not duties:
            duties.append((parties.butler(project.butler_id) if project.butler_id
                           else parties.center(work_item.zone_id), True))
    return Description(
        zone_id=work_item.zone_id, status=work_item.status, is_open=is_open, title=work_item.name,
        number=project.name[:40], enterprise_id=project.enterprise_id, project_id=project.pk,
        person_id=work_item.responsible_id, unit_id=work_item.unit_id, parent_id=work_item.table.item_id,
        duties=tuple(duties))


def _table_url(row: dict) -> str:
    return object_address("promotion:table")(row["object_id"])


def _work_item_url(row: dict) -> str:
    return object_address("promotion:work-item")(row["object_id"])


PROMOTION_TABLE = Workflow(
    kind="promotion_table", label=_("项目促建表"), model="promotion.PromotionTable", statuses=Stage,
    open_statuses=frozenset(set(Stage.values) - {Stage.AT_CAPACITY}), moves=TABLE_MOVES, actions=TableAction,
    describe=describe_table, url=_table_url,
)

WORK_ITEM = Workflow(
    kind="work_item", label=_("推进事项"), model="promotion.WorkItem", statuses=WorkItemStatus,
    open_statuses=WORK_ITEM_OPEN, moves=WORK_ITEM_MOVES, actions=WorkItemAction, clock_kinds=WorkItemClock,
    status_colours={WorkItemStatus.NOT_STARTED: "secondary", WorkItemStatus.IN_PROGRESS: "primary",
                    WorkItemStatus.DONE: "success", WorkItemStatus.CANCELLED: "dark"},
    describe=describe_work_item, url=_work_item_url,
    refused_message=_("推进事项当前为“%(status)s”，不能%(action)s。"),
)


def register() -> None:
    registry.register(PROMOTION_TABLE)
    registry.register(WORK_ITEM)
