"""client_id charset, report reasons cleaned like chat, and the cached blocklist following edits."""

import uuid

import pytest
from asgiref.sync import sync_to_async

from live import services
from live.access import member_for
from live.models import BlockedTerm, ChatMessage, MessageReport
from live.services import LiveError
from tests.live.conftest import drain, join, recv, recv_type, send

BAD_CLIENT_IDS = ["", "x" * 65, "<img src=x onerror=alert(1)>", "a b", "名字", "id\n2", "a/b", 'q"uote']
GOOD_CLIENT_IDS = [str(uuid.uuid4()), "mfz3k1q2-4fzyk1a0b2", "a", "x" * 64, "A_b.c:d-9"]


@pytest.mark.django_db(transaction=True)
async def test_bad_client_ids_are_refused_and_not_echoed(live_session, youth):
    comm, _ = await join(live_session, youth)
    await drain(comm)
    try:
        for client_id in BAD_CLIENT_IDS:
            for kind in ("chat", "ask"):
                await send(comm, {"type": kind, "text": "hello", "client_id": client_id})
                error = await recv_type(comm, "error")
                assert error["code"] == "bad_request", (kind, client_id)
                assert "client_id" not in error
        assert not await sync_to_async(ChatMessage.objects.exists)()
    finally:
        await comm.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_good_client_ids_are_acked_and_echoed(live_session, youth):
    comm, _ = await join(live_session, youth)
    await drain(comm)
    try:
        for n, client_id in enumerate(GOOD_CLIENT_IDS, start=1):
            await send(comm, {"type": "chat", "text": f"m{n}", "client_id": client_id})
            frames = {}
            while len(frames) < 2:  # the ack and our own broadcast, in either order
                frame = await recv(comm)
                if frame["type"] in ("ack", "message"):
                    frames[frame["type"]] = frame
            assert frames["message"]["client_id"] == client_id and frames["message"]["seq"] == n
            assert frames["ack"] == {"type": "ack", "client_id": client_id, "seq": n}
    finally:
        await comm.disconnect()


@pytest.mark.django_db
def test_report_reason_is_cleaned_like_chat(live_session, teacher, youth, youth2):
    teacher_member, youth_member, other = (member_for(u, live_session) for u in (teacher, youth, youth2))
    message, _ = services.chat_message_post(session_id=live_session.pk, member=teacher_member, text="hi",
                                            client_id="t1")
    with pytest.raises(LiveError) as error:  # control characters are refused, not silently removed
        services.message_report(session_id=live_session.pk, member=youth_member, seq=message.seq,
                                reason="  mean\x00\x1b[31m\r\nwords\x7f  ")
    assert error.value.code == "bad_request"
    report, created = services.message_report(session_id=live_session.pk, member=youth_member, seq=message.seq,
                                               reason="  mean\r\nwords\t  ")
    assert created and report.reason == "mean\nwords"
    with pytest.raises(LiveError) as error:
        services.message_report(session_id=live_session.pk, member=other, seq=message.seq, reason="x" * 201)
    assert error.value.code == "too_long"
    with pytest.raises(LiveError) as error:
        services.message_report(session_id=live_session.pk, member=other, seq=message.seq, reason=["list"])
    assert error.value.code == "bad_request"
    report, created = services.message_report(session_id=live_session.pk, member=other, seq=message.seq,
                                              reason=" \t ")
    assert created and report.reason == ""
    assert MessageReport.objects.count() == 2


@pytest.mark.django_db
def test_cached_blocklist_follows_added_and_deleted_terms(live_session, youth, camp):
    member = member_for(youth, live_session)
    assert member.camp_id == camp.pk

    def post(text, client_id):
        return services.chat_message_post(session_id=live_session.pk, member=member, text=text,
                                          client_id=client_id)

    post("pineapple pizza", "p1")  # loads and caches the camp's list
    term = BlockedTerm.objects.create(camp=camp, term="pineapple", language="en")
    with pytest.raises(LiveError) as error:
        post("pineapple pizza", "p2")
    assert error.value.code == "blocked_content"
    term.delete()
    post("pineapple pizza", "p3")
    BlockedTerm.objects.filter(camp=camp, term="傻逼").delete()
    post("傻逼", "p4")
    assert ChatMessage.objects.count() == 3
