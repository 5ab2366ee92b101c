"""The 挂图作战 board and a promotion table in a real browser: the chart draws from local files within the
Content-Security-Policy, and on a phone the table stays readable beside it."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from guanjia.promotion.tests.factories import handed_over
from guanjia.tests_browser.helpers import PageProblems, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_board_and_table_draw_within_the_policy(browser, live_server, browser_world, tmp_path):
    world = browser_world
    table = handed_over(world, on=dt.date.today() - dt.timedelta(days=3), signed=dt.date.today() - dt.timedelta(days=30))
    world.project1.planned_land_on = dt.date.today() - dt.timedelta(days=120)
    world.project1.full_clean()
    world.project1.save()
    problems = PageProblems()
    for viewport in ({"width": 1280, "height": 900}, {"width": 390, "height": 844}):
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=viewport)
        context.set_default_timeout(10_000)
        problems.watch(context)
        try:
            page = context.new_page()
            sign_in(page, "leader")
            assert page.goto("/promotion/").status == 200
            expect(page.locator("#board-chart canvas").first).to_be_attached()
            expect(page.locator("table").get_by_text(world.project1.name)).to_be_visible()
            page.screenshot(path=str(tmp_path / f"board-{viewport['width']}.png"), full_page=True)
            assert page.goto(f"/promotion/tables/{table.pk}/").status == 200
            expect(page.get_by_text("完成土地挂牌出让")).to_be_visible()
        finally:
            context.close()
    assert not problems.violations, "\n".join(problems.violations)
    assert not problems.errors, "\n".join(problems.errors)
