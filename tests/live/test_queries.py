"""Query budgets of the hot paths: posting a chat message and the welcome frame. Counts, not
timings (speed belongs to bench/)."""

import pytest
from django.utils import timezone

from live import services
from live.access import member_for
from live.models import ChatMessage, Poll, PollVote
from live.selectors import welcome_for

pytestmark = pytest.mark.django_db

# Room lock with the author's facts, token bucket read + write, seq, insert: 5, plus the
# SAVEPOINT/RELEASE pair of the service's atomic inside the test's transaction. (Was 14.)
CHAT_POST_QUERIES = 7


def test_posting_a_chat_message_stays_within_its_query_budget(live_session, youth, django_assert_max_num_queries):
    member = member_for(youth, live_session)
    # Warm-up: the first post creates the token bucket and loads the camp's blocklist.
    services.chat_message_post(session_id=live_session.pk, member=member, text="warm up", client_id="w")
    with django_assert_max_num_queries(CHAT_POST_QUERIES):
        message, created = services.chat_message_post(session_id=live_session.pk, member=member, text="你好",
                                                      client_id="a")
    assert created and message.seq == 2
    assert ChatMessage.objects.get(session=live_session, seq=2).text == "你好"


def test_a_retry_costs_no_more_than_a_post(live_session, youth, django_assert_max_num_queries):
    member = member_for(youth, live_session)
    first, _ = services.chat_message_post(session_id=live_session.pk, member=member, text="hi", client_id="a")
    with django_assert_max_num_queries(CHAT_POST_QUERIES):
        again, created = services.chat_message_post(session_id=live_session.pk, member=member, text="hi",
                                                    client_id="a")
    assert not created and again.pk == first.pk


@pytest.mark.parametrize("polls", [2, 8])
def test_welcome_queries_do_not_grow_with_the_number_of_polls(live_session, youth, teacher, youth2, polls,
                                                              django_assert_max_num_queries):
    member = member_for(youth, live_session)
    now = timezone.now()
    for i in range(polls):
        poll = Poll.objects.create(session=live_session, question=f"q{i}", options=["a", "b", "c"], opened_at=now)
        PollVote.objects.create(poll=poll, user=teacher, option=1, voted_at=now)
        PollVote.objects.create(poll=poll, user=youth2, option=1, voted_at=now)
        if i % 2:
            PollVote.objects.create(poll=poll, user=youth, option=2, voted_at=now)
    # 9 whatever the number of polls (was 8 + one per poll).
    with django_assert_max_num_queries(9):
        welcome = welcome_for(live_session, member)
    assert len(welcome["polls"]) == polls
    for shape in welcome["polls"]:
        i = int(shape["question"][1:])
        assert shape["counts"] == ([0, 2, 1] if i % 2 else [0, 2, 0])
        assert shape["voted"] == (2 if i % 2 else None)
