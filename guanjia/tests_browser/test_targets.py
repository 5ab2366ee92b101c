"""The targets page, the projects statistics and a project's investment card in a real browser: the charts draw
within the Content-Security-Policy, a target is edited in place, the month is reported from a phone."""

import datetime as dt
import os
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from guanjia.targets.models import InvestmentPlan, InvestmentReport, Target
from guanjia.tests_browser.helpers import PageProblems, sign_in
from guanjia.tests_support.factories import ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("GUANJIA_SCREENSHOTS")  # a folder: the pages are saved there as PNG to look at


def _year_of_projects(world, year: int):
    for n in range(6):
        project = ProjectFactory(enterprise=world.ent1, butler=world.butler1, workstation=world.ws1,
                                 name=f"年度项目{n}", key_level="city" if n % 2 else "",
                                 signed_on=dt.date(year, 1 + n, 3), started_on=dt.date(year, 2 + n, 5) if n < 4 else None,
                                 stage="started" if n < 4 else "signed", total_investment=Decimal(20000))
        InvestmentPlan.objects.create(project=project, year=year, amount=Decimal(6000))
        for month in range(1, 7):
            InvestmentReport.objects.create(project=project, month=dt.date(year, month, 1), amount=Decimal(300 + n))
    Target.objects.create(zone=world.zone, year=year, kind="new_starts", value=8)
    Target.objects.create(zone=world.zone, year=year, kind="investment", value=30000)


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_statistics_draw_and_targets_edit_in_place(page, browser_world):
    year = dt.date.today().year
    _year_of_projects(browser_world, year)
    problems = PageProblems()
    problems.watch(page.context)
    sign_in(page, "admin")
    page.goto(f"/targets/projects/?year={year}")
    for chart in ("#chart-targets", "#chart-funnel", "#chart-months"):
        expect(page.locator(f"{chart} canvas").first).to_be_attached()
    page.locator("#chart-months").hover()
    page.evaluate("() => new Promise(requestAnimationFrame)")
    _shot(page, "project-stats")
    page.goto(f"/targets/?year={year}")
    row = page.locator('[data-target-row="new_starts"]')
    row.locator('input[name="value"]').fill("16")
    row.get_by_role("button", name="保存").click()
    expect(page.locator('[data-target-row="new_starts"] [data-progress]')).to_contain_text("25.0%")
    assert Target.objects.get(zone=browser_world.zone, year=year, kind="new_starts").value == 16
    _shot(page, "targets")
    assert not problems.violations, "\n".join(problems.violations)
    assert not problems.errors, "\n".join(problems.errors)


def test_enterprise_reports_the_month_on_a_phone(phone, browser_world):
    project = browser_world.project1
    sign_in(phone, "ent1")
    phone.goto(project.get_absolute_url())
    form = phone.locator("#investment-report-form")
    form.locator('input[name="amount"]').fill("120")
    form.get_by_role("button", name="填报月度投资").click()
    expect(phone.locator('[data-card="investment"]')).to_contain_text("月度完成投资已填报")
    expect(phone.locator('[data-inv="cumulative"]')).to_have_text("120.00")
    _shot(phone, "investment-card-phone")
    # Nothing wider than the screen: the card's table scrolls inside its own box.
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
