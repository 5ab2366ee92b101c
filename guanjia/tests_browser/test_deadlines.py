"""Issue 14, deadlines that agree: the transfer form says so before saving when a unit's deadline is later than
the request's own 办结时限 (guanjia.js reads the request's date from the field; the CSP runs no inline script)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from guanjia.requests import services
from guanjia.tests_browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_transfer_form_warns_of_a_unit_deadline_past_the_request_s(page, browser_world):
    world = browser_world
    request = services.request_raise(actor=world.butler1, enterprise=world.ent1, source="visit",
                                     category="factors", title="厂区二期用电增容", description="需增容。")
    request = services.request_accept(actor=world.butler1, request=request)
    due = timezone.localtime(request.due_at).date()
    sign_in(page, "butler1")
    page.goto(request.get_absolute_url())
    page.locator("button[data-bs-target='#act-transfer']").click()
    form = page.locator("#act-transfer")
    field = form.locator("input[name='unit_due']")
    warning = form.locator(".request-due-warning")
    expect(field).to_have_attribute("data-request-due", due.isoformat())
    field.fill((due + dt.timedelta(days=1)).isoformat())
    expect(warning).to_have_count(1)
    expect(warning).to_contain_text(f"晚于诉求的办结时限 {due.year}年{due.month}月{due.day}日")
    field.fill(due.isoformat())  # on the request's own day: no warning
    expect(warning).to_have_count(0)
    # Saved anyway with a later date, the page refuses it on the field, naming both dates.
    field.fill((due + dt.timedelta(days=1)).isoformat())
    form.locator("select[name='lead_unit']").select_option(str(world.unit1.pk))
    with page.expect_navigation():
        form.locator("button.btn-primary").click()
    expect(page.locator("#act-transfer .invalid-feedback")).to_contain_text("请先为诉求延期")
    assert not request.unit_tasks.exists()
