from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """A project's lifecycle (招引—落地—建设—投产—培育), in order."""

    NEGOTIATING = "negotiating", _("洽谈")
    SIGNED = "signed", _("签约")
    LAND = "land", _("供地")
    STARTED = "started", _("开工")
    COMPLETED = "completed", _("竣工")
    PRODUCING = "producing", _("投产")
    AT_CAPACITY = "at_capacity", _("达效")


# Each stage after negotiation is reached on the date in this field.
STAGE_DATE_FIELDS: list[tuple[str, str]] = [
    (Stage.SIGNED, "signed_on"),
    (Stage.LAND, "land_on"),
    (Stage.STARTED, "started_on"),
    (Stage.COMPLETED, "completed_on"),
    (Stage.PRODUCING, "producing_on"),
    (Stage.AT_CAPACITY, "capacity_on"),
]


class KeyLevel(models.TextChoices):
    NONE = "", _("非重点")
    DISTRICT = "district", _("区级重点")
    CITY = "city", _("市级重点")
    PROVINCIAL = "provincial", _("省级重点")
    NATIONAL = "national", _("国家级重点")


class ProjectType(models.TextChoices):
    """What is built: the approval handbook and the promotion table are made from templates by type."""

    INDUSTRIAL = "industrial", _("工业项目")
    SERVICE = "service", _("服务业项目")
    INFRASTRUCTURE = "infrastructure", _("基础设施项目")
    OTHER = "other", _("其他项目")


# The planned date of each stage (the promotion table's 计划时间), beside the actual date of STAGE_DATE_FIELDS.
STAGE_PLAN_FIELDS: list[tuple[str, str]] = [
    (Stage.SIGNED, "planned_signed_on"),
    (Stage.LAND, "planned_land_on"),
    (Stage.STARTED, "planned_started_on"),
    (Stage.COMPLETED, "planned_completed_on"),
    (Stage.PRODUCING, "planned_producing_on"),
    (Stage.AT_CAPACITY, "planned_capacity_on"),
]
