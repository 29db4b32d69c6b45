"""The youth's pages on a 390 × 844 phone in Thai, Lao, Burmese and Chinese: home, My camp, the
plan and the coordinator's login cards fit the screen (no horizontal scrolling) and each class
says its state (live now with the one join button, starts in N min, ended)."""

import datetime
import os
import zoneinfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from camp.services.join import youth_accounts_issue
from courses.models import Lesson, Plan
from live.models import LiveSession
from live.services.sessions import plan_rooms_ensure
from tests import factories
from tests.live.servers import session_cookie_value

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("QIAOCAMP_SCREENSHOTS", "")  # a folder: save what the test saw, to look at it
OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def youth_day(group, phase, youth, youth_participant, make_participant):
    """A published plan around now: one class live, one in 12 minutes, one ended three hours ago.

    All three must fall on the group's today: near the group's midnight (Bangkok's is 17:00 UTC)
    the group and the youth move to Toronto, where it is then midday."""
    now = timezone.now()
    zone = next(
        name
        for name in ("Asia/Bangkok", "America/Toronto")
        if 4 <= now.astimezone(zoneinfo.ZoneInfo(name)).hour < 22
    )
    group.time_zone = youth.time_zone = zone
    group.save(update_fields=["time_zone"])
    youth.save(update_fields=["time_zone"])
    titles = {
        "正在上的直播课": now - datetime.timedelta(minutes=10),
        "马上开始的课": now + datetime.timedelta(minutes=12),
        "已经结束的课": now - datetime.timedelta(hours=3),
    }
    items = [
        (
            factories.catalog_lesson(title, 45, format=Lesson.Format.LIVE, materials="毛笔、墨汁、宣纸"),
            at,
            None,
        )
        for title, at in titles.items()
    ]
    plan = factories.plan(group, phase, items, status=Plan.Status.PUBLISHED)
    plan_rooms_ensure(plan=plan)
    LiveSession.objects.filter(title="正在上的直播课").update(state=LiveSession.State.LIVE)
    LiveSession.objects.filter(title="已经结束的课").update(state=LiveSession.State.ENDED)
    # A long Thai name and a Burmese single name on the cards.
    make_participant(
        group,
        with_account=False,
        given_name="ปิยะพงษ์ศักดิ์",
        family_name="ศรีสุวรรณวงศ์",
        chinese_name="林志强",
        preferred_language="th",
    )
    make_participant(
        group, with_account=False, given_name="အောင်မြင့်မြတ်", family_name="", preferred_language="my"
    )
    # A youth whose guardian has not agreed yet: a card with only the guardian's half usable.
    make_participant(
        group,
        with_account=False,
        consent=False,
        given_name="ສົມພອນວິໄລວັນ",
        family_name="ພົມມະວົງສາ",
        preferred_language="lo",
    )
    youth_accounts_issue(group=group)
    return plan


def _cards_fit(page, index_hint=""):
    """Each card's two halves inside the card: the join address, the guardian's QR and whole link."""
    cards = page.locator(".login-card")
    expect(cards.first).to_be_visible()
    assert cards.count() == 4 and page.locator(".login-card .guardian").count() == 4
    # The signed-in youth has no printed code (none issued); the youth without consent gets none yet.
    assert page.locator(".login-card .youth .code").count() == 2
    assert page.locator(".login-card .youth .no-code").count() == 2
    for index in range(cards.count()):
        card = cards.nth(index)
        box = card.bounding_box()
        right = box["x"] + box["width"] + 1
        for part in (".site .url", ".guardian .qr svg", ".guardian .link a", ".guardian .line"):
            inner = card.locator(part).first.bounding_box()
            assert inner["x"] >= box["x"] - 1 and inner["x"] + inner["width"] <= right, (
                index_hint,
                index,
                part,
            )
        link = card.locator(".guardian .link a")
        assert link.get_attribute("href").startswith("http") and "/guardian/" in link.inner_text()
        # The link is printed whole (wrapped, never clipped): its text is the href without the scheme.
        assert link.inner_text().replace("\n", "") == link.get_attribute("href").split("://", 1)[1]


def _as(new_page, live_server, user, language):
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    page = new_page(locale=language, viewport=PHONE, time_zone=user.time_zone)
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie_value(user), "url": live_server.url}]
    )
    return page


def _fits(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)
    assert page.evaluate(OVERFLOW), (
        name,
        page.evaluate("[document.documentElement.scrollWidth, innerWidth]"),
    )


@pytest.mark.parametrize("language", ["th", "lo", "my", "zh-hans"])
def test_youth_pages_fit_a_phone_and_show_each_classes_state(
    live_server, new_page, youth, youth_day, coordinator, language
):
    plan = youth_day
    live_room = LiveSession.objects.get(title="正在上的直播课")
    ended_room = LiveSession.objects.get(title="已经结束的课")
    page = _as(new_page, live_server, youth, language)
    for name, path in (("home", "/"), ("my_camp", reverse("my_camp"))):
        page.goto(live_server.url + path)
        expect(page.locator("html")).to_have_attribute("lang", language)
        today = page.locator("#today")
        expect(today.locator(".class-state.state-live")).to_be_visible()
        expect(today.locator(".class-state.state-soon")).to_be_visible()
        expect(today.locator(".class-state.state-soon")).to_contain_text("1")  # "starts in 1x min"
        # One join button, for the class on now; none for the ended one.
        expect(page.locator(".class-item .button.join")).to_have_count(1)
        assert page.locator(".class-item .button.join").get_attribute("href") == live_room.get_absolute_url()
        assert page.locator(f'.class-item a[href="{ended_room.get_absolute_url()}"]').count() == 0
        assert page.locator(".class-state.state-ended").count() == 1
        assert "Asia/" not in page.locator("main").inner_text()
        _fits(page, f"{language}_{name}")

    page.goto(live_server.url + reverse("courses:plan_detail", args=[plan.pk]) + "?pinyin=1")
    expect(page.locator("#today")).to_be_attached()
    expect(page.locator(".jump-today")).to_be_visible()
    assert "Asia/" not in page.locator("main").inner_text()
    # Pinyin over the first line of the materials box stays inside the box.
    materials = page.locator(".plan-item .materials").first
    box, first_rt = materials.bounding_box(), materials.locator("rt").first.bounding_box()
    assert first_rt["y"] >= box["y"] - 1, (box, first_rt)
    _fits(page, f"{language}_plan")

    desk = _as(new_page, live_server, coordinator, language)
    desk.goto(live_server.url + reverse("login_cards", args=[plan.group.pk]))
    _cards_fit(desk, language)
    _fits(desk, f"{language}_cards")


def test_a_visitor_on_a_phone_finds_the_code_login(live_server, new_page):
    page = new_page(locale="lo", viewport=PHONE)
    page.goto(live_server.url + "/")
    code = page.locator("a.landing-code")
    expect(code).to_be_visible()
    code.click()
    page.wait_for_url(f"{live_server.url}{reverse('join')}")
    _fits(page, "lo_join")


def test_the_same_pages_on_a_desktop(live_server, new_page, youth, youth_day, coordinator):
    plan = youth_day
    page = _as(new_page, live_server, youth, "zh-hans")
    page.set_viewport_size({"width": 1366, "height": 768})
    for name, path in (("home", "/"), ("plan", reverse("courses:plan_detail", args=[plan.pk]))):
        page.goto(live_server.url + path)
        _fits(page, f"desktop_{name}")
    expect(page.locator("#today")).to_be_attached()
    desk = _as(new_page, live_server, coordinator, "th")
    desk.set_viewport_size({"width": 1366, "height": 768})
    desk.goto(live_server.url + reverse("login_cards", args=[plan.group.pk]))
    _cards_fit(desk, "desktop")
    _fits(desk, "desktop_cards")
    # On paper: two cards a row, each still whole.
    desk.emulate_media(media="print")
    first, second = (desk.locator(".login-card").nth(n).bounding_box() for n in (0, 1))
    assert abs(first["y"] - second["y"]) < 1 and second["x"] > first["x"] + first["width"] - 1
    _cards_fit(desk, "print")
    if SHOTS:
        desk.pdf(path=os.path.join(SHOTS, "cards.pdf"))
    desk.goto(live_server.url + reverse("group_edit", args=[plan.group.pk]))
    desk.select_option("select[name=country]", "LA")
    assert desk.locator("select[name=time_zone]").input_value() == "Asia/Vientiane"  # Laos's zone, moved up
    _fits(desk, "desktop_group_form")
