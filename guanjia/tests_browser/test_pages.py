"""The pages in a real browser: sign-in, the htmx filter, a workflow action with CSRF, a phone, no internet."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from guanjia.requests import services as s
from guanjia.requests.choices import Status
from guanjia.tests_browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def raise_request(world, *, enterprise=None, title="厂区用电增容", category="factors"):
    """A request blown by the enterprise's own contact (吹哨): it waits for its butler's 签收."""
    enterprise = enterprise or world.ent1
    contact = world.ent1_user if enterprise == world.ent1 else world.ent2_user
    return s.request_raise(actor=contact, enterprise=enterprise, source="portal", category=category, title=title,
                           description="新上两条生产线，需将厂区变压器由 800 kVA 增至 2000 kVA。")


def test_butler_signs_in_and_finds_the_request_in_the_worklist(page, browser_world):
    mine = raise_request(browser_world, title="二期厂房用电增容")
    other = raise_request(browser_world, enterprise=browser_world.ent2, title="彩虹新材料用地指标")

    sign_in(page, "butler1")
    expect(page.locator("h1")).to_contain_text("我的工作台")
    assert page.evaluate("location.pathname") == "/"

    page.locator("#nav").get_by_role("link", name="我的待办").click()
    page.wait_for_url("**/worklist/")
    expect(page.locator("h1")).to_have_text("我的待办")
    expect(page.get_by_role("link", name=mine.title)).to_be_visible()
    expect(page.get_by_text(browser_world.ent1.name).first).to_be_visible()
    # another butler's enterprise is not on this butler's list
    expect(page.get_by_text(other.title)).to_have_count(0)


def test_filter_updates_the_table_without_reloading_the_page(page, browser_world):
    raise_request(browser_world, title="厂区用电增容", category="factors")
    raise_request(browser_world, title="二期用地指标", category="land")
    sign_in(page, "butler1")
    page.goto("/requests/")
    rows = page.locator("#results tbody tr:has(a)")
    expect(rows).to_have_count(2)
    page.evaluate("window.__sameDocument = true")

    with page.expect_response(lambda r: "category=land" in r.url) as answer:
        page.select_option("select[name=category]", "land")
    assert answer.value.request.headers.get("hx-request") == "true"  # htmx asked, not a form submit
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("二期用地指标")
    assert page.evaluate("window.__sameDocument") is True  # the document was not reloaded
    assert "category=land" in page.url  # hx-push-url keeps the filter in the address bar


def test_butler_accepts_a_request_from_its_page(page, browser_world):
    request = raise_request(browser_world)
    sign_in(page, "butler1")
    page.goto(f"/requests/{request.pk}/")
    status = page.locator("[data-status]")
    expect(status).to_have_text(str(Status.SUBMITTED.label))

    page.locator('button[data-bs-target="#act-accept"]').click()  # the 签收 tab (Bootstrap's own script)
    form = page.locator("#act-accept")
    expect(form).to_be_visible()
    form.locator("textarea[name=comment], input[name=comment]").first.fill("已与企业电话确认，今日上门。")
    with page.expect_response(lambda r: r.url.endswith(f"/requests/{request.pk}/act/accept/")) as posted:
        form.get_by_role("button", name="签收").click()
    assert posted.value.status == 302  # a missing or refused CSRF token answers 403
    page.wait_for_load_state()

    expect(status).to_have_text(str(Status.ACCEPTED.label))
    expect(status).to_have_attribute("data-status", Status.ACCEPTED.value)
    expect(page.locator("#timeline")).to_contain_text("已与企业电话确认，今日上门。")
    request.refresh_from_db()
    assert request.status == Status.ACCEPTED and request.butler == browser_world.butler1


def test_phone_width_collapses_the_menu_and_never_scrolls_sideways(phone, browser_world):
    request = raise_request(browser_world, title="关于年产5.8万套专用轮胎建设项目110千伏专线及配套变电站的用电增容诉求")
    sign_in(phone, "butler1")
    for path in ("/", "/worklist/", f"/requests/{request.pk}/"):
        phone.goto(path)
        expect(phone.locator(".navbar-toggler")).to_be_visible()
        expect(phone.locator("#nav")).to_be_hidden()
        # A mobile browser widens its layout viewport to fit a too-wide page, so innerWidth must still be 390.
        scroll_width, inner_width = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll_width <= inner_width == 390, (path, scroll_width, inner_width)
    phone.locator(".navbar-toggler").click()
    expect(phone.locator("#nav").get_by_role("link", name="我的待办")).to_be_visible()


def test_pages_load_nothing_from_other_hosts(page, browser_world, live_server, network_log):
    """The zone's intranet has no internet: every script, style, font and call comes from the server itself."""
    request = raise_request(browser_world)
    sign_in(page, "admin")
    paths = [
        "/", "/worklist/", "/requests/", f"/requests/{request.pk}/", "/requests/new/",
        "/enterprises/", browser_world.ent1.get_absolute_url(), "/projects/", browser_world.project1.get_absolute_url(),
        "/meetings/", "/calendar/", "/reports/requests/", "/api/docs/", "/api/redoc/",
    ]
    # What each API docs page draws from the schema, once its own call for /api/schema/ has come back.
    drawn_from_schema = {"/api/docs/": ".swagger-ui .opblock", "/api/redoc/": "[data-section-id]"}
    for path in paths:
        # networkidle: icon fonts and charts are fetched after the load event
        answer = page.goto(path, wait_until="networkidle")
        assert (answer.status, urlsplit(page.url).path) == (200, path), page.context.cookies()
        if path in drawn_from_schema:
            # The docs' scripts ask for the schema only once they have run, which on a busy machine can be
            # after half a second of quiet (networkidle); leaving before they drew it would abort that call.
            expect(page.locator(drawn_from_schema[path]).first).to_be_attached(timeout=30_000)
        if path == "/reports/requests/":
            assert page.evaluate("typeof echarts") == "object", network_log.failures
        if path == "/":
            assert page.evaluate("[typeof bootstrap, typeof htmx]") == ["object", "object"], network_log.failures
    assert any("/static/vendor/bootstrap-icons/fonts/" in url for url in network_log.requested)
    assert network_log.foreign(live_server.url) == []
    assert network_log.failures == []  # every vendor file was there
