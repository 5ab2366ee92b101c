"""The investment card of a project's page (`targets/_project_card.html`): two queries, whatever the months."""

from __future__ import annotations

from django import template
from django.utils import timezone

from guanjia.core.audit import enterprise_reader, named_to_enterprise, service_center
from guanjia.targets.forms import InvestmentPlanForm, InvestmentReportForm
from guanjia.targets.selectors import project_investment

register = template.Library()


def investment_card_context(user, project, *, report_form=None, plan_form=None) -> dict:
    today = timezone.localdate()
    card = project_investment(project, year=today.year, today=today)
    hide = enterprise_reader(user)
    for report in card["reports"]:  # an enterprise reads staff other than its butler as 服务中心
        by = report.reported_by
        report.shown_by = service_center() if hide and not named_to_enterprise(by, project, reader=user) else by
    can_report = user.has_perm("targets.report_investment", project) and not project.is_archived
    can_plan = user.has_perm("targets.plan_investment", project) and not project.is_archived
    return {
        "project": project,
        "inv": card,
        "can_report": can_report,
        "can_plan": can_plan,
        "report_form": report_form or (InvestmentReportForm(initial={"month": today.strftime("%Y-%m")})
                                       if can_report else None),
        "plan_form": plan_form or (InvestmentPlanForm(initial={"year": today.year, "amount": card["plan"]})
                                   if can_plan else None),
    }


@register.simple_tag(takes_context=True)
def investment_card(context, project) -> dict:
    return investment_card_context(context["request"].user, project)


@register.filter
def figure_number(value) -> str:
    """A target's number as people write it: 20.0000 reads 20, 150000.5000 reads 150000.5; None stays empty."""
    if value is None or value == "":
        return ""
    text = f"{value:f}" if not isinstance(value, float) else f"{value:g}"
    return text.rstrip("0").rstrip(".") if "." in text else text
