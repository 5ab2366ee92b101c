"""Browser tests: Debian's Chromium, driven by Playwright's sync API, against pytest-django's live server.

The live server serves static files through staticfiles' handler (as StaticLiveServerTestCase does), so
the pages load the vendor assets that `make assets` copied into guanjia/static/vendor/. Without
/usr/bin/chromium every test here is skipped; Playwright never downloads a browser of its own.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from guanjia.tests_browser.helpers import NetworkLog
from guanjia.tests_support.factories import build_world, ensure_reference_data

CHROMIUM = Path("/usr/bin/chromium")
# What this closed network needs: without the background-networking flags Chromium keeps trying
# Google's hosts at every start.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(skip)


@pytest.fixture(scope="package")
def browser():
    # While Playwright's sync API is open it keeps an event loop running in this thread, and Django then
    # refuses every ORM call (SynchronousOnlyOperation), the test's own and the transactional flush alike.
    # Nothing here runs in a coroutine, so the check is off exactly while the browser is open.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_world(transactional_db):
    """The standard small zone, committed so that the live server's thread sees it."""
    ensure_reference_data()  # a transactional test's flush removed the rows the migrations made
    return build_world()


@pytest.fixture
def network_log():
    return NetworkLog()


@pytest.fixture
def page(browser, live_server, network_log):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    network_log.watch(context)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser, live_server, network_log):
    """An iPhone-sized page (390×844, touch, device scale 3)."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844},
                                  device_scale_factor=3, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    network_log.watch(context)
    page = context.new_page()
    yield page
    context.close()

