"""A calendar feed does not outlive its owner's access: revoked on youth_access_revoked, refused without consent."""

import datetime

import pytest
from django.urls import reverse

from camp.signals import youth_access_revoked
from courses.models import CalendarFeed, Plan
from courses.services.feeds import calendar_feed_get_or_create
from tests.courses.conftest import at

HOURS = [{"weekdays": [0, 1, 2, 3, 4, 5, 6], "start": "16:00", "end": "20:00"}]
DAY = datetime.date(2026, 7, 7)


@pytest.fixture
def published(make_phase, make_group, make_lesson, make_plan, teacher):
    phase = make_phase(8, datetime.date(2026, 7, 6), days=5)
    group = make_group("仰光华侨中文学校 C", "Asia/Yangon", HOURS, phase=phase)
    return make_plan(group, phase, [(make_lesson("剪纸", 60), at(DAY, 9, 30), teacher)], status=Plan.Status.PUBLISHED)


def feed_url(feed):
    return reverse("courses:calendar_feed", args=[feed.token])


@pytest.mark.django_db
def test_the_signal_revokes_the_youths_feeds_and_nobody_elses(client, published, make_participant, teacher):
    youth = make_participant(published.group).user
    classmate = make_participant(published.group).user
    feed = calendar_feed_get_or_create(kind=CalendarFeed.Kind.YOUTH, user=youth)
    other = calendar_feed_get_or_create(kind=CalendarFeed.Kind.YOUTH, user=classmate)
    group_feed = calendar_feed_get_or_create(kind=CalendarFeed.Kind.GROUP, group=published.group)
    teacher_feed = calendar_feed_get_or_create(kind=CalendarFeed.Kind.TEACHER, user=teacher)
    assert client.get(feed_url(feed)).status_code == 200

    youth_access_revoked.send(sender=None, user=youth)

    assert client.get(feed_url(feed)).status_code == 404
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    for kept in (other, group_feed, teacher_feed):
        kept.refresh_from_db()
        assert kept.revoked_at is None
        assert client.get(feed_url(kept)).status_code == 200
    # Sending it again changes nothing more; a new link can be made once access is back.
    revoked_at = feed.revoked_at
    youth_access_revoked.send(sender=None, user=youth)
    feed.refresh_from_db()
    assert feed.revoked_at == revoked_at
    assert calendar_feed_get_or_create(kind=CalendarFeed.Kind.YOUTH, user=youth).token != feed.token


@pytest.mark.django_db
def test_a_youths_feed_is_refused_once_consent_is_withdrawn(client, published, make_participant):
    participant = make_participant(published.group)
    feed = calendar_feed_get_or_create(kind=CalendarFeed.Kind.YOUTH, user=participant.user)
    assert client.get(feed_url(feed)).status_code == 200
    # Withdrawn without the signal (e.g. straight in the admin): the feed is still refused.
    participant.consent_given = False
    participant.consent_at = None
    participant.save()
    assert client.get(feed_url(feed)).status_code == 404
    feed.refresh_from_db()
    assert feed.revoked_at is None  # refused by the rule, not by a write


@pytest.mark.django_db
def test_a_youths_feed_is_refused_off_the_roster_or_inactive(client, published, make_participant):
    removed = make_participant(published.group)
    removed_feed = calendar_feed_get_or_create(kind=CalendarFeed.Kind.YOUTH, user=removed.user)
    removed.delete()
    assert client.get(feed_url(removed_feed)).status_code == 404

    inactive = make_participant(published.group).user
    inactive_feed = calendar_feed_get_or_create(kind=CalendarFeed.Kind.YOUTH, user=inactive)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    assert client.get(feed_url(inactive_feed)).status_code == 404


@pytest.mark.django_db
def test_an_inactive_teachers_feed_is_refused(client, published, teacher):
    feed = calendar_feed_get_or_create(kind=CalendarFeed.Kind.TEACHER, user=teacher)
    assert client.get(feed_url(feed)).status_code == 200
    teacher.is_active = False
    teacher.save(update_fields=["is_active"])
    assert client.get(feed_url(feed)).status_code == 404


@pytest.mark.django_db
def test_the_feed_answers_in_three_queries_whoever_owns_it(client, published, make_participant, teacher,
                                                         django_assert_max_num_queries):
    youth = make_participant(published.group).user
    for feed in (calendar_feed_get_or_create(kind=CalendarFeed.Kind.YOUTH, user=youth),
                 calendar_feed_get_or_create(kind=CalendarFeed.Kind.TEACHER, user=teacher)):
        # The feed, its plan items, and live's ceremonies (courses.signals.calendar_entries_wanted).
        with django_assert_max_num_queries(3):
            assert client.get(feed_url(feed)).status_code == 200
