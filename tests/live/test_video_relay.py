"""The video relay (live/video/relay.py): who may open /ws/live/<id>/video/, and the request filter
of every refusal, against a real Janus started with the project's configuration where it matters
(tests/live/janus.py). The browser test (tests/browser/test_video.py) runs the whole flow."""

import json

import pytest
from asgiref.sync import sync_to_async
from django.test import override_settings

from camp.models import User
from camp.signals import youth_access_revoked
from live.access import RoomMember
from live.models import AttendanceSpan, LiveSession, Removal, SpeakInvite
from live.video import config
from live.video.janus import JanusControl, JanusError
from live.video.relay import (
    PUBLISHER,
    SUBSCRIBER,
    Refused,
    RelayFilter,
    Speak,
    VideoRelayConsumer,
    sdp_sends_media,
    sdp_sends_video,
)
from tests.live.janus import janus_server
from tests.ws import open_socket

pytestmark = pytest.mark.django_db(transaction=True)

AUDIO_ONLY = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=sendonly\r\n"
WITH_VIDEO = AUDIO_ONLY + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=sendonly\r\n"
VIDEO_OFF = AUDIO_ONLY + "m=video 0 UDP/TLS/RTP/SAVPF 96\r\na=inactive\r\n"
RECVONLY = (
    "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=recvonly\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=recvonly\r\n"
)


@pytest.fixture(scope="module")
def janus_url():
    with janus_server() as url:
        yield url


@pytest.fixture
def video(janus_url):
    with override_settings(JANUS_URL=janus_url):
        yield janus_url


def path_of(session) -> str:
    return f"/ws/live/{session.pk}/video/"


# --- the SDP checks ------------------------------------------------------------------------------


def test_sdp_checks():
    assert not sdp_sends_video(AUDIO_ONLY) and sdp_sends_media(AUDIO_ONLY)
    assert sdp_sends_video(WITH_VIDEO)
    assert not sdp_sends_video(VIDEO_OFF)
    assert not sdp_sends_media(RECVONLY) and not sdp_sends_video(RECVONLY)
    assert sdp_sends_video("m=video 9 RTP/AVP 96\na=sendrecv\n")  # LF only, sendrecv
    assert not sdp_sends_video("") and not sdp_sends_video("garbage\r\nm=\r\n")


# --- the filter, request by request ----------------------------------------------------------------


def _filter(role="youth") -> RelayFilter:
    relay = RelayFilter(room=42, role=role, name="Somchai S.")
    relay.check({"janus": "create", "transaction": "c"})
    relay.seen({"janus": "success", "transaction": "c", "data": {"id": 7}})
    for n in (1, 2):
        relay.check(
            {"janus": "attach", "transaction": f"a{n}", "session_id": 7, "plugin": "janus.plugin.videoroom"}
        )
        relay.seen({"janus": "success", "transaction": f"a{n}", "data": {"id": n}})
    return relay


def _msg(body, handle=1, jsep=None, **extra):
    message = {
        "janus": "message",
        "transaction": "t",
        "session_id": 7,
        "handle_id": handle,
        "body": body,
        **extra,
    }
    if jsep is not None:
        message["jsep"] = jsep
    return message


@pytest.mark.parametrize(
    "message",
    [
        None,
        [],
        "text",
        {"janus": "create"},  # no transaction
        {"janus": "info", "transaction": "t"},
        {"janus": "claim", "transaction": "t", "session_id": 7},
        {"janus": "keepalive", "transaction": "t", "session_id": 8},  # another session
        {"janus": "attach", "transaction": "t", "session_id": 7, "plugin": "janus.plugin.streaming"},
        {
            "janus": "trickle",
            "transaction": "t",
            "session_id": 7,
            "handle_id": 99,
            "candidate": {},
        },  # not ours
        {
            "janus": "message",
            "transaction": "t",
            "session_id": 7,
            "handle_id": True,
            "body": {"request": "join"},
        },
        {"janus": "create", "transaction": "t"},  # a second session
    ],
)
def test_the_filter_refuses_requests_outside_the_protocol(message):
    with pytest.raises(Refused):
        _filter().check(message)


@pytest.mark.parametrize(
    "request_name",
    [
        "create",
        "destroy",
        "edit",
        "kick",
        "moderate",
        "enable_recording",
        "rtp_forward",
        "stop_rtp_forward",
        "list",
        "exists",
        "allowed",
        "listforwarders",
        "play_file",
        "nonsense",
    ],
)
def test_no_browser_administers_the_room_not_even_the_teacher(request_name):
    with pytest.raises(Refused) as refused:
        _filter("teacher").check(_msg({"request": request_name, "room": 42}), speak=Speak(camera=True))
    assert refused.value.code == 403


def test_another_room_is_refused():
    with pytest.raises(Refused):
        _filter().check(_msg({"request": "join", "ptype": "subscriber", "room": 43, "streams": []}))


def test_secrets_ids_and_recording_from_the_browser_are_dropped_and_the_pin_is_added():
    relay = _filter("teacher")
    out = relay.check(
        _msg(
            {
                "request": "join",
                "ptype": "publisher",
                "room": 42,
                "secret": "x",
                "pin": "guess",
                "admin_key": "k",
                "id": 1,
                "display": "老师 (fake)",
                "token": "t",
            },
            apisecret="mine",
        )
    )
    assert out["apisecret"] == config.api_secret()
    assert out["body"] == {
        "request": "join",
        "ptype": "publisher",
        "room": 42,
        "display": "Somchai S.",
        "pin": config.room_pin(42),
    }
    assert relay.handles[1] == PUBLISHER
    out = relay.check(
        _msg(
            {"request": "publish", "record": True, "filename": "/etc/passwd"},
            jsep={"type": "offer", "sdp": WITH_VIDEO},
        ),
        speak=Speak(camera=True),
    )
    assert out["body"] == {"request": "publish"} and out["jsep"]["sdp"] == WITH_VIDEO


def test_youth_join_as_a_silent_participant_and_subscribe():
    relay = _filter()
    relay.check(_msg({"request": "join", "ptype": "publisher", "room": 42}))
    out = relay.check(
        _msg({"request": "join", "ptype": "subscriber", "room": 42, "streams": [{"feed": 5}]}, handle=2)
    )
    assert out["body"]["pin"] == config.room_pin(42) and relay.handles[2] == SUBSCRIBER
    relay.check(_msg({"request": "start"}, handle=2, jsep={"type": "answer", "sdp": RECVONLY}))
    relay.check(_msg({"request": "configure", "streams": [{"mid": "1", "substream": 0}]}, handle=2))
    relay.check(_msg({"request": "configure", "streams": [{"mid": "1", "send": False}]}, handle=2))


@pytest.mark.parametrize(
    "message",
    [
        _msg({"request": "publish"}, jsep={"type": "offer", "sdp": AUDIO_ONLY}),
        _msg({"request": "configure", "audio": True}, jsep={"type": "offer", "sdp": AUDIO_ONLY}),
        _msg(
            {"request": "joinandconfigure", "ptype": "publisher", "room": 42},
            handle=2,
            jsep={"type": "offer", "sdp": AUDIO_ONLY},
        ),
        _msg(
            {"request": "join", "ptype": "publisher", "room": 42},
            handle=2,
            jsep={"type": "offer", "sdp": AUDIO_ONLY},
        ),
    ],
)
def test_a_youth_without_an_invitation_does_not_publish(message):
    relay = _filter()
    relay.check(_msg({"request": "join", "ptype": "publisher", "room": 42}))
    assert relay.needs_speak(message)
    with pytest.raises(Refused) as refused:
        relay.check(message, speak=None)
    assert "invites" in refused.value.reason


def test_an_invited_youth_speaks_with_the_microphone_and_the_camera_only_with_consent():
    relay = _filter()
    relay.check(_msg({"request": "join", "ptype": "publisher", "room": 42}))
    with pytest.raises(Refused, match="Microphone only"):
        relay.check(
            _msg({"request": "publish"}, jsep={"type": "offer", "sdp": WITH_VIDEO}), speak=Speak(camera=False)
        )
    relay.check(
        _msg({"request": "publish"}, jsep={"type": "offer", "sdp": AUDIO_ONLY}), speak=Speak(camera=False)
    )
    relay.check(
        _msg({"request": "publish"}, jsep={"type": "offer", "sdp": VIDEO_OFF}), speak=Speak(camera=False)
    )
    relay.check(
        _msg({"request": "publish"}, jsep={"type": "offer", "sdp": WITH_VIDEO}), speak=Speak(camera=True)
    )


@pytest.mark.parametrize(
    "message",
    [
        _msg(
            {"request": "start"}, handle=2, jsep={"type": "offer", "sdp": AUDIO_ONLY}
        ),  # a subscription offers
        _msg(
            {"request": "start"}, handle=2, jsep={"type": "answer", "sdp": AUDIO_ONLY}
        ),  # ... or sends media
        _msg({"request": "publish"}, handle=2),  # not a publisher handle
        _msg({"request": "join", "ptype": "subscriber", "room": 42}, handle=2),  # joined twice
        _msg({"request": "join", "ptype": "listener", "room": 42}, handle=1),
        _msg({"request": "start"}, handle=1),  # a subscriber request on a handle that has not subscribed
        _msg({"request": "leave"}, handle=1),
        _msg({"request": 5}),
        _msg("join"),
        _msg({"request": "start"}, handle=2, jsep={"type": "pranswer", "sdp": ""}),
        _msg({"request": "start"}, handle=2, jsep="v=0"),
    ],
)
def test_malformed_or_misplaced_requests_are_refused(message):
    relay = _filter()
    relay.check(_msg({"request": "join", "ptype": "subscriber", "room": 42}, handle=2))
    with pytest.raises(Refused):
        relay.check(message, speak=None)


def test_handles_are_capped():
    relay = _filter()
    for n in range(3, 13):
        relay.check(
            {"janus": "attach", "transaction": f"x{n}", "session_id": 7, "plugin": "janus.plugin.videoroom"}
        )
    with pytest.raises(Refused) as refused:
        relay.check(
            {"janus": "attach", "transaction": "y", "session_id": 7, "plugin": "janus.plugin.videoroom"}
        )
    assert refused.value.code == 429


# --- the socket: who may open it -------------------------------------------------------------------


async def refused_code(path, user) -> int:
    comm, connected, detail = await open_socket(path, user)
    try:
        if not connected:
            return detail
        output = await comm.receive_output(timeout=5)
        assert output["type"] == "websocket.close", output
        return output["code"]
    finally:
        await comm.disconnect()


async def test_without_a_media_server_there_is_no_video_socket(live_session, youth):
    with override_settings(JANUS_URL=""):
        assert await refused_code(path_of(live_session), youth) == 4404


async def test_refusals_at_connect(
    video, live_session, world, make_user, make_session, group, make_participant
):
    assert await refused_code(path_of(live_session), None) == 4401
    assert await refused_code("/ws/live/987654/video/", world.youth) == 4404
    assert await refused_code(path_of(live_session), world.other_youth) == 4403
    assert await refused_code(path_of(live_session), world.other_coordinator) == 4403
    stranger = await sync_to_async(make_user)(User.Role.TEACHER)
    assert await refused_code(path_of(live_session), stranger) == 4403
    no_consent = await sync_to_async(make_participant)(group, consent=False, given_name="Noy")
    assert await refused_code(path_of(live_session), no_consent.user) == 4403
    await sync_to_async(Removal.objects.create)(
        session=live_session, user=world.youth, created_at=live_session.starts_at
    )
    assert await refused_code(path_of(live_session), world.youth) == 4403
    ended = await sync_to_async(make_session)(state=LiveSession.State.ENDED)
    assert await refused_code(path_of(ended), world.teacher) == 4403
    cancelled = await sync_to_async(make_session)(state=LiveSession.State.CANCELLED)
    assert await refused_code(path_of(cancelled), world.teacher) == 4403


async def _janus_session(comm) -> int:
    await comm.send_to(text_data=json.dumps({"janus": "create", "transaction": "c"}))
    reply = json.loads(await comm.receive_from(timeout=5))
    assert reply["janus"] == "success", reply
    return reply["data"]["id"]


async def _attach(comm, session_id) -> int:
    await comm.send_to(
        text_data=json.dumps(
            {
                "janus": "attach",
                "transaction": "a",
                "session_id": session_id,
                "plugin": "janus.plugin.videoroom",
            }
        )
    )
    reply = json.loads(await comm.receive_from(timeout=5))
    assert reply["janus"] == "success", reply
    return reply["data"]["id"]


async def _reply(comm, transaction, timeout=5) -> dict:
    for _ in range(20):
        reply = json.loads(await comm.receive_from(timeout=timeout))
        if reply.get("transaction") == transaction and reply.get("janus") != "ack":
            return reply
    raise AssertionError("no reply")


async def _connected(session, user):
    comm, connected, detail = await open_socket(path_of(session), user)
    assert connected and detail == "janus-protocol", detail
    return comm


async def test_a_youth_subscribes_through_janus_and_cannot_administer_or_publish(video, live_session, youth):
    comm = await _connected(live_session, youth)
    try:
        sid = await _janus_session(comm)
        handle = await _attach(comm, sid)
        room = config.room_id(live_session.pk)
        await comm.send_to(
            text_data=json.dumps(
                _msg({"request": "join", "ptype": "publisher", "room": room}, handle=handle)
                | {"session_id": sid, "transaction": "j"}
            )
        )
        joined = await _reply(comm, "j")
        assert joined["plugindata"]["data"]["videoroom"] == "joined", joined  # the relay's pin let them in
        # The server refuses, Janus never sees it.
        for body in ({"request": "destroy", "room": room}, {"request": "kick", "room": room, "id": 1}):
            await comm.send_to(
                text_data=json.dumps(_msg(body, handle=handle) | {"session_id": sid, "transaction": "x"})
            )
            refused = await _reply(comm, "x")
            assert refused["janus"] == "error" and refused["error"]["code"] == 403
        await comm.send_to(
            text_data=json.dumps(
                _msg({"request": "publish"}, handle=handle, jsep={"type": "offer", "sdp": AUDIO_ONLY})
                | {"session_id": sid, "transaction": "p"}
            )
        )
        refused = await _reply(comm, "p")
        assert refused["janus"] == "error" and "invites" in refused["error"]["reason"]
        # Not JSON, too many frames: refused without closing; a frame over 64 KiB closes 4413.
        await comm.send_to(text_data="{")
        assert json.loads(await comm.receive_from(timeout=5))["error"]["code"] == 400
        await comm.send_to(text_data="x" * (64 * 1024 + 1))
        assert (await comm.receive_output(timeout=5))["code"] == 4413
    finally:
        await comm.disconnect()

    # The room exists in Janus, created by the server with its secret: a guessed secret cannot destroy it.
    def destroy_with(secret):
        with JanusControl(video) as janus:
            return janus.request(
                {"request": "destroy", "room": config.room_id(live_session.pk), "secret": secret}
            )

    with pytest.raises(JanusError):
        await sync_to_async(destroy_with)("adminpwd")


@pytest.mark.parametrize("how", ["removed", "revoked", "ended"])
async def test_the_video_socket_closes_when_the_youth_may_no_longer_watch(
    video, live_session, youth, teacher, how
):
    from live.services import live_session_end, member_remove

    comm = await _connected(live_session, youth)
    try:
        await _janus_session(comm)
        moderator = RoomMember(user_id=teacher.pk, name="t", role="teacher")
        if how == "removed":
            await sync_to_async(member_remove)(session_id=live_session.pk, member=moderator, user_id=youth.pk)
        elif how == "revoked":
            await sync_to_async(youth_access_revoked.send)(sender=None, user=youth)
        else:
            await sync_to_async(live_session_end)(session_id=live_session.pk, member=moderator)
        output = await comm.receive_output(timeout=5)
        while output["type"] == "websocket.send":
            output = await comm.receive_output(timeout=5)
        assert output == {"type": "websocket.close", "code": 4403}
    finally:
        await comm.disconnect()
    if how == "ended":  # the VideoRoom is gone from Janus

        def exists():
            with JanusControl(video) as janus:
                return janus.request({"request": "exists", "room": config.room_id(live_session.pk)})["exists"]

        assert await sync_to_async(exists)() is False


async def test_media_flowing_counts_as_attendance(video, live_session, youth):
    consumer = VideoRelayConsumer()
    consumer.session, consumer.user, consumer.channel_name = live_session, youth, "video.test"
    consumer.member = RoomMember(user_id=youth.pk, name="s", role="youth")
    consumer.filter = RelayFilter(room=1, role="youth", name="s")
    consumer.joined, consumer.feeds = {}, {}
    await consumer.watch({"janus": "webrtcup", "session_id": 1, "sender": 2})
    await consumer.watch({"janus": "webrtcup", "session_id": 1, "sender": 3})  # once per socket
    spans = await sync_to_async(list)(AttendanceSpan.objects.filter(session=live_session, user=youth))
    assert len(spans) == 1 and spans[0].left_at is None


# --- the teacher's "video" frame on the room's socket ------------------------------------------------


def _moderator(session, teacher):
    return RoomMember(user_id=teacher.pk, name="t", role="teacher", camp_id=session.group.camp_id)


def test_speaking_by_invitation(live_session, teacher, youth, youth_participant):
    from camp.models import ConsentItem
    from camp.services.consent import consent_answer, consent_version_current, guardian_link_ensure
    from live.models import RaisedHand
    from live.services import LiveError
    from live.video.services import speak_right, video_speak_set

    teacher_member = _moderator(live_session, teacher)
    youth_member = RoomMember(user_id=youth.pk, name="s", role="youth", camp_id=live_session.group.camp_id)
    with pytest.raises(LiveError, match="hand"):
        video_speak_set(session_id=live_session.pk, member=teacher_member, user_id=youth.pk, action="invite")
    with pytest.raises(LiveError) as refused:
        video_speak_set(session_id=live_session.pk, member=youth_member, user_id=youth.pk, action="invite")
    assert refused.value.code == "forbidden"
    for action in ("shout", None, 5, ["invite"]):
        with pytest.raises(LiveError):
            video_speak_set(
                session_id=live_session.pk, member=teacher_member, user_id=youth.pk, action=action
            )
    for user_id in (None, "x", -1, 2**70, teacher.pk):
        with pytest.raises(LiveError):
            video_speak_set(
                session_id=live_session.pk, member=teacher_member, user_id=user_id, action="invite"
            )
    with pytest.raises(LiveError, match="not invited"):
        video_speak_set(session_id=live_session.pk, member=teacher_member, user_id=youth.pk, action="mute")

    RaisedHand.objects.create(session=live_session, user=youth, raised_at=live_session.starts_at)
    invite = video_speak_set(
        session_id=live_session.pk, member=teacher_member, user_id=youth.pk, action="invite"
    )
    assert invite.camera is False  # paper consent covers participation, not the camera
    assert speak_right(session_id=live_session.pk, user_id=youth.pk).camera is False
    assert not RaisedHand.objects.filter(session=live_session, user=youth).exists()
    video_speak_set(session_id=live_session.pk, member=teacher_member, user_id=youth.pk, action="mute")
    assert SpeakInvite.objects.get(session=live_session, user=youth).muted
    assert speak_right(session_id=live_session.pk, user_id=youth.pk) is None  # no new, unmoderated feed
    video_speak_set(session_id=live_session.pk, member=teacher_member, user_id=youth.pk, action="unmute")
    assert speak_right(session_id=live_session.pk, user_id=youth.pk).camera is False
    video_speak_set(session_id=live_session.pk, member=teacher_member, user_id=youth.pk, action="stop")
    assert speak_right(session_id=live_session.pk, user_id=youth.pk) is None

    # With the guardian's consent to the camera, the invitation allows it.
    link = guardian_link_ensure(by=live_session.group.coordinators.first(), participant=youth_participant)
    consent_answer(
        link=link,
        version=consent_version_current().number,
        answers={item: True for item in ConsentItem.values},
    )
    RaisedHand.objects.create(session=live_session, user=youth, raised_at=live_session.starts_at)
    invite = video_speak_set(
        session_id=live_session.pk, member=teacher_member, user_id=youth.pk, action="invite"
    )
    assert invite.camera is True


@pytest.mark.parametrize(
    ("who", "frame", "code"),
    [
        ("youth", {"type": "video", "action": "invite"}, "forbidden"),
        ("teacher", {"type": "video", "action": "shout"}, "bad_request"),
        ("teacher", {"type": "video", "action": ["invite"]}, "bad_request"),
        ("teacher", {"type": "video", "action": "invite", "user_id": "x"}, "bad_request"),
        ("teacher", {"type": "video", "action": "invite", "user_id": 2**60}, "bad_request"),
        ("teacher", {"type": "video", "action": "invite"}, "bad_request"),  # the youth's hand is not up
        ("teacher", {"type": "video", "action": "stop"}, "bad_request"),  # not invited
    ],
)
async def test_the_rooms_video_frame_refuses_malformed_and_unauthorised_input(
    live_session, youth, teacher, who, frame, code
):
    from live.models import SpeakInvite
    from tests.live.conftest import join, recv_type

    comm, _welcome = await join(live_session, youth if who == "youth" else teacher)
    try:
        await comm.send_json_to({"user_id": youth.pk, **frame})
        error = await recv_type(comm, "error")
        assert error["code"] == code, error
    finally:
        await comm.disconnect()
    assert not await sync_to_async(SpeakInvite.objects.exists)()
