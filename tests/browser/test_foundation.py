import pytest

from tests.browser.conftest import login
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_page_speaks_chinese_by_default_and_english_when_asked(live_server, new_page):
    page = new_page(locale="zh-CN")
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "登录" in page.locator("main").inner_text()

    english = new_page(locale="en-US")
    english.goto(f"{live_server.url}/accounts/login/")
    assert english.locator("html").get_attribute("lang") == "en"
    assert "Sign In" in english.locator("main").inner_text()


def test_organizer_signs_in_and_lands_on_home(live_server, page, organizer):
    login(page, live_server.url, organizer.email, PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    assert organizer.name in page.locator(".site-header").inner_text()
    assert page.locator(".role-badge").inner_text() == "组织者"
