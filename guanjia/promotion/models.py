"""一表制: a project's promotion table (《项目跟踪服务促建表》), its templates, and its key work items.

The table is a tracked item of the workflow kernel whose status is the project's stage: its
timeline records the hand-over, each stage reached and the changes of plan. Each work item is a
tracked item too, with a deadline clock, a place in its responsible person's and unit's 我的待办,
and reminders (promotion.workflow).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanjia.core.choices import Role
from guanjia.core.models import ScopedQuerySet, TimeStampedModel
from guanjia.projects.choices import ProjectType, Stage
from guanjia.promotion.choices import WorkItemStatus
from guanjia.workflow.models import TrackedModel


class TemplateQuerySet(ScopedQuerySet):
    def scope_for_role(self, user, role):
        return None if role == Role.ENTERPRISE else Q()


class TableTemplate(TimeStampedModel):
    """The key work of each stage that a project of a type gets when its agreement is handed over (admin-editable)."""

    zone = models.ForeignKey("org.Zone", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    project_type = models.CharField(_("项目类型"), max_length=20, choices=ProjectType.choices)
    name = models.CharField(_("模板名称"), max_length=100)

    objects = TemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("促建表模板")
        verbose_name_plural = _("促建表模板")
        ordering = ["project_type", "pk"]
        constraints = [models.UniqueConstraint(fields=["zone", "project_type"], name="tabletemplate_zone_type")]

    def __str__(self) -> str:
        return self.name


class TemplateItemQuerySet(TemplateQuerySet):
    """A template's items are seen as their template is."""

    zone_field = "template__zone"


class TemplateItem(models.Model):
    """One work item of a template: its stage, what is to be done, by which unit, within how many working days
    of the hand-over."""

    template = models.ForeignKey(TableTemplate, verbose_name=_("模板"), on_delete=models.CASCADE,
                                 related_name="items")
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices)
    name = models.CharField(_("推进事项"), max_length=200)
    unit = models.ForeignKey("org.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+")
    days = models.PositiveSmallIntegerField(_("完成时限（移交后工作日）"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = TemplateItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("模板推进事项")
        verbose_name_plural = _("模板推进事项")
        ordering = ["template", "order", "pk"]

    def __str__(self) -> str:
        return self.name


def _project_scope(user, role, project_field: str) -> Q | None:
    from guanjia.projects.models import Project

    q = Project.objects.none().scope_for_role(user, role)
    return None if q is None else Q(**{f"{project_field}__in": Project.objects.filter(q).values("pk")})


class TableQuerySet(ScopedQuerySet):
    def scope_for_role(self, user, role):
        return _project_scope(user, role, "project")


class PromotionTable(TrackedModel, TimeStampedModel):
    """A project's promotion table: made when its agreement is handed over; its status is the project's stage."""

    WORKFLOW = "promotion_table"
    zone = models.ForeignKey("org.Zone", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    project = models.OneToOneField("projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT,
                                   related_name="promotion_table")
    status = models.CharField(_("阶段"), max_length=20, choices=Stage.choices, default=Stage.SIGNED,
                              editable=False)
    handed_over_on = models.DateField(_("协议移交日期"))
    template = models.ForeignKey(TableTemplate, verbose_name=_("模板"), on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    # 专班: the key project's task force (the leader in charge is the project's contact leader, 挂钩领导).
    task_force = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("专班成员"), blank=True,
                                        related_name="task_forces")
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = TableQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目促建表")
        verbose_name_plural = _("项目促建表")
        ordering = ["project", "pk"]

    def __str__(self) -> str:
        return str(_("%(project)s促建表") % {"project": self.project.name})

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("promotion:table", args=[self.pk])


class WorkItemQuerySet(ScopedQuerySet):
    def scope_for_role(self, user, role):
        if role == Role.UNIT and user.unit_id:
            return Q(unit=user.unit_id) | Q(responsible=user.pk)
        return _project_scope(user, role, "project")


class WorkItem(TrackedModel, TimeStampedModel):
    """One key work item of a stage (推进事项): who answers for it, by when, and its state."""

    WORKFLOW = "work_item"
    zone = models.ForeignKey("org.Zone", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    table = models.ForeignKey(PromotionTable, verbose_name=_("促建表"), on_delete=models.CASCADE,
                              related_name="work_items")
    project = models.ForeignKey("projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="work_items")
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices)
    name = models.CharField(_("推进事项"), max_length=200)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("责任人"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="work_items")
    unit = models.ForeignKey("org.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, null=True,
                             blank=True, related_name="work_items")
    due_on = models.DateField(_("完成时限"))
    due_at = models.DateTimeField(_("时限（截止时刻）"), null=True, blank=True, editable=False)
    status = models.CharField(_("状态"), max_length=20, choices=WorkItemStatus.choices,
                              default=WorkItemStatus.NOT_STARTED, editable=False)
    done_on = models.DateField(_("完成日期"), null=True, blank=True, editable=False)
    progress_note = models.TextField(_("进展情况"), blank=True)
    requests = models.ManyToManyField("requests.Request", verbose_name=_("关联诉求"), blank=True,
                                      related_name="work_items")
    approvals = models.ManyToManyField("approvals.Approval", verbose_name=_("关联审批事项"), blank=True,
                                       related_name="work_items")
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = WorkItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("推进事项")
        verbose_name_plural = _("推进事项")
        ordering = ["table", "order", "pk"]
        indexes = [
            models.Index(fields=["project", "stage"], name="workitem_project_stage"),
            models.Index(fields=["status", "due_on"], name="workitem_status_due"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("promotion:work-item", args=[self.pk])
