"""The raise form and the request's page as people use them in a browser (issue 14)."""

import pytest
from playwright.sync_api import expect

from guanjia.requests import services as s
from guanjia.tests_browser.helpers import sign_in

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
