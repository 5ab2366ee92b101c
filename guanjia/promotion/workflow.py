"""How 一表制 plugs into the workflow kernel: a project's promotion table and its key work items.

The table's status is the project's stage (its timeline: the hand-over, each stage reached, each change
of plan); it waits for nobody itself. A work item waits for its responsible person and unit until it is
done, with its deadline on the kernel's clock. Registered in PromotionConfig.ready().
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

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


def _table_notices(event) -> list:
    """协议移交: the responsible people and units' handlers of its work items hear that the table is made."""
    from guanjia.notifications import selectors
    from guanjia.notifications.choices import Kind
    from guanjia.notifications.services import Notice
    from guanjia.notifications.texts import text
    from guanjia.promotion.models import PromotionTable

    if event.action != TableAction.HAND_OVER:
        return []
    table = PromotionTable.objects.select_related("project").get(item=event.item_id)
    rows = list(table.work_items.values_list("responsible", "unit"))
    people = selectors.unit_handlers(table.zone_id, {unit for _p, unit in rows if unit})
    people += selectors.people_by_id({person for person, _u in rows if person}).values()
    if not people:
        return []
    return [Notice(kind=Kind.ACTION_ASSIGNED, zone_id=table.zone_id,
                   title=text(gettext_noop("项目促建表已建立：%(project)s"), project=table.project.name),
                   body=[text(gettext_noop("协议已于 %(date)s 移交，请按促建表推进您负责的 %(n)s 项推进事项。"),
                              date=f"{table.handed_over_on:%Y-%m-%d}", n=str(len(rows)))],
                   recipients=people, link=object_address("promotion:table")(table.pk), item_id=event.item_id,
                   event_id=event.pk, at=event.at)]


def _work_item_notices(event) -> list:
    """新增推进事项 (by hand): its responsible person and unit's handlers; 完成: the project's butler."""
    from guanjia.notifications import selectors
    from guanjia.notifications.choices import Kind
    from guanjia.notifications.services import Notice
    from guanjia.notifications.texts import text
    from guanjia.promotion.models import WorkItem

    work_item = WorkItem.objects.select_related("project__butler", "responsible").get(item=event.item_id)
    common = {"zone_id": work_item.zone_id, "link": work_item.get_absolute_url(), "item_id": event.item_id,
              "event_id": event.pk, "at": event.at}
    project = work_item.project
    if event.action == WorkItemAction.ADD and not event.data.get("hand_over"):
        people = selectors.unit_handlers(work_item.zone_id, [work_item.unit_id]) if work_item.unit_id else []
        if work_item.responsible_id:
            people.append(work_item.responsible)
        return [Notice(kind=Kind.ACTION_ASSIGNED, title=text(gettext_noop("推进事项：%(item)s"), item=work_item.name),
                       body=[text(gettext_noop("%(project)s：请于 %(due)s 前完成“%(item)s”。"), project=project.name,
                                  due=f"{work_item.due_on:%Y-%m-%d}", item=work_item.name)],
                       recipients=people, **common)]
    if event.action == WorkItemAction.COMPLETE and project.butler_id:
        return [Notice(kind=Kind.ACTION_DONE, title=text(gettext_noop("推进事项已完成：%(item)s"), item=work_item.name),
                       body=[text(gettext_noop("%(project)s的“%(item)s”已于 %(date)s 完成。"), project=project.name,
                                  item=work_item.name, date=f"{work_item.done_on:%Y-%m-%d}")],
                       recipients=[project.butler], **common)]
    return []


def _reminder_people(rows: list, people) -> dict:
    """Its responsible person and unit's handlers (the item's), and the project's butler, who follows it up."""
    from guanjia.promotion.models import WorkItem

    butlers = dict(WorkItem.objects.filter(item__in=[row.item_id for row in rows])
                   .values_list("item", "project__butler"))
    people.load(set(butlers.values()))
    found = {}
    for row in rows:
        responsible = people.responsible(row)
        butler = people.person(butlers.get(row.item_id))
        found[row.id] = [*responsible, butler] if butler is not None and butler not in responsible else responsible
    return found


def _deadlines_moved(item_ids: list[int]) -> None:
    from guanjia.promotion.services import mirror_deadlines

    mirror_deadlines(item_ids)


PROMOTION_TABLE = Workflow(
    kind="promotion_table", label=_("项目促建表"), model="promotion.PromotionTable", statuses=Stage,
    open_statuses=frozenset(set(Stage.values) - {Stage.AT_CAPACITY}), moves=TABLE_MOVES, actions=TableAction,
    describe=describe_table, url=_table_url, notices=_table_notices,
)

WORK_ITEM = Workflow(
    kind="work_item", label=_("推进事项"), model="promotion.WorkItem", statuses=WorkItemStatus,
    open_statuses=WORK_ITEM_OPEN, moves=WORK_ITEM_MOVES, actions=WorkItemAction, clock_kinds=WorkItemClock,
    status_colours={WorkItemStatus.NOT_STARTED: "secondary", WorkItemStatus.IN_PROGRESS: "primary",
                    WorkItemStatus.DONE: "success", WorkItemStatus.CANCELLED: "dark"},
    describe=describe_work_item, url=_work_item_url, notices=_work_item_notices,
    reminder_people=_reminder_people, deadlines_moved=_deadlines_moved,
    refused_message=_("推进事项当前为“%(status)s”，不能%(action)s。"),
)


def register() -> None:
    registry.register(PROMOTION_TABLE)
    registry.register(WORK_ITEM)
