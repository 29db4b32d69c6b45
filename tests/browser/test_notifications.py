"""The bell: a youth on a phone (Thai) sees the count, opens the list, follows a notification to its
page and finds it read; a teacher on a desktop marks all read. QIAOCAMP_SCREENSHOTS=dir saves them."""

import os

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from notifications.models import Notification
from notifications.services import notify
from tests.live.servers import session_cookie_value

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
SHOTS = os.environ.get("QIAOCAMP_SCREENSHOTS", "")
OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def _as(new_page, live_server, user, language, viewport):
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    page = new_page(locale=language, viewport=viewport, time_zone=user.time_zone)
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie_value(user), "url": live_server.url}]
    )
    return page


def _look(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)
    assert page.evaluate(OVERFLOW), name


def test_a_youth_follows_the_bell_to_the_page(live_server, new_page, youth, group):
    prompt = {"th": "วันนี้เรียนอะไรบ้าง?", "zh-hans": "今天学到了什么？"}
    notify([youth], "checkin_prompt", url=reverse("home"), params={"prompt": prompt})
    notify([youth], "plan_changed", url=reverse("my_camp"), params={"group": group.name})
    page = _as(new_page, live_server, youth, "th", PHONE)
    page.goto(live_server.url + "/")
    bell = page.locator("a.bell")
    expect(bell.locator(".bell-count")).to_contain_text("2")
    _look(page, "notifications_youth_home_phone")
    bell.click()
    page.wait_for_url(live_server.url + reverse("notifications:list"))
    expect(page.locator(".notification.unread")).to_have_count(2)
    expect(page.get_by_text("วันนี้เรียนอะไรบ้าง?")).to_be_visible()
    _look(page, "notifications_youth_list_phone")
    page.locator(".notification.unread a", has_text=group.name).click()
    page.wait_for_url(live_server.url + reverse("my_camp"))
    expect(page.locator("a.bell .bell-count")).to_contain_text("1")
    assert Notification.objects.filter(recipient=youth, read_at__isnull=True).count() == 1


def test_a_teacher_marks_all_read_on_a_desktop(live_server, new_page, teacher, group):
    for _ in range(3):
        notify([teacher], "plan_changed", url="/", params={"group": group.name})
    page = _as(new_page, live_server, teacher, "en", DESKTOP)
    page.goto(live_server.url + reverse("notifications:list"))
    expect(page.locator(".notification.unread")).to_have_count(3)
    _look(page, "notifications_teacher_list_desktop")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.locator(".notification.unread")).to_have_count(0)
    expect(page.locator("a.bell .bell-count")).to_have_count(0)
    _look(page, "notifications_teacher_read_desktop")
    assert not Notification.objects.filter(recipient=teacher, read_at__isnull=True).exists()
