"""Creating the live session of a plan item."""

from django.db import transaction

from courses.models import Lesson, PlanItem
from live.models import LiveSession


@transaction.atomic
def live_session_ensure(*, plan_item: PlanItem, video_url: str = "") -> LiveSession | None:
    """The live session of a live-format plan item, created on first call; None for other formats."""
    if plan_item.lesson.format != Lesson.Format.LIVE:
        return None
    session = LiveSession.objects.filter(plan_item=plan_item).first()
    if session is None:
        session = LiveSession(plan_item=plan_item, video_url=video_url)
        session.full_clean()
        session.save()
    return session
