"""全部诉求's filter bar on a phone: the first filters in view, the rest under 更多筛选, the page no wider than
the screen, and the export link following the filters as htmx changes them."""

import re

import pytest
from playwright.sync_api import expect

from guanjia.requests import services as s
from guanjia.tests_browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_filter_bar_fits_a_phone_and_the_export_follows_it(phone, browser_world):
    world = browser_world
    for title, unit in (("厂区用电增容", world.unit1), ("二期用地指标", world.unit2)):
        request = s.request_accept(actor=world.butler1, request=s.request_raise(
            actor=world.butler1, enterprise=world.ent1, source="visit", category="factors", title=title,
            description="说明"))
        s.request_transfer(actor=world.butler1, request=request, lead_unit=unit)
    sign_in(phone, "butler1")
    phone.goto("/requests/")
    rows = phone.locator("#results tbody tr:has(a)")
    expect(rows).to_have_count(2)
    expect(phone.locator("select[name=status]")).to_be_visible()
    expect(phone.locator("select[name=unit]")).to_be_hidden()  # folded under 更多筛选
    scroll_width, inner_width = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width == 390

    phone.get_by_text("更多筛选").click()
    with phone.expect_response(lambda r: f"unit={world.unit2.pk}" in r.url):
        phone.select_option("select[name=unit]", str(world.unit2.pk))
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("二期用地指标")
    expect(phone.locator("#export-link")).to_have_attribute(
        "href", re.compile(rf"^/requests/export/\?.*\bunit={world.unit2.pk}\b"))
    scroll_width, inner_width = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width == 390


def test_the_search_box_searches_text_entered_without_keys(phone, browser_world):
    """Text pasted or composed by an input method sends no key events: the list follows its input events."""
    world = browser_world
    for title in ("厂区用电增容", "二期用地指标"):
        s.request_raise(actor=world.butler1, enterprise=world.ent1, source="visit", category="factors",
                        title=title, description="说明")
    sign_in(phone, "butler1")
    phone.goto("/requests/")
    rows = phone.locator("#results tbody tr:has(a)")
    expect(rows).to_have_count(2)
    with phone.expect_response(lambda r: "q=" in r.url and "/requests/" in r.url):
        phone.locator("input[name=q]").fill("用地")  # one input event, no keyup
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("二期用地指标")
