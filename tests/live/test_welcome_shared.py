"""The welcome's shared part (history, hands, questions, polls) is built once per room version and
last_seq, not per join (a class coming in at once, docs/performance.md third pass). Every change the
room hears bumps the version first, so a newcomer never gets a welcome older than what the room was
told; the viewer's own marks (muted, upvoted, voted) are read for each newcomer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from live import events, selectors, services
from live.access import member_for
from live.models import RaisedHand

pytestmark = pytest.mark.django_db(transaction=True)


def _welcome(session, user):
    session.refresh_from_db()
    return selectors.welcome_for(session, member_for(user, session), fresh=True)


def test_a_second_newcomer_reads_only_their_own_marks(live_session, teacher, youth, youth2):
    t = member_for(teacher, live_session)
    services.chat_message_post(session_id=live_session.pk, member=t, text="大家好", client_id="c1")
    services.question_ask(session_id=live_session.pk, member=member_for(youth, live_session), text="老师好?",
                          client_id="q1")
    services.poll_open(session_id=live_session.pk, member=t, question="茶?", options=["绿茶", "红茶"])
    first = _welcome(live_session, youth)
    newcomer = member_for(youth2, live_session)
    with CaptureQueriesContext(connection) as queries:
        second = selectors.welcome_for(live_session, newcomer, fresh=True)
    # Their upvotes, their votes, muted: the history, hands, questions and polls are not read again.
    assert len(queries) == 3, [q["sql"][:60] for q in queries]
    assert second["history"] == first["history"] and [m["text"] for m in second["history"]] == ["大家好"]
    assert second["questions"][0]["text"] == "老师好?" and second["polls"][0]["question"] == "茶?"


def test_every_change_the_room_hears_reaches_the_next_newcomer(live_session, teacher, youth, youth2):
    t, y = member_for(teacher, live_session), member_for(youth, live_session)
    message, _ = services.chat_message_post(session_id=live_session.pk, member=t, text="看这里", client_id="c1")
    question, _ = services.question_ask(session_id=live_session.pk, member=y, text="可以吗?", client_id="q1")
    poll = services.poll_open(session_id=live_session.pk, member=t, question="茶?", options=["绿茶", "红茶"])
    _welcome(live_session, youth2)  # the shared part is built

    services.hand_set(session_id=live_session.pk, member=y, raised=True)
    assert [h["id"] for h in _welcome(live_session, youth2)["hands"]] == [youth.pk]
    services.question_upvote(session_id=live_session.pk, member=member_for(youth2, live_session),
                             question_id=question.pk)
    assert _welcome(live_session, youth2)["questions"][0]["upvotes"] == 1
    services.poll_vote(session_id=live_session.pk, member=y, poll_id=poll.pk, option=1)
    assert _welcome(live_session, youth2)["polls"][0]["counts"] == [0, 1]
    services.reaction_set(session_id=live_session.pk, member=y, seq=message.seq, emoji="👍")
    assert _welcome(live_session, youth2)["history"][0].get("reactions") == {"👍": 1}
    services.chat_message_delete(session_id=live_session.pk, member=t, seq=message.seq)
    history = _welcome(live_session, youth2)["history"]
    assert [m["seq"] for m in history] == [message.seq] and "看这里" not in str(history)


def test_the_viewers_own_marks_are_theirs(live_session, teacher, youth, youth2):
    t, y = member_for(teacher, live_session), member_for(youth, live_session)
    question, _ = services.question_ask(session_id=live_session.pk, member=y, text="可以吗?", client_id="q1")
    poll = services.poll_open(session_id=live_session.pk, member=t, question="茶?", options=["绿茶", "红茶"])
    services.question_upvote(session_id=live_session.pk, member=member_for(youth2, live_session),
                             question_id=question.pk)
    services.poll_vote(session_id=live_session.pk, member=member_for(youth2, live_session), poll_id=poll.pk,
                       option=0)
    mine, theirs = _welcome(live_session, youth2), _welcome(live_session, youth)
    assert (mine["questions"][0]["upvoted"], mine["polls"][0]["voted"]) == (True, 0)
    assert (theirs["questions"][0]["upvoted"], theirs["polls"][0]["voted"]) == (False, None)
    assert theirs["polls"][0]["counts"] == mine["polls"][0]["counts"] == [1, 0]


def test_a_change_made_around_the_services_shows_after_the_ttl(live_session, youth, youth2, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: clock[0])
    _welcome(live_session, youth2)
    RaisedHand.objects.create(session=live_session, user=youth, raised_at=live_session.starts_at)  # no broadcast
    assert _welcome(live_session, youth2)["hands"] == []  # within SHARED_TTL: the built part
    clock[0] += selectors.SHARED_TTL
    assert [h["id"] for h in _welcome(live_session, youth2)["hands"]] == [youth.pk]


def test_the_version_survives_a_lost_key_and_counts_up(live_session):
    assert events.room_version(live_session.pk) == 0
    events.bump_room_version(live_session.pk)
    events.bump_room_version(live_session.pk)
    assert events.room_version(live_session.pk) == 2
    from django.core.cache import cache

    cache.delete(events.room_version_key(live_session.pk))  # evicted
    events.bump_room_version(live_session.pk)
    assert events.room_version(live_session.pk) == 1


def test_a_rolled_back_change_bumps_nothing(live_session, teacher):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        services.chat_message_post(session_id=live_session.pk, member=member_for(teacher, live_session),
                                   text="x", client_id="c1")
        raise RuntimeError
    assert events.room_version(live_session.pk) == 0


def test_two_rooms_do_not_share_a_part(make_session, youth):
    first, second = make_session(), make_session()
    services.chat_message_post(session_id=first.pk, member=member_for(first.teacher, first), text="一号",
                               client_id="c1")
    assert [m["text"] for m in _welcome(first, youth)["history"]] == ["一号"]
    assert _welcome(second, youth)["history"] == []
