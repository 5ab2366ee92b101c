"""代办制: the approval catalogue (审批事项清单), a project's service handbook (个性化项目服务手册) and its items.

A handbook and each of its items are tracked items of the workflow kernel (approvals.workflow):
the handbook's timeline holds its plans and the enterprise's authorization (委托书), an item's
holds its moves; an item's clocks are the plan's date until the authority accepts it, then its
committed and statutory limits (补正 pauses or restarts them, as the catalogue says), and the
date a 容缺 gap must be made good by.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanjia.approvals.choices import (
    MAX_LIMIT_DAYS,
    ApprovalStage,
    HandbookStatus,
    ListType,
    OnCorrection,
    Status,
)
from guanjia.core.choices import Role
from guanjia.core.models import ArchivableModel, ScopedQuerySet, TimeStampedModel
from guanjia.workflow.models import TrackedModel

LIMIT_VALIDATORS = [
    MinValueValidator(1, message=_("时限须至少为 1 个工作日。")),
    MaxValueValidator(MAX_LIMIT_DAYS, message=_("时限不能超过 %(limit_value)s 个工作日。")),
]


class ApprovalItemQuerySet(ScopedQuerySet):
    def scope_for_role(self, user, role):
        # The catalogue is the zone's published list: every signed-in person of the zone reads it.
        return Q()


class ApprovalItem(TimeStampedModel, ArchivableModel):
    """One item of the zone's catalogue: an approval, a builder's material or a utility hook-up."""

    zone = models.ForeignKey("org.Zone", verbose_name=_("园区"), on_delete=models.PROTECT,
                             related_name="approval_items")
    code = models.CharField(_("事项编码"), max_length=40, blank=True)
    name = models.CharField(_("事项名称"), max_length=120)
    unit = models.ForeignKey("org.Unit", verbose_name=_("审批部门"), on_delete=models.PROTECT,
                             related_name="approval_items")
    stage = models.CharField(_("审批阶段"), max_length=20, choices=ApprovalStage.choices)
    list_type = models.CharField(_("清单"), max_length=20, choices=ListType.choices, default=ListType.APPROVAL)
    statutory_days = models.PositiveSmallIntegerField(_("法定时限（工作日）"), validators=LIMIT_VALIDATORS)
    committed_days = models.PositiveSmallIntegerField(_("承诺时限（工作日）"), validators=LIMIT_VALIDATORS)
    materials = models.TextField(_("申请材料"), blank=True, help_text=_("每行一项。"))
    prerequisites = models.ManyToManyField("self", verbose_name=_("前置事项"), symmetrical=False, blank=True,
                                           related_name="dependents")
    tolerance_allowed = models.BooleanField(_("可容缺受理"), default=False)
    tolerance_days = models.PositiveSmallIntegerField(
        _("容缺补齐时限（工作日）"), null=True, blank=True, validators=LIMIT_VALIDATORS)
    on_correction = models.CharField(_("补正时计时"), max_length=10, choices=OnCorrection.choices,
                                     default=OnCorrection.PAUSE)
    # The project types whose handbooks take this item by default (projects.ProjectType values); empty: all.
    project_types = models.JSONField(_("适用项目类型"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = ApprovalItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("审批事项")
        verbose_name_plural = _("审批事项清单")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "name"], name="approvalitem_zone_name"),
            models.CheckConstraint(condition=Q(committed_days__lte=models.F("statutory_days")),
                                   name="approvalitem_committed_within_statutory"),
            models.CheckConstraint(condition=Q(committed_days__gte=1) & Q(statutory_days__gte=1),
                                   name="approvalitem_limits_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("approvals:catalogue-item", args=[self.pk])


def _project_scope(user, role, project_field: str) -> Q | None:
    """Whoever sees a project sees its handbook and items; a unit's handlers see their own unit's items."""
    from guanjia.projects.models import Project

    q = Project.objects.none().scope_for_role(user, role)
    return None if q is None else Q(**{f"{project_field}__in": Project.objects.filter(q).values("pk")})


class HandbookQuerySet(ScopedQuerySet):
    def scope_for_role(self, user, role):
        return _project_scope(user, role, "project")


class Handbook(TrackedModel, TimeStampedModel):
    """A project's personal service handbook (个性化项目服务手册): the approvals it needs, planned on the
    official calendar, handled by a proxy agent (代办员) under the enterprise's authorization (委托书)."""

    WORKFLOW = "handbook"
    zone = models.ForeignKey("org.Zone", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    project = models.OneToOneField("projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT,
                                   related_name="handbook")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("代办员"), on_delete=models.PROTECT,
                              null=True, blank=True, related_name="agent_handbooks")
    start_on = models.DateField(_("起算日期"))
    planned_finish = models.DateField(_("计划全部办结日期"), null=True, blank=True, editable=False)
    # The first plan, kept to compare plan and actual (基准计划).
    baseline_finish = models.DateField(_("基准计划办结日期"), null=True, blank=True, editable=False)
    baseline_at = models.DateTimeField(_("基准计划时间"), null=True, blank=True, editable=False)
    planned_at = models.DateTimeField(_("最近排期时间"), null=True, blank=True, editable=False)
    provisional = models.BooleanField(_("按临时日历"), default=False, editable=False)
    authorized_on = models.DateField(_("委托日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=HandbookStatus.choices,
                              default=HandbookStatus.ACTIVE, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("编制人"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+", editable=False)

    objects = HandbookQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目服务手册")
        verbose_name_plural = _("项目服务手册")
        ordering = ["-start_on", "pk"]

    def __str__(self) -> str:
        return str(_("%(project)s服务手册") % {"project": self.project.name})


class ApprovalQuerySet(ScopedQuerySet):
    def scope_for_role(self, user, role):
        if role == Role.UNIT and user.unit_id:
            return Q(unit=user.unit_id)
        return _project_scope(user, role, "project")


class Approval(TrackedModel, TimeStampedModel):
    """One item of a handbook (代办事项): an approval handled for the investor within its committed limit.

    Its name, authority, stage and limits are copied from the catalogue when the handbook is made (and
    may be edited there), so that a later change of the catalogue leaves handbooks in progress alone.
    `planned_*` is the current plan, `baseline_*` the first one; `float_days` is how many working days it
    may slip without moving the handbook's finish, `critical` where that is 0.
    """

    WORKFLOW = "approval"
    zone = models.ForeignKey("org.Zone", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    handbook = models.ForeignKey(Handbook, verbose_name=_("服务手册"), on_delete=models.CASCADE,
                                 related_name="approvals")
    project = models.ForeignKey("projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="approvals")
    catalogue_item = models.ForeignKey(ApprovalItem, verbose_name=_("清单事项"), on_delete=models.PROTECT,
                                       related_name="approvals")
    name = models.CharField(_("事项名称"), max_length=120)
    unit = models.ForeignKey("org.Unit", verbose_name=_("审批部门"), on_delete=models.PROTECT,
                             related_name="approvals")
    stage = models.CharField(_("审批阶段"), max_length=20, choices=ApprovalStage.choices)
    statutory_days = models.PositiveSmallIntegerField(_("法定时限（工作日）"), validators=LIMIT_VALIDATORS)
    committed_days = models.PositiveSmallIntegerField(_("承诺时限（工作日）"), validators=LIMIT_VALIDATORS)
    on_correction = models.CharField(_("补正时计时"), max_length=10, choices=OnCorrection.choices,
                                     default=OnCorrection.PAUSE)
    tolerance_allowed = models.BooleanField(_("可容缺受理"), default=False)
    tolerance_days = models.PositiveSmallIntegerField(_("容缺补齐时限（工作日）"), null=True, blank=True)
    prerequisites = models.ManyToManyField("self", verbose_name=_("前置事项"), symmetrical=False, blank=True,
                                           related_name="dependents")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("代办员"), on_delete=models.PROTECT,
                              null=True, blank=True, related_name="agent_approvals")
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED,
                              editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    # The plan (通排时间表): working days counted from the day after `planned_start - 1` (次日起算).
    planned_start = models.DateField(_("计划起算日"), null=True, blank=True, editable=False)
    planned_due = models.DateField(_("计划办结日"), null=True, blank=True, editable=False)
    baseline_start = models.DateField(_("基准起算日"), null=True, blank=True, editable=False)
    baseline_due = models.DateField(_("基准办结日"), null=True, blank=True, editable=False)
    float_days = models.IntegerField(_("机动时间（工作日）"), null=True, blank=True, editable=False)
    critical = models.BooleanField(_("关键路径"), default=False, editable=False)
    provisional = models.BooleanField(_("按临时日历"), default=False, editable=False)

    # What happened: the authority's acceptance, the 容缺 gap, the outcome.
    due_at = models.DateTimeField(_("当前时限"), null=True, blank=True, editable=False)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True, editable=False)
    gap = models.TextField(_("容缺材料"), blank=True, editable=False)
    gap_commit_by = models.DateField(_("承诺补齐日期"), null=True, blank=True, editable=False)
    gap_made_good_on = models.DateField(_("补齐日期"), null=True, blank=True, editable=False)
    finished_on = models.DateField(_("办结日期"), null=True, blank=True, editable=False)
    document_number = models.CharField(_("批准文号"), max_length=100, blank=True, editable=False)
    outcome_reason = models.TextField(_("不予许可或不适用的理由"), blank=True, editable=False)
    working_days_used = models.PositiveSmallIntegerField(_("实际用时（工作日）"), null=True, blank=True,
                                                         editable=False)

    objects = ApprovalQuerySet.as_manager()

    class Meta:
        verbose_name = _("代办事项")
        verbose_name_plural = _("代办事项")
        ordering = ["handbook", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["handbook", "catalogue_item"], name="approval_once_per_handbook"),
            models.CheckConstraint(condition=Q(committed_days__lte=models.F("statutory_days")),
                                   name="approval_committed_within_statutory"),
        ]
        indexes = [
            models.Index(fields=["unit", "status"], name="approval_unit_status"),
            models.Index(fields=["status", "finished_on"], name="approval_status_finished"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("approvals:approval", args=[self.pk])
