"""The Content-Security-Policy in a real browser: every main page, as each role that uses it, keeps to it.

One browser, one context per role. A page fails the test on any violation of the policy (reported by the
page's `securitypolicyviolation` event), any error in the console (Chromium logs each violation there too,
and every file that failed to load) and any uncaught exception: a page whose script the policy stopped
half-way shows as one of these, not as a silently dead button.
"""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from guanjia.meetings import services as meetings
from guanjia.requests import services as s
from guanjia.tests_browser.helpers import PageProblems, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world_with_work(world):
    """A request handed to the first unit, one waiting for its butler, and a held meeting with a decision."""
    raised = s.request_raise(actor=world.ent1_user, enterprise=world.ent1, source="portal", category="factors",
                             title="厂区用电增容", description="新上两条生产线，需将厂区变压器由 800 kVA 增至 2000 kVA。")
    waiting = s.request_raise(actor=world.ent1_user, enterprise=world.ent1, source="portal", category="land",
                              title="二期用地指标", description="二期厂房需新增用地 30 亩。")
    accepted = s.request_accept(actor=world.butler1, request=raised, comment="已电话联系企业。")
    transferred = s.request_transfer(actor=world.butler1, request=accepted, lead_unit=world.unit1, comment="请供电公司办理。")
    meeting = meetings.meeting_create(actor=world.admin, title="用电增容协调会", kind="coordination",
                                      starts_at=timezone.now() - dt.timedelta(hours=2), units=[world.unit1],
                                      attendees=[world.leader], requests=[transferred])
    meeting = meetings.meeting_hold(actor=world.admin, meeting=meeting, minutes="供电公司两周内完成方案。")
    return transferred, waiting, meeting


def _pages(world, transferred, waiting, meeting) -> dict[str, list[str]]:
    """The main pages of each role (each signs in through the login page first)."""
    request, other = f"/requests/{transferred.pk}/", f"/requests/{waiting.pk}/"
    enterprise, project = world.ent1.get_absolute_url(), world.project1.get_absolute_url()
    return {
        "admin": [
            "/", "/worklist/", "/requests/", request, other, "/requests/new/", "/enterprises/", enterprise,
            "/enterprises/new/", "/enterprises/import/", "/projects/", project, "/meetings/", f"/meetings/{meeting.pk}/",
            "/meetings/new/", "/meetings/actions/", "/calendar/", "/calendar/years/", "/reports/requests/",
            "/notifications/", "/notifications/webhooks/", "/org/people/", "/org/units/", "/org/workstations/",
            "/requests/rules/", "/accounts/password/", "/api/docs/", "/api/redoc/",
        ],
        "leader": ["/", "/worklist/", "/reports/requests/"],
        "butler1": ["/", "/worklist/", "/requests/", other, "/requests/new/", enterprise, "/reports/requests/"],
        "unit1": ["/", "/worklist/", request, "/reports/requests/"],
        "supervisor": ["/", "/worklist/", "/requests/"],
        "ent1": ["/", request, "/requests/new/", enterprise],
    }


def _exercise(page, path: str) -> None:
    """What runs on a page after it loaded: charts, tabs, the API docs drawn from the schema."""
    if path == "/reports/requests/":
        # ECharts draws each chart on a canvas of its own. A pointer over the trend chart opens its tooltip: drawn
        # on the canvas too, as ECharts' HTML tooltips carry style attributes that the policy refuses.
        for chart in ("#chart-trend", "#chart-category", "#chart-unit"):
            expect(page.locator(f"{chart} canvas").first).to_be_attached()
        page.locator("#chart-trend").hover()
        page.evaluate("() => new Promise(requestAnimationFrame)")  # the tooltip has been drawn
    elif path.startswith("/requests/") and path[len("/requests/"):-1].isdigit():
        for tab in page.locator('[data-bs-toggle="pill"]').all():
            tab.click()
            expect(page.locator(tab.get_attribute("data-bs-target"))).to_be_visible()
    elif path == "/api/docs/":
        operation = page.locator(".swagger-ui .opblock").first
        expect(operation).to_be_attached(timeout=30_000)
        operation.locator(".opblock-summary").click()
        expect(operation.locator(".opblock-body")).to_be_visible()
    elif path == "/api/redoc/":
        # Redoc makes its search worker from a blob: URL as it starts, and adds its styles as it draws.
        expect(page.locator("[data-section-id]").first).to_be_attached(timeout=30_000)


def test_every_page_keeps_to_the_content_security_policy(browser, live_server, browser_world):
    pages = {None: ["/accounts/login/"], **_pages(browser_world, *_world_with_work(browser_world))}
    problems = PageProblems()
    for username, paths in pages.items():
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        problems.watch(context)
        try:
            page = context.new_page()
            if username:
                sign_in(page, username)
            for path in paths:
                answer = page.goto(path)
                assert answer.status == 200, (username, path, answer.status)
                # Without the header there would be nothing to break, and nothing to report.
                assert "default-src 'self'" in answer.headers.get("content-security-policy", ""), (username, path)
                _exercise(page, path)
        finally:
            context.close()
    assert not problems.violations, "\n".join(problems.violations)
    assert not problems.errors, "\n".join(problems.errors)


def test_confirmations_and_self_submitting_fields_work_without_inline_handlers(page, browser_world):
    """What were onclick="return confirm(…)" and onchange="this.form.submit()" is data-confirm and
    data-autosubmit, run by guanjia.js."""
    sign_in(page, "admin")
    page.goto(browser_world.ent1.get_absolute_url())
    questions = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.get_by_role("button", name="归档").click()
    assert questions == ["归档后该企业不再出现在列表中，可随时恢复。确定归档？"]
    browser_world.ent1.refresh_from_db()
    assert not browser_world.ent1.is_archived  # declined: nothing was sent
    page.remove_listener("dialog", dismiss)

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="归档").click()
    browser_world.ent1.refresh_from_db()
    assert browser_world.ent1.is_archived

    page.goto("/org/people/")
    with page.expect_navigation(url="**/org/people/?role=butler"):
        page.select_option("select[name=role]", "butler")
    expect(page.locator("tbody")).to_contain_text("butler1")
    expect(page.locator("tbody")).not_to_contain_text("unit1")
