"""Services called directly: seq allocation, attendance arithmetic, token bucket, blocklist."""

import datetime

import pytest
from django.utils import timezone

from live import services
from live.access import member_for
from live.models import AttendanceSpan, BlockedTerm, ChatMessage, LiveSession, RateBucket
from live.services import LiveError
from live.services.attendance import STALE_AFTER
from live.services.blocklist import STARTER_TERMS
from tests import factories

T0 = datetime.datetime(2026, 7, 20, 10, 0, tzinfo=datetime.UTC)


def minutes(n: float) -> datetime.timedelta:
    return datetime.timedelta(minutes=n)


@pytest.fixture
def ended_session(make_session):
    """A 60-minute class that really ran 10:00–11:00 UTC."""
    session = make_session(state=LiveSession.State.ENDED, starts_at=T0)
    assert (session.started_at, session.ended_at) == (T0, T0 + minutes(60))
    return session


def span(session, user, start, end):
    """Minutes after 10:00 UTC (the ended session's start), last seen when it closed."""
    assert session.plan_item.starts_at == T0
    return factories.span(session, user, start, end, last_seen=end if end is not None else start)


@pytest.mark.django_db
def test_seq_is_allocated_without_gaps_and_retries_do_not_take_one(live_session, youth, teacher):
    youth_member, teacher_member = member_for(youth, live_session), member_for(teacher, live_session)
    now = timezone.now()
    seqs = []
    for n in range(4):
        member = youth_member if n % 2 else teacher_member
        message, created = services.chat_message_post(session_id=live_session.pk, member=member, text=f"t{n}",
                                                      client_id=f"c{n}", now=now + datetime.timedelta(seconds=n))
        assert created
        seqs.append(message.seq)
    again, created = services.chat_message_post(session_id=live_session.pk, member=youth_member, text="t1",
                                                client_id="c1", now=now + datetime.timedelta(seconds=9))
    assert not created and again.seq == 2
    assert seqs == [1, 2, 3, 4]
    live_session.refresh_from_db()
    assert live_session.last_seq == 4 == ChatMessage.objects.count()


@pytest.mark.django_db
def test_refused_message_takes_no_seq(live_session, youth):
    member = member_for(youth, live_session)
    with pytest.raises(LiveError) as error:
        services.chat_message_post(session_id=live_session.pk, member=member, text="傻逼", client_id="x")
    assert error.value.code == "blocked_content"
    live_session.refresh_from_db()
    assert live_session.last_seq == 0 and not ChatMessage.objects.exists()


@pytest.mark.django_db
def test_attendance_present_late_absent_and_minutes(ended_session, group, youth, youth2, make_participant):
    late_one = make_participant(group, given_name="Late", family_name="Comer").user
    gone = make_participant(group, given_name="Never", family_name="Came")
    brief = make_participant(group, given_name="Brief", family_name="Visit").user
    no_account = make_participant(group, with_account=False, given_name="Paper", family_name="Only")
    # youth: on time, drops 10:20–10:30 and comes back on a second tab overlapping the first.
    span(ended_session, youth, -3, 20)
    span(ended_session, youth, 30, 50)
    span(ended_session, youth, 45, 70)        # overlaps: 30–60 counted once; after 11:00 not counted
    # youth2: joins at 10:04 (within the 10-minute grace), leaves 10:34: half the class is enough.
    span(ended_session, youth2, 4, 34)
    # brief: on time but only 20 minutes of 60: absent, minutes still shown.
    span(ended_session, brief, 0, 20)
    # late: 10:12 to the end.
    span(ended_session, late_one, 12, 65)
    # A span entirely before the class does not make someone present.
    span(ended_session, gone.user, -30, -20)
    rows = {row.participant.user_id: row for row in services.attendance_for_session(ended_session)}
    assert (rows[youth.pk].status, rows[youth.pk].minutes_present) == ("present", 20 + 30)
    assert rows[youth.pk].first_join == T0 - minutes(3)
    assert (rows[youth2.pk].status, rows[youth2.pk].minutes_present) == ("present", 30)
    assert (rows[late_one.pk].status, rows[late_one.pk].minutes_present) == ("late", 48)
    assert rows[late_one.pk].first_join == T0 + minutes(12)
    assert (rows[gone.user_id].status, rows[gone.user_id].minutes_present, rows[gone.user_id].first_join) == (
        "absent", 0, None)
    paper = [row for row in services.attendance_for_session(ended_session) if row.participant == no_account]
    assert paper[0].status == "absent"
    assert (rows[brief.pk].status, rows[brief.pk].minutes_present) == ("absent", 20)
    summary = services.attendance_summary(services.attendance_for_session(ended_session))
    assert summary == {"present": 2, "late": 1, "absent": 3, "roster": 6}


@pytest.mark.django_db
def test_attendance_of_a_running_class_counts_up_to_now(live_session, youth):
    now = live_session.started_at + minutes(30)
    assert live_session.started_at == live_session.plan_item.starts_at
    factories.span(live_session, youth, 20, None, last_seen=30)
    row = next(r for r in services.attendance_for_session(live_session, now=now) if r.user_id == youth.pk)
    # Late, and not absent for having been there a third of the class so far: it is still running.
    assert (row.status, row.minutes_present) == ("late", 10)


@pytest.mark.django_db
def test_a_youth_there_when_the_class_ends_stays_present_after_their_phone_dies(live_session, youth, youth2,
                                                                                teacher):
    """Ending the class marks the connections alive then as there to the end: a socket that dies
    afterwards without closing (a phone switched off, a server restarted) loses nothing, however
    much later the attendance is read (the certificates, after the phase)."""
    start = live_session.started_at
    assert start == live_session.plan_item.starts_at
    factories.span(live_session, youth, 0, None, last_seen=4)  # pinged 1 minute before the end
    dead = factories.span(live_session, youth2, 0, None, last_seen=1)  # gone 4 minutes before the end
    end = start + minutes(5)
    services.live_session_end(session_id=live_session.pk, member=member_for(teacher, live_session), now=end)
    later = end + datetime.timedelta(days=14)
    live_session.refresh_from_db()
    rows = {r.user_id: r for r in services.attendance_for_session(live_session, now=later)}
    assert (rows[youth.pk].status, rows[youth.pk].minutes_present) == ("present", 5)
    # A connection already dead when the class ended keeps its last ping.
    dead.refresh_from_db()
    assert dead.last_seen_at == start + minutes(1)
    assert (rows[youth2.pk].status, rows[youth2.pk].minutes_present) == ("absent", 1)


@pytest.mark.django_db
def test_a_dead_connection_counts_until_its_last_ping(live_session, youth):
    start = live_session.started_at
    assert start == live_session.plan_item.starts_at
    factories.span(live_session, youth, 0, None, last_seen=7)
    now = start + minutes(40)
    assert now - (start + minutes(7)) > STALE_AFTER
    row = next(r for r in services.attendance_for_session(live_session, now=now) if r.user_id == youth.pk)
    assert row.minutes_present == 7
    assert services.online_users(live_session.pk, now=now) == []
    assert services.attendance_reap(session_id=live_session.pk, now=now) == 1
    assert AttendanceSpan.objects.get().left_at == start + minutes(7)


@pytest.mark.django_db
def test_attendance_for_session_query_count_does_not_grow_with_the_roster(
        ended_session, group, make_participant, django_assert_max_num_queries):
    for _ in range(3):
        span(ended_session, make_participant(group).user, 0, 30)
    with django_assert_max_num_queries(3):
        services.attendance_for_session(ended_session)
    for _ in range(12):
        span(ended_session, make_participant(group).user, 5, 50)
    with django_assert_max_num_queries(3):
        rows = services.attendance_for_session(ended_session)
    assert len(rows) == 15


@pytest.mark.django_db
def test_attendance_join_and_leave_report_first_and_last_connection(live_session, youth):
    now = timezone.now()
    first, is_first = services.attendance_join(session_id=live_session.pk, user=youth, now=now)
    second, second_first = services.attendance_join(session_id=live_session.pk, user=youth, now=now)
    assert is_first and not second_first
    assert services.attendance_leave(span_id=first.pk, now=now) is False
    assert services.attendance_leave(span_id=second.pk, now=now) is True
    assert services.attendance_leave(span_id=second.pk, now=now) is False  # already closed


@pytest.mark.django_db
def test_token_bucket_refills_one_per_second(live_session, youth):
    from live.services.ratelimit import rate_bucket_take

    for _ in range(5):
        rate_bucket_take(session_id=live_session.pk, user_id=youth.pk, now=T0)
    with pytest.raises(LiveError) as error:
        rate_bucket_take(session_id=live_session.pk, user_id=youth.pk, now=T0)
    assert error.value.code == "rate_limited" and error.value.retry_after == 1
    rate_bucket_take(session_id=live_session.pk, user_id=youth.pk, now=T0 + datetime.timedelta(seconds=1))
    with pytest.raises(LiveError):
        rate_bucket_take(session_id=live_session.pk, user_id=youth.pk, now=T0 + datetime.timedelta(seconds=1.5))
    # A long pause refills to the burst, not beyond.
    later = T0 + datetime.timedelta(minutes=10)
    for _ in range(5):
        rate_bucket_take(session_id=live_session.pk, user_id=youth.pk, now=later)
    with pytest.raises(LiveError):
        rate_bucket_take(session_id=live_session.pk, user_id=youth.pk, now=later)
    assert RateBucket.objects.count() == 1


@pytest.mark.parametrize("text,blocked", [
    ("you are a bitch", True), ("B I T C H", True), ("ｂｉｔｃｈ", True), ("f.u.c.k", True), ("fu\u200bck", True),
    ("Scunthorpe is a town", False), ("I passed the class", False), ("shitake mushrooms", False),
    ("你是傻逼吧", True), ("你是傻 逼", True), ("傻瓜", False), ("ไอ้สัตว์", True), ("สวัสดีครับ", False),
    ("请加我微信", True), ("书法很好看", False),
])
def test_blocklist_matching(text, blocked):
    terms = [term for terms in STARTER_TERMS.values() for term in terms]
    assert (services.find_blocked_term(text, terms) is not None) is blocked


@pytest.mark.parametrize("text,link", [
    ("https://example.com", True), ("www.example.org", True), ("go to evil.xyz", True), ("LINE.me/ti/p", True),
    ("I like 3.5 apples", False), ("end. Start", False), ("中文。English", False),
])
def test_link_detection(text, link):
    assert services.contains_link(text) is link


@pytest.mark.django_db
def test_a_new_camp_gets_the_starter_blocklists(organizer):
    camp = factories.camp(organizer, federation="F", title="T", year=2027)
    languages = set(BlockedTerm.objects.filter(camp=camp).values_list("language", flat=True))
    assert languages == set(STARTER_TERMS) == {"zh-hans", "en", "th", "lo", "my"}
    assert services.blocklist_seed_starter(camp=camp) == 0  # idempotent
