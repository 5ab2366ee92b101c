"""Writes to promotion tables (一表制): the hand-over that makes a table, stage moves and plans, work items.

Every write locks its row, checks the actor's permission (403) and the move against the ONE table of
promotion.choices (409), validates everything before the first write (a clear message by its field,
nothing half-saved) and writes its timeline row in the same transaction. A stage's actual date is the
project's and is written only through `projects.services.project_update`.
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
from guanjia.projects import services as project_services
from guanjia.projects.choices import STAGE_DATE_FIELDS, STAGE_PLAN_FIELDS, Stage
from guanjia.projects.models import Project
from guanjia.promotion.choices import (
    WORK_ITEM_WARN_DAYS,
    TableAction,
    WorkItemAction,
    WorkItemClock,
)
from guanjia.promotion.models import PromotionTable, TableTemplate, TemplateItem, WorkItem
from guanjia.promotion.workflow import PROMOTION_TABLE, WORK_ITEM
from guanjia.workflow import clocks, timeline, transitions
from guanjia.workflow import items as tracked_items
from guanjia.workflow.models import Clock

# The stages of a table, in order (洽谈 comes before any agreement, so before any table).
TABLE_STAGES = [stage for stage, _field in STAGE_DATE_FIELDS]
ACTUAL_FIELD = dict(STAGE_DATE_FIELDS)
PLAN_FIELD = dict(STAGE_PLAN_FIELDS)
MAX_NAME = 200


def _today() -> dt.date:
    return timezone.localtime(service_now()).date()


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _label(stage: str) -> str:
    return str(Stage(stage).label)


def _is_staff(person) -> bool:
    return person.enterprise_id is None and bool(person.role_codes - {Role.ENTERPRISE})


def _check_people(zone_id: int, *, responsible=None, unit=None, errors: dict) -> None:
    if responsible is not None and (responsible.zone_id != zone_id or not responsible.is_active
                                    or not _is_staff(responsible)):
        errors["responsible"] = [_("责任人须为本园区在职的工作人员。")]
    if unit is not None and unit.zone_id != zone_id:
        errors["unit"] = [_("责任单位须为本园区的单位。")]


# -- the hand-over (协议移交) ----------------------------------------------------------------------------------


def template_for(project: Project) -> TableTemplate | None:
    return TableTemplate.objects.filter(zone=project.zone_id, project_type=project.project_type).first()


@transaction.atomic
def table_hand_over(*, actor, project: Project, handed_over_on: dt.date, template: TableTemplate | None = None,
                    comment: str = "") -> PromotionTable:
    """Hand a signed agreement over (协议移交): the project gets its promotion table from its type's template.

    Each of the template's work items is due `days` working days after the hand-over (次日起算), answered for
    by the project's butler and the template's unit, with a deadline clock that turns due soon
    WORK_ITEM_WARN_DAYS working days before it.
    """
    project = Project.objects.select_for_update(of=("self",)).select_related("butler").get(pk=project.pk)
    require(actor, "promotion.manage_table", project)
    if PromotionTable.objects.filter(project=project).exists():
        raise Conflict(_("该项目已建立促建表。"))
    errors: dict = {}
    today = _today()
    if handed_over_on is None:
        errors["handed_over_on"] = [_("请填写协议移交日期。")]
    elif handed_over_on > today:
        errors["handed_over_on"] = [_("协议移交日期不能晚于今天（%(today)s）。") % {"today": f"{today:%Y-%m-%d}"}]
    elif project.signed_on is None:
        errors["handed_over_on"] = [_("项目尚未签约：请先在项目中填写签约日期，再移交协议。")]
    elif handed_over_on < project.signed_on:
        errors["handed_over_on"] = [_("协议移交日期不能早于签约日期（%(date)s）。") % {
            "date": f"{project.signed_on:%Y-%m-%d}"}]
    template = template if template is not None else template_for(project)
    if template is not None and template.zone_id != project.zone_id:
        errors["template"] = [_("模板不属于本园区。")]
    _raise(errors)
    now = service_now()
    table = PromotionTable(zone_id=project.zone_id, project=project, status=project.derive_stage(),
                           handed_over_on=handed_over_on, template=template)
    table.full_clean(exclude=["item"])
    with audit_context(actor=actor):
        tracked_items.insert(table, at=now)
        timeline.record(item_id=table.item_id, actor=actor, action=TableAction.HAND_OVER, to_status=table.status,
                        comment=comment, at=now,
                        data={"handed_over_on": handed_over_on.isoformat(),
                              "template": template.name if template else ""})
        if template is not None:
            calendar = workcal.WorkingCalendar.load()
            entries = list(template.items.all())
            for order, entry in enumerate(entries):
                _insert_work_item(actor=actor, table=table, stage=entry.stage, name=entry.name,
                                  responsible=project.butler, unit_id=entry.unit_id, order=order,
                                  rule=clocks.Rule(clocks.DAYS, entry.days, warn=WORK_ITEM_WARN_DAYS),
                                  origin=_midnight(handed_over_on), now=now, calendar=calendar,
                                  data={"hand_over": True})
    return table


def _insert_work_item(*, actor, table: PromotionTable, stage: str, name: str, responsible, unit_id, order: int,
                      rule: clocks.Rule, origin: dt.datetime, now: dt.datetime, calendar=None,
                      data: dict | None = None) -> WorkItem:
    work_item = WorkItem(zone_id=table.zone_id, table=table, project=table.project, stage=stage, name=name,
                         responsible=responsible, unit_id=unit_id, order=order)
    started: list[Clock] = []

    def start(tracked):
        started.append(clocks.start(item=tracked, kind=WorkItemClock.DEADLINE, at=origin, rule=rule,
                                    calendar=calendar))
        return started

    # The row shows the clock's deadline: counted first so that the row is written once.
    try:
        work_item.due_on = _due_on_of(origin, rule, calendar)
    except ValidationError as error:
        raise ValidationError({"handed_over_on": [_("推进事项“%(name)s”的完成时限无法计算：%(why)s") % {
            "name": name, "why": "；".join(error.messages)}]}) from error
    tracked_items.insert(work_item, at=now, start_clocks=start)
    clock = started[0]
    work_item.due_at, work_item.due_on = clock.due_at, clocks.local_date(clock.due_at)
    WorkItem.objects.filter(pk=work_item.pk).update(due_at=work_item.due_at, due_on=work_item.due_on)
    timeline.record(item_id=work_item.item_id, actor=actor, action=WorkItemAction.ADD, to_status=work_item.status,
                    comment=name, at=now, data={**(data or {}), "due_on": work_item.due_on.isoformat()})
    return work_item


def _due_on_of(origin: dt.datetime, rule: clocks.Rule, calendar) -> dt.date:
    if rule.until is not None:
        return rule.until
    try:
        return clocks.local_date(workcal.deadline_at(origin.date(), rule.amount, calendar=calendar).due)
    except workcal.CalendarUnavailable as error:
        raise ValidationError({"due_on": error.message}) from error


# -- stages ------------------------------------------------------------------------------------------------------


def _begin_table(*, actor, table: PromotionTable, action: str, version: int | None = None):
    return transitions.begin(PROMOTION_TABLE, actor=actor, obj=table, action=action, version=version,
                             queryset=PromotionTable.objects.select_related("project"))


def _stage_date_errors(project: Project, stage: str, on: dt.date | None, *, today: dt.date) -> list[str]:
    """Why `on` cannot be the actual date of `stage` (none: it can), against the project's other dates."""
    if on is None:
        return []
    if on > today:
        return [_("%(stage)s日期不能晚于今天（%(today)s）。") % {"stage": _label(stage), "today": f"{today:%Y-%m-%d}"}]
    position = TABLE_STAGES.index(stage)
    for earlier in reversed(TABLE_STAGES[:position]):
        value = getattr(project, ACTUAL_FIELD[earlier])
        if value is not None and on < value:
            return [_("%(stage)s日期（%(date)s）不能早于%(earlier)s日期（%(earlier_date)s）。") % {
                "stage": _label(stage), "date": f"{on:%Y-%m-%d}", "earlier": _label(earlier),
                "earlier_date": f"{value:%Y-%m-%d}"}]
    for later in TABLE_STAGES[position + 1:]:
        value = getattr(project, ACTUAL_FIELD[later])
        if value is not None and on > value:
            return [_("%(stage)s日期（%(date)s）不能晚于%(later)s日期（%(later_date)s）。") % {
                "stage": _label(stage), "date": f"{on:%Y-%m-%d}", "later": _label(later),
                "later_date": f"{value:%Y-%m-%d}"}]
    return []


# What must have happened before a stage can be reached: no start before signing, no production before completion.
REQUIRED_BEFORE = {Stage.STARTED: Stage.SIGNED, Stage.PRODUCING: Stage.COMPLETED, Stage.AT_CAPACITY: Stage.PRODUCING,
                   Stage.COMPLETED: Stage.STARTED, Stage.LAND: Stage.SIGNED}


@transaction.atomic
def stage_move(*, actor, table: PromotionTable, stage: str, on: dt.date, comment: str = "",
               version: int | None = None) -> PromotionTable:
    """The project reaches a later stage on `on` (推进阶段): its actual date is set, the table follows."""
    step = _begin_table(actor=actor, table=table, action=TableAction.MOVE_STAGE, version=version)
    table = step.obj
    project = Project.objects.get(pk=table.project_id)
    errors: dict = {}
    if stage not in TABLE_STAGES:
        errors["stage"] = [_("请选择要推进到的阶段。")]
    elif table.status in TABLE_STAGES and TABLE_STAGES.index(stage) <= TABLE_STAGES.index(table.status):
        raise Conflict(_("项目已处于“%(current)s”阶段，不能推进到“%(stage)s”；如日期有误请更正阶段日期。") % {
            "current": _label(table.status), "stage": _label(stage)})
    elif on is None:
        errors["on"] = [_("请填写%(stage)s日期。") % {"stage": _label(stage)}]
    else:
        needed = REQUIRED_BEFORE.get(stage)
        if needed and getattr(project, ACTUAL_FIELD[needed]) is None:
            errors["stage"] = [_("尚未%(needed)s，不能%(stage)s。") % {"needed": _label(needed), "stage": _label(stage)}]
        else:
            found = _stage_date_errors(project, stage, on, today=_today())
            if found:
                errors["on"] = found
    _raise(errors)
    with audit_context(actor=actor):
        project = project_services.project_update(actor=actor, project=project, **{ACTUAL_FIELD[stage]: on})
        table.status = project.stage
        table.project = project
        step.finish(comment=comment, data={"stage": stage, "on": on.isoformat()})
    return table


@transaction.atomic
def stage_correct(*, actor, table: PromotionTable, stage: str, on: dt.date | None, reason: str,
                  version: int | None = None) -> PromotionTable:
    """Correct the actual date of a stage already reached (更正阶段日期), or clear the last one, with a reason."""
    step = _begin_table(actor=actor, table=table, action=TableAction.CORRECT_STAGE, version=version)
    table = step.obj
    project = Project.objects.get(pk=table.project_id)
    reason = (reason or "").strip()
    errors: dict = {}
    if not reason:
        errors["reason"] = [_("请说明更正的理由。")]
    if stage not in TABLE_STAGES:
        errors["stage"] = [_("请选择要更正的阶段。")]
    else:
        old = getattr(project, ACTUAL_FIELD[stage])
        if old is None:
            errors["stage"] = [_("%(stage)s尚无日期，请用“推进阶段”。") % {"stage": _label(stage)}]
        elif on is None:
            later = [s for s in TABLE_STAGES[TABLE_STAGES.index(stage) + 1:] if getattr(project, ACTUAL_FIELD[s])]
            if later or stage == Stage.SIGNED:
                errors["on"] = [_("只能清除最后一个阶段的日期，签约日期不能清除。")]
        else:
            found = _stage_date_errors(project, stage, on, today=_today())
            if found:
                errors["on"] = found
    _raise(errors)
    old = getattr(project, ACTUAL_FIELD[stage])
    with audit_context(actor=actor):
        project = project_services.project_update(actor=actor, project=project, **{ACTUAL_FIELD[stage]: on})
        table.status = project.stage
        table.project = project
        step.finish(comment=reason, data={"stage": stage, "from": old.isoformat() if old else None,
                                          "on": on.isoformat() if on else None})
    return table


@transaction.atomic
def stages_plan(*, actor, table: PromotionTable, planned: dict[str, dt.date | None], comment: str = "",
                version: int | None = None) -> PromotionTable:
    """Change the planned dates (计划节点) of some stages; they must stay in stage order."""
    step = _begin_table(actor=actor, table=table, action=TableAction.PLAN_STAGES, version=version)
    table = step.obj
    project = Project.objects.get(pk=table.project_id)
    unknown = set(planned) - set(PLAN_FIELD)
    if unknown:
        raise ValidationError({"planned": [_("未知的阶段：%(stages)s") % {"stages": "、".join(sorted(unknown))}]})
    changes = {PLAN_FIELD[stage]: on for stage, on in planned.items() if getattr(project, PLAN_FIELD[stage]) != on}
    if not changes:
        return table
    before = {field: getattr(project, field) for field in changes}
    with audit_context(actor=actor):
        project = project_services.project_update(actor=actor, project=project, **changes)
        table.project = project
        step.finish(comment=comment, data={
            "changes": {field: [before[field].isoformat() if before[field] else None,
                                on.isoformat() if on else None] for field, on in changes.items()}})
    return table


@transaction.atomic
def task_force_set(*, actor, table: PromotionTable, members: Iterable, comment: str = "") -> PromotionTable:
    """Name the key project's task force (专班); its leader in charge (挂钩领导) is the project's contact leader."""
    step = _begin_table(actor=actor, table=table, action=TableAction.TASK_FORCE)
    table = step.obj
    members = list(members)
    wrong = [str(m) for m in members if m.zone_id != table.zone_id or not m.is_active or not _is_staff(m)]
    if wrong:
        raise ValidationError({"members": [_("专班成员须为本园区在职的工作人员：%(names)s") % {"names": "、".join(wrong)}]})
    with audit_context(actor=actor):
        table.task_force.set(members)
        step.finish(comment=comment, data={"members": [str(m) for m in members]})
    return table


# -- work items ---------------------------------------------------------------------------------------------------


def _begin_item(*, actor, work_item: WorkItem, action: str, version: int | None = None):
    return transitions.begin(WORK_ITEM, actor=actor, obj=work_item, action=action, version=version,
                             queryset=WorkItem.objects.select_related("project", "table"))


def _check_due_on(due_on, *, table: PromotionTable, today: dt.date, errors: dict) -> None:
    if due_on is None:
        errors["due_on"] = [_("请填写完成时限。")]
    elif due_on < table.handed_over_on:
        errors["due_on"] = [_("完成时限（%(due)s）不能早于协议移交日期（%(date)s）。") % {
            "due": f"{due_on:%Y-%m-%d}", "date": f"{table.handed_over_on:%Y-%m-%d}"}]
    elif due_on < today:
        errors["due_on"] = [_("完成时限（%(due)s）不能早于今天（%(today)s）。") % {
            "due": f"{due_on:%Y-%m-%d}", "today": f"{today:%Y-%m-%d}"}]


def _date_rule(due_on: dt.date, today: dt.date) -> clocks.Rule:
    return clocks.Rule(clocks.DAYS, 0, warn=WORK_ITEM_WARN_DAYS, fixed=True, until=due_on, earliest=today)


@transaction.atomic
def work_item_add(*, actor, table: PromotionTable, stage: str, name: str, due_on: dt.date, responsible=None,
                  unit=None) -> WorkItem:
    """Add a work item to a table by hand (新增推进事项), due at the close of `due_on`."""
    table = PromotionTable.objects.select_for_update(of=("self",)).select_related("project").get(pk=table.pk)
    require(actor, "promotion.manage_table", table)
    name = (name or "").strip()
    today = _today()
    errors: dict = {}
    if not name:
        errors["name"] = [_("请填写推进事项。")]
    elif len(name) > MAX_NAME:
        errors["name"] = [_("推进事项不能超过 %(n)d 字。") % {"n": MAX_NAME}]
    if stage not in TABLE_STAGES:
        errors["stage"] = [_("请选择阶段。")]
    _check_due_on(due_on, table=table, today=today, errors=errors)
    _check_people(table.zone_id, responsible=responsible, unit=unit, errors=errors)
    _raise(errors)
    order = (table.work_items.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    now = service_now()
    with audit_context(actor=actor):
        return _insert_work_item(actor=actor, table=table, stage=stage, name=name, responsible=responsible,
                                 unit_id=unit.pk if unit else None, order=order, rule=_date_rule(due_on, today),
                                 origin=now, now=now)


@transaction.atomic
def work_item_start(*, actor, work_item: WorkItem, comment: str = "", version: int | None = None) -> WorkItem:
    """开始推进."""
    step = _begin_item(actor=actor, work_item=work_item, action=WorkItemAction.START, version=version)
    with audit_context(actor=actor):
        step.finish(comment=(comment or "").strip())
    return step.obj


@transaction.atomic
def work_item_complete(*, actor, work_item: WorkItem, done_on: dt.date, comment: str = "",
                       version: int | None = None) -> WorkItem:
    """完成 a work item on `done_on`; its deadline clock stops (on time or late)."""
    step = _begin_item(actor=actor, work_item=work_item, action=WorkItemAction.COMPLETE, version=version)
    work_item = step.obj
    today = _today()
    if done_on is None:
        raise ValidationError({"done_on": [_("请填写完成日期。")]})
    if done_on > today:
        raise ValidationError({"done_on": [_("完成日期不能晚于今天（%(today)s）。") % {"today": f"{today:%Y-%m-%d}"}]})
    if done_on < work_item.table.handed_over_on:
        raise ValidationError({"done_on": [_("完成日期不能早于协议移交日期（%(date)s）。") % {
            "date": f"{work_item.table.handed_over_on:%Y-%m-%d}"}]})
    now = service_now()
    work_item.done_on = done_on
    with audit_context(actor=actor):
        for clock in clocks.running(work_item.item_id):
            clocks.stop(clock, at=now)
        step.finish("done_on", comment=(comment or "").strip(), at=now, data={"done_on": done_on.isoformat()})
    return work_item


def _restart_deadline(work_item: WorkItem, *, due_on: dt.date, now: dt.datetime, today: dt.date) -> None:
    """The deadline moves to the close of `due_on` (never before today's close): the old clock is cancelled and
    a new one kept from now, so the ledger shows both."""
    for clock in clocks.running(work_item.item_id):
        clocks.cancel(clock, at=now)
    clock = clocks.start(item=work_item.item_id, kind=WorkItemClock.DEADLINE, at=now, rule=_date_rule(due_on, today))
    work_item.due_on, work_item.due_at = due_on, clock.due_at


@transaction.atomic
def work_item_reopen(*, actor, work_item: WorkItem, reason: str, due_on: dt.date | None = None,
                     version: int | None = None) -> WorkItem:
    """重新打开 a done item (with a reason); it runs again to its due date (or a new one)."""
    step = _begin_item(actor=actor, work_item=work_item, action=WorkItemAction.REOPEN, version=version)
    work_item = step.obj
    reason = (reason or "").strip()
    today = _today()
    errors: dict = {}
    if not reason:
        errors["reason"] = [_("请说明重新打开的理由。")]
    if due_on is not None:
        _check_due_on(due_on, table=work_item.table, today=today, errors=errors)
    _raise(errors)
    now = service_now()
    with audit_context(actor=actor):
        _restart_deadline(work_item, due_on=due_on or work_item.due_on, now=now, today=today)
        work_item.done_on = None
        step.finish("done_on", "due_on", "due_at", comment=reason, at=now)
    return work_item


@transaction.atomic
def work_item_cancel(*, actor, work_item: WorkItem, reason: str, version: int | None = None) -> WorkItem:
    """取消 a work item that no longer applies (with a reason); its deadline no longer counts."""
    step = _begin_item(actor=actor, work_item=work_item, action=WorkItemAction.CANCEL, version=version)
    work_item = step.obj
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请说明取消的理由。")]})
    now = service_now()
    with audit_context(actor=actor):
        for clock in clocks.running(work_item.item_id):
            clocks.cancel(clock, at=now)
        step.finish(comment=reason, at=now)
    return work_item


UPDATABLE = ("name", "responsible", "unit", "due_on", "progress_note")


@transaction.atomic
def work_item_update(*, actor, work_item: WorkItem, comment: str = "", version: int | None = None,
                     **fields) -> WorkItem:
    """修改 an open work item: its name, responsible person, unit, progress note, or due date (its clock moves)."""
    unknown = set(fields) - set(UPDATABLE)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    step = _begin_item(actor=actor, work_item=work_item, action=WorkItemAction.UPDATE, version=version)
    work_item = step.obj
    today = _today()
    errors: dict = {}
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"]:
            errors["name"] = [_("请填写推进事项。")]
        elif len(fields["name"]) > MAX_NAME:
            errors["name"] = [_("推进事项不能超过 %(n)d 字。") % {"n": MAX_NAME}]
    changed = {f: v for f, v in fields.items() if getattr(work_item, f) != v}
    if "due_on" in changed:
        _check_due_on(changed["due_on"], table=work_item.table, today=today, errors=errors)
    _check_people(work_item.zone_id, responsible=changed.get("responsible"), unit=changed.get("unit"),
                  errors=errors)
    _raise(errors)
    if not changed:
        return work_item
    now = service_now()
    data = {f: [_shown(getattr(work_item, f)), _shown(v)] for f, v in changed.items() if f != "progress_note"}
    with audit_context(actor=actor):
        for field, value in changed.items():
            if field != "due_on":
                setattr(work_item, field, value)
        if "due_on" in changed:
            _restart_deadline(work_item, due_on=changed["due_on"], now=now, today=today)
        step.finish(*changed, *(["due_at"] if "due_on" in changed else []), comment=(comment or "").strip(),
                    at=now, data=data)
    return work_item


def _shown(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return None if value is None else str(value)


@transaction.atomic
def work_item_link(*, actor, work_item: WorkItem, requests: Iterable = (), approvals: Iterable = ()) -> WorkItem:
    """Link a work item to the requests (诉求) and approvals (代办事项) of the same project that it waits on."""
    work_item = WorkItem.objects.select_for_update().get(pk=work_item.pk)
    require(actor, "promotion.handle_workitem", work_item)
    requests, approvals = list(requests), list(approvals)
    errors: dict = {}
    if any(r.project_id != work_item.project_id for r in requests):
        errors["requests"] = [_("只能关联本项目的诉求。")]
    if any(a.project_id != work_item.project_id for a in approvals):
        errors["approvals"] = [_("只能关联本项目的审批事项。")]
    _raise(errors)
    with audit_context(actor=actor):
        work_item.requests.set(requests)
        work_item.approvals.set(approvals)
    return work_item


def mirror_deadlines(item_ids: list[int]) -> None:
    """Show moved deadlines (a year's holidays loaded) on the work items' rows."""
    for clock in Clock.objects.filter(item__in=item_ids, kind=WorkItemClock.DEADLINE, cancelled=False,
                                      stopped_at__isnull=True):
        WorkItem.objects.filter(item=clock.item_id).update(due_at=clock.due_at, due_on=clocks.local_date(clock.due_at))


# -- templates (admin) --------------------------------------------------------------------------------------------


@transaction.atomic
def template_save(*, actor, zone, project_type: str, name: str, template: TableTemplate | None = None
                  ) -> TableTemplate:
    require(actor, "promotion.manage_template")
    template = template or TableTemplate(zone=zone)
    template.project_type, template.name = project_type, (name or "").strip()
    if not template.name:
        raise ValidationError({"name": [_("请填写模板名称。")]})
    if TableTemplate.objects.filter(zone=zone, project_type=project_type).exclude(pk=template.pk).exists():
        raise ValidationError({"project_type": [_("该项目类型已有模板。")]})
    template.full_clean()
    with audit_context(actor=actor):
        template.save()
    return template


@transaction.atomic
def template_item_save(*, actor, template: TableTemplate, stage: str, name: str, days: int, unit=None,
                       item: TemplateItem | None = None) -> TemplateItem:
    require(actor, "promotion.manage_template")
    errors: dict = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("请填写推进事项。")]
    if stage not in TABLE_STAGES:
        errors["stage"] = [_("请选择阶段。")]
    if days is None or isinstance(days, bool) or not 1 <= int(days) <= 2000:
        errors["days"] = [_("完成时限须为 1 至 2000 个工作日。")]
    if unit is not None and unit.zone_id != template.zone_id:
        errors["unit"] = [_("责任单位须为本园区的单位。")]
    _raise(errors)
    if item is None:
        last = template.items.order_by("-order").values_list("order", flat=True).first()
        item = TemplateItem(template=template, order=(last or 0) + 1)
    item.stage, item.name, item.days, item.unit = stage, name, int(days), unit
    item.full_clean()
    with audit_context(actor=actor):
        item.save()
    return item


@transaction.atomic
def template_item_remove(*, actor, item: TemplateItem) -> None:
    require(actor, "promotion.manage_template")
    with audit_context(actor=actor):
        item.delete()


@transaction.atomic
def template_item_move(*, actor, item: TemplateItem, up: bool) -> None:
    """Swap an item with its neighbour in the template's order (排序)."""
    require(actor, "promotion.manage_template")
    entries = list(TemplateItem.objects.select_for_update().filter(template=item.template_id).order_by("order", "pk"))
    position = next(i for i, e in enumerate(entries) if e.pk == item.pk)
    other = position - 1 if up else position + 1
    if not 0 <= other < len(entries):
        return
    entries[position], entries[other] = entries[other], entries[position]
    for order, entry in enumerate(entries):
        if entry.order != order:
            entry.order = order
            entry.save(update_fields=["order"])
