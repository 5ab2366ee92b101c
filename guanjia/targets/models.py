"""Annual targets (年度目标) and project investment: the year's plan and the completed investment each month."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanjia.core.choices import Role
from guanjia.core.models import ScopedQuerySet, TimeStampedModel
from guanjia.targets.choices import TargetKind

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]
AMOUNT_VALIDATORS = [MinValueValidator(0, message=_("金额不能为负数。"))]


class TargetQuerySet(ScopedQuerySet):
    def scope_for_role(self, user, role):
        return None if role == Role.ENTERPRISE else Q()


class Target(TimeStampedModel):
    """One annual target of a zone: a kind (or a custom count with its own label) and its value."""

    zone = models.ForeignKey("org.Zone", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="targets")
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    kind = models.CharField(_("指标"), max_length=20, choices=TargetKind.choices)
    label = models.CharField(_("指标名称"), max_length=60, blank=True,
                             help_text=_("自定义指标的名称；其他指标可留空。"))
    value = models.DecimalField(_("目标值"), max_digits=16, decimal_places=4,
                                validators=[MinValueValidator(0, message=_("目标值不能为负数。"))])
    # A custom count is reported by hand (the system cannot count it): its actual so far.
    actual = models.DecimalField(_("自定义指标完成值"), max_digits=16, decimal_places=4, null=True, blank=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度目标")
        verbose_name_plural = _("年度目标")
        ordering = ["-year", "kind", "label", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "year", "kind", "label"], name="target_zone_year_kind_label"),
            models.CheckConstraint(condition=Q(value__gte=0), name="target_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.label or self.get_kind_display()}"


def _project_scope(user, role) -> Q | None:
    from guanjia.projects.models import Project

    q = Project.objects.none().scope_for_role(user, role)
    return None if q is None else Q(project__in=Project.objects.filter(q).values("pk"))


class InvestmentQuerySet(ScopedQuerySet):
    zone_field = "project__zone"

    def scope_for_role(self, user, role):
        return _project_scope(user, role)


class InvestmentPlan(TimeStampedModel):
    """A project's planned investment for a year (年度计划投资, 万元)."""

    project = models.ForeignKey("projects.Project", verbose_name=_("项目"), on_delete=models.CASCADE,
                                related_name="investment_plans")
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    amount = models.DecimalField(_("年度计划投资（万元）"), max_digits=16, decimal_places=4,
                                 validators=AMOUNT_VALIDATORS)

    objects = InvestmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度投资计划")
        verbose_name_plural = _("年度投资计划")
        ordering = ["-year", "project"]
        constraints = [models.UniqueConstraint(fields=["project", "year"], name="investmentplan_project_year")]


class InvestmentReport(TimeStampedModel):
    """The investment a project completed in a month (月度完成投资, 万元), reported by its butler or enterprise."""

    project = models.ForeignKey("projects.Project", verbose_name=_("项目"), on_delete=models.CASCADE,
                                related_name="investment_reports")
    month = models.DateField(_("月份"), help_text=_("该月的第一天。"))
    amount = models.DecimalField(_("当月完成投资（万元）"), max_digits=16, decimal_places=4,
                                 validators=AMOUNT_VALIDATORS)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+", editable=False)

    objects = InvestmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("月度完成投资")
        verbose_name_plural = _("月度完成投资")
        ordering = ["-month", "project"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="investmentreport_project_month"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="investmentreport_not_negative"),
        ]
        indexes = [models.Index(fields=["month"], name="investmentreport_month")]
