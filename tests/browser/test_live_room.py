"""The live room in two real browsers against a real daphne (pytest-django's live_server is WSGI
and cannot serve WebSockets): the youth posts, the teacher deletes, the youth's network drops
and comes back to exactly the missed messages, and markup in a message stays text."""

import os

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.live.servers import daphne, session_cookie_value

pytestmark = pytest.mark.django_db(transaction=True)


def _open_room(new_page, host, user, session, **page_options):
    page = new_page(**page_options)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie_value(user),
                               "url": f"http://{host}"}])
    page.goto(f"http://{host}/live/{session.pk}/")
    expect(page.locator("#live-connection")).to_have_attribute("data-connection", "connected")
    return page


def _visible_texts(page):
    return page.locator("#chat-log li.msg:not([hidden]) .msg-text").all_inner_texts()


def test_teacher_and_youth_in_the_live_room(new_page, live_session, teacher, youth):  # noqa: F811
    with daphne(redis=os.environ.get("REDIS_URL") or None) as host:
        teacher_page = _open_room(new_page, host, teacher, live_session)
        youth_page = _open_room(new_page, host, youth, live_session, viewport={"width": 390, "height": 844},
                                time_zone="Asia/Vientiane")
        # Each sees the other online.
        expect(teacher_page.locator("#online-list")).to_contain_text(youth.participant.display_name)
        expect(youth_page.locator("#online-list")).to_contain_text(teacher.name)

        # The youth posts; the teacher sees it.
        youth_page.locator("#chat-text").fill("老师，我写好了！")
        youth_page.keyboard.press("Enter")
        message = teacher_page.locator("#chat-log li.msg", has_text="老师，我写好了！")
        expect(message).to_be_visible()
        expect(youth_page.locator("#chat-outbox li")).to_have_count(0)  # acked

        # The teacher deletes it (one tap on the message shows what can be done with it): it
        # disappears for the youth.
        message.click()
        message.locator("[data-action=delete]").click()
        expect(youth_page.locator("#chat-log li.msg", has_text="老师，我写好了！")).to_have_count(0)
        expect(teacher_page.locator("#chat-log li.msg", has_text="老师，我写好了！")).to_have_count(0)

        # Markup is text.
        youth_page.locator("#chat-text").fill("<script>window.pwned = 1</script><b>bold</b>")
        youth_page.locator("#chat-send").click()
        for page in (teacher_page, youth_page):
            expect(page.locator("#chat-log .msg-text").last).to_have_text("<script>window.pwned = 1</script><b>bold</b>")
            assert page.evaluate("window.pwned") is None
            assert page.locator("#chat-log b").count() == 0

        # The youth's network drops; three messages are posted meanwhile.
        youth_page.context.set_offline(True)
        youth_page.evaluate("window.liveRoomDrop()")
        expect(youth_page.locator("#live-connection")).to_have_attribute("data-connection", "reconnecting")
        for n in range(1, 4):
            teacher_page.locator("#chat-text").fill(f"错过的第{n}条")
            teacher_page.locator("#chat-send").click()
            expect(teacher_page.locator("#chat-log li.msg", has_text=f"错过的第{n}条")).to_be_visible()
        youth_page.wait_for_timeout(1500)  # the reconnect attempts fail while offline
        expect(youth_page.locator("#live-connection")).to_have_attribute("data-connection", "reconnecting")
        youth_page.context.set_offline(False)
        expect(youth_page.locator("#live-connection")).to_have_attribute("data-connection", "connected")
        expect(youth_page.locator("#chat-log li.msg", has_text="错过的第3条")).to_be_visible()
        texts = _visible_texts(youth_page)
        assert texts[-3:] == ["错过的第1条", "错过的第2条", "错过的第3条"]
        assert len(texts) == len(set(texts)), texts  # each once
        seqs = [int(s) for s in youth_page.locator("#chat-log li.msg").evaluate_all("els => els.map(e => e.dataset.seq)")]
        assert seqs == list(range(1, len(seqs) + 1))  # in order, no gap, no duplicate
        # And the teacher's view agrees.
        assert _visible_texts(teacher_page) == texts


def test_a_class_removed_from_the_plan_is_cancelled_in_the_open_room(new_page, live_session, teacher, youth):
    """The teacher removes the class from the plan (the builder's remove button, as a POST from the
    page) while a youth is in the room: the youth reads "cancelled" and is not reconnected, the
    teacher stays and still reads the chat."""
    with daphne(redis=os.environ.get("REDIS_URL") or None) as host:
        teacher_page = _open_room(new_page, host, teacher, live_session)
        youth_page = _open_room(new_page, host, youth, live_session, viewport={"width": 390, "height": 844})
        youth_page.locator("#chat-text").fill("老师好")
        youth_page.keyboard.press("Enter")
        expect(teacher_page.locator("#chat-log li.msg", has_text="老师好")).to_be_visible()
        item = live_session.plan_item
        status = teacher_page.evaluate("""async (url) => {
            const token = document.querySelector("[name=csrfmiddlewaretoken]").value;
            const response = await fetch(url, {method: "POST", headers: {"X-CSRFToken": token}});
            return response.status;
        }""", f"/plans/{item.plan_id}/items/{item.pk}/remove/")
        assert status in (200, 302)
        strings = youth_page.evaluate("JSON.parse(document.getElementById('live-strings').textContent)")
        expect(youth_page.locator("#live-notice")).to_have_text(strings["cancelled"])
        expect(youth_page.locator("#live-connection")).not_to_have_attribute("data-connection", "connected")
        expect(teacher_page.locator("#live-state")).to_have_attribute("data-state", "cancelled")
        teacher_strings = teacher_page.evaluate("JSON.parse(document.getElementById('live-strings').textContent)")
        assert teacher_strings["cancelled"] != strings["cancelled"]  # each reads it in their own language
        expect(teacher_page.locator("#live-notice")).to_have_text(teacher_strings["cancelled"])
        expect(teacher_page.locator("#chat-log li.msg", has_text="老师好")).to_be_visible()
        # Reloaded, the youth's page says so and has no chat; the teacher's still reads it.
        youth_page.reload()
        expect(youth_page.locator("#live-cancelled")).to_be_visible()
        expect(youth_page.locator("#chat-log")).to_have_count(0)
        teacher_page.reload()
        expect(teacher_page.locator("#live-cancelled")).to_be_visible()
        expect(teacher_page.locator("#chat-log li.msg", has_text="老师好")).to_be_visible()
