"""The bundled client speaks protocol 2 (docs/live-protocol.md §11) against a real daphne, with
production's coalescing: the teacher sees whose hands are up, the other youth see how many, a
youth's own hand follows the server, and presence and reactions arrive (batched or not)."""

import json
import os
import time

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.test_live_room import _open_room
from tests.live.servers import daphne, session_cookie_value

pytestmark = pytest.mark.django_db(transaction=True)


def test_hands_are_a_list_for_the_teacher_and_a_count_for_the_youth(
    new_page, live_session, teacher, youth, group, make_participant
):
    other = make_participant(group, given_name="มาลี", family_name="แซ่ลิ้ม").user
    with daphne(redis=os.environ.get("REDIS_URL") or None) as host:
        teacher_page = _open_room(new_page, host, teacher, live_session)
        youth_page = _open_room(new_page, host, youth, live_session)
        other_page = _open_room(new_page, host, other, live_session)
        # Presence, possibly batched: everybody sees everybody.
        for page in (teacher_page, youth_page):
            expect(page.locator("#online-list")).to_contain_text("มาลี แ.")
        expect(other_page.locator("#online-list")).to_contain_text(youth.participant.display_name)

        youth_page.locator("[data-hand-toggle]:visible").first.click()
        expect(teacher_page.locator("#hand-list")).to_contain_text(youth.participant.display_name)
        expect(other_page.locator("#hand-count")).to_have_text("✋ 1")
        expect(other_page.locator("#hand-list li")).to_have_count(0)  # no names for the youth
        expect(youth_page.locator("[data-hand-toggle]").first).to_have_attribute("aria-pressed", "true")

        # The teacher lowers it: the youth's button follows, the count goes.
        teacher_page.locator("#hand-list li", has_text=youth.participant.display_name).locator(
            "button"
        ).click()
        expect(teacher_page.locator("#hand-list li")).to_have_count(0)
        expect(youth_page.locator("[data-hand-toggle]").first).to_have_attribute("aria-pressed", "false")
        expect(other_page.locator("#hand-count")).to_be_hidden()

        # A reaction reaches the others.
        teacher_page.locator("#chat-text").fill("大家好")
        teacher_page.locator("#chat-send").click()
        message = youth_page.locator("#chat-log li.msg", has_text="大家好")
        expect(message).to_be_visible()
        message.click()
        message.locator("button", has_text="👍").click()
        expect(
            other_page.locator("#chat-log li.msg", has_text="大家好").locator(".msg-reactions")
        ).to_have_text("👍 1")

        # Someone leaves: the others see it.
        other_page.close()
        expect(teacher_page.locator("#online-list")).not_to_contain_text("มาลี แ.")


def test_busy_makes_the_client_wait_retry_after_then_it_gets_in(new_page, live_session, youth):
    attempts = []

    def handler(ws):
        attempts.append((time.monotonic(), ws.url))
        if len(attempts) == 1:  # the server is busy the first time
            ws.send(json.dumps({"type": "busy", "retry_after": 2, "reason": "busy"}))
            ws.close(code=4503, reason="")
        else:
            ws.connect_to_server()

    with daphne(redis=os.environ.get("REDIS_URL") or None) as host:
        page = new_page()
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session_cookie_value(youth),
                    "url": f"http://{host}",
                }
            ]
        )
        page.route_web_socket("**/ws/live/**", handler)
        page.goto(f"http://{host}/live/{live_session.pk}/")
        expect(page.locator("#live-connection")).to_have_attribute(
            "data-connection", "connected", timeout=10000
        )
        assert len(attempts) == 2
        assert all(url.endswith("?v=2") for _at, url in attempts)
        waited = attempts[1][0] - attempts[0][0]
        assert 2 <= waited <= 3.5, waited  # retry_after, plus up to a second (and the page's own time)
