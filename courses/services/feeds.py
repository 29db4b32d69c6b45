"""iCalendar feeds at secret, revocable URLs: per group, per teacher, per youth."""

import datetime
import secrets

import icalendar
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from camp.models import Group, User
from courses.access import check_feed_revoke
from courses.models import CalendarFeed, Plan, PlanItem
from courses.signals import CLASS_REMINDER_BEFORE, CalendarEntry, calendar_entries

PRODID = "-//QiaoCamp//Plans//EN"


def _token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def calendar_feed_get_or_create(
    *, kind: str, group: Group | None = None, user: User | None = None, language: str = ""
) -> CalendarFeed:
    """The owner's active feed, made on first use (one active feed per owner and kind)."""
    lookup = {"kind": kind, "revoked_at__isnull": True}
    if kind == CalendarFeed.Kind.GROUP:
        lookup["group"] = group
    else:
        lookup["user"] = user
    feed = CalendarFeed.objects.select_for_update().filter(**lookup).first()
    if feed is None:
        feed = CalendarFeed(
            kind=kind,
            group=group if kind == CalendarFeed.Kind.GROUP else None,
            user=user if kind != CalendarFeed.Kind.GROUP else None,
            token=_token(),
            language=language or settings.LANGUAGE_CODE,
        )
        feed.full_clean()
        feed.save()
    return feed


@transaction.atomic
def calendar_feed_revoke(*, by: User, feed: CalendarFeed) -> CalendarFeed:
    """Stop a leaked link: the old URL answers 404 from now on; a new one can be made. The owner of a
    personal feed, the camp's organizers and the group's confirmed coordinators only."""
    check_feed_revoke(by, feed)
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
    return feed


@transaction.atomic
def calendar_feeds_revoke_for_user(*, user: User) -> int:
    """Revoke every live personal feed of a user (a youth who lost access); returns how many."""
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def calendar_feed_items(feed: CalendarFeed) -> QuerySet[PlanItem]:
    items = PlanItem.objects.select_related("lesson", "teacher", "plan__group", "live_session")
    if feed.kind == CalendarFeed.Kind.GROUP:
        return items.filter(plan__group_id=feed.group_id, plan__status=Plan.Status.PUBLISHED)
    if feed.kind == CalendarFeed.Kind.TEACHER:
        # Teachers also see approved plans: they prepare before the coordinators see them.
        return items.filter(
            teacher_id=feed.user_id, plan__status__in=[Plan.Status.APPROVED, Plan.Status.PUBLISHED]
        )
    participant = getattr(feed.user, "participant", None)
    if participant is None:
        return items.none()
    return items.filter(plan__group_id=participant.group_id, plan__status=Plan.Status.PUBLISHED)


def calendar_feed_entries(feed: CalendarFeed) -> list[CalendarEntry]:
    """The feed's events owned by the apps above (the ceremonies of the groups' phases)."""
    if feed.kind == CalendarFeed.Kind.GROUP:
        return calendar_entries(groups=[feed.group_id])
    if feed.kind == CalendarFeed.Kind.TEACHER:
        return calendar_entries(teacher=feed.user)
    participant = getattr(feed.user, "participant", None)
    if participant is None or not participant.consent_given:
        return []
    return calendar_entries(groups=[participant.group_id])


def live_url(item: PlanItem) -> str:
    session = getattr(item, "live_session", None)
    return settings.SITE_URL + session.get_absolute_url() if session is not None else ""


def _reminder(title: str) -> icalendar.Alarm:
    """A VALARM 10 minutes before, as the bell's "starts in 10 minutes" (calendars that honour alarms in
    subscribed feeds ring it: Apple Calendar, Thunderbird, DAVx5; Google Calendar ignores them)."""
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", title)  # RFC 5545: a DISPLAY alarm must say something
    alarm.add("trigger", -CLASS_REMINDER_BEFORE)
    return alarm


def calendar_render(feed: CalendarFeed) -> bytes:
    """The feed as an iCalendar document, titles in the subscriber's language."""
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "qiaocamp"
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    stamp = timezone.now().replace(microsecond=0)
    with translation.override(feed.language or settings.LANGUAGE_CODE):
        if feed.kind == CalendarFeed.Kind.GROUP:
            name = f"QiaoCamp · {feed.group.name}"
        else:
            name = f"QiaoCamp · {feed.user.name}"
        calendar.add("x-wr-calname", name)
        calendar.add("refresh-interval", datetime.timedelta(hours=6), parameters={"VALUE": "DURATION"})
        for item in calendar_feed_items(feed).order_by("starts_at", "pk"):
            event = icalendar.Event()
            # Stable across edits: calendars match the event by UID and update it when SEQUENCE grows.
            event.add("uid", f"planitem-{item.pk}@{host}")
            event.add("sequence", item.sequence)
            event.add("dtstamp", stamp)
            event.add("dtstart", item.starts_at.astimezone(datetime.UTC))
            event.add("dtend", item.ends_at.astimezone(datetime.UTC))
            title = item.lesson.title
            if feed.kind == CalendarFeed.Kind.TEACHER:
                title = f"{title} · {item.plan.group.name}"
            event.add("summary", title)
            link = live_url(item)
            lines = [item.lesson.summary or ""]
            if item.lesson.materials:
                lines.append(f"{translation.gettext('Materials to prepare')}: {item.lesson.materials}")
            if link:
                lines.append(f"{translation.gettext('Live classroom')}: {link}")
                event.add("url", link)
                event.add("location", link)
            event.add("description", "\n\n".join(line for line in lines if line))
            event.add_component(_reminder(title))
            calendar.add_component(event)
        for entry in calendar_feed_entries(feed):
            event = icalendar.Event()
            event.add("uid", f"{entry.uid}@{host}")
            event.add("sequence", entry.sequence)
            event.add("dtstamp", stamp)
            event.add("dtstart", entry.starts_at.astimezone(datetime.UTC))
            event.add("dtend", entry.ends_at.astimezone(datetime.UTC))
            event.add("summary", entry.title)
            lines = [entry.description]
            if entry.url:
                lines.append(f"{translation.gettext('Live classroom')}: {entry.url}")
                event.add("url", entry.url)
                event.add("location", entry.url)
            event.add("description", "\n\n".join(line for line in lines if line))
            event.add_component(_reminder(entry.title))
            calendar.add_component(event)
    return calendar.to_ical()
