"""The demo zone's promotion tables (一表制): a realistic template per project type, and a table for every key
project in every stage, replayed through the services at the moments it happened.

Planned dates put some stages behind plan (yellow) and some three months and more (red); work items are done,
due soon or overdue; two key projects have a task force and a review meeting (研判会). Deterministic for a
seed and a day.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from guanjia.core import calendar as workcal
from guanjia.core.clock import at
from guanjia.meetings import services as meetings
from guanjia.meetings.choices import Kind as MeetingKind
from guanjia.org.models import Unit, User
from guanjia.projects.choices import STAGE_DATE_FIELDS, ProjectType, Stage
from guanjia.projects.models import Project
from guanjia.promotion import services
from guanjia.promotion.choices import WORK_ITEM_OPEN
from guanjia.promotion.models import WorkItem

# (stage, work item, unit, working days after the hand-over): the key work zones put on their tables. At most about
# a year of working days: a deadline is counted only up to the year after the last official holiday notice.
TEMPLATES: dict[str, tuple[str, list[tuple[str, str, str | None, int]]]] = {
    ProjectType.INDUSTRIAL: ("工业项目促建表", [
        (Stage.LAND, "完成项目备案", "发改局", 5),
        (Stage.LAND, "土地挂牌出让并签订出让合同", "自然资源和规划局", 40),
        (Stage.LAND, "取得建设用地规划许可证", "自然资源和规划局", 50),
        (Stage.STARTED, "环评批复", "生态环境局", 60),
        (Stage.STARTED, "施工图审查及消防设计审查", "住建局", 70),
        (Stage.STARTED, "取得建筑工程施工许可证", "行政审批局", 80),
        (Stage.STARTED, "施工临时用电接入", "国网咸阳供电公司", 80),
        (Stage.COMPLETED, "主体结构封顶", None, 160),
        (Stage.COMPLETED, "竣工联合验收", "住建局", 200),
        (Stage.PRODUCING, "正式供电、供水、供气接入", "国网咸阳供电公司", 210),
        (Stage.PRODUCING, "设备安装调试并试生产", None, 230),
    ]),
    ProjectType.SERVICE: ("服务业项目促建表", [
        (Stage.LAND, "完成项目备案", "发改局", 5),
        (Stage.LAND, "落实经营场所（购置或租赁）", "投资合作局", 30),
        (Stage.STARTED, "装修工程消防设计审查", "消防救援大队", 45),
        (Stage.COMPLETED, "装修完工及消防验收", "消防救援大队", 120),
        (Stage.PRODUCING, "办理营业执照及经营许可", "市场监管局", 130),
    ]),
    ProjectType.INFRASTRUCTURE: ("基础设施项目促建表", [
        (Stage.LAND, "可行性研究报告批复", "发改局", 20),
        (Stage.LAND, "用地预审与选址意见书", "自然资源和规划局", 40),
        (Stage.STARTED, "初步设计及概算批复", "发改局", 60),
        (Stage.STARTED, "施工招标及施工许可", "住建局", 90),
        (Stage.COMPLETED, "工程竣工验收", "住建局", 230),
    ]),
    ProjectType.OTHER: ("其他项目促建表", [
        (Stage.LAND, "完成项目备案", "发改局", 5),
        (Stage.STARTED, "取得施工许可", "行政审批局", 60),
        (Stage.COMPLETED, "竣工验收", "住建局", 200),
    ]),
}
STAGES = [stage for stage, _f in STAGE_DATE_FIELDS]
ACTUAL = dict(STAGE_DATE_FIELDS)
TZ = timezone.get_default_timezone()


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    """That hour of the day, but never later than now: what is done "today" is done by the time the demo loads."""
    return min(dt.datetime.combine(day, dt.time(hour), tzinfo=TZ), timezone.now())


def load_demo_promotion(zone, *, seed: int, today: dt.date | None = None) -> int:
    """Templates, then the key projects' tables; returns how many tables were made."""
    today = today or timezone.localdate()
    rng = random.Random(seed * 15 + 1)
    admin = User.objects.get(zone=zone, username="admin")
    units = {u.name: u for u in Unit.objects.filter(zone=zone)}
    with at(_moment(today, 8)):
        for project_type, (name, entries) in TEMPLATES.items():
            template = services.template_save(actor=admin, zone=zone, project_type=project_type, name=name)
            for stage, item, unit, days in entries:
                services.template_item_save(actor=admin, template=template, stage=stage, name=item, days=days,
                                            unit=units.get(unit) if unit else None)
    projects = list(Project.objects.filter(zone=zone, signed_on__isnull=False).exclude(key_level="")
                    .select_related("butler", "contact_leader").order_by("pk"))
    # A few service and infrastructure projects among the key ones, so that every template is used.
    for index, project in enumerate(projects):
        if index % 7 == 3:
            Project.objects.filter(pk=project.pk).update(project_type=ProjectType.SERVICE)
            project.project_type = ProjectType.SERVICE
        elif index % 11 == 5:
            Project.objects.filter(pk=project.pk).update(project_type=ProjectType.INFRASTRUCTURE)
            project.project_type = ProjectType.INFRASTRUCTURE
    calendar = workcal.WorkingCalendar.load()
    for index, project in enumerate(projects):
        _table(project, index=index, rng=rng, admin=admin, today=today, calendar=calendar)
    _task_forces(projects[:2], admin=admin, today=today)
    return len(projects)


def _table(project: Project, *, index: int, rng: random.Random, admin, today: dt.date, calendar) -> None:
    hand_over = min(project.signed_on + dt.timedelta(days=rng.randint(3, 20)), today - dt.timedelta(days=1))
    actor = project.butler or admin
    with at(_moment(hand_over)):
        table = services.table_hand_over(actor=actor, project=project, handed_over_on=hand_over)
    # Most past work is done a few days before (or after) its deadline; every fourth table keeps one overdue.
    keep_open = index % 4 == 1
    items = list(WorkItem.objects.filter(table=table).order_by("due_on", "pk"))
    overdue_kept = False
    reached = {stage for stage in STAGES if getattr(project, ACTUAL[stage]) is not None}
    for item in items:
        if item.due_on >= today - dt.timedelta(days=5):
            continue
        # A project not yet started is still in its approvals (its service handbook follows them): the work of a
        # stage it has not reached is not done yet, late or not.
        if project.started_on is None and item.stage not in reached:
            continue
        if keep_open and not overdue_kept and item.due_on >= today - dt.timedelta(days=60):
            overdue_kept = True
            continue
        done_on = max(hand_over, min(item.due_on + dt.timedelta(days=rng.randint(-6, 3)), today))
        with at(_moment(done_on, 16)):
            services.work_item_complete(actor=actor, work_item=item, done_on=done_on, comment="已按期推进")
    with at(_moment(today, 9)):
        # Work added by hand: due soon on some tables, further off on others.
        soon = timezone.localtime(calendar.deadline_at(today, 2).due).date() if index % 3 == 1 else today + dt.timedelta(days=40)
        services.work_item_add(actor=actor, table=table, stage=_next_stage(project) or Stage.AT_CAPACITY,
                               name=rng.choice(["协调解决施工用水", "办理规划条件核实", "配套道路接通",
                                                "落实人才公寓", "申报技改补贴"]),
                               due_on=soon, responsible=project.butler)
        services.stages_plan(actor=admin, table=table, planned=_plan(project, index=index, rng=rng, today=today),
                             comment="按投资协议排定计划节点")
        started = WorkItem.objects.filter(table=table, status__in=WORK_ITEM_OPEN).order_by("due_on").first()
        if started is not None and index % 2 == 0:
            services.work_item_start(actor=actor, work_item=started, comment="已对接责任单位")


def _next_stage(project: Project) -> str | None:
    for stage in STAGES:
        if getattr(project, ACTUAL[stage]) is None:
            return stage
    return None


def _plan(project: Project, *, index: int, rng: random.Random, today: dt.date) -> dict:
    """Planned dates near the actual ones; the next stage on plan (green), behind it (yellow) or three months
    and more (red), in turn."""
    planned, previous = {}, None
    following = _next_stage(project)
    for stage in STAGES:
        actual = getattr(project, ACTUAL[stage])
        if actual is not None:
            day = actual + dt.timedelta(days=rng.randint(-30, 10))
        elif stage == following:
            day = {0: today + dt.timedelta(days=rng.randint(45, 200)),
                   1: today - dt.timedelta(days=rng.randint(35, 60)),
                   2: today - dt.timedelta(days=rng.randint(120, 240))}[index % 3]
        else:
            day = previous + dt.timedelta(days=rng.randint(90, 300))
        if previous is not None and day < previous:
            day = previous
        planned[stage] = previous = day
    return planned


def _task_forces(projects: list[Project], *, admin, today: dt.date) -> None:
    """A task force (专班) and a review meeting (研判会) on the first key projects."""
    staff = list(User.objects.filter(zone=admin.zone_id, roles="unit", is_active=True).order_by("username")[:3])
    for project in projects:
        table = project.promotion_table
        with at(_moment(today, 9)):
            services.task_force_set(actor=admin, table=table,
                                    members=[p for p in [project.butler, *staff] if p is not None])
            meetings.meeting_create(actor=admin, kind=MeetingKind.REVIEW, title=f"{project.name}推进研判会",
                                    starts_at=_moment(today - dt.timedelta(days=7), 15), place="管委会三楼会议室",
                                    attendees=[p for p in [project.contact_leader, project.butler] if p],
                                    projects=[project])
