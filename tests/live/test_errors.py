"""The live room's refusals: translated on its pages, the protocol's error frame on the socket."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from camp.errors import DomainError
from live.events import error_payload
from live.models import LiveSession
from live.services.errors import MESSAGES, LiveError, live_error_from

pytestmark = pytest.mark.django_db


def test_a_refused_start_shows_the_translated_message_on_the_room_page(client, make_session, teacher):
    session = make_session(state=LiveSession.State.ENDED)
    teacher.preferred_language = "en"
    teacher.save(update_fields=["preferred_language"])
    client.force_login(teacher)
    response = client.post(reverse("live:state", args=[session.pk]), {"action": "start"})
    assert response.status_code == 400
    assert "live/room.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert "This class is over: it cannot start again." in body
    assert "This session has ended." not in body  # the developer's hint stays off the page
    session.refresh_from_db()
    assert session.state == LiveSession.State.ENDED


def test_an_unknown_action_is_shown_in_the_users_language(client, make_session, teacher):
    session = make_session(state=LiveSession.State.OPEN)
    client.force_login(teacher)  # reads Chinese
    response = client.post(reverse("live:state", args=[session.pk]), {"action": "explode"})
    assert response.status_code == 400
    with translation.override("zh-hans"):
        expected = str(MESSAGES["bad_request"])
    assert expected != "That did not work." and expected in response.content.decode()
    assert "action must be start or end" not in response.content.decode()
    session.refresh_from_db()
    assert session.state == LiveSession.State.OPEN


def test_the_room_strings_are_the_errors_messages(client, live_session, youth):
    client.force_login(youth)
    strings = client.get(reverse("live:room", args=[live_session.pk])).context["strings"]
    with translation.override("th"):
        assert strings["err_not_live"] == str(MESSAGES["not_live"])
    assert {f"err_{code}" for code in MESSAGES} <= set(strings)


def test_every_refusal_maps_to_a_protocol_error_frame():
    live = LiveError("rate_limited", "Slow mode is on.", retry_after=3)
    assert live_error_from(live) is live
    frame = error_payload(live.code, live.detail, retry_after=live.retry_after)
    assert frame == {"type": "error", "code": "rate_limited", "detail": "Slow mode is on.", "retry_after": 3}
    assert live_error_from(PermissionDenied()).code == "forbidden"
    with translation.override("th"):
        lower = live_error_from(DomainError(translation.gettext_lazy("That did not work."), code="anything"))
    assert (lower.code, lower.detail) == ("bad_request", "That did not work.")  # detail in English
    assert live_error_from(ValidationError({"text": "Too odd."})).code == "bad_request"
