"""Moderation a teacher can undo, in two real browsers against a real daphne: a refused question
and chat line stay in their boxes with the reason beside them; "Remove from class" asks first, the
youth sees what happened (in the room and on the room's page), the teacher lets them back in and
they come back; "End the class" asks first."""

import os

import pytest
from django.conf import settings
from playwright.sync_api import expect

from live.models import LiveSession, Removal
from tests.live.servers import daphne, session_cookie_value

pytestmark = pytest.mark.django_db(transaction=True)


def _open_room(new_page, host, user, session, **page_options):
    page = new_page(**page_options)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie_value(user),
                               "url": f"http://{host}"}])
    page.goto(f"http://{host}/live/{session.pk}/")
    expect(page.locator("#live-connection")).to_have_attribute("data-connection", "connected")
    return page


def test_remove_with_confirmation_the_youth_is_told_and_let_back_in(new_page, live_session, teacher, youth):
    name = youth.participant.display_name
    with daphne(redis=os.environ.get("REDIS_URL") or None) as host:
        teacher_page = _open_room(new_page, host, teacher, live_session)
        youth_page = _open_room(new_page, host, youth, live_session, viewport={"width": 390, "height": 844})

        # A refused question stays in its box, the reason beside it, and stays there. (On the
        # phone the questions are a tab away from the chat.)
        youth_page.locator("#tab-questions").click()
        youth_page.locator("#ask-text").fill("你是个傻逼吗")
        youth_page.locator("#ask-form button[type=submit]").click()
        expect(youth_page.locator("#ask-error")).to_be_visible()
        expect(youth_page.locator("#ask-error")).not_to_be_empty()
        youth_page.wait_for_timeout(6500)  # longer than the old 6-second flash elsewhere
        expect(youth_page.locator("#ask-error")).to_be_visible()
        expect(youth_page.locator("#ask-text")).to_have_value("你是个傻逼吗")
        # Changing it clears the reason; a kind question goes through and leaves the box.
        youth_page.locator("#ask-text").fill("老师，这个字怎么写？")
        expect(youth_page.locator("#ask-error")).to_be_hidden()
        youth_page.locator("#ask-form button[type=submit]").click()
        expect(teacher_page.locator("#question-list")).to_contain_text("老师，这个字怎么写？")
        expect(youth_page.locator("#ask-text")).to_have_value("")

        # A refused chat line comes back into its box, the reason beside it.
        youth_page.locator("#tab-chat").click()
        youth_page.locator("#chat-text").fill("加我微信 abc123")
        youth_page.keyboard.press("Enter")
        expect(youth_page.locator("#chat-error")).to_be_visible()
        expect(youth_page.locator("#chat-text")).to_have_value("加我微信 abc123")
        expect(youth_page.locator("#chat-outbox li")).to_have_count(0)

        # "Remove from class" asks first, with the youth's name; Cancel changes nothing.
        person = teacher_page.locator("#online-list li", has_text=name)
        person.locator("[data-action=remove]").click()
        dialog = teacher_page.locator("#live-confirm")
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text(name)
        teacher_page.locator("#live-confirm-cancel").click()
        expect(dialog).to_be_hidden()
        youth_page.wait_for_timeout(500)
        expect(youth_page.locator("#live-connection")).to_have_attribute("data-connection", "connected")
        assert not Removal.objects.exists()

        person.locator("[data-action=remove]").click()
        teacher_page.locator("#live-confirm-ok").click()

        # The youth sees what happened where the room was, and the client stops.
        expect(youth_page.locator("#live-removed")).to_be_visible()
        expect(youth_page.locator("#live-removed")).to_contain_text(live_session.lesson_title)
        expect(youth_page.locator(".live-grid")).to_be_hidden()
        youth_page.wait_for_timeout(1500)
        expect(youth_page.locator("#live-removed")).to_be_visible()
        expect(youth_page.locator("#live-connection")).not_to_have_attribute("data-connection", "connected")
        # The room's page says the same (403, not a bare "Forbidden").
        response = youth_page.reload()
        assert response.status == 403
        expect(youth_page.locator("#live-removed-page")).to_be_visible()
        expect(youth_page.locator("#live-removed-page a[href='/']")).to_be_visible()

        # The teacher lets them back in from the "Removed" list; the youth comes back.
        removed = teacher_page.locator("#removed-list li", has_text=name)
        expect(removed).to_be_visible()
        removed.locator("[data-action=readmit]").click()
        expect(teacher_page.locator("#removed-list li")).to_have_count(0)
        expect(teacher_page.locator("#removed-none")).to_be_visible()
        youth_page.locator("#live-removed-page [data-removed-retry]").click()
        expect(youth_page.locator("#live-connection")).to_have_attribute("data-connection", "connected")
        expect(teacher_page.locator("#online-list")).to_contain_text(name)

        # "End the class" asks first too.
        teacher_page.locator('[data-live-control="end"] button').click()
        expect(dialog).to_be_visible()
        teacher_page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
        live_session.refresh_from_db()
        assert live_session.state == LiveSession.State.LIVE
        teacher_page.locator('[data-live-control="end"] button').click()
        teacher_page.locator("#live-confirm-ok").click()
        expect(youth_page.locator("#live-state")).to_have_attribute("data-state", "ended")
        live_session.refresh_from_db()
        assert live_session.state == LiveSession.State.ENDED
