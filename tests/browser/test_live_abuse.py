"""The bundled room client (static/js/live-room.js) under issue #12: a chat line the server refuses
is not resent, and a line whose sending always loses the connection (as a server closing with 1011
on it would) is sent a few times and then given back to its box -- never resent on every reconnect
for ever."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from live.models import ChatMessage
from tests.live.servers import daphne, session_cookie_value

pytestmark = pytest.mark.django_db(transaction=True)

# Counts the chat frames the page sends; a chat line "drop me" is not sent: the socket is closed
# instead, as if the server failed on it.
COUNT_SENDS = """
window.chatSends = [];
const realSend = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) {
  const frame = JSON.parse(data);
  if (frame.type === "chat") {
    window.chatSends.push(frame.text);
    if (frame.text === "drop me") { this.close(); return; }
  }
  return realSend.call(this, data);
};
"""


def _open_room(new_page, host, user, session):
    page = new_page(viewport={"width": 390, "height": 844})
    page.add_init_script(COUNT_SENDS)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie_value(user),
                               "url": f"http://{host}"}])
    page.goto(f"http://{host}/live/{session.pk}/")
    expect(page.locator("#live-connection")).to_have_attribute("data-connection", "connected")
    return page


def test_a_refused_or_unsendable_line_is_not_resent_for_ever(new_page, live_session, youth):
    with daphne(redis=None) as host:
        page = _open_room(new_page, host, youth, live_session)

        # A lone surrogate (JSON.stringify writes it as \\ud800): refused with bad_request, sent once.
        page.evaluate("""() => {
            document.getElementById("chat-text").value = "hi \\ud800";
            document.getElementById("chat-send").click();
        }""")
        expect(page.locator("#chat-error")).to_be_visible()
        page.wait_for_timeout(2000)
        assert page.evaluate("window.chatSends.length") == 1
        expect(page.locator("#chat-outbox li")).to_have_count(0)
        expect(page.locator("#live-connection")).to_have_attribute("data-connection", "connected")

        # A line whose every send loses the connection: sent 4 times, then back in its box.
        page.locator("#chat-text").fill("")
        page.locator("#chat-text").fill("drop me")
        page.locator("#chat-send").click()
        expect(page.locator("#chat-text")).to_have_value("drop me", timeout=20_000)
        expect(page.locator("#chat-error")).to_be_visible()
        page.wait_for_timeout(3000)  # several more reconnects: nothing more is sent
        sends = page.evaluate("window.chatSends")
        assert sends.count("drop me") == 4, sends
        expect(page.locator("#chat-outbox li")).to_have_count(0)
        expect(page.locator("#live-connection")).to_have_attribute("data-connection", "connected")
    assert not ChatMessage.objects.exists()
