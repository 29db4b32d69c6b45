"""The live room on a child's phone (390 x 844) in Thai, Lao, Burmese and Chinese, and the teacher's at
1366 px, in real Chromium against a real daphne: the tabs are reachable, a poll the teacher opens and
a chat lock are said in place in the youth's language, the message box stays on screen, reactions and
report come with one tap on a message, nothing overflows sideways, and no button of the teacher's
wraps its label (the bug: send/ask one character per line).

QIAOCAMP_SCREENSHOTS=<dir> keeps the screenshots for a person to look at."""

import json
import os
import pathlib

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.live.servers import daphne, session_cookie_value

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
LOCALES = {"th": "th-TH", "lo": "lo-LA", "my": "my-MM", "zh-hans": "zh-CN"}


def _shot(page, name):
    folder = os.environ.get("QIAOCAMP_SCREENSHOTS")
    if folder:
        pathlib.Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(pathlib.Path(folder) / f"{name}.png"), full_page=False)


def _open_room(new_page, host, user, session, **page_options):
    page = new_page(**page_options)
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie_value(user), "url": f"http://{host}"}]
    )
    page.goto(f"http://{host}/live/{session.pk}/")
    expect(page.locator("#live-connection")).to_have_attribute("data-connection", "connected")
    return page


def _strings(page) -> dict:
    return json.loads(page.locator("#live-strings").text_content())


def _no_sideways_overflow(page):
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page is {width[0]} px wide in a {width[1]} px window"


def _in_viewport(page, selector):
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    assert box is not None, selector
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], (selector, box)
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (selector, box)


def _wrapped_buttons(page) -> list[str]:
    """Visible buttons of the room whose label takes more than one line, or is cut."""
    return page.evaluate("""() => Array.from(document.querySelectorAll(
            '#live-room button, #live-room .button')).filter(b => b.getClientRects().length > 0)
        .filter(b => {
            const range = document.createRange();
            range.selectNodeContents(b);
            const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0)
                .map(r => Math.round(r.top)));
            return tops.size > 1 || b.scrollWidth > b.clientWidth + 1;
        }).map(b => b.textContent.trim())""")


@pytest.mark.parametrize("language", ["th", "lo", "my", "zh-hans"])
def test_the_room_on_a_youths_phone(new_page, live_session, teacher, youth, language):
    youth.preferred_language = language
    youth.save(update_fields=["preferred_language"])
    with daphne(redis=os.environ.get("REDIS_URL") or None) as host:
        teacher_page = _open_room(new_page, host, teacher, live_session, viewport=DESKTOP)
        phone = _open_room(
            new_page,
            host,
            youth,
            live_session,
            viewport=PHONE,
            locale=LOCALES[language],
            time_zone="Asia/Bangkok",
        )
        assert phone.locator("html").get_attribute("lang") == language
        says = _strings(phone)
        _no_sideways_overflow(phone)

        # The chat first, its box on screen; the other parts are tabs, each one tap away.
        _in_viewport(phone, "#chat-text")
        _in_viewport(phone, "#chat-send")
        _in_viewport(phone, "#hand-toggle")
        expect(phone.locator("#panel-questions")).to_be_hidden()
        for tab in ("questions", "hands", "polls", "people"):
            _in_viewport(phone, f"#tab-{tab}")
            phone.locator(f"#tab-{tab}").click()
            expect(phone.locator(f"#panel-{tab}")).to_be_visible()
            expect(phone.locator("#panel-chat")).to_be_hidden()
            _no_sideways_overflow(phone)
        phone.locator("#tab-chat").click()
        expect(phone.locator("#panel-chat")).to_be_visible()

        # The header's times: the page's language, the Gregorian year, Latin digits.
        header = phone.locator(".live-head time").first.inner_text()
        assert "2569" not in header and not any("\u1040" <= ch <= "\u1049" for ch in header), header

        # The teacher opens a poll: the youth, on the chat, is told in place and one tap gets to it.
        teacher_page.locator("#poll-question").fill("最喜欢哪个字？")
        teacher_page.locator("#poll-options").fill("福\n龙\n茶")
        teacher_page.locator("#poll-form button[type=submit]").click()
        announcement = phone.locator("#live-announce-text")
        expect(announcement).to_have_text(says["poll_opened"].replace("%(question)s", "最喜欢哪个字？"))
        expect(phone.locator("#live-announce")).to_have_attribute("role", "status")
        expect(phone.locator("#tab-polls .badge")).to_have_text("1")
        _shot(phone, f"room-{language}-poll-announced")
        phone.locator("#live-announce-go").click()
        expect(phone.locator("#panel-polls")).to_be_visible()
        expect(phone.locator("#tab-polls .badge")).to_be_hidden()
        phone.locator("#poll-list .poll-option button").first.click()
        expect(teacher_page.locator("#poll-list .poll-option").first).to_contain_text("福 — 1")
        phone.locator("#tab-chat").click()

        # A teacher's line: reactions and report come with one tap on it, not on every line.
        teacher_page.locator("#chat-text").fill("大家好！")
        teacher_page.locator("#chat-send").click()
        line = phone.locator("#chat-log li.msg", has_text="大家好！")
        expect(line).to_be_visible()
        expect(phone.locator("#chat-log [data-action]")).to_have_count(0)
        line.click()
        expect(line.locator("[data-action=report]")).to_be_visible()
        expect(line.locator("[data-action=react]").first).to_be_visible()
        _shot(phone, f"room-{language}-message-actions")
        line.locator("[data-action=react]").first.click()
        expect(
            teacher_page.locator("#chat-log li.msg", has_text="大家好！").locator(".msg-reactions")
        ).not_to_be_empty()
        expect(line.locator("[data-action]")).to_have_count(0)

        # The teacher locks the chat: said in place, and the box says why it cannot be used.
        teacher_page.locator("#ctl-lock").check()
        expect(announcement).to_have_text(says["chat_locked"])
        expect(phone.locator("#chat-state")).to_have_text(says["chat_locked"])
        expect(phone.locator("#chat-text")).to_be_disabled()
        _in_viewport(phone, "#chat-state")
        _shot(phone, f"room-{language}-locked")
        teacher_page.locator("#ctl-lock").uncheck()
        expect(announcement).to_have_text(says["chat_unlocked"])
        expect(phone.locator("#chat-text")).to_be_enabled()

        # Slow mode, then the end of the class.
        teacher_page.locator("#ctl-slow").select_option("10")
        expect(announcement).to_have_text(says["slow_on"].replace("%(seconds)s", "10"))
        teacher_page.get_by_role("button", name=_strings(teacher_page)["end"]).click()
        teacher_page.locator("#live-confirm-ok").click()
        expect(announcement).to_have_text(says["class_ended"])
        expect(phone.locator("#chat-state")).to_have_text(says["class_ended"])
        _no_sideways_overflow(phone)
        _shot(phone, f"room-{language}-ended")


def test_the_composer_stays_above_the_keyboard(new_page, live_session, youth):
    with daphne(redis=os.environ.get("REDIS_URL") or None) as host:
        phone = _open_room(new_page, host, youth, live_session, viewport=PHONE, locale="th-TH")
        phone.locator("#chat-text").focus()
        # An on-screen keyboard takes the lower 300 px: the page is told by the visual viewport.
        phone.set_viewport_size({"width": 390, "height": 544})
        phone.wait_for_timeout(400)
        _in_viewport(phone, "#chat-text")
        _in_viewport(phone, "#chat-send")
        _shot(phone, "room-th-keyboard")


def test_a_muted_youth_is_told_in_place(new_page, live_session, teacher, youth):
    with daphne(redis=os.environ.get("REDIS_URL") or None) as host:
        teacher_page = _open_room(new_page, host, teacher, live_session, viewport=DESKTOP)
        phone = _open_room(new_page, host, youth, live_session, viewport=PHONE, locale="th-TH")
        says = _strings(phone)
        # The hand goes up from the hands tab as from beside the message box; the teacher sees it.
        phone.locator("#tab-hands").click()
        phone.locator("#panel-hands [data-hand-toggle]").click()
        expect(phone.locator("#hand-toggle")).to_have_attribute("aria-pressed", "true")
        expect(teacher_page.locator("#hand-list li", has_text=youth.participant.display_name)).to_be_visible()
        phone.locator("#tab-chat").click()
        teacher_page.locator("#online-list li", has_text=youth.participant.display_name).locator(
            "[data-action=mute]"
        ).click()
        expect(phone.locator("#live-notice")).to_have_text(says["you_muted"])
        expect(phone.locator("#live-notice")).to_have_attribute("role", "alert")
        expect(phone.locator("#chat-state")).to_have_text(says["you_muted"])
        expect(phone.locator("#chat-text")).to_be_disabled()
        teacher_page.locator("#online-list li", has_text=youth.participant.display_name).locator(
            "[data-action=unmute]"
        ).click()
        expect(phone.locator("#live-announce-text")).to_have_text(says["you_unmuted"])
        expect(phone.locator("#chat-text")).to_be_enabled()


@pytest.mark.parametrize("language", ["zh-hans", "th", "my"])
def test_the_teachers_room_at_1366_wraps_no_button(new_page, live_session, teacher, youth, language):
    teacher.preferred_language = language
    teacher.save(update_fields=["preferred_language"])
    with daphne(redis=os.environ.get("REDIS_URL") or None) as host:
        _open_room(new_page, host, youth, live_session, viewport=PHONE)
        page = _open_room(new_page, host, teacher, live_session, viewport=DESKTOP)
        expect(page.locator("#online-list li")).to_have_count(2)
        page.locator("#chat-text").fill("同学们好")
        page.locator("#chat-send").click()
        expect(page.locator("#chat-log li.msg", has_text="同学们好")).to_be_visible()
        # Wide: no tabs, every panel beside the chat.
        expect(page.locator("#live-tabs")).to_be_hidden()
        for panel in ("questions", "hands", "polls", "people", "room"):
            expect(page.locator(f"#panel-{panel}")).to_be_visible()
        _no_sideways_overflow(page)
        assert _wrapped_buttons(page) == []
        _shot(page, f"room-teacher-{language}-1366")
