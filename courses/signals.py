"""Signals courses sends for the apps above it, and receivers of camp's (connected by CoursesConfig.ready)."""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import Signal, receiver
from django.urls import reverse

from camp.signals import youth_access_revoked
from notifications.signals import reminders_due

logger = logging.getLogger(__name__)
CLASS_REMINDER_BEFORE = datetime.timedelta(minutes=10)

# A plan's items are (again) what the group will be taught: sent inside the transaction when a plan is
# published and when an item of a published plan is added or moved, with `plan`. The live room
# creates the room of every item taught live (live.signals), in the same transaction.
plan_items_published = Signal()

# An item stops being taught: sent inside the transaction just before a plan item is deleted, with
# `item`. The live room closes the item's room and keeps its chat and attendance (live.signals).
plan_item_removing = Signal()

# A published plan is taken back to draft (plan_unpublish): sent inside the transaction with `plan`.
# Its rooms close until it is published again (live.signals); republishing reopens them.
plan_unpublished = Signal()

# A calendar feed asks the apps above for the rooms it does not own (live's ceremonies): sent with
# `groups` (group ids, a group's or a youth's feed) or `teacher` (a teacher's feed); every receiver
# answers a list of CalendarEntry. Courses lists plan items only; this is how the rest gets in.
calendar_entries_wanted = Signal()


@dataclass(frozen=True)
class CalendarEntry:
    """One event of another app in a calendar feed, with the same 10-minute alarm as a class."""

    uid: str  # unique within the site, stable across edits
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    url: str = ""  # an absolute link (camp.mail.site_url)
    sequence: int = 0
    description: str = ""


def calendar_entries(*, groups=None, teacher=None) -> list[CalendarEntry]:
    """Every receiver's entries for these groups or this teacher."""
    entries = []
    for _receiver, answer in calendar_entries_wanted.send(sender=None, groups=groups, teacher=teacher):
        entries.extend(answer or ())
    return entries


@receiver(youth_access_revoked, dispatch_uid="courses_youth_access_revoked")
def revoke_youth_calendar_feeds(sender, user, **kwargs) -> None:
    """A youth who lost access (consent withdrawn, join code revoked, off the roster) keeps no
    calendar link: their feeds are revoked, so the subscribed URL answers 404 from now on.

    Sent after camp's transaction commits, so a failure here must not turn its success into an
    error page; feed_by_token refuses a youth without consent or an inactive account anyway.
    """
    from courses.services.feeds import calendar_feeds_revoke_for_user

    if user is None:
        return
    try:
        calendar_feeds_revoke_for_user(user=user)
    except Exception:
        logger.exception("courses: could not revoke the calendar feeds of user %s", getattr(user, "pk", None))


# --- Notifications (notifications.services.notify): plan changed, class starting -----------------


def _group_youth(group):
    from camp.models import User

    return User.objects.filter(role=User.Role.YOUTH, is_active=True, participant__group=group)


@receiver(post_save, sender="courses.PlanChange", dispatch_uid="courses_plan_changed_notify")
def plan_changed_notify(sender, instance, created, **kwargs) -> None:
    """A published plan changed: its youth, coordinators and teachers see it in the bell (who changed
    it is not told). One unread notice per plan and person, however many edits follow."""
    if not created:
        return
    change_pk = instance.pk
    transaction.on_commit(lambda: plan_changed_notices(change_pk=change_pk))


def plan_changed_notices(*, change_pk: int) -> int:
    from camp.models import User
    from courses.models import PlanChange
    from notifications.models import Notification
    from notifications.services import notifications_mark_mailed, notify

    change = PlanChange.objects.select_related("plan__group").filter(pk=change_pk).first()
    if change is None:
        return 0
    plan = change.plan
    url = reverse("courses:plan_detail", args=[plan.pk])
    people = [
        *_group_youth(plan.group),
        *plan.group.coordinators.filter(is_active=True),
        *User.objects.filter(pk__in=plan.items.exclude(teacher=None).values("teacher")),
    ]
    told = set(
        Notification.objects.filter(kind="plan_changed", url=url, read_at__isnull=True).values_list(
            "recipient_id", flat=True
        )
    )
    people = [person for person in people if person.pk != change.changed_by_id and person.pk not in told]
    rows = notify(people, "plan_changed", url=url, params={"group": plan.group.name})
    # The coordinators with an address got plan_change_notify's own mail: no digest repeats it.
    notifications_mark_mailed(
        [row for row in rows if row.recipient_id in {c.pk for c in plan.group.coordinators.all()}]
    )
    return len(rows)


@receiver(reminders_due, dispatch_uid="courses_class_starting")
def class_starting_notices(sender, now, **kwargs) -> int:
    """Every class of a published plan taught live that starts within 10 minutes: its youth, its
    group's coordinators and its teacher are told once (the key holds the start, so a class moved
    to a later time is announced again)."""
    from courses.models import Lesson, Plan, PlanItem
    from notifications.services import notify

    items = PlanItem.objects.filter(
        plan__status=Plan.Status.PUBLISHED,
        lesson__format__in=Lesson.TAUGHT_LIVE,
        starts_at__gt=now,
        starts_at__lte=now + CLASS_REMINDER_BEFORE,
    ).select_related("plan__group", "lesson", "teacher")
    stored = 0
    for item in items:
        key = f"class_starting:{item.pk}:{item.starts_at:%Y%m%dT%H%M}"
        params = {"lesson": _translations(item.lesson, "title")}
        group = item.plan.group
        stored += len(
            notify(_group_youth(group), "class_starting", url=reverse("home"), params=params, key=key)
        )
        stored += len(
            notify(
                group.coordinators.all(),
                "class_starting",
                url=reverse("courses:plan_detail", args=[item.plan_id]),
                params=params,
                key=key,
            )
        )
        if item.teacher is not None:
            teacher_url = reverse("courses:teacher_schedule")
            stored += len(notify([item.teacher], "class_starting", url=teacher_url, params=params, key=key))
    return stored


def _translations(obj, field: str) -> dict:
    """A modeltranslation field in every language it has: the notification shows the reader's."""
    texts = {
        code: getattr(obj, f"{field}_{code.replace('-', '_')}", "") or ""
        for code, _name in settings.LANGUAGES
    }
    return {code: text for code, text in texts.items() if text} or {
        settings.LANGUAGE_CODE: str(getattr(obj, field))
    }
