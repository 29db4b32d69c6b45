"""iCalendar feeds: valid, stable UIDs, SEQUENCE, the subscriber's language, the live-room link, revocation."""

import datetime

import icalendar
import pytest
from django.test import override_settings
from django.urls import reverse

from courses.models import CalendarFeed, Plan
from courses.services.feeds import calendar_feed_get_or_create, calendar_feed_revoke
from courses.services.plans import plan_item_update
from tests import factories
from tests.courses.conftest import at

HOURS = [{"weekdays": [0, 1, 2, 3, 4, 5, 6], "start": "16:00", "end": "20:00"}]
DAY = datetime.date(2026, 7, 7)


@pytest.fixture
def published(make_phase, make_group, make_lesson, make_plan, teacher, coordinator):
    phase = make_phase(7, datetime.date(2026, 7, 6), days=5)  # beside the shared fixtures' phase 1
    group = make_group("仰光华侨中文学校 B", "Asia/Yangon", HOURS, phase=phase, coordinator=coordinator)
    lesson = make_lesson("剪纸直播课", 60, title_en="Live paper-cutting", materials="红纸、剪刀")
    lesson.title_th = "ตัดกระดาษสด"
    lesson.save()
    return make_plan(group, phase, [(lesson, at(DAY, 9, 30), teacher)], status=Plan.Status.PUBLISHED)


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    return [component for component in calendar.walk("VEVENT")]


@pytest.mark.django_db
def test_group_feed_parses_back_with_uid_sequence_and_language(client, published, teacher):
    feed = calendar_feed_get_or_create(kind=CalendarFeed.Kind.GROUP, group=published.group, language="en")
    url = reverse("courses:calendar_feed", args=[feed.token])
    [event] = parse(client.get(url))
    item = published.items.get()
    assert str(event["summary"]) == "Live paper-cutting"
    assert str(event["uid"]).startswith(f"planitem-{item.pk}@")
    assert event.decoded("dtstart") == at(DAY, 9, 30)
    assert event.decoded("dtend") == at(DAY, 10, 30)
    assert int(event["sequence"]) == 0
    assert "红纸" in str(event["description"])

    plan_item_update(item=item, by=teacher, starts_at=at(DAY, 10, 30))
    [moved] = parse(client.get(url))
    assert str(moved["uid"]) == str(event["uid"])
    assert int(moved["sequence"]) == 1


@pytest.mark.django_db
def test_youth_feed_is_in_the_youths_language_and_only_their_groups_published_plan(
    client, published, make_participant, make_plan, make_group, make_lesson
):
    youth = make_participant(published.group, preferred_language="th").user
    other = make_group("曼谷 B", "Asia/Bangkok", HOURS, phase=published.phase)
    make_plan(other, published.phase, [(make_lesson("书法"), at(DAY, 9), None)], status=Plan.Status.PUBLISHED)
    feed = calendar_feed_get_or_create(kind=CalendarFeed.Kind.YOUTH, user=youth, language="th")
    events = parse(client.get(reverse("courses:calendar_feed", args=[feed.token])))
    assert [str(e["summary"]) for e in events] == ["ตัดกระดาษสด"]


@pytest.mark.django_db
def test_draft_plans_stay_out_of_group_feeds(client, published):
    published.status = Plan.Status.DRAFT
    published.save()
    feed = calendar_feed_get_or_create(kind=CalendarFeed.Kind.GROUP, group=published.group)
    assert parse(client.get(reverse("courses:calendar_feed", args=[feed.token]))) == []


@pytest.mark.django_db
def test_teacher_feed_names_the_group(client, published, teacher):
    feed = calendar_feed_get_or_create(kind=CalendarFeed.Kind.TEACHER, user=teacher, language="zh-hans")
    [event] = parse(client.get(reverse("courses:calendar_feed", args=[feed.token])))
    assert str(event["summary"]) == "剪纸直播课 · 仰光华侨中文学校 B"


@pytest.mark.django_db
@override_settings(SITE_URL="https://camp.example.org")
def test_live_room_link_in_the_event(client, published):
    session = factories.live_session(plan_item=published.items.get())
    feed = calendar_feed_get_or_create(kind=CalendarFeed.Kind.GROUP, group=published.group)
    [event] = parse(client.get(reverse("courses:calendar_feed", args=[feed.token])))
    assert str(event["url"]) == f"https://camp.example.org/live/{session.pk}/"
    assert str(event["uid"]).endswith("@camp.example.org")


@pytest.mark.django_db
def test_revoked_and_unknown_tokens_are_404_and_a_new_link_is_made(client, published, youth, coordinator):
    feed = calendar_feed_get_or_create(kind=CalendarFeed.Kind.GROUP, group=published.group)
    assert calendar_feed_get_or_create(kind=CalendarFeed.Kind.GROUP, group=published.group) == feed
    calendar_feed_revoke(by=coordinator, feed=feed)
    assert client.get(reverse("courses:calendar_feed", args=[feed.token])).status_code == 404
    assert client.get(reverse("courses:calendar_feed", args=["x" * 43])).status_code == 404
    fresh = calendar_feed_get_or_create(kind=CalendarFeed.Kind.GROUP, group=published.group)
    assert fresh.token != feed.token
    assert client.post(reverse("courses:calendar_feed", args=[fresh.token])).status_code == 405


@pytest.mark.django_db
def test_plan_page_links_the_feed_visibly_and_as_alternate(client, published, coordinator):
    client.force_login(coordinator)
    body = client.get(reverse("courses:plan_detail", args=[published.pk])).content.decode()
    feed = CalendarFeed.objects.get(kind=CalendarFeed.Kind.GROUP, group=published.group)
    assert f'<link rel="alternate" type="text/calendar" title="iCalendar" href="http://testserver/calendar/{feed.token}.ics">' in body
    assert "Subscribe" in body or "订阅" in body or "สมัคร" in body


@pytest.mark.django_db
def test_revoke_view_owner_only(client, published, youth, other_youth):
    feed = calendar_feed_get_or_create(kind=CalendarFeed.Kind.YOUTH, user=youth)
    url = reverse("courses:feed_revoke", args=[feed.pk])
    client.force_login(other_youth)
    assert client.post(url).status_code == 404
    feed.refresh_from_db()
    assert feed.revoked_at is None
    client.force_login(youth)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    feed.refresh_from_db()
    assert feed.revoked_at is not None


@pytest.mark.django_db
def test_every_event_rings_10_minutes_before(client, published):
    feed = calendar_feed_get_or_create(kind=CalendarFeed.Kind.GROUP, group=published.group, language="en")
    [event] = parse(client.get(reverse("courses:calendar_feed", args=[feed.token])))
    [alarm] = event.walk("VALARM")
    assert str(alarm["action"]) == "DISPLAY"
    assert alarm.decoded("trigger") == -datetime.timedelta(minutes=10)
    assert str(alarm["description"]) == "Live paper-cutting"
