"""Test data of the promotion table: a template by project type, a project handed over on a known day."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from guanjia.projects.choices import KeyLevel, ProjectType, Stage
from guanjia.promotion import services
from guanjia.promotion.models import TableTemplate, TemplateItem

TZ = timezone.get_fixed_timezone(8 * 60)
# Tuesday before 国庆 2026: the next working days are 09-30, 10-08, 10-09, 10-10 (a make-up Saturday), 10-12.
HAND_OVER = dt.date(2026, 9, 29)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def travel(day: dt.date, hour: int = 10):
    return time_machine.travel(at(day, hour), tick=False)


def make_template(world, project_type: str = ProjectType.INDUSTRIAL) -> TableTemplate:
    template = TableTemplate.objects.create(zone=world.zone, project_type=project_type, name="工业项目促建表模板")
    for order, (stage, name, unit, days) in enumerate([
        (Stage.LAND, "完成土地挂牌出让", world.unit2, 5),
        (Stage.LAND, "供电接入方案答复", world.unit1, 20),
        (Stage.STARTED, "取得施工许可证", None, 60),
    ]):
        TemplateItem.objects.create(template=template, stage=stage, name=name, unit=unit, days=days, order=order)
    return template


def handed_over(world, *, project=None, on: dt.date = HAND_OVER, signed: dt.date = dt.date(2026, 9, 1),
                key: bool = True):
    """project1 (butler1's), signed and handed over on `on` under the industrial template."""
    project = project or world.project1
    if not TableTemplate.objects.filter(zone=world.zone, project_type=project.project_type).exists():
        make_template(world, project.project_type)
    project.signed_on = signed
    project.key_level = KeyLevel.DISTRICT if key else ""
    project.contact_leader = world.leader
    project.full_clean()
    project.save()
    with travel(on):
        return services.table_hand_over(actor=world.butler1 if project.butler_id == world.butler1.pk
                                        else world.admin, project=project, handed_over_on=on)
