"""Demo service handbooks (个性化项目服务手册): projects not yet started get a handbook from the zone's catalogue,
planned through the services at the moment it was made (`core.clock.at`), so their plan clocks run and some are
already overdue. Without a catalogue in the zone (the catalogue's demo loads it) nothing is made.
Deterministic for a seed and a last day."""

from __future__ import annotations

import datetime as dt
import random

from django.core.files.base import ContentFile
from django.utils import timezone

from guanjia.core.clock import at

HANDBOOKS = 8
ANCHOR_NAME = "年产5.8万套专用轮胎建设项目"  # demo.zone.ANCHOR_PROJECT, ent1's
SECOND_PHASE_NAME = "年产10万条巨型工程子午线轮胎二期项目"


def load_demo_handbooks(zone, *, seed: int, last_day: dt.date | None = None, count: int = HANDBOOKS) -> int:
    """Handbooks for up to `count` projects of the zone with a butler and no start date; returns how many."""
    from guanjia.approvals.models import ApprovalItem
    from guanjia.approvals.services.handbooks import catalogue_for, handbook_authorize, handbook_create
    from guanjia.core import calendar as workcal
    from guanjia.org.models import User
    from guanjia.projects.models import Project

    if not ApprovalItem.objects.filter(zone=zone, archived_at__isnull=True).exists():
        return 0
    rng = random.Random(seed)
    last_day = last_day or (timezone.localdate() - dt.timedelta(days=1))
    second_phase = _second_phase_of_the_anchor(zone, last_day)
    projects = list(Project.objects.filter(zone=zone, started_on__isnull=True, butler__isnull=False,
                                           handbook__isnull=True).exclude(pk=getattr(second_phase, "pk", None))
                    .select_related("butler").order_by("pk")[:count - 1 if second_phase else count])
    if second_phase is not None:
        projects.insert(0, second_phase)
    # The demo's own logins are proxy agents (代办员) of the first handbooks, so that each finds items of
    # theirs in 我的待办; the others are handled by their project butlers.
    agents = list(User.objects.filter(zone=zone, username__in=("butler1", "butler2")).order_by("username"))
    calendar = workcal.WorkingCalendar.load()
    made = 0
    for n, project in enumerate(projects):
        # Started from a week to three months ago: the later ones are on time, the earlier ones overdue.
        start = last_day - dt.timedelta(days=7 + 12 * n + rng.randrange(0, 5))
        while not calendar.is_working_day(start):
            start -= dt.timedelta(days=1)
        entries = catalogue_for(project)
        if not entries:
            continue
        moment = timezone.make_aware(dt.datetime.combine(start, dt.time(10, 0)))
        agent = agents[n % len(agents)] if agents and n < 2 * len(agents) else None
        with at(moment):
            handbook = handbook_create(actor=project.butler, project=project, start=start, entries=entries,
                                       agent=agent)
            # The enterprise's authorization (委托书), brought in on the start day; the anchor's second phase
            # still waits for it (its contact, ent1, is asked for it in 我的待办).
            if project != second_phase:
                handbook_authorize(actor=project.butler, handbook=handbook, authorized_on=start,
                                   uploads=[ContentFile(b"%PDF-1.4 demo\n", name="授权委托书.pdf")])
        _link_work_items(handbook)
        made += 1
    return made


# A promotion table's work item and the handbook items it waits on (names as the demo's template and catalogue).
WORK_ITEM_APPROVALS = {
    "取得建设用地规划许可证": ("建设用地规划许可证",),
    "环评批复": ("环境影响评价批复（环评批复）",),
    "施工图审查及消防设计审查": ("施工图审查", "消防设计审查"),
    "取得建筑工程施工许可证": ("建筑工程施工许可证",),
    "施工临时用电接入": ("供电报装（高压）",),
    "竣工联合验收": ("竣工联合验收",),
}


def _link_work_items(handbook) -> None:
    """The project's promotion table (where it has one) says which of its work waits on which approvals."""
    from guanjia.approvals.models import Approval
    from guanjia.promotion.models import WorkItem
    from guanjia.promotion.services import work_item_link

    approvals = {a.name: a for a in Approval.objects.filter(handbook=handbook)}
    for work_item in WorkItem.objects.filter(project=handbook.project_id, name__in=list(WORK_ITEM_APPROVALS)):
        linked = [approvals[name] for name in WORK_ITEM_APPROVALS[work_item.name] if name in approvals]
        if linked:
            work_item_link(actor=handbook.project.butler, work_item=work_item, approvals=linked)


def _second_phase_of_the_anchor(zone, last_day: dt.date):
    """The demo's first enterprise (ent1's) signs a second phase: a project in its approvals now, so that its
    contact and its butler see a handbook under way. None where the zone has no such enterprise (a test's)."""
    from decimal import Decimal

    from guanjia.approvals.models import Handbook
    from guanjia.projects.choices import KeyLevel
    from guanjia.projects.models import Project
    from guanjia.projects.services import project_create

    made = Project.objects.filter(zone=zone, name=SECOND_PHASE_NAME).first()
    if made is not None:  # loaded before: its handbook too, unless that failed
        return None if Handbook.objects.filter(project=made).exists() else made
    anchor = Project.objects.filter(zone=zone, name=ANCHOR_NAME).select_related("enterprise", "butler").first()
    if anchor is None or anchor.butler is None:
        return None
    signed = last_day - dt.timedelta(days=75)
    return project_create(
        actor=anchor.butler, zone=zone, name=SECOND_PHASE_NAME, enterprise=anchor.enterprise,
        total_investment=Decimal(36000), key_level=KeyLevel.NONE, workstation=anchor.workstation,
        butler=anchor.butler, contact_leader=anchor.contact_leader, signed_on=signed,
        planned_signed_on=signed, planned_land_on=signed + dt.timedelta(days=60),
        planned_started_on=signed + dt.timedelta(days=150), address=anchor.address,
        description="在一期厂区东侧新建巨型工程子午线轮胎生产线及配套仓储。")
