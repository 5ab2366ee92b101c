"""The raise form and the request's page as people use them in a browser (issue 14)."""

import pytest
from playwright.sync_api import expect

from guanjia.requests import services as s
from guanjia.requests.models import Request
from guanjia.tests_browser.helpers import sign_in
from guanjia.tests_support.factories import EnterpriseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_on_a_phone_the_deadlines_come_before_the_long_timeline(phone, page, browser_world):
    request = s.request_raise(actor=browser_world.ent1_user, enterprise=browser_world.ent1, source="portal",
                              category="factors", title="厂区用电增容", description="需将变压器增至 2000 kVA。")
    for n in range(8):
        s.request_add_note(actor=browser_world.butler1, request=request, comment=f"第{n + 1}次电话沟通增容方案。")

    def tops(screen):
        sign_in(screen, "butler1")
        screen.goto(f"/requests/{request.pk}/")
        deadlines = screen.locator(".card-header", has_text="时限").first
        expect(deadlines).to_be_visible()
        return deadlines.bounding_box(), screen.locator("#timeline").bounding_box()

    deadlines, timeline = tops(phone)
    assert deadlines["y"] < timeline["y"]  # one column: the deadlines first
    deadlines, timeline = tops(page)
    assert deadlines["x"] > timeline["x"] and deadlines["y"] < timeline["y"] + timeline["height"]  # beside it


def fill_request(page, *, title="二期厂房用电增容"):
    page.select_option("#id_category", "factors")
    page.fill("#id_title", title)
    page.fill("#id_description", "新上两条生产线，需将厂区变压器由 800 kVA 增至 2000 kVA。")


def submit(page):
    with page.expect_navigation():
        page.locator("main form button.btn-primary").click()


def test_the_enterprise_picker_searches_and_narrows_the_projects(page, browser_world):
    for n in range(25):
        EnterpriseFactory(zone=browser_world.zone, name=f"咸阳黄河配套{n:02d}有限公司", workstation=browser_world.ws1)
    sign_in(page, "admin")
    page.goto("/requests/new/")
    expect(page.locator("#id_category option:checked")).to_have_text("请选择")
    expect(page.locator("#id_project option")).to_have_count(1)  # no enterprise yet: no projects
    page.locator("#id_enterprise").press_sequentially("黄河")
    rows = page.locator("[data-pick-enterprise]")
    expect(rows).to_have_count(20)  # bounded: hundreds of enterprises are never listed whole
    expect(page.locator("#id_enterprise_results")).to_contain_text("只列出前 20 家")
    page.locator("#id_enterprise").fill("黄河轮胎")
    expect(rows).to_have_count(1)
    with page.expect_response(lambda r: "/requests/new/projects/" in r.url):
        rows.first.click()
    expect(page.locator("#id_enterprise_chosen")).to_have_text(f"已选择：{browser_world.ent1.name}")
    options = page.locator("#id_project option")
    expect(options).to_have_count(2)
    expect(options.nth(1)).to_have_text(browser_world.project1.name)  # ent1's project only
    page.select_option("#id_project", str(browser_world.project1.pk))
    fill_request(page)
    submit(page)
    request = Request.objects.get()
    assert (request.enterprise, request.project, request.category) == (browser_world.ent1, browser_world.project1,
                                                                       "factors")


def test_a_preselected_enterprise_and_no_silent_category(page, browser_world):
    sign_in(page, "butler1")
    page.goto(f"/requests/new/?enterprise={browser_world.ent1.pk}")
    expect(page.locator("#id_enterprise")).to_have_value(browser_world.ent1.name)
    expect(page.locator("#id_project option")).to_have_count(2)
    page.fill("#id_title", "二期用地")
    page.fill("#id_description", "需新增用地。")
    submit(page)  # no category chosen: refused, nothing saved
    expect(page.locator("main")).to_contain_text("类别")
    assert not Request.objects.exists()
    expect(page.locator("#id_enterprise")).to_have_value(browser_world.ent1.name)  # the pick is kept


def test_an_attachment_chosen_before_a_refused_submit_is_kept(page, browser_world):
    sign_in(page, "ent1")  # 吹哨: no picker, the contact's own enterprise
    page.goto("/requests/new/")
    assert page.locator("#id_enterprise").count() == 0
    page.select_option("#id_category", "factors")
    page.fill("#id_description", "厂区频繁停电。")
    page.set_input_files("#id_attachments", files=[
        {"name": "负荷计算.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 load"},
        {"name": "现场照片.png", "mimeType": "image/png", "buffer": b"\x89PNG photo"}])
    submit(page)  # no title: refused
    kept = page.locator("#kept-attachments")
    expect(kept).to_contain_text("已选择：负荷计算.pdf")
    expect(kept).to_contain_text("现场照片.png")
    kept.get_by_label("移除").nth(1).check()  # the photo was the wrong one
    page.fill("#id_title", "停电影响生产")
    submit(page)
    request = Request.objects.get()
    assert [a.name for a in request.attachments.all()] == ["负荷计算.pdf"]
    expect(page.locator("main")).to_contain_text("负荷计算.pdf")


def test_back_and_submit_again_after_a_raise_makes_no_second_request(page, browser_world):
    sign_in(page, "butler1")
    page.goto("/requests/new/")
    page.locator("#id_enterprise").press_sequentially("黄河轮胎")
    with page.expect_response(lambda r: "/requests/new/projects/" in r.url):
        page.locator("[data-pick-enterprise]").first.click()
    fill_request(page)
    submit(page)
    first = Request.objects.get()
    page.go_back()
    expect(page.locator("#id_title")).to_have_value("二期厂房用电增容")
    submit(page)
    assert Request.objects.count() == 1
    assert page.url.endswith(first.get_absolute_url())
    expect(page.locator("main")).to_contain_text(f"该诉求已提交过（{first.number}）")
