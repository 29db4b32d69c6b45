"""Ceremonies where courses lists classes: the plan page, the calendar feeds (with their alarm), the
teacher's schedule for co-hosts, the 10-minute reminder. Courses does not import live: live fills
courses' places (plan_detail, teacher_schedule), answers calendar_entries_wanted and reminders_due."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import CalendarFeed, Plan
from courses.services.feeds import calendar_feed_get_or_create, calendar_render
from live.models import LiveSession
from notifications.models import Notification
from notifications.signals import reminders_due
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def closing(phase, teacher):
    return factories.ceremony(
        phase,
        kind="closing",
        title="闭营仪式",
        starts_at=timezone.now() + datetime.timedelta(hours=3),
        co_hosts=[teacher],
    )


def _events(ical: str) -> list[str]:
    return ical.split("BEGIN:VEVENT")[1:]


def test_the_feeds_carry_the_ceremony_with_its_alarm(closing, group, youth, teacher, other_group):
    for feed in (
        calendar_feed_get_or_create(kind=CalendarFeed.Kind.GROUP, group=group),
        calendar_feed_get_or_create(kind=CalendarFeed.Kind.GROUP, group=other_group),
        calendar_feed_get_or_create(kind=CalendarFeed.Kind.YOUTH, user=youth),
        calendar_feed_get_or_create(kind=CalendarFeed.Kind.TEACHER, user=teacher),
    ):
        text = calendar_render(feed).decode().replace("\r\n ", "")
        [event] = [e for e in _events(text) if f"ceremony-{closing.pk}@" in e]
        assert "SUMMARY:闭营仪式" in event
        assert closing.get_absolute_url() in event
        assert "BEGIN:VALARM" in event and "TRIGGER:-PT10M" in event
        assert f"DTSTART:{closing.starts_at.astimezone(datetime.UTC):%Y%m%dT%H%M%S}Z" in event


def test_a_cancelled_ceremony_and_another_teachers_feed_do_not_carry_it(closing, group, make_user):
    other_teacher = make_user("teacher")
    text = calendar_render(
        calendar_feed_get_or_create(kind=CalendarFeed.Kind.TEACHER, user=other_teacher)
    ).decode()
    assert f"ceremony-{closing.pk}@" not in text
    LiveSession.objects.filter(pk=closing.pk).update(state=LiveSession.State.CANCELLED)
    text = calendar_render(calendar_feed_get_or_create(kind=CalendarFeed.Kind.GROUP, group=group)).decode()
    assert f"ceremony-{closing.pk}@" not in text


def test_the_youths_plan_page_lists_it(client, closing, group, phase, youth):
    plan = factories.plan(group, phase, status=Plan.Status.PUBLISHED)
    client.force_login(youth)
    page = client.get(reverse("courses:plan_detail", args=[plan.pk])).content.decode()
    assert "闭营仪式" in page and closing.get_absolute_url() in page


def test_the_co_hosts_schedule_lists_it_and_another_teachers_does_not(client, closing, teacher, make_user):
    client.force_login(teacher)
    page = client.get(reverse("courses:teacher_schedule")).content.decode()
    assert "闭营仪式" in page and closing.get_absolute_url() in page
    client.force_login(make_user("teacher"))
    assert closing.get_absolute_url() not in client.get(reverse("courses:teacher_schedule")).content.decode()


def test_the_reminder_fires_once_for_every_group_and_the_co_host(
    closing, youth, other_youth, coordinator, other_coordinator, teacher, organizer
):
    now = closing.starts_at - datetime.timedelta(minutes=8)
    reminders_due.send(sender=None, now=closing.starts_at - datetime.timedelta(minutes=30))
    assert not Notification.objects.filter(key__startswith="ceremony_starting").exists()
    reminders_due.send(sender=None, now=now)
    reminders_due.send(sender=None, now=now + datetime.timedelta(minutes=1))
    told = Notification.objects.filter(key__startswith=f"ceremony_starting:{closing.pk}:")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        u.pk for u in (youth, other_youth, coordinator, other_coordinator, teacher)
    )
    assert {n.url for n in told} == {closing.get_absolute_url()}
