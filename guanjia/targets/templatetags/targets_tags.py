"""The investment card of a project's page (`targets/_project_card.html`): two queries, whatever the months."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template
from django.utils import timezone

from guanjia.core.audit import enterprise_reader, named_to_enterprise, service_center
from guanjia.targets.forms import InvestmentPlanForm, InvestmentReportForm
from guanjia.targets.selectors import project_investment

register = template.Library()


def _month_to_report(card: dict, today: dt.date) -> dt.date:
    """The month a report is most likely for: the month just ended (the monthly figures are reported in the
    first days of the next), once it is reported, the current one."""
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    reported = {report.month for report in card["reports"]}
    return this_month if last_month in reported else last_month


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
        "report_form": report_form or (InvestmentReportForm(initial={"month": f"{_month_to_report(card, today):%Y-%m}"})
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
    # A float (an amount the statistics read as one) through its shortest decimal: "{:g}" wrote 1823600.5 as
    # 1.8236e+06 and 12345.67 as 12345.7.
    text = f"{Decimal(repr(value)) if isinstance(value, float) else value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def figure_grouped(value) -> str:
    """A figure as a page shows it: as `figure_number`, with thousands separators (150,000.5)."""
    text = figure_number(value)
    if not text:
        return text
    whole, dot, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}{dot}{fraction}"
