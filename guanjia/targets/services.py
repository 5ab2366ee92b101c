"""Writes of annual targets (年度目标), projects' year plans (年度计划投资) and monthly completed investment
(月度完成投资).

Every change is recorded by the audit log (registered in apps.py) with its actor, so a corrected month keeps
what it said before.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from guanjia.core.audit import audit_context
from guanjia.core.predicates import require
from guanjia.targets.choices import COUNT_KINDS, TargetKind
from guanjia.targets.models import InvestmentPlan, InvestmentReport, Target

YEAR_MIN, YEAR_MAX = 2000, 2100


def _check_year(year, field: str = "year") -> int:
    if not isinstance(year, int) or isinstance(year, bool) or not YEAR_MIN <= year <= YEAR_MAX:
        raise ValidationError({field: _("年度须为 %(min)s–%(max)s 之间的整数。") % {"min": YEAR_MIN, "max": YEAR_MAX}})
    return year


def _decimal(value, field: str, *, required: bool = True) -> Decimal | None:
    if value is None or value == "":
        if required:
            raise ValidationError({field: _("请填写数值。")})
        return None
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        raise ValidationError({field: _("请填写数字。")}) from None
    if not number.is_finite():
        raise ValidationError({field: _("请填写数字。")})
    if number < 0:
        raise ValidationError({field: _("不能为负数。")})
    if number >= Decimal("1e12"):
        raise ValidationError({field: _("数值过大。")})
    return number


def _clean_target(target: Target) -> None:
    errors = {}
    if target.kind == TargetKind.CUSTOM:
        target.label = (target.label or "").strip()
        if not target.label:
            errors["label"] = _("自定义指标须填写指标名称。")
        elif target.label in TargetKind.values:  # the statistics key custom targets by label, beside the kinds
            errors["label"] = _("该名称与系统指标代码相同，请换一个名称。")
    else:
        # A counted kind is one per year; its actual comes from the projects, never by hand.
        target.label, target.actual = "", None
    if target.kind in COUNT_KINDS:
        for field in ("value", "actual"):
            number = getattr(target, field)
            if number is not None and number != number.to_integral_value():
                errors[field] = _("项目个数须为整数。")
    duplicate = (Target.objects.filter(zone=target.zone_id, year=target.year, kind=target.kind, label=target.label)
                 .exclude(pk=target.pk).exists())
    if duplicate and "label" not in errors:
        errors["kind" if target.kind != TargetKind.CUSTOM else "label"] = _("%(year)s 年已有该指标，请修改原指标。") % {
            "year": target.year}
    if errors:
        raise ValidationError(errors)
    target.full_clean(validate_unique=False, validate_constraints=False)


@transaction.atomic
def target_create(*, actor, zone, year: int, kind: str, value, label: str = "", actual=None) -> Target:
    """Set one of a zone's annual targets (年度目标): a counted kind, or a custom count with its label."""
    require(actor, "targets.manage_target")
    if not actor.is_superuser and getattr(zone, "pk", zone) != actor.zone_id:
        raise ValidationError({"zone": _("只能设定本园区的目标。")})
    if kind not in TargetKind.values:
        raise ValidationError({"kind": _("指标须为 %(kinds)s 之一。") % {"kinds": "、".join(TargetKind.values)}})
    target = Target(zone=zone, year=_check_year(year), kind=kind, label=label or "",
                    value=_decimal(value, "value"), actual=_decimal(actual, "actual", required=False))
    _clean_target(target)
    with audit_context(actor=actor):
        target.save()
    return target


@transaction.atomic
def target_update(*, actor, target: Target, **fields) -> Target:
    """Change a target's value (or a custom one's label and actual so far); its year and kind stay."""
    unknown = set(fields) - {"value", "label", "actual"}
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    target = Target.objects.select_for_update().get(pk=target.pk)
    require(actor, "targets.manage_target", target)
    if "value" in fields:
        target.value = _decimal(fields["value"], "value")
    if "actual" in fields:
        target.actual = _decimal(fields["actual"], "actual", required=False)
    if "label" in fields:
        target.label = fields["label"] or ""
    _clean_target(target)
    with audit_context(actor=actor):
        target.save()
    return target


@transaction.atomic
def target_set(*, actor, zone, year: int, kind: str, value, label: str = "", actual=None) -> Target:
    """The edit-in-place of the targets page: the year's target of this kind (and label) now says `value`."""
    existing = Target.objects.filter(zone=zone, year=year, kind=kind,
                                     label=(label or "").strip() if kind == TargetKind.CUSTOM else "").first()
    if existing is None:
        return target_create(actor=actor, zone=zone, year=year, kind=kind, value=value, label=label, actual=actual)
    fields = {"value": value}
    if kind == TargetKind.CUSTOM:
        fields["actual"] = actual
    return target_update(actor=actor, target=existing, **fields)


@transaction.atomic
def target_delete(*, actor, target: Target) -> None:
    require(actor, "targets.manage_target", target)
    with audit_context(actor=actor):
        target.delete()


@transaction.atomic
def investment_plan_set(*, actor, project, year: int, amount) -> InvestmentPlan:
    """A project's planned investment for a year (年度计划投资, 万元); setting it again replaces it."""
    require(actor, "targets.plan_investment", project)
    if project.archived_at is not None:
        raise ValidationError({"project": _("项目已归档，不能设置投资计划。")})
    year = _check_year(year)
    amount = _decimal(amount, "amount")
    plan = InvestmentPlan.objects.select_for_update().filter(project=project, year=year).first()
    if plan is None:
        plan = InvestmentPlan(project=project, year=year)
    plan.amount = amount
    plan.full_clean(validate_unique=False, validate_constraints=False)
    with audit_context(actor=actor):
        plan.save()
    return plan


def month_start(value) -> dt.date:
    """The first day of a month given as a date or `YYYY-MM` (or `YYYY-MM-DD`)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.replace(day=1)
    text = str(value or "").strip()
    try:
        if len(text) == 7:
            return dt.datetime.strptime(text, "%Y-%m").date()
        return dt.datetime.strptime(text, "%Y-%m-%d").date().replace(day=1)
    except ValueError:
        raise ValidationError({"month": _("月份格式应为 YYYY-MM，例如 2026-06。")}) from None


@transaction.atomic
def investment_report(*, actor, project, month, amount, note: str = "", today: dt.date | None = None,
                      ) -> tuple[InvestmentReport, bool]:
    """Report the investment a project completed in a month (月度完成投资, 万元): one per project and month.

    A second report of the same month is a correction and replaces the first (the audit log keeps both). A month
    in the future and a negative amount are refused; so is a month that would take the cumulative completion
    beyond the project's total investment, unless `note` says why (the confirmation). Answers the report and
    whether it is new.
    """
    require(actor, "targets.report_investment", project)
    if project.archived_at is not None:
        raise ValidationError({"project": _("项目已归档，不能填报投资。")})
    month = month_start(month)
    today = today or timezone.localdate()
    errors = {}
    if month > today.replace(day=1):
        errors["month"] = _("不能填报未来月份（%(month)s）的投资。") % {"month": month.strftime("%Y-%m")}
    elif not YEAR_MIN <= month.year <= YEAR_MAX:
        errors["month"] = _("月份须在 %(min)s–%(max)s 年之间。") % {"min": YEAR_MIN, "max": YEAR_MAX}
    try:
        amount = _decimal(amount, "amount")
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationError({"note": _("说明不能超过 200 个字。")})
    # Lock the project's reports so that two reports at once cannot both pass the total's check.
    project = type(project).objects.select_for_update().get(pk=project.pk)
    others = (InvestmentReport.objects.filter(project=project).exclude(month=month)
              .aggregate(total=Sum("amount"))["total"] or Decimal(0))
    cumulative = others + amount
    if cumulative > project.total_investment and not note:
        raise ValidationError({"note": _(
            "累计完成投资 %(cumulative)s 万元将超过项目总投资 %(total)s 万元；确属超概算，请在说明中注明原因后再提交。")
            % {"cumulative": f"{cumulative:,.2f}", "total": f"{project.total_investment:,.2f}"}})
    report = InvestmentReport.objects.select_for_update().filter(project=project, month=month).first()
    created = report is None
    if created:
        report = InvestmentReport(project=project, month=month)
    report.amount, report.note, report.reported_by = amount, note, actor
    report.full_clean(validate_unique=False, validate_constraints=False)
    with audit_context(actor=actor):
        report.save()
    return report, created
