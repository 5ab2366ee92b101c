"""The project registry (项目库): investment projects, their stage dates and who serves them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanjia.core.choices import Role
from guanjia.core.models import ArchivableModel, AssignmentBase, ScopedQuerySet, TimeStampedModel
from guanjia.projects.choices import STAGE_DATE_FIELDS, STAGE_PLAN_FIELDS, KeyLevel, ProjectType, Stage


class ProjectQuerySet(ScopedQuerySet):
    def scope_for_role(self, user, role):
        if role == Role.BUTLER:  # their own, their enterprises', and their workstation's
            from guanjia.enterprises.models import served_ids

            q = Q(butler=user.pk) | Q(enterprise__in=served_ids(butler=user.pk))
            if user.workstation_id:
                q |= Q(workstation=user.workstation_id)
            return q
        if role == Role.ENTERPRISE and user.enterprise_id:
            return Q(enterprise=user.enterprise_id)
        return None


class Project(TimeStampedModel, ArchivableModel):
    """An investment project (项目) of an enterprise, followed from agreement to full capacity."""

    zone = models.ForeignKey("org.Zone", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="projects")
    name = models.CharField(_("项目名称"), max_length=200)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("投资企业"), on_delete=models.PROTECT, related_name="projects"
    )
    total_investment = models.DecimalField(
        _("总投资（万元）"),
        # 4 decimals of 万元 = exact to the yuan, which is what the API speaks (API.md: money in yuan).
        max_digits=16,
        decimal_places=4,
        validators=[MinValueValidator(0, message=_("总投资不能为负数。"))],
    )
    key_level = models.CharField(_("重点项目级别"), max_length=20, choices=KeyLevel.choices, default="", blank=True)
    # Stored for filtering and sorting; always derived from the dates below by `derive_stage`.
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices, default=Stage.NEGOTIATING, editable=False)
    workstation = models.ForeignKey(
        "org.Workstation",
        verbose_name=_("工作站"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    butler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("项目管家"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="butler_projects",
    )
    contact_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("联系领导"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_projects",
    )
    signed_on = models.DateField(_("签约日期"), null=True, blank=True)
    land_on = models.DateField(_("供地日期"), null=True, blank=True)
    started_on = models.DateField(_("开工日期"), null=True, blank=True)
    completed_on = models.DateField(_("竣工日期"), null=True, blank=True)
    producing_on = models.DateField(_("投产日期"), null=True, blank=True)
    capacity_on = models.DateField(_("达效日期"), null=True, blank=True)
    project_type = models.CharField(_("项目类型"), max_length=20, choices=ProjectType.choices,
                                    default=ProjectType.INDUSTRIAL)
    # The promotion table's plan (计划时间) of each stage; a stage whose planned month has passed without its
    # actual date shows yellow, three months late red (promotion.colours).
    planned_signed_on = models.DateField(_("计划签约日期"), null=True, blank=True)
    planned_land_on = models.DateField(_("计划供地日期"), null=True, blank=True)
    planned_started_on = models.DateField(_("计划开工日期"), null=True, blank=True)
    planned_completed_on = models.DateField(_("计划竣工日期"), null=True, blank=True)
    planned_producing_on = models.DateField(_("计划投产日期"), null=True, blank=True)
    planned_capacity_on = models.DateField(_("计划达效日期"), null=True, blank=True)
    address = models.CharField(_("建设地点"), max_length=200, blank=True)
    description = models.TextField(_("建设内容"), blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["zone", "name"], name="project_zone_name"),  # the 项目库's order
            models.Index(fields=["zone", "stage"], name="project_zone_stage"),
            models.Index(fields=["zone", "key_level"], name="project_zone_key"),
            models.Index(fields=["butler"], name="project_butler"),
            # A workstation's current projects counted from the index alone (home page), as the enterprises'.
            models.Index(fields=["workstation", "archived_at"], name="project_ws_current"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total_investment__gte=0), name="project_investment_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("projects:detail", args=[self.pk])

    @property
    def is_key(self) -> bool:
        return bool(self.key_level)

    def derive_stage(self) -> str:
        stage = Stage.NEGOTIATING
        for candidate, field in STAGE_DATE_FIELDS:
            if getattr(self, field):
                stage = candidate
        return stage

    def clean(self) -> None:
        super().clean()
        # Stages happen in order: a later stage's date may not precede an earlier one's.
        # The plan (计划时间) of the promotion table keeps the same order.
        errors = {}
        for fields in (STAGE_DATE_FIELDS, STAGE_PLAN_FIELDS):
            previous = None
            for _stage, field in fields:
                value = getattr(self, field)
                if value is None:
                    continue
                if previous and value < previous[1]:
                    errors[field] = ValidationError(
                        _("%(later)s不能早于%(earlier)s（%(date)s）。")
                        % {
                            "later": self._meta.get_field(field).verbose_name,
                            "earlier": self._meta.get_field(previous[0]).verbose_name,
                            "date": previous[1].isoformat(),
                        }
                    )
                previous = (field, value)
        if self.enterprise_id and self.zone_id and self.enterprise.zone_id != self.zone_id:
            errors["enterprise"] = ValidationError(_("投资企业不在本园区。"))
        if errors:
            raise ValidationError(errors)
        self.stage = self.derive_stage()


class ProjectAssignment(AssignmentBase):
    """Who served a project as project butler or contact leader, from when to when."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="assignments")

    class Meta(AssignmentBase.Meta):
        verbose_name = _("项目服务交接记录")
        verbose_name_plural = _("项目服务交接记录")
