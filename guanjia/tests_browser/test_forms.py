"""Form behaviours only a browser shows (issue 14's small things)."""

import pytest
from playwright.sync_api import expect

from guanjia.enterprises.models import Enterprise
from guanjia.tests_browser.helpers import sign_in
from guanjia.tests_support.factories import make_uscc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pasted_credit_code_is_taken_whole_and_folded(page, browser_world):
    code = make_uscc(777)
    pasted = "  " + " ".join(code[i:i + 3] for i in range(0, 18, 3)) + "  "  # 25 characters, as pasted
    sign_in(page, "admin")
    page.goto("/enterprises/new/")
    page.fill("#id_name", "秦都精密制造有限公司")
    page.locator("#id_uscc").press_sequentially(pasted)
    assert page.input_value("#id_uscc") == pasted  # nothing cut while typing or pasting
    page.select_option("#id_workstation", str(browser_world.ws1.pk))
    with page.expect_navigation():
        page.locator("main form button.btn-primary").last.click()
    expect(page.locator("h1")).to_contain_text("秦都精密制造有限公司")
    assert Enterprise.objects.get(name="秦都精密制造有限公司").uscc == code
