"""The approval catalogue in a real browser: the searchable prerequisites, a phone, the page's policy."""

import pytest
from playwright.sync_api import expect

from guanjia.approvals.models import ApprovalItem
from guanjia.demo.catalogue import load_catalogue
from guanjia.tests_browser.helpers import PageProblems, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_finds_prerequisites_by_typing_and_saves(browser, live_server, browser_world):
    load_catalogue(browser_world.zone)
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    problems = PageProblems()
    problems.watch(context)
    page = context.new_page()
    sign_in(page, "admin")
    page.goto("/approvals/catalogue/new/")
    options = page.locator("[data-option]")
    total = options.count()
    page.fill("[data-option-search]", "消防")
    visible = page.locator("[data-option]:visible")
    expect(visible).to_have_count(2)  # 消防设计审查, 消防验收
    page.get_by_label("消防设计审查", exact=False).check()
    page.fill("[data-option-search]", "")
    expect(page.locator("[data-option]:visible")).to_have_count(total)
    page.fill("#id_name", "消防设施检测")
    page.select_option("#id_stage", "construction")
    page.select_option("#id_unit", label="自然资源局")
    page.fill("#id_statutory_days", "10")
    page.fill("#id_committed_days", "5")
    with page.expect_navigation():
        page.click("form button.btn-primary")
    item = ApprovalItem.objects.get(name="消防设施检测")
    assert [p.name for p in item.prerequisites.all()] == ["消防设计审查"]
    context.close()
    assert not problems, problems


def test_the_catalogue_on_a_phone_never_scrolls_sideways(phone, browser_world):
    load_catalogue(browser_world.zone)
    sign_in(phone, "butler1")
    for path in ("/approvals/catalogue/", ApprovalItem.objects.get(name="建筑工程施工许可证").get_absolute_url()):
        phone.goto(path)
        scroll_width, inner_width = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll_width <= inner_width == 390, (path, scroll_width, inner_width)
