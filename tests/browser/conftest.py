"""Browser harness: Playwright driving Debian's Chromium (no browser download here).

Every test here is marked `browser`: in CI (CI=true) a missing browser is a failure; elsewhere the
browser tests are skipped with the reason printed in the summary (tests/conftest.py, `require`).
"""

import os

import pytest

from tests.conftest import CHROMIUM, require

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    require("browser")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread, and our tests touch the ORM between
    # steps. Only for the browser tests, which run last (see tests/conftest.py).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, tmp_path):
    """Open pages in fresh contexts (one per person); all are closed after the test."""
    contexts = []

    def open_page(locale="zh-CN", viewport=None, time_zone=None):
        context = browser.new_context(
            locale=locale, viewport=viewport or {"width": 1280, "height": 900}, timezone_id=time_zone,
            accept_downloads=True,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def login(page, live_server_url, email, password):
    page.goto(f"{live_server_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
