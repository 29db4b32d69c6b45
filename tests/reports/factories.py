"""Plain builders of plans, held sessions and attendance spans for the reports tests."""

import datetime

from django.utils import timezone

from camp.models import Enrollment, Phase
from courses.models import Lesson, Plan, PlanItem
from live.models import AttendanceSpan, LiveSession


def finished_phase(camp, group, *, number: int, days_ago: int = 30) -> Phase:
    """A phase that ended yesterday or earlier, with `group` approved in it."""
    today = timezone.localdate()
    starts_on = today - datetime.timedelta(days=days_ago)
    phase = Phase.objects.create(
        camp=camp, number=number, starts_on=starts_on, ends_on=starts_on + datetime.timedelta(days=14),
        enrollment_opens=starts_on - datetime.timedelta(days=40), enrollment_closes=starts_on - datetime.timedelta(days=5),
        capacity=500,
    )
    Enrollment.objects.create(group=group, phase=phase, status=Enrollment.Status.APPROVED,
                              submitted_at=timezone.now(), decided_at=timezone.now())
    return phase


def held_session(group, phase, *, teacher=None, day: int = 1, minutes: int = 45, state=LiveSession.State.ENDED,
                 started_late: int = 0, lesson=None) -> LiveSession:
    """A live session of the group's plan in `phase`, `day` days after the phase began, 12:00 UTC."""
    plan, _created = Plan.objects.get_or_create(group=group, phase=phase, defaults={"status": Plan.Status.PUBLISHED})
    lesson = lesson or Lesson.objects.create(title=f"书法 {day}", duration_minutes=minutes)
    starts_at = datetime.datetime.combine(phase.starts_on + datetime.timedelta(days=day - 1), datetime.time(12, 0),
                                          tzinfo=datetime.UTC)
    item = PlanItem.objects.create(plan=plan, lesson=lesson, starts_at=starts_at, duration_minutes=minutes,
                                   teacher=teacher)
    held = state == LiveSession.State.ENDED
    return LiveSession.objects.create(
        plan_item=item, state=state,
        started_at=starts_at + datetime.timedelta(minutes=started_late) if held else None,
        ended_at=starts_at + datetime.timedelta(minutes=minutes) if held else None,
    )


def span(session, user, start_minute: float, end_minute: float | None) -> AttendanceSpan:
    """A connection from `start_minute` to `end_minute` after the planned start (None: never closed)."""
    base = session.plan_item.starts_at
    return AttendanceSpan.objects.create(
        session=session, user=user, joined_at=base + datetime.timedelta(minutes=start_minute),
        left_at=None if end_minute is None else base + datetime.timedelta(minutes=end_minute),
    )
