"""The class's video in real browsers with fake cameras and microphones, against a real Janus
(started with the project's configuration, tests/live/janus.py) and a real daphne: the teacher
publishes; two youth receive frames (the <video> has a size and its time advances); a youth's
attempt to publish is refused by the server; the teacher invites a youth whose hand is up, and
the youth's audio reaches the teacher; removing that youth stops their stream."""

import os

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM_ARGS
from tests.conftest import CHROMIUM
from tests.live.janus import janus_server
from tests.live.servers import daphne, session_cookie_value

pytestmark = pytest.mark.django_db(transaction=True)

MEDIA_ARGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture
def media_pages(browser):
    """Pages of a Chromium with fake media devices (one context per person)."""
    media = browser.browser_type.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS + MEDIA_ARGS, headless=True
    )
    contexts = []

    def open_page(viewport=None):
        context = media.new_context(locale="zh-CN", viewport=viewport or {"width": 1366, "height": 768})
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    media.close()


def _room(open_page, host, user, session, **options):
    page = open_page(**options)
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie_value(user), "url": f"http://{host}"}]
    )
    page.goto(f"http://{host}/live/{session.pk}/")
    expect(page.locator("#live-connection")).to_have_attribute("data-connection", "connected")
    expect(page.locator("#live-video")).to_be_visible()
    return page


def _playing(page, timeout=20_000):
    """Wait until one received <video> has a size and its time advances; returns its feed."""
    page.wait_for_function(
        """() => (window.QiaoVideo && QiaoVideo.feeds() || [])
        .some(f => f.width > 0 && f.height > 0 && f.time > 0.5)""",
        timeout=timeout,
    )
    before = {f["feed"]: f["time"] for f in page.evaluate("QiaoVideo.feeds()") if f["width"] > 0}
    page.wait_for_timeout(1000)
    after = {f["feed"]: f["time"] for f in page.evaluate("QiaoVideo.feeds()")}
    advanced = [feed for feed, time in before.items() if after.get(feed, 0) > time + 0.3]
    assert advanced, (before, after)
    return advanced[0]


def test_teacher_broadcasts_youth_watch_and_speak_by_invitation(
    media_pages, live_session, teacher, youth, make_participant, monkeypatch
):
    second = make_participant(live_session.group, given_name="มาลี", family_name="แซ่ลิ้ม").user
    with janus_server() as janus_url:
        monkeypatch.setenv("JANUS_URL", janus_url)
        with daphne(redis=os.environ.get("REDIS_URL") or None) as host:
            teacher_page = _room(media_pages, host, teacher, live_session)
            phone = {"width": 390, "height": 844}
            youth_page = _room(media_pages, host, youth, live_session, viewport=phone)
            second_page = _room(media_pages, host, second, live_session, viewport=phone)

            # The teacher turns on the camera; both youth receive moving pictures.
            teacher_page.locator("#video-publish").click()
            expect(teacher_page.locator("#video-stop")).to_be_visible()
            _playing(youth_page)
            _playing(second_page)
            if os.environ.get("QIAOCAMP_SCREENSHOTS"):  # a folder: look at the pages (phone and desktop)
                youth_page.screenshot(
                    path=os.path.join(os.environ["QIAOCAMP_SCREENSHOTS"], "video-phone.png")
                )
                teacher_page.screenshot(
                    path=os.path.join(os.environ["QIAOCAMP_SCREENSHOTS"], "video-desktop.png")
                )
            # On a phone the video sits above the chat.
            video_box = youth_page.locator("#live-video").bounding_box()
            chat_box = youth_page.locator("#chat-log").bounding_box()
            assert video_box["y"] < chat_box["y"]

            # A youth who was not invited tries to publish: the server refuses.
            result = youth_page.evaluate("QiaoVideo.publish(true)")
            assert "403" in result and "teacher" in result, result

            # The youth raises a hand; the teacher invites them to speak; their audio reaches the teacher.
            youth_page.locator("#hand-toggle").click()
            invite = teacher_page.locator("#hand-list .video-invite")
            expect(invite).to_be_visible()
            invite.click()
            expect(youth_page.locator("#video-speaking")).to_be_visible()
            name = youth.participant.display_name
            teacher_page.wait_for_function(
                "name => QiaoVideo.feeds().some(f => f.display === name && f.audio > 0)", arg=name
            )

            def audio_bytes():
                return dict(teacher_page.evaluate("QiaoVideo.audioBytes()")).get(name, 0)

            first = 0
            for _ in range(40):  # the subscription's ICE and DTLS take a moment
                first = audio_bytes()
                if first > 0:
                    break
                teacher_page.wait_for_timeout(250)
            teacher_page.wait_for_timeout(1500)
            assert audio_bytes() > first > 0
            expect(teacher_page.locator("#video-speakers li")).to_have_count(1)

            # The teacher removes the youth from the class: their stream stops and their video closes.
            teacher_page.evaluate(
                "id => QiaoLive.send({type: 'moderate', action: 'remove', user_id: id})", youth.pk
            )
            teacher_page.wait_for_function(
                "name => !QiaoVideo.feeds().some(f => f.display === name)", arg=name
            )
            youth_page.wait_for_function("() => QiaoVideo.feeds().length === 0")
            # The other youth still watches.
            _playing(second_page)


def test_the_teacher_records_and_after_the_class_only_the_group_watches(
    media_pages, live_session, teacher, youth, other_youth, monkeypatch, tmp_path
):
    from live.models import LiveSession, Recording

    monkeypatch.setenv("JANUS_RECORDINGS_DIR", str(tmp_path))
    with janus_server() as janus_url:
        monkeypatch.setenv("JANUS_URL", janus_url)
        with daphne(redis=os.environ.get("REDIS_URL") or None) as host:
            teacher_page = _room(media_pages, host, teacher, live_session)
            teacher_page.locator("#video-publish").click()
            record = teacher_page.locator("#video-record")
            expect(record).to_be_visible()
            record.click()
            expect(record).to_have_attribute("aria-pressed", "true")
            teacher_page.wait_for_timeout(4000)
            teacher_page.evaluate("QiaoLive.send({type: 'moderate', action: 'end'})")  # the class ends
            for _ in range(120):  # converted after the class, off the request
                status = (
                    Recording.objects.filter(session=live_session).values_list("status", flat=True).first()
                )
                if status in ("ready", "failed"):
                    break
                teacher_page.wait_for_timeout(250)
            assert status == "ready", (
                status,
                sorted(p.name for p in tmp_path.iterdir()),
                LiveSession.objects.get(pk=live_session.pk).state,
            )

            youth_page = media_pages(viewport={"width": 390, "height": 844})
            youth_page.context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": session_cookie_value(youth),
                        "url": f"http://{host}",
                    }
                ]
            )
            youth_page.goto(f"http://{host}/live/{live_session.pk}/")
            video = youth_page.locator("#live-recordings video")
            expect(video).to_have_count(1)
            youth_page.wait_for_function(
                "() => { const v = document.querySelector('#live-recordings video'); return v && v.readyState >= 1 && v.videoWidth > 0; }"
            )
            src = video.get_attribute("src")
            assert youth_page.request.get(f"http://{host}{src}").status == 200

            stranger = media_pages()
            stranger.context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": session_cookie_value(other_youth),
                        "url": f"http://{host}",
                    }
                ]
            )
            assert stranger.request.get(f"http://{host}{src}").status == 404
