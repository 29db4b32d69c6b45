"""Creating the live session of a plan item."""

from django.db import transaction

from courses.models import Lesson, PlanItem
from live.models import LiveSession


@transaction.atomic
def live_session_ensure(*, plan_item: PlanItem, video_url: str = "") -> LiveSession | None:
    """The live session of a plan item taught live (Lesson.TAUGHT_LIVE), created on first call;
    None for other formats."""
    if plan_item.lesson.format not in Lesson.TAUGHT_LIVE:
        return None
    session = LiveSession.objects.filter(plan_item=plan_item).first()
    if session is None:
        session = LiveSession(plan_item=plan_item, video_url=video_url)
        session.full_clean()
        session.save()
    return session


@transaction.atomic
def plan_rooms_ensure(*, plan) -> list[LiveSession]:
    """Every item of the plan that is taught live has its room (its meeting link is set on the room page)."""
    items = plan.items.select_related("lesson").filter(lesson__format__in=Lesson.TAUGHT_LIVE,
                                                       live_session__isnull=True)
    return [live_session_ensure(plan_item=item) for item in items]
