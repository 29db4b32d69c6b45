"""A room follows its plan item: made when the plan is published, moved with the item, cancelled when
the item is removed or the plan goes back to draft, reopened when it is published again.

One source of truth for the room's time: its own columns (LiveSession.starts_at, duration_minutes,
teacher, group), which access, the lists and attendance read. They are copied from the item when the
room is made, on every save of the item (room_follow_item, from live.signals) and again on every
publish (plan_rooms_ensure), so a move can never leave a room at the old time.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from courses.models import Lesson, Plan, PlanItem
from live import events
from live.models import LiveSession, RaisedHand

# What the room copies from its item (LiveSession.copy_item) and compares when the item is saved.
FOLLOWED = ("group_id", "lesson_id", "teacher_id", "starts_at", "duration_minutes")


@transaction.atomic
def live_session_ensure(*, plan_item: PlanItem) -> LiveSession | None:
    """The live session of a plan item taught live (Lesson.TAUGHT_LIVE), created on first call;
    None for other formats."""
    if plan_item.lesson.format not in Lesson.TAUGHT_LIVE:
        return None
    session = LiveSession.objects.filter(plan_item=plan_item).first()
    if session is None:
        session = LiveSession(plan_item=plan_item)
        session.copy_item(plan_item)
        session.full_clean()
        session.save()
    return session


@transaction.atomic
def plan_rooms_ensure(*, plan: Plan, now=None) -> list[LiveSession]:
    """Every item of the published plan that is taught live has its room, in step with the item; a
    room cancelled while the plan was back in draft opens again (unless it had already ended)."""
    items = list(plan.items.select_related("lesson", "plan").filter(lesson__format__in=Lesson.TAUGHT_LIVE))
    rooms = {room.plan_item_id: room for room in LiveSession.objects.filter(plan_item__in=items)}
    result = []
    for item in items:
        room = rooms.get(item.pk)
        if room is None:
            result.append(live_session_ensure(plan_item=item))
            continue
        _follow(room, item)
        if room.is_cancelled and room.ended_at is None:
            _reopen(room, now=now)
        result.append(room)
    return result


def _follow(room: LiveSession, item: PlanItem) -> bool:
    """Copy the item's time, teacher and lesson into its room; True when something changed."""
    before = [getattr(room, name) for name in FOLLOWED]
    room.copy_item(item)
    changed = before != [getattr(room, name) for name in FOLLOWED]
    if changed:
        room.full_clean()
        room.save(update_fields=["group", "lesson", "title", "teacher", "starts_at", "duration_minutes"])
    return changed


@transaction.atomic
def room_follow_item(*, item: PlanItem, now=None) -> LiveSession | None:
    """The item was saved (moved, another teacher, another length): its room follows. A room that had
    already opened for the old time closes again until the new one comes near."""
    room = LiveSession.objects.select_for_update().filter(plan_item_id=item.pk).first()
    if room is None or not _follow(room, item):
        return room
    now = now or timezone.now()
    opens = room.starts_at - datetime.timedelta(minutes=room.opens_minutes_before)
    if room.state == LiveSession.State.OPEN and now < opens:
        room.state = LiveSession.State.SCHEDULED
        room.save(update_fields=["state"])
        events.broadcast(room.pk, events.room_payload(room))
    return room


def _cancel(room: LiveSession, now=None) -> bool:
    """Cancel a room that is not over (an ended class was held: it stays ended). Everyone in it is told;
    only the teacher and organizers stay, to read it. True when it changed."""
    if room.state in (LiveSession.State.ENDED, LiveSession.State.CANCELLED):
        return False
    room.state = LiveSession.State.CANCELLED
    room.cancelled_at = now or timezone.now()
    room.full_clean()
    room.save(update_fields=["state", "cancelled_at"])
    hands = list(RaisedHand.objects.filter(session=room).select_related("user__participant"))
    RaisedHand.objects.filter(session=room).delete()
    # The cancel first: a youth's socket hears "cancelled" and closes before the state change could
    # send it through a periodic access check (which would only say "removed").
    events.broadcast_cancel(room.pk)
    events.broadcast(room.pk, events.room_payload(room))
    for hand in hands:  # all lowered at once: none left up
        events.broadcast_hand(room.pk, hand.user, False, 0)
    return True


def _reopen(room: LiveSession, now=None) -> None:
    room.state = LiveSession.State.SCHEDULED
    room.cancelled_at = None
    room.full_clean()
    room.save(update_fields=["state", "cancelled_at"])
    events.broadcast(room.pk, events.room_payload(room))


@transaction.atomic
def plan_item_room_close(*, item: PlanItem, now=None) -> LiveSession | None:
    """The item is being removed from its plan: its room is cancelled and lets go of it, keeping its
    copy of the class and everything said and recorded in it."""
    room = LiveSession.objects.select_for_update().filter(plan_item_id=item.pk).first()
    if room is None:
        return None
    item = PlanItem.objects.select_related("plan", "lesson").get(pk=item.pk)
    room.copy_item(item)
    room.plan_item = None
    room.full_clean()
    room.save(update_fields=["plan_item", "group", "lesson", "title", "teacher", "starts_at", "duration_minutes"])
    _cancel(room, now=now)
    return room


@transaction.atomic
def plan_rooms_cancel(*, plan: Plan, now=None) -> list[LiveSession]:
    """The plan went back to draft: its rooms that are not over are cancelled (they keep their items,
    and open again when the plan is published again). Returns the rooms cancelled."""
    rooms = LiveSession.objects.select_for_update().filter(plan_item__plan=plan).order_by("pk")
    return [room for room in rooms if _cancel(room, now=now)]
