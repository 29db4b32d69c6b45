"""A ceremony reached through the pages: the organizer schedules the closing from the camps page;
a Thai youth and a Burmese youth (two groups) find it on My camp, enter the one room and read each
other's lines, each named with their group. Phone and desktop."""

import datetime
import os

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from live.models import LiveSession
from tests.live.servers import daphne, session_cookie_value

pytestmark = pytest.mark.django_db(transaction=True)


def _page(new_page, host, user, **options):
    page = new_page(**options)
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie_value(user), "url": f"http://{host}"}]
    )
    return page


def test_organizer_schedules_and_two_groups_meet_in_it(
    new_page, phase, organizer, youth, other_youth, tmp_path
):
    start = timezone.localtime(timezone.now() - datetime.timedelta(minutes=5), phase.camp.zone)
    with daphne(redis=os.environ.get("REDIS_URL") or None) as host:
        org = _page(
            new_page, host, organizer, viewport={"width": 1366, "height": 768}, time_zone="Asia/Shanghai"
        )
        org.goto(f"http://{host}/camps/")
        org.locator(f"a[href='/live/phases/{phase.pk}/ceremonies/']").first.click()
        org.locator("#id_kind").select_option("closing")
        org.locator("#id_title").fill("闭营仪式")
        org.locator("#id_starts_local").fill(start.strftime("%Y-%m-%dT%H:%M"))
        org.locator("form.stack button[type=submit]").click()
        expect(org.locator("h1")).to_have_text("闭营仪式")
        session = LiveSession.objects.get(kind="closing")
        org.screenshot(path=str(tmp_path / "organizer-room.png"))

        pages = {}
        for user, zone in ((youth, "Asia/Bangkok"), (other_youth, "Asia/Yangon")):
            page = _page(new_page, host, user, viewport={"width": 390, "height": 844}, time_zone=zone)
            page.goto(f"http://{host}/my/")
            page.locator(f"section.ceremonies a[href='{session.get_absolute_url()}']").click()
            expect(page.locator("#live-connection")).to_have_attribute("data-connection", "connected")
            pages[user] = page
        # The organizer starts it; the two youth chat across their groups.
        org.goto(f"http://{host}{session.get_absolute_url()}")
        org.locator("[data-live-control=start] button").click()
        for user, text in ((youth, "สวัสดีทุกคน"), (other_youth, "မင်္ဂလာပါ")):
            expect(pages[user].locator("#chat-text")).to_be_enabled()
            pages[user].locator("#chat-text").fill(text)
            pages[user].keyboard.press("Enter")
        for page in pages.values():
            expect(page.locator("#chat-log li.msg", has_text="မင်္ဂလာပါ")).to_contain_text("仰光华侨中文学校")
            expect(page.locator("#chat-log li.msg", has_text="สวัสดีทุกคน")).to_contain_text(
                "曼谷中华语言文化中心"
            )
        pages[youth].screenshot(path=str(tmp_path / "youth-phone.png"))
